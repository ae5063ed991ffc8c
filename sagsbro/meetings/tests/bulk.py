"""A municipality holding many meetings, made fast with bulk inserts: the meeting days (held
before ``today``, planned from it), a case booked onto every slot, the team at each day and
the indstilling of each case treated. For the benchmark (``benchmarks/meetings.py``) and the
test that the meeting pages' SQL does not grow with the number of meetings.

Rows only, no services: the point is the pages' cost with a year of history, not the writes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.meetings.models import Attendee, Booking, Indstilling, MeetingDay
from sagsbro.meetings.rules.agenda import SLOT_MINUTES, ItemKind
from sagsbro.meetings.rules.team import Area
from sagsbro.organisations.models import Citizen, Municipality, User
from sagsbro.workdays.services import configured_calendar

TEAM = [
    ("Jobkonsulent", Area.EMPLOYMENT, True, False),
    ("Sygeplejerske", Area.HEALTH, False, False),
    ("Socialrådgiver", Area.SOCIAL, False, True),
    ("UU-vejleder", Area.EDUCATION, False, False),
]


@dataclass(frozen=True)
class Generated:
    days: list[MeetingDay]
    cases: list[Case]
    bookings: list[Booking]

    def upcoming(self) -> list[MeetingDay]:
        return [d for d in self.days if d.state == MeetingDay.State.PLANNED]


def meeting_dates(today: datetime.date, count: int, weekdays=(0, 1, 3)) -> list[datetime.date]:
    """``count`` working days on the weekdays, half before today and half from today."""
    calendar = configured_calendar()
    before: list[datetime.date] = []
    after: list[datetime.date] = []
    day = today - datetime.timedelta(days=1)
    while len(before) < count // 2:
        if day.weekday() in weekdays and calendar.is_working_day(day):
            before.append(day)
        day -= datetime.timedelta(days=1)
    day = today + datetime.timedelta(days=1)
    while len(after) < count - len(before):
        if day.weekday() in weekdays and calendar.is_working_day(day):
            after.append(day)
        day += datetime.timedelta(days=1)
    return sorted(before) + after


def generate(
    municipality: Municipality,
    *,
    caseworker: User,
    coordinator: User,
    days: int,
    cases_per_day: int,
    today: datetime.date | None = None,
    prefix: str = "BM",
    start_time: datetime.time = datetime.time(9),
    indstillinger: bool = True,
) -> Generated:
    """``days`` meeting days of the municipality with ``cases_per_day`` cases booked on each
    (a case per booking); every day has its coordinator and team."""
    today = today or timezone.localdate()
    dates = meeting_dates(today, days)
    meeting_days = MeetingDay.objects.bulk_create(
        [
            MeetingDay(
                municipality=municipality,
                kind=MeetingDay.Kind.TEAM,
                date=date,
                start_time=start_time,
                end_time=datetime.time(start_time.hour + 4),
                place="Jobcentret, mødelokale 3",
                capacity=max(cases_per_day, 6),
                pre_meeting_minutes=15,
                coordinator=coordinator,
                state=MeetingDay.State.HELD if date < today else MeetingDay.State.PLANNED,
                held_at=(
                    timezone.make_aware(datetime.datetime.combine(date, datetime.time(13)))
                    if date < today
                    else None
                ),
            )
            for date in dates
        ]
    )
    if any(day.pk is None for day in meeting_days):  # backends without RETURNING ids
        meeting_days = list(
            MeetingDay.objects.filter(
                municipality=municipality, date__in=dates, start_time=start_time
            ).order_by("date")
        )
    total = days * cases_per_day
    # CPR numbers unique beside the municipality's citizens already there (at most 10,000).
    offset = Citizen.objects.filter(municipality=municipality).count()
    citizens = Citizen.objects.bulk_create(
        [
            Citizen(
                cpr=f"{1 + i % 28:02d}{1 + i % 12:02d}{70 + i % 25:02d}{(offset + i) % 10000:04d}",
                birth_date=datetime.date(1970 + i % 25, 1 + i % 12, 1 + i % 28),
                name=f"Borger {prefix} {i}",
                municipality=municipality,
                has_children=i % 3 == 0,
            )
            for i in range(total)
        ]
    )
    if any(c.pk is None for c in citizens):
        citizens = list(Citizen.objects.filter(name__startswith=f"Borger {prefix} ").order_by("id"))
    cases = []
    slots = []
    for n, day in enumerate(meeting_days):
        held = day.state == MeetingDay.State.HELD
        received = configured_calendar().add_working_days(day.date, -15)
        for position in range(cases_per_day):
            i = n * cases_per_day + position
            cases.append(
                Case(
                    reference=f"{prefix}-{i:06d}",
                    subtype=Subtype.REHABILITERINGSTEAM,
                    purpose="ressourceforloeb",
                    state=State.CLOSED if held else State.ASSIGNED,
                    municipality=municipality,
                    region_id=municipality.region_id,
                    citizen=citizens[i],
                    caseworker=caseworker,
                    coordinator=coordinator,
                    meeting_date=day.date,
                    received_at=timezone.make_aware(
                        datetime.datetime.combine(received, datetime.time(9))
                    ),
                )
            )
            slots.append((day, position, held))
    cases = Case.objects.bulk_create(cases)
    if any(c.pk is None for c in cases):
        cases = list(Case.objects.filter(reference__startswith=f"{prefix}-").order_by("reference"))
    kind = ItemKind.TEAM_CASE
    bookings = Booking.objects.bulk_create(
        [
            Booking(
                meeting=day,
                case=case,
                kind=kind,
                position=position,
                minutes=SLOT_MINUTES[kind],
                state=Booking.State.HELD if held else Booking.State.BOOKED,
                screening=Booking.Screening.CLARIFIED,
                outcome=Booking.Outcome.INDSTILLING if held else Booking.Outcome.NONE,
                citizen_present=True if held else None,
                booked_by=caseworker,
            )
            for case, (day, position, held) in zip(cases, slots, strict=True)
        ]
    )
    if any(b.pk is None for b in bookings):
        bookings = list(Booking.objects.filter(case__in=cases).order_by("id"))
    Attendee.objects.bulk_create(
        [
            Attendee(
                meeting=day,
                name=name,
                area=area,
                chair=chair,
                minute_taker=minute_taker,
                present=True if day.state == MeetingDay.State.HELD else None,
            )
            for day in meeting_days
            for name, area, chair, minute_taker in TEAM
        ]
    )
    if indstillinger:
        Indstilling.objects.bulk_create(
            [
                Indstilling(
                    booking=booking,
                    case_id=booking.case_id,
                    employment_goal="Job 15 timer om ugen som lagermedarbejder.",
                    main_efforts="Virksomhedspraktik med mentor.",
                    timing="Nu: praktik 8 timer om ugen.",
                    version=1,
                )
                for booking in bookings
                if booking.state == Booking.State.HELD
            ]
        )
    return Generated(meeting_days, cases, bookings)
