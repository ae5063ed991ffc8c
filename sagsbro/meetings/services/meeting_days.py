"""Planning the rehabiliteringsteam's meeting days: a recurring series, or a single day (a team
meeting or a preparation consultation of ½-1 hour).

The meeting days are agreed between the municipality and the region (BEK § 16, stk. 2), so
both sides plan them: the region's secretariat for any municipality of its region, and the
municipality's administrator and caseworkers for their own municipality (meetings.access).
A day is never on a weekend or a closed day; a series skips those and lists them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.rules.meetings import meeting_day_problem
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import access
from sagsbro.meetings.models import MeetingDay, MeetingSeries
from sagsbro.meetings.rules import booking as rules
from sagsbro.organisations.models import Municipality, User
from sagsbro.organisations.roles import Role
from sagsbro.workdays.services import configured_calendar

DAY_FIELDS = (
    "kind",
    "date",
    "start_time",
    "end_time",
    "place",
    "virtual",
    "capacity",
    "pre_meeting_minutes",
)


@dataclass(frozen=True)
class SeriesResult:
    series: MeetingSeries
    days: list[MeetingDay]
    skipped: list[rules.SkippedDay]


def _require_planner(user: User, municipality: Municipality) -> None:
    if not access.may_plan(user, municipality.pk):
        raise PermissionRefused(
            "role_not_allowed",
            "Du kan ikke planlægge mødedage for denne kommune.",
        )


def _require_contact_planner(user: User, day: MeetingDay) -> None:
    # The contact times are the region's coordinators' own: its secretariat plans them.
    if day.kind == MeetingDay.Kind.CONTACT and user.role != Role.SECRETARIAT:
        raise PermissionRefused(
            "role_not_allowed",
            "Telefon- og videotider for løbende sager planlægges af regionens sekretariat.",
        )


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        first = next(iter(problems.values()))
        raise ServiceError(
            "invalid", first, fields={field: [message] for field, message in problems.items()}
        )


def meeting_day_subject(day: MeetingDay) -> Subject:
    """What an audit entry about a meeting day names (the day; its cases are named apart)."""
    return Subject("meeting_day", day.pk)


def lock_day(day: MeetingDay) -> MeetingDay:
    """The day again, its row locked for the rest of the transaction: the one lock on its
    capacity, coordinator, team and state (its municipality's row is not locked)."""
    return (
        MeetingDay.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=day.pk)
    )


def require_planned(day: MeetingDay, consequence: str) -> None:
    """Refuse changing a day that is held or cancelled; `consequence` ends the sentence."""
    if day.state != MeetingDay.State.PLANNED:
        raise ServiceError(
            "meeting_not_planned", f"Mødet er {day.get_state_display().lower()}; {consequence}"
        )


@transaction.atomic
def create_series(
    user: User,
    municipality: Municipality,
    *,
    weekday: int,
    first_date: datetime.date,
    last_date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    every_weeks: int = 1,
    place: str = "",
    virtual: bool = False,
    capacity: int = 6,
    pre_meeting_minutes: int = 0,
    exceptions: Iterable[datetime.date] = (),
    channel: str = "api",
) -> SeriesResult:
    """A weekly (or every n-th week) series and its meeting days; closed days, weekends and
    the exceptions are skipped and returned with the reason."""
    _require_planner(user, municipality)
    _refuse(
        rules.series_problems(
            weekday=weekday,
            every_weeks=every_weeks,
            first_date=first_date,
            last_date=last_date,
            start_time=start_time,
            end_time=end_time,
        )
    )
    if not place.strip() and not virtual:
        _refuse({"place": "Angiv mødestedet, eller markér mødet som virtuelt."})
    _refuse(_capacity_problem(capacity))
    plan = rules.series_dates(
        weekday=weekday,
        every_weeks=every_weeks,
        first_date=first_date,
        last_date=last_date,
        calendar=configured_calendar(),
        exceptions=exceptions,
    )
    series = MeetingSeries.objects.create(
        municipality=municipality,
        weekday=weekday,
        every_weeks=every_weeks,
        first_date=first_date,
        last_date=last_date,
        start_time=start_time,
        end_time=end_time,
        place=place.strip(),
        virtual=virtual,
        capacity=capacity,
        created_by=user,
    )
    taken = set(
        MeetingDay.objects.filter(
            municipality=municipality,
            kind=MeetingDay.Kind.TEAM,
            date__in=plan.dates,
            start_time=start_time,
        ).values_list("date", flat=True)
    )
    skipped = list(plan.skipped) + [
        rules.SkippedDay(day, "Der er allerede et møde på dette tidspunkt") for day in taken
    ]
    days = MeetingDay.objects.bulk_create(
        [
            MeetingDay(
                municipality=municipality,
                series=series,
                kind=MeetingDay.Kind.TEAM,
                date=day,
                start_time=start_time,
                end_time=end_time,
                place=series.place,
                virtual=virtual,
                capacity=capacity,
                pre_meeting_minutes=pre_meeting_minutes,
            )
            for day in plan.dates
            if day not in taken
        ]
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("meeting_series", series.pk),
        detail=f"{len(days)} mødedage",
        channel=channel,
    )
    return SeriesResult(series, days, sorted(skipped, key=lambda s: s.date))


