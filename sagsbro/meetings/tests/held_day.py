"""Building a meeting day with cases on its agenda for the holding, indstilling and
after-the-meeting tests (rows made directly, as the booking service would)."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.conftest import MEETING, assigned_case
from sagsbro.meetings.models import Attendee, Booking, MeetingDay


def meeting_day(side, *, date=MEETING, coordinator=True, kind=MeetingDay.Kind.TEAM):
    return MeetingDay.objects.create(
        municipality=side.municipality,
        kind=kind,
        date=date,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        place="Rådhuset, mødelokale 2",
        capacity=6,
        coordinator=side.coordinator if coordinator else None,
    )


def book(side, meeting, case=None, position=0):
    case = case or assigned_case(side, Subtype.REHABILITERINGSTEAM)
    Case.objects.filter(pk=case.pk).update(meeting_date=meeting.date)
    # Sending a case with the meeting's date may already have put it on the agenda.
    existing = Booking.objects.filter(case=case, state=Booking.State.BOOKED).first()
    if existing is not None:
        Booking.objects.filter(pk=existing.pk).update(meeting=meeting, position=position)
        return Booking.objects.get(pk=existing.pk)
    return Booking.objects.create(
        meeting=meeting,
        case=case,
        kind="team_case",
        position=position,
        minutes=45,
        booked_by=side.caseworker,
    )


def attendees(side, meeting):
    return [
        Attendee.objects.create(
            meeting=meeting,
            user=side.team_member,
            name="Team Medlem",
            area="employment",
            chair=True,
        ),
        Attendee.objects.create(meeting=meeting, name="Sundhedsområdet", area="health"),
    ]


@contextlib.contextmanager
def today_is(day: datetime.date):
    with mock.patch.object(common, "local_today", return_value=day):
        yield day


def held(side, meeting, bookings, outcome="indstilling"):
    """Hold the day with every booking treated (the outcome given)."""
    from sagsbro.meetings.services import BookingResult, hold_meeting_day

    with today_is(meeting.date):
        hold_meeting_day(
            side.caseworker,
            meeting,
            attendance={},
            bookings={b.pk: BookingResult(outcome, citizen_present=True) for b in bookings},
        )
    for booking in bookings:
        booking.refresh_from_db()
    meeting.refresh_from_db()
    return meeting


def run_worker():
    from django.core.management import call_command

    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )
