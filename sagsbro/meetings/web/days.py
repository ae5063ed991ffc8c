"""The meeting-day pages: the list of meeting days (next first, with free places), creating a
series or a single day, one day's page with its agenda, and booking a case onto a meeting from
the case's Rehabiliteringsteam tab. Thin: read through meetings.access, write through the
services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import case_subject, record
from sagsbro.cases.models import Case
from sagsbro.cases.services import common
from sagsbro.core.pagination import keyset_page
from sagsbro.core.web import get_visible_or_404, refuse, run_form_action
from sagsbro.meetings import access, services
from sagsbro.meetings.agenda import agenda_rows
from sagsbro.meetings.models import MeetingDay
from sagsbro.meetings.services.booking import (
    active_booking,
    is_contact_case,
    slot_start,
    with_booked_count,
)
from sagsbro.meetings.web.day_forms import BookingForm, DayEditForm, DayForm, SeriesForm
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    # Every view is login_required: the anonymous user never reaches here.
    return cast(User, request.user)


def _visible_day(request: HttpRequest, pk: int) -> MeetingDay:
    # A meeting day holds no citizen data: another organisation's day is a plain 404.
    day = (
        with_booked_count(access.meeting_days_visible_to(_user(request)))
        .select_related("municipality", "coordinator", "series")
        .filter(pk=pk)
        .first()
    )
    if day is None:
        raise Http404("Mødet findes ikke.")
    return day


@never_cache
@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not access.sees_meetings(_user(request)):
        raise PermissionDenied("Du har ikke adgang til møderne.")
    today = common.local_today()
    past = request.GET.get("vis") == "tidligere"
    days = (
        with_booked_count(access.meeting_days_visible_to(_user(request)))
        .annotate(free=Greatest(F("capacity") - F("booked"), Value(0)))
        .select_related("municipality", "coordinator")
    )
    # Keyset pagination: ten years of a region's meeting days are thousands of rows; a page
    # reads its own rows only, and there is no page count.
    if past:
        days = days.filter(date__lt=today)
        keys = ["-date", "-start_time", "-id"]
    else:
        days = days.filter(date__gte=today)
        keys = ["date", "start_time", "id"]
    page = keyset_page(days, keys, request.GET, page_size=PAGE_SIZE)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "past": past,
            "may_plan": access.plannable_municipalities(_user(request)).exists(),
        },
    )


def _planning_municipalities(request: HttpRequest) -> Any:
    municipalities = access.plannable_municipalities(_user(request)).order_by("name")
    if not municipalities.exists():
        raise PermissionDenied("Du kan ikke planlægge mødedage.")
    return municipalities


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    municipalities = _planning_municipalities(request)
    form = SeriesForm(
        request.POST if request.method == "POST" else None, municipalities=municipalities
    )

    def call(data: dict[str, Any]) -> services.meeting_days.SeriesResult:
        municipality = data.pop("municipality")
        return services.create_series(
            _user(request),
            municipality,
            weekday=int(data.pop("weekday")),
            channel="web",
            **data,
        )

    def done(result: services.meeting_days.SeriesResult) -> HttpResponse:
        return render(request, "meetings/series_created.html", {"result": result})

    def again(error: Any) -> HttpResponse:
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "meetings/series_form.html",
            {"form": form, "service_error": error},
            status=status,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def day_create(request: HttpRequest) -> HttpResponse:
    municipalities = _planning_municipalities(request)
    form = DayForm(
        request.POST if request.method == "POST" else None, municipalities=municipalities
    )
    if _user(request).role != Role.SECRETARIAT:
        # The contact times for løbende sager are the region's: its secretariat plans them.
        kind = cast(ChoiceField, form.fields["kind"])
        kind.choices = [c for c in MeetingDay.Kind.choices if c[0] != MeetingDay.Kind.CONTACT]

    def call(data: dict[str, Any]) -> MeetingDay:
        municipality = data.pop("municipality")
        return services.create_meeting_day(_user(request), municipality, channel="web", **data)

    def done(day: MeetingDay) -> HttpResponse:
        messages.success(request, f"Mødet den {day.date:%d.%m.%Y} er oprettet.")
        return redirect("meetings:day", day_pk=day.pk)

    def again(error: Any) -> HttpResponse:
        status = 400 if request.method == "POST" else 200
        return render(
            request, "meetings/day_form.html", {"form": form, "service_error": error}, status=status
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_GET
def meeting_day(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _visible_day(request, day_pk)
    rows = agenda_rows(day, _user(request))
    return render(
        request,
        "meetings/meeting_day.html",
        {
            "day": day,
            "agenda": rows,
            "free": max(day.capacity - int(getattr(day, "booked", 0)), 0),
            "may_plan": access.may_plan(_user(request), day.municipality_id),
            "conflicts": services.day_coordinator_conflicts(day),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def day_edit(request: HttpRequest, day_pk: int) -> HttpResponse:
    day = _visible_day(request, day_pk)
    if not access.may_plan(_user(request), day.municipality_id):
        raise PermissionDenied("Du kan ikke ændre mødet.")
    initial = {
        name: getattr(day, name)
        for name in ("start_time", "end_time", "place", "virtual", "capacity")
    } | {"pre_meeting_minutes": day.pre_meeting_minutes}
    form = DayEditForm(request.POST if request.method == "POST" else None, initial=initial)

    def call(data: dict[str, Any]) -> MeetingDay:
        return services.update_meeting_day(_user(request), day, channel="web", **data)

    def done(changed: MeetingDay) -> HttpResponse:
        messages.success(request, f"Mødet den {changed.date:%d.%m.%Y} er ændret.")
        return redirect("meetings:day", day_pk=changed.pk)

    def again(error: Any) -> HttpResponse:
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "meetings/day_edit.html",
            {"day": day, "form": form, "service_error": error},
            status=status,
        )

    return run_form_action(request, form, call, done, again)


# A year of weekly meetings is ≈50 days: the page shows the earliest ones, not all of them.
SHOWN_SUGGESTED = 8
SHOWN_OTHERS = 12


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def booking_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the case onto a meeting, or move it: the earliest feasible meetings first as
    choices, every other upcoming meeting with the reasons it is refused."""
    case = get_visible_or_404(
        Case.objects.visible_to(_user(request)).select_related("municipality"), pk
    )
    if not access.may_book(_user(request), case):
        raise refuse(case, "Du kan ikke booke denne sag på et møde.")
    record(_user(request), AuditEntry.Action.READ, case_subject(case), detail="mødebooking")
    options = services.booking_options(case)
    current = active_booking(case)
    choices = [
        (
            option.meeting.pk,
            f"{option.meeting.date:%d.%m.%Y} kl. {option.meeting.start_time:%H.%M}",
        )
        for option in options.suggested
    ]
    form = BookingForm(request.POST if request.method == "POST" else None, choices=choices)
    by_id = {option.meeting.pk: option.meeting for option in options.suggested}

    def call(data: dict[str, Any]) -> Any:
        meeting = by_id[data["meeting"]]
        if current is None:
            return services.book_case(_user(request), case, meeting, channel="web")
        return services.move_booking(
            _user(request), case, meeting, reason=data.get("reason", ""), channel="web"
        )

    def done(booking: Any) -> HttpResponse:
        if is_contact_case(case):
            messages.success(
                request,
                f"Telefon-/videotiden er booket {booking.meeting.date:%d.%m.%Y} "
                f"kl. {slot_start(booking):%H.%M}.",
            )
            return redirect(reverse("cases:detail-tab", args=[case.pk, "rehabiliteringsteam"]))
        messages.success(
            request,
            f"Sagen er booket på mødet den {booking.meeting.date:%d.%m.%Y} "
            f"kl. {booking.meeting.start_time:%H.%M}.",
        )
        return redirect(reverse("cases:detail-tab", args=[case.pk, "rehabiliteringsteam"]))

    def again(error: Any) -> HttpResponse:
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "meetings/booking.html",
            {
                "case": case,
                "current": current,
                # A løbende sag books a phone/video slot on a contact day (procedure Løbende sag).
                "contact": is_contact_case(case),
                "options": options,
                # The day's coordinator may have a conflict of interest with this case
                # (BEK § 12, stk. 2): warn before booking, so another coordinator is found.
                "suggested": [
                    (option, services.booking_conflict_warning(option.meeting, case))
                    for option in options.suggested[:SHOWN_SUGGESTED]
                ],
                "others": options.others[:SHOWN_OTHERS],
                "more_others": max(len(options.others) - SHOWN_OTHERS, 0),
                "form": form,
                "service_error": error,
            },
            status=status,
        )

    return run_form_action(request, form, call, done, again)
