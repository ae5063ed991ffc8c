"""The pages of holding a meeting day: the holding form (attendance, the citizen's presence and
the outcome per case), writing the structured indstilling per case (saved through HTMX), the
follow-ups agreed, and the projector view the citizen reads while the indstilling is written
(it polls a small fragment that answers 204 while the version is unchanged)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import record
from sagsbro.cases.models import Case
from sagsbro.cases.rules.meetings import meeting_held_too_early
from sagsbro.cases.services import common
from sagsbro.core.errors import ServiceError
from sagsbro.core.web import is_htmx_fragment_request
from sagsbro.meetings.models import Attendee, Booking, FollowUp, Indstilling, MeetingDay
from sagsbro.meetings.pdf.letters import field_label, sections
from sagsbro.meetings.rules.indstilling import TEAM_FIELDS
from sagsbro.meetings.services import after_meeting, holding, indstilling, meeting_follow_ups
from sagsbro.meetings.services.holding import BookingResult
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import record_sent
from sagsbro.organisations.models import User


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required


CITIZEN_PRESENT = {"ja": True, "nej": False, "": None}


def _day(request: HttpRequest, day_pk: int) -> MeetingDay:
    try:
        return holding.visible_meeting(_user(request), MeetingDay(pk=day_pk))
    except ServiceError as exc:
        raise Http404("Mødet findes ikke.") from exc


def _booking(request: HttpRequest, day_pk: int, booking_pk: int) -> Booking:
    found = (
        Booking.objects.filter(pk=booking_pk, meeting_id=day_pk).select_related("meeting").first()
    )
    if found is None:
        raise Http404("Punktet findes ikke.")
    try:
        return indstilling.visible_booking(_user(request), found)
    except ServiceError as exc:
        raise Http404("Punktet findes ikke.") from exc


def holding_context(day: MeetingDay, user: User) -> dict[str, Any]:
    """What the meeting day page's holding part shows (see meetings/day/_holding.html)."""
    rows = Booking.objects.filter(meeting=day).exclude(state=Booking.State.MOVED)
    if day.coordinator_id != user.pk:
        # Only the cases the user may know of; the day's coordinator sits at every one.
        rows = rows.filter(case__in=Case.objects.visible_to(user))
    bookings = list(
        rows
        # The meeting too: writing_refusal reads it for each row (no query per booking).
        .select_related("meeting", "case", "case__citizen").order_by("position", "id")
    )
    written = {i.booking_id: i for i in Indstilling.objects.filter(booking__in=bookings)}
    return {
        # Offered only from the meeting's date: an act is recorded when it happened (BEK § 8).
        "may_hold": day.state == MeetingDay.State.PLANNED
        and not meeting_held_too_early(day.date, common.local_today())
        and holding.may_hold(user, day),
        "too_early": day.state == MeetingDay.State.PLANNED
        and meeting_held_too_early(day.date, common.local_today()),
        "held": day.state == MeetingDay.State.HELD,
        "attendees": list(Attendee.objects.filter(meeting=day)),
        "rows": [
            {
                "booking": b,
                "indstilling": written.get(b.pk),
                "active": b.state == Booking.State.BOOKED,
                "writable": indstilling.writing_refusal(b, common.local_today()) is None,
            }
            for b in bookings
            if b.state in (Booking.State.BOOKED, Booking.State.HELD) or b.outcome
        ],
        "outcomes": [(str(o.value), o.label) for o in Booking.Outcome if o != Booking.Outcome.NONE],
    }


