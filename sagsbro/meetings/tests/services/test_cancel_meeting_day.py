"""Cancelling a meeting day when the coordinator drops out and no other can come: every
booking is cancelled, each case gets an event, loses its meeting date and has its deadlines
recomputed, and waits on its caseworker's worklist for a new meeting, which the booking page
offers from the next feasible meetings."""

import datetime

import pytest

from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.deadlines import DeadlineKind
from sagsbro.cases.rules.events import EventKind
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.core.worklist import awaiting_sources
from sagsbro.meetings import services
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.agenda import ItemKind
from sagsbro.meetings.tests.day_factory import booked_case, citizen, make_day

TODAY = datetime.date(2027, 2, 1)


def waiting(user):
    """What the meetings app puts in the user's "Afventer dig" (core.worklist): case
    reference -> next step. The worklist page showing them is tested in tests/web."""
    found = {}
    for source in awaiting_sources(user):
        cases = Case.objects.visible_to(user).annotate(**source.annotations())
        for case in cases.filter(source.condition()):
            found[case.reference] = source.next_step(case)
    return found


def meeting_deadlines(case):
    return set(
        Deadline.objects.filter(
            case=case, kind=DeadlineKind.SEND_TO_COORDINATOR, due__isnull=False
        ).values_list("due", flat=True)
    )


def test_cancelling_clears_the_bookings_dates_and_deadlines(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    first = booked_case(side_a, day)
    second = booked_case(side_a, day, citizen(side_a, "0101901234", "Borger To"))
    assert first.meeting_date == day.date
    assert meeting_deadlines(first)

    services.cancel_meeting_day(
        side_a.secretariat, day, "Sundhedskoordinatoren er syg", channel="web"
    )

    day.refresh_from_db()
    assert day.state == MeetingDay.State.CANCELLED
    assert day.cancelled_reason == "Sundhedskoordinatoren er syg"
    assert set(Booking.objects.filter(meeting=day).values_list("state", flat=True)) == {
        Booking.State.CANCELLED
    }
    for case in (first, second):
        case = Case.objects.get(pk=case.pk)
        assert case.meeting_date is None
        # The deadlines counted back from the meeting go with it.
        assert not meeting_deadlines(case)
        event = case.events.get(kind=EventKind.MEETING_CANCELLED)
        assert event.label == "Mødet den 10.03.2027 er aflyst – vælg et nyt møde"
        assert event.data == {"meeting": day.pk, "date": "2027-03-10"}
    # The caseworker sees both on "Afventer dig" with the new step.
    assert waiting(side_a.caseworker) == {
        first.reference: "Mødet den 10.03.2027 er aflyst – vælg et nyt møde",
        second.reference: "Mødet den 10.03.2027 er aflyst – vælg et nyt møde",
    }
    # A team member and other municipalities do not.
    assert waiting(side_a.team_member) == {}


def test_a_case_booked_again_leaves_afventer_dig(side_a):
    day = make_day(side_a)
    case = booked_case(side_a, day)
    services.cancel_meeting_day(side_a.caseworker, day, "Ingen sundhedskoordinator")
    assert case.reference in waiting(side_a.caseworker)
    later = make_day(side_a, datetime.date(2027, 3, 17))
    Booking.objects.create(
        meeting=later, case=case, kind=ItemKind.TEAM_CASE, booked_by=side_a.caseworker
    )
    assert waiting(side_a.caseworker) == {}


def test_the_municipality_may_cancel_but_not_another_or_the_coordinator(side_a, side_b):
    day = make_day(side_a)
    for user in (side_b.secretariat, side_b.caseworker, side_a.coordinator, side_a.gp):
        with pytest.raises(PermissionRefused):
            services.cancel_meeting_day(user, day, "Aflyst")
    with pytest.raises(ServiceError) as refused:
        services.cancel_meeting_day(side_a.team_member, day, "  ")
    assert refused.value.code == "required"
    services.cancel_meeting_day(side_a.team_member, day, "Aflyst")
    with pytest.raises(ServiceError) as again:
        services.cancel_meeting_day(side_a.secretariat, day, "Aflyst")
    assert again.value.code == "meeting_not_planned"
    with pytest.raises(ServiceError):
        services.assign_day_coordinator(side_a.secretariat, day, side_a.coordinator)


def test_a_cancelled_meeting_re_offers_its_cases_the_next_feasible_meetings(side_a):
    from sagsbro.meetings.services.booking import book_case, feasible_meetings

    day = make_day(side_a, coordinator=side_a.coordinator)
    next_week = make_day(side_a, datetime.date(2027, 3, 17))
    week_after = make_day(side_a, datetime.date(2027, 3, 24))
    case = booked_case(side_a, day)
    services.cancel_meeting_day(side_a.secretariat, day, "Ingen sundhedskoordinator")

    offered = feasible_meetings(Case.objects.get(pk=case.pk), today=TODAY)
    assert day not in offered
    # The earliest feasible meeting; a later one only when none is within 14 days of
    # receipt (BEK § 21, stk. 1, the booking rules).
    assert offered == [next_week]
    assert week_after not in offered

    # Booking the first offered meeting ends the wait and sets the date and deadlines again.
    book_case(side_a.caseworker, Case.objects.get(pk=case.pk), offered[0], channel="web")
    case.refresh_from_db()
    assert case.meeting_date == next_week.date
    assert meeting_deadlines(case)
    assert waiting(side_a.caseworker) == {}
