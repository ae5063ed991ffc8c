"""Meeting days and bookings made directly in the database, for the tests of the day's
coordinator, team, screening and agenda output."""

from __future__ import annotations

import dataclasses
import datetime

from sagsbro.cases.models import Case
from sagsbro.conftest import MEETING, Side, assigned_case
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.agenda import ItemKind
from sagsbro.organisations.models import Citizen


def make_day(
    side: Side,
    date: datetime.date = MEETING,
    *,
    start: datetime.time = datetime.time(9, 0),
    end: datetime.time = datetime.time(12, 0),
    coordinator=None,
    kind: str = MeetingDay.Kind.TEAM,
) -> MeetingDay:
    return MeetingDay.objects.create(
        municipality=side.municipality,
        kind=kind,
        date=date,
        start_time=start,
        end_time=end,
        place="Jobcentret, mødelokale 2",
        coordinator=coordinator,
    )


def citizen(side: Side, cpr: str, name: str, **facts) -> Citizen:
    return Citizen.objects.create(
        cpr=cpr,
        birth_date=datetime.date(1990, 1, 1),
        name=name,
        municipality=side.municipality,
        general_practitioner=side.gp,
        **facts,
    )


def booked_case(side: Side, meeting: MeetingDay, person: Citizen | None = None) -> Case:
    """An assigned team case of ``person`` (default: the side's citizen) on the agenda."""
    owner = dataclasses.replace(side, citizen=person) if person is not None else side
    case = assigned_case(owner, "rehabiliteringsteam", meeting_date=meeting.date)
    # Creating a case with a meeting date books it onto the municipality's meeting that day
    # (meetings.services.booking); put it on this one whatever else meets that date.
    booking = Booking.objects.filter(case=case, state=Booking.State.BOOKED).first()
    position = Booking.objects.filter(meeting=meeting).exclude(case=case).count()
    if booking is None:
        Booking.objects.create(
            meeting=meeting,
            case=case,
            kind=ItemKind.TEAM_CASE,
            position=position,
            minutes=45,
            booked_by=side.caseworker,
        )
    elif booking.meeting_id != meeting.pk:
        booking.meeting = meeting
        booking.position = position
        booking.save(update_fields=["meeting", "position"])
    return Case.objects.get(pk=case.pk)
