"""The meeting day page's coordinator and team parts (meetings/day/_coordinator.html and
_team.html) and their form posts: assigning the day's coordinator, cancelling the day, the
coordinator's screening per case, the attendee list, and the agenda as a PDF. Thin: read
through meetings.access and the services, write through the services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sagsbro.cases.models import Case
from sagsbro.core.errors import ServiceError
from sagsbro.core.web import run_form_action
from sagsbro.meetings import access, services
from sagsbro.meetings.models import Attendee, Booking, MeetingDay
from sagsbro.meetings.services import coordination, screening, team
from sagsbro.meetings.services.agenda_output import agenda_pdf
from sagsbro.meetings.web.coordination_forms import (
    AttendeeFormSet,
    CancelForm,
    CoordinatorForm,
    RolesForm,
    ScreeningForm,
)
from sagsbro.organisations.models import User


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required


def _day(request: HttpRequest, pk: int) -> MeetingDay:
    day = (
        access.meeting_days_visible_to(_user(request))
        .select_related("municipality", "coordinator")
        .filter(pk=pk)
        .first()
    )
    if day is None:
        raise Http404("Mødet findes ikke.")
    return day


def _day_url(day: MeetingDay, anchor: str) -> str:
    return reverse("meetings:day", kwargs={"day_pk": day.pk}) + f"#{anchor}"


# --- what the parts show ----------------------------------------------------------------


def _candidate_choices(candidates: list[coordination.Candidate]) -> list[tuple[int, str]]:
    return [
        (c.user.pk, f"{c.user.get_full_name() or c.user.username} ({c.workload.text})")
        for c in candidates
        if c.assignable
    ]


def _visible_case_ids(user: User, case_ids: list[int]) -> set[int]:
    return set(Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def coordinator_context(
    user: User,
    day: MeetingDay,
    *,
    form: CoordinatorForm | None = None,
    cancel_form: CancelForm | None = None,
    screening_forms: dict[int, ScreeningForm] | None = None,
) -> dict[str, Any]:
    planned = day.state == MeetingDay.State.PLANNED
    may_assign = planned and coordination.may_assign_coordinator(user, day)
    candidates = coordination.coordinator_candidates(day) if may_assign else []
    bookings = list(
        Booking.objects.filter(meeting=day, state=Booking.State.BOOKED)
        .select_related("case", "meeting")
        .order_by("position", "id")
    )
    visible = _visible_case_ids(user, [b.case_id for b in bookings])
    screenable = [
        b for b in bookings if planned and b.case_id in visible and screening.may_screen(user, b)
    ]
    forms = screening_forms or {}
    return {
        "day": day,
        "planned": planned,
        "may_assign": may_assign,
        "candidates": candidates,
        "coordinator_form": form
        or CoordinatorForm(choices=_candidate_choices(candidates), prefix="coordinator"),
        # The secretariat is warned of the day's coordinator's conflicts on the agenda.
        "day_conflicts": sorted(coordination.day_coordinator_conflicts(day).values())
        if may_assign
        else [],
        "may_cancel": planned and coordination.may_cancel(user, day),
        "cancel_form": cancel_form or CancelForm(prefix="cancel"),
        "screenings": [
            (b, forms.get(b.pk) or ScreeningForm(prefix=f"screening-{b.pk}")) for b in screenable
        ],
    }


def _team_rows(day: MeetingDay) -> list[Attendee]:
    return list(day.attendees.order_by("id"))


def team_context(
    user: User,
    day: MeetingDay,
    *,
    formset: Any = None,
    roles_form: RolesForm | None = None,
) -> dict[str, Any]:
    attendees = _team_rows(day)
    citizens = team.citizens_on_agenda(day)
    warnings = team.warnings_for(attendees, citizens)
    booked = list(
        Booking.objects.filter(meeting=day, state=Booking.State.BOOKED).values_list(
            "case_id", "case__reference"
        )
    )
    visible = _visible_case_ids(user, [case_id for case_id, _ in booked])
    references = {reference for case_id, reference in booked if case_id in visible}
    may_set = day.state == MeetingDay.State.PLANNED and team.may_set_team(user, day)
    if formset is None:
        formset = AttendeeFormSet(
            prefix="team", initial=[{"name": a.name, "area": a.area} for a in attendees]
        )
    chair = next((i for i, a in enumerate(attendees) if a.chair), None)
    minute_taker = next((i for i, a in enumerate(attendees) if a.minute_taker), None)
    return {
        "day": day,
        "attendees": attendees,
        # A warning naming a case the reader may not know of is left out for them.
        "team_warnings": [
            w for w in warnings if not w.case_reference or w.case_reference in references
        ],
        "may_set_team": may_set,
        "team_formset": formset,
        "roles_form": roles_form
        or RolesForm(prefix="roles", initial={"chair": chair, "minute_taker": minute_taker}),
    }


def _again(request: HttpRequest, day: MeetingDay, part: str, context: dict[str, Any], error: Any):
    """The part with its errors on a page of its own (status 400), with a way back."""
    return render(
        request,
        "meetings/day/action_page.html",
        {**context, "part": part, "service_error": error, "day": day},
        status=400,
    )


# --- the posts ----------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def assign_coordinator(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _day(request, day_pk)
    if not coordination.may_assign_coordinator(_user(request), day):
        raise PermissionDenied("Kun regionens sekretariat kan tildele mødets sundhedskoordinator.")
    candidates = coordination.coordinator_candidates(day)
    # Every coordinator of the region is a valid choice; the service says why one is refused.
    choices = [(c.user.pk, c.user.get_full_name() or c.user.username) for c in candidates]
    form = CoordinatorForm(request.POST, choices=choices, prefix="coordinator")
    people = {c.user.pk: c.user for c in candidates}

    def call(data: dict[str, Any]) -> MeetingDay:
        return services.assign_day_coordinator(
            _user(request), day, people[data["coordinator"]], channel="web"
        )

    def done(result: MeetingDay) -> HttpResponse:
        messages.success(
            request,
            f"{result.coordinator.get_full_name() if result.coordinator else ''} er "
            "sundhedskoordinator på mødet.".strip(),
        )
        return redirect(_day_url(result, "koordinator"))

    def again(error: ServiceError | None) -> HttpResponse:
        return _again(
            request, day, "coordinator", coordinator_context(_user(request), day, form=form), error
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_POST
def cancel_day(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _day(request, day_pk)
    if not coordination.may_cancel(_user(request), day):
        raise PermissionDenied("Du kan ikke aflyse mødet.")
    form = CancelForm(request.POST, prefix="cancel")

    def call(data: dict[str, Any]) -> MeetingDay:
        return services.cancel_meeting_day(_user(request), day, data["reason"], channel="web")

    def done(result: MeetingDay) -> HttpResponse:
        messages.success(
            request,
            f"Mødet den {result.date:%d.%m.%Y} er aflyst. Sagerne står på sagsbehandlernes "
            "arbejdsliste til et nyt møde.",
        )
        return redirect(_day_url(result, "koordinator"))

    def again(error: ServiceError | None) -> HttpResponse:
        return _again(
            request,
            day,
            "coordinator",
            coordinator_context(_user(request), day, cancel_form=form),
            error,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_POST
def screen(request: HttpRequest, day_pk: int, booking_pk: int) -> HttpResponse:
    day = _day(request, day_pk)
    booking = (
        Booking.objects.filter(meeting=day, pk=booking_pk, state=Booking.State.BOOKED)
        .select_related("case", "meeting")
        .first()
    )
    if booking is None or not _visible_case_ids(_user(request), [booking.case_id]):
        raise Http404("Punktet findes ikke.")
    if not screening.may_screen(_user(request), booking):
        raise PermissionDenied("Kun mødets eller sagens sundhedskoordinator kan screene sagen.")
    form = ScreeningForm(request.POST, prefix=f"screening-{booking.pk}")

    def call(data: dict[str, Any]) -> Booking:
        return services.screen_booking(
            _user(request),
            booking,
            clarified=data["verdict"] == "clarified",
            reason=data.get("reason", ""),
            channel="web",
        )

    def done(result: Booking) -> HttpResponse:
        messages.success(
            request,
            f"Screeningen af {booking.case.reference} er givet: "
            f"{result.get_screening_display().lower()}.",
        )
        return redirect(_day_url(day, "screening"))

    def again(error: ServiceError | None) -> HttpResponse:
        context = coordinator_context(_user(request), day, screening_forms={booking.pk: form})
        return _again(request, day, "coordinator", context, error)

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_POST
def set_team(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _day(request, day_pk)
    if not team.may_set_team(_user(request), day):
        raise PermissionDenied("Du kan ikke sætte holdet til mødet.")
    formset = AttendeeFormSet(request.POST, prefix="team")
    roles = RolesForm(request.POST, prefix="roles")
    old = {a.name: a.user_id for a in _team_rows(day)}

    def render_again(error: ServiceError | None) -> HttpResponse:
        context = team_context(_user(request), day, formset=formset, roles_form=roles)
        return _again(request, day, "team", context, error)

    if not (formset.is_valid() and roles.is_valid()):
        return render_again(None)
    rows = [
        (index, f.cleaned_data)
        for index, f in enumerate(formset.forms)
        if (f.cleaned_data.get("name") or "").strip()
    ]
    attendees = [
        team.AttendeeInput(
            name=data["name"],
            area=data["area"],
            # A person kept on the list keeps the account they were linked to.
            user_id=old.get(data["name"].strip()),
            chair=roles.cleaned_data.get("chair") == index,
            minute_taker=roles.cleaned_data.get("minute_taker") == index,
        )
        for index, data in rows
    ]
    try:
        services.set_attendees(_user(request), day, attendees, channel="web")
    except ServiceError as exc:
        return render_again(exc)
    warnings = services.team_warnings(day)
    messages.success(
        request,
        "Holdet er gemt."
        + (f" Se {len(warnings)} opmærksomhedspunkt(er) om sammensætningen." if warnings else ""),
    )
    return redirect(_day_url(day, "hold"))


@never_cache
@login_required
@require_GET
def agenda_pdf_download(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _day(request, day_pk)
    result = agenda_pdf(_user(request), day, channel="web")
    response = HttpResponse(result.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