def _capacity_problem(capacity: int) -> dict[str, str]:
    if not 1 <= capacity <= 20:
        return {"capacity": "Kapaciteten skal være mellem 1 og 20 sager pr. mødedag."}
    return {}


def _day_problems(day: MeetingDay) -> dict[str, str]:
    problems: dict[str, str] = {}
    problem = meeting_day_problem(day.date, configured_calendar())
    if problem:
        problems["date"] = problem
    if day.end_time <= day.start_time:
        problems["end_time"] = "Sluttiden skal ligge efter starttiden."
    elif day.kind == MeetingDay.Kind.PREPARATION:
        length = rules.preparation_length_problem(day.start_time, day.end_time)
        if length:
            problems["end_time"] = length
    elif day.kind == MeetingDay.Kind.CONTACT:
        count = rules.contact_slot_count(day.start_time, day.end_time, day.pre_meeting_minutes)
        if count < 1:
            problems["end_time"] = "Tiden skal rumme mindst én samtale på 30 minutter."
        elif day.capacity > count:
            talks, cases = ("samtale", "sag") if count == 1 else ("samtaler", "sager")
            problems["capacity"] = (
                f"Tiden rummer {count} {talks} på 30 minutter; angiv højst {count} {cases}."
            )
    if not day.place.strip() and not day.virtual:
        problems["place"] = "Angiv mødestedet, eller markér mødet som virtuelt."
    problems.update(_capacity_problem(day.capacity))
    return problems


def _save_day(day: MeetingDay) -> None:
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:
        message = "Kommunen har allerede et møde af denne type på den dato og det tidspunkt."
        raise ServiceError("duplicate", message, fields={"start_time": [message]}) from None


@transaction.atomic
def create_meeting_day(
    user: User, municipality: Municipality, *, channel: str = "api", **fields: Any
) -> MeetingDay:
    """One meeting day outside a series: a team meeting, a preparation consultation, or
    the region's phone/video times for løbende sager (its secretariat only)."""
    _require_planner(user, municipality)
    unknown = set(fields) - set(DAY_FIELDS)
    if unknown:
        raise ServiceError("unknown_field", "Ukendt felt på en mødedag.")
    day = MeetingDay(municipality=municipality, **fields)
    _require_contact_planner(user, day)
    _refuse(_day_problems(day))
    _save_day(day)
    record(
        user, AuditEntry.Action.CREATE, meeting_day_subject(day), detail=day.kind, channel=channel
    )
    return day


@transaction.atomic
def update_meeting_day(
    user: User, day: MeetingDay, *, channel: str = "api", **fields: Any
) -> MeetingDay:
    """Change a planned day's time, place or capacity. Its date is moved by moving its
    cases (move_booking), not here: the deadlines of every booked case hang on it."""
    day = lock_day(day)
    _require_planner(user, day.municipality)
    _require_contact_planner(user, day)
    if day.state != MeetingDay.State.PLANNED:
        raise ServiceError("invalid_state", "Kun et planlagt møde kan ændres.")
    allowed = set(DAY_FIELDS) - {"date", "kind"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(
            "unknown_field",
            "Mødets dato og type ændres ikke; flyt sagerne til et andet møde i stedet.",
        )
    for name, value in fields.items():
        setattr(day, name, value)
    booked = day.bookings.filter(state="booked").count()
    if day.capacity < booked:
        message = f"Der er allerede booket {booked} sager; kapaciteten kan ikke være mindre."
        raise ServiceError("invalid", message, fields={"capacity": [message]})
    _refuse(_day_problems(day))
    _save_day(day)
    record(
        user,
        AuditEntry.Action.UPDATE,
        meeting_day_subject(day),
        detail=",".join(sorted(fields)),
        channel=channel,
    )
    return day
