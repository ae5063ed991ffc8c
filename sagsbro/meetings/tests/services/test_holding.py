"""Holding a meeting day: on or after its date only, attendance and the outcome per case, each
treated case through the hold_meeting transition, nothing written when anything is refused."""

import datetime

import pytest

from sagsbro.cases.models import Case, CaseEvent
from sagsbro.conftest import MEETING
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.models import Attendee, Booking, MeetingDay
from sagsbro.meetings.services import BookingResult, hold_meeting_day
from sagsbro.meetings.tests.held_day import attendees, book, meeting_day, today_is

INDSTILLING = Booking.Outcome.INDSTILLING
POSTPONED = Booking.Outcome.POSTPONED


@pytest.fixture
def day(side_a):
    meeting = meeting_day(side_a)
    first, second = book(side_a, meeting), book(side_a, meeting, position=1)
    team = attendees(side_a, meeting)
    return meeting, first, second, team


def test_holding_records_attendance_outcomes_and_moves_treated_cases(side_a, day):
    meeting, first, second, (chair, health) = day
    with today_is(MEETING):
        held = hold_meeting_day(
            side_a.team_member,
            meeting,
            attendance={chair.pk: True},
            bookings={
                first.pk: BookingResult(INDSTILLING, citizen_present=True),
                second.pk: BookingResult(POSTPONED, citizen_present=False),
            },
        )
    assert held.state == MeetingDay.State.HELD and held.held_at is not None
    assert Attendee.objects.get(pk=chair.pk).present is True
    assert Attendee.objects.get(pk=health.pk).present is False
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.outcome, first.citizen_present) == ("held", "indstilling", True)
    assert (second.state, second.outcome, second.citizen_present) == (
        "cancelled",
        "postponed",
        False,
    )
    assert Case.objects.get(pk=first.case_id).state == "meeting_held"
    # The postponed case was not treated: its state stays, it can be booked again.
    assert Case.objects.get(pk=second.case_id).state == "assigned"
    assert CaseEvent.objects.filter(case_id=first.case_id, kind="hold_meeting").count() == 1
    assert not CaseEvent.objects.filter(case_id=second.case_id, kind="hold_meeting").exists()
    outcome = CaseEvent.objects.get(case_id=second.case_id, kind="meeting_outcome")
    assert outcome.data["outcome"] == "postponed"


def test_a_meeting_cannot_be_held_before_its_date(side_a, day):
    meeting, first, second, _ = day
    with today_is(MEETING - datetime.timedelta(days=1)), pytest.raises(ServiceError) as exc:
        hold_meeting_day(
            side_a.caseworker,
            meeting,
            attendance={},
            bookings={first.pk: BookingResult(INDSTILLING), second.pk: BookingResult(INDSTILLING)},
        )
    assert exc.value.code == "meeting_not_reached"
    assert "10.03.2027" in exc.value.message
    assert MeetingDay.objects.get(pk=meeting.pk).state == "planned"


def test_the_day_after_is_fine(side_a, day):
    meeting, first, second, _ = day
    with today_is(MEETING + datetime.timedelta(days=1)):
        hold_meeting_day(
            side_a.caseworker,
            meeting,
            attendance={},
            bookings={first.pk: BookingResult(INDSTILLING), second.pk: BookingResult(POSTPONED)},
        )
    assert MeetingDay.objects.get(pk=meeting.pk).state == "held"


def test_every_case_needs_an_outcome(side_a, day):
    meeting, first, second, _ = day
    with today_is(MEETING), pytest.raises(ServiceError) as exc:
        hold_meeting_day(
            side_a.caseworker,
            meeting,
            attendance={},
            bookings={first.pk: BookingResult(INDSTILLING)},
        )
    assert exc.value.code == "outcome_missing"
    assert second.case.reference in exc.value.message


def test_one_refused_case_leaves_the_whole_day_unwritten(side_a, day):
    meeting, first, second, (chair, _) = day
    # The second case has not been given to a coordinator: hold_meeting refuses it.
    Case.objects.filter(pk=second.case_id).update(coordinator=None)
    with today_is(MEETING), pytest.raises(ServiceError) as exc:
        hold_meeting_day(
            side_a.caseworker,
            meeting,
            attendance={chair.pk: True},
            bookings={first.pk: BookingResult(INDSTILLING), second.pk: BookingResult(INDSTILLING)},
        )
    assert exc.value.message.startswith(f"Sag {second.case.reference}: ")
    assert Case.objects.get(pk=first.case_id).state == "assigned"
    assert Booking.objects.get(pk=first.pk).state == "booked"
    assert Attendee.objects.get(pk=chair.pk).present is None
    assert MeetingDay.objects.get(pk=meeting.pk).state == "planned"


def test_no_meeting_without_the_coordinator(side_a):
    meeting = meeting_day(side_a, coordinator=False)
    booking = book(side_a, meeting)
    with today_is(MEETING), pytest.raises(ServiceError) as exc:
        hold_meeting_day(
            side_a.caseworker,
            meeting,
            attendance={},
            bookings={booking.pk: BookingResult(INDSTILLING)},
        )
    assert exc.value.code == "coordinator_missing"


def test_held_or_cancelled_days_are_refused(side_a, day):
    meeting, first, second, _ = day
    results = {first.pk: BookingResult(INDSTILLING), second.pk: BookingResult(POSTPONED)}
    with today_is(MEETING):
        hold_meeting_day(side_a.caseworker, meeting, attendance={}, bookings=results)
        with pytest.raises(ServiceError) as again:
            hold_meeting_day(side_a.caseworker, meeting, attendance={}, bookings={})
    assert again.value.code == "already_held"
    other = meeting_day(side_a, date=MEETING + datetime.timedelta(days=7))
    MeetingDay.objects.filter(pk=other.pk).update(state="cancelled")
    with today_is(other.date), pytest.raises(ServiceError) as cancelled:
        hold_meeting_day(side_a.caseworker, other, attendance={}, bookings={})
    assert cancelled.value.code == "cancelled"


def test_region_users_may_not_hold_and_others_do_not_see_the_day(side_a, side_b, day):
    meeting, first, second, _ = day
    results = {first.pk: BookingResult(INDSTILLING), second.pk: BookingResult(INDSTILLING)}
    with today_is(MEETING):
        with pytest.raises(PermissionRefused):
            hold_meeting_day(side_a.coordinator, meeting, attendance={}, bookings=results)
        with pytest.raises(ServiceError) as hidden:
            hold_meeting_day(side_b.caseworker, meeting, attendance={}, bookings=results)
    assert hidden.value.status == 404


def test_unknown_attendee_or_booking_is_refused(side_a, side_b, day):
    meeting, first, second, _ = day
    foreign = attendees(side_b, meeting_day(side_b))[0]
    results = {first.pk: BookingResult(INDSTILLING), second.pk: BookingResult(INDSTILLING)}
    with today_is(MEETING):
        with pytest.raises(ServiceError) as exc:
            hold_meeting_day(
                side_a.caseworker, meeting, attendance={foreign.pk: True}, bookings=results
            )
        assert exc.value.code == "unknown_attendee"
        with pytest.raises(ServiceError) as bad:
            hold_meeting_day(
                side_a.caseworker,
                meeting,
                attendance={},
                bookings={**results, first.pk: BookingResult("vundet")},
            )
        assert bad.value.code == "invalid_outcome"