@never_cache
@login_required
@require_POST
def hold_day(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _day(request, day_pk)
    attendance = {
        a.pk: request.POST.get(f"present-{a.pk}") == "on"
        for a in Attendee.objects.filter(meeting=day)
    }
    results = {}
    for booking in Booking.objects.filter(meeting=day, state=Booking.State.BOOKED):
        outcome = request.POST.get(f"outcome-{booking.pk}", "")
        if outcome:
            results[booking.pk] = BookingResult(
                outcome, CITIZEN_PRESENT.get(request.POST.get(f"citizen-{booking.pk}", ""))
            )
    try:
        holding.hold_meeting_day(
            _user(request), day, attendance=attendance, bookings=results, channel="web"
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, "Mødet er registreret som holdt.")
    return redirect(reverse("meetings:day", args=[day.pk]) + "#afholdelse")


def _indstilling_context(request: HttpRequest, booking: Booking, **extra: Any) -> dict[str, Any]:
    current = indstilling.indstilling_of(booking)
    meeting = booking.meeting
    user = _user(request)
    return {
        "day": meeting,
        "booking": booking,
        "case": booking.case,
        "indstilling": current,
        "hint": indstilling.goal_hint(current),
        "fields": [(name, field_label(name), getattr(current, name)) for name in TEAM_FIELDS],
        "writable": indstilling.writing_refusal(booking, common.local_today()) is None
        and current.finalised_at is None,
        "may_write": holding.is_municipality_staff(user, meeting),
        "is_coordinator": meeting.coordinator_id == user.pk,
        "follow_ups": list(
            FollowUp.objects.filter(booking=booking).select_related("owner").order_by("due")
        ),
        "owners": meeting_follow_ups.possible_owners(booking),
        "may_agree": meeting_follow_ups.may_agree_follow_ups(user, meeting),
        "may_finalise": holding.is_municipality_staff(user, meeting)
        and meeting.state == MeetingDay.State.HELD
        and current.pk is not None
        and current.finalised_at is None,
        "may_send_conclusion": holding.is_municipality_staff(user, meeting)
        and current.document_id is not None,
        "outgoing": list(
            OutgoingMessage.objects.filter(case=booking.case).order_by("id")
            if current.document_id is not None
            else []
        ),
        **extra,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def indstilling_page(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    """Write the indstilling for one case. Saved with HTMX (the form part is swapped with the
    saved version and the hint) or by a plain POST (redirect back)."""
    booking = _booking(request, day_pk, booking_pk)
    error = None
    if request.method == "POST":
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = None
        try:
            if request.POST.get("part") == "advice":
                indstilling.save_coordinator_advice(
                    _user(request),
                    booking,
                    request.POST.get("coordinator_advice", ""),
                    expected_version=expected,
                    channel="web",
                )
            else:
                indstilling.save_indstilling(
                    _user(request),
                    booking,
                    {name: request.POST.get(name, "") for name in TEAM_FIELDS},
                    expected_version=expected,
                    channel="web",
                )
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            error = exc.message
        if not is_htmx_fragment_request(request) and error is None:
            messages.success(request, "Indstillingen er gemt.")
            return redirect("meetings:indstilling", day_pk, booking.pk)
    else:
        current = Indstilling.objects.filter(booking=booking).first()
        if current is not None:
            record(_user(request), AuditEntry.Action.READ, indstilling.indstilling_subject(current))
    context = _indstilling_context(request, booking, error=error, saved=request.method == "POST")
    if is_htmx_fragment_request(request):
        return render(request, "meetings/holding/_indstilling_form.html", context)
    return render(request, "meetings/holding/indstilling.html", context)


@never_cache
@login_required
@require_POST
def finalise(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    booking = _booking(request, day_pk, booking_pk)
    try:
        indstilling.finalise_indstilling(_user(request), booking, channel="web")
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Indstillingen er afsluttet. PDF'en dannes og lægges på sagen om lidt."
        )
    return redirect("meetings:indstilling", day_pk, booking.pk)


@never_cache
@login_required
@require_POST
def send_conclusion(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    booking = _booking(request, day_pk, booking_pk)
    try:
        after_meeting.send_conclusion_letter(_user(request), booking.case, channel="web")
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Konklusionen til borgeren og kopien til egen læge er lagt til afsendelse. "
            "Fristen er overholdt, når brevene er sendt.",
        )
    return redirect("meetings:indstilling", day_pk, booking.pk)


@never_cache
@login_required
@require_POST
def record_letter_sent(
    request: HttpRequest, day_pk: int, booking_pk: int, message_pk: int
) -> HttpResponse:
    """The municipality records that it sent the letter itself (printed and posted, say):
    only this meets the deadline after the meeting, until the delivery is automatic."""
    booking = _booking(request, day_pk, booking_pk)
    message = OutgoingMessage.objects.filter(pk=message_pk, case=booking.case).first()
    if message is None:
        raise Http404("Brevet findes ikke.")
    if not holding.is_municipality_staff(_user(request), booking.meeting):
        raise PermissionDenied("Kun kommunen kan registrere, at brevet er sendt.")
    if message.state == OutgoingMessage.State.SENT:
        messages.info(request, "Brevet er allerede registreret som sendt.")
    else:
        record_sent(message.pk, reference=request.POST.get("reference", ""), channel="web")
        messages.success(request, "Brevet er registreret som sendt.")
    return redirect(reverse("meetings:indstilling", args=[day_pk, booking.pk]) + "#breve")


@never_cache
@login_required
@require_POST
def add_follow_up(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    booking = _booking(request, day_pk, booking_pk)
    owners = {str(u.pk): u for u in meeting_follow_ups.possible_owners(booking)}
    try:
        due = datetime.date.fromisoformat(request.POST.get("due", ""))
    except ValueError:
        due = None
    try:
        meeting_follow_ups.add_follow_up(
            _user(request),
            booking,
            owner=owners.get(request.POST.get("owner", "")),
            text=request.POST.get("text", ""),
            due=due,
            channel="web",
        )
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, "Aftalen er gemt og står på den ansvarliges arbejdsliste.")
    return redirect(reverse("meetings:indstilling", args=[day_pk, booking.pk]) + "#aftaler")


@never_cache
@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = FollowUp.objects.filter(pk=pk).select_related("booking__meeting").first()
    if follow_up is None:
        raise Http404("Aftalen findes ikke.")
    try:
        meeting_follow_ups.mark_follow_up_done(_user(request), follow_up, channel="web")
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        raise PermissionDenied(exc.message) from exc
    messages.success(request, "Aftalen er markeret som gjort.")
    return redirect("cases:worklist")


# --- the projector view ---------------------------------------------------------------------


def _projector_context(booking: Booking) -> dict[str, Any]:
    current = indstilling.indstilling_of(booking)
    return {
        "day": booking.meeting,
        "booking": booking,
        "version": current.version,
        # Only the indstilling's text: no CPR number, no other citizen, no case details.
        "sections": sections(current),
    }


@never_cache
@login_required
@require_GET
def projector(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    booking = _booking(request, day_pk, booking_pk)
    current = Indstilling.objects.filter(booking=booking).first()
    if current is not None:
        record(
            _user(request),
            AuditEntry.Action.READ,
            indstilling.indstilling_subject(current),
            detail="projektor",
        )
    return render(request, "meetings/holding/projector.html", _projector_context(booking))


@never_cache
@login_required
@require_GET
def projector_content(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    """The projector's text; 204 (nothing to swap) while the page already has this version."""
    booking = _booking(request, day_pk, booking_pk)
    version = (
        Indstilling.objects.filter(booking=booking).values_list("version", flat=True).first() or 0
    )
    if request.GET.get("version") == str(version):
        return HttpResponse(status=204)
    current = Indstilling.objects.filter(booking=booking).first()
    if current is not None:
        record(
            _user(request),
            AuditEntry.Action.READ,
            indstilling.indstilling_subject(current),
            detail="projektor",
        )
    return render(request, "meetings/holding/_projector_content.html", _projector_context(booking))
