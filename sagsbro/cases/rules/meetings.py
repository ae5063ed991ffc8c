"""When meetings and consultations can be, and when they can be recorded as held.

Sources:

* BEK § 16, stk. 2: the collaboration agreement fixes the team's meeting times and days; the
  regional procedures (Rehabiliteringsteam, Ret til sundhedskoordinator, Genforelæggelse)
  count the coordinator's deadlines in hverdage before the meeting. A meeting on a Saturday,
  a Sunday or a closed day (public holiday, Grundlovsdag, 24 and 31 December) is not a
  meeting day: the deadlines before it would run from a day nobody works.
* BEK § 8: the team's indstilling follows the meeting; a meeting is recorded as held on or
  after its date, never before.
* BEK § 13, stk. 2 and § 23: the certificate rests on a consultation and its deadline runs
  from the consultation; a consultation is recorded on or after its appointment, not before
  the region received the case (BEK § 23: the deadline runs from the receipt, so there was no
  case to consult on before it) and not in the future.
* Procedures 001/002 ("10 hverdage før mødet", "5 hverdage før mødet"): a team case that
  reaches the region later than the deadline before its meeting is late by the working days
  between the deadline and the day it is sent.

This module has no Django dependency.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sagsbro.workdays.rules import WorkingDayCalendar

__all__ = [
    "LateForMeeting",
    "consultation_date_problem",
    "days_late_for_meeting",
    "meeting_day_problem",
    "meeting_held_too_early",
]

_WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
# Holiday names that keep their capital letter inside a sentence.
_PROPER_NAMES = ("Kristi",)


def _in_sentence(name: str) -> str:
    if not name or name.startswith(_PROPER_NAMES):
        return name
    return name[0].lower() + name[1:]


def meeting_day_problem(day: datetime.date, calendar: WorkingDayCalendar) -> str | None:
    """Why ``day`` cannot be a meeting day, in Danish, or None when it is a working day
    (BEK § 16, stk. 2; the procedures count hverdage before the meeting)."""
    if calendar.is_working_day(day):
        return None
    shown = f"{day:%d.%m.%Y}"
    closed = [c.name for c in calendar.closed_days(day.year) if c.date == day]
    if closed:
        reason = " og ".join(_in_sentence(name) for name in closed)
    else:
        reason = f"en {_WEEKDAY_NAMES[day.weekday()]}"
    return f"Mødedatoen {shown} er {reason}, som ikke er en arbejdsdag."


def meeting_held_too_early(meeting_date: datetime.date | None, today: datetime.date) -> bool:
    """True when the meeting is recorded as held before its date (BEK § 8)."""
    return meeting_date is not None and today < meeting_date


def consultation_date_problem(
    consultation: datetime.date,
    appointment: datetime.date | None,
    today: datetime.date,
    received: datetime.date | None = None,
) -> str | None:
    """Why ``consultation`` cannot be the date of the consultation, or None
    (BEK § 13, stk. 2; the § 23 deadline runs from it). ``received`` is the day the region
    received the case (none before it)."""
    if consultation > today:
        return (
            f"Konsultationen kan ikke være holdt den {consultation:%d.%m.%Y}, som er i fremtiden."
        )
    if received is not None and consultation < received:
        return (
            f"Konsultationen kan ikke være holdt den {consultation:%d.%m.%Y}, før regionen "
            f"modtog sagen den {received:%d.%m.%Y}."
        )
    if appointment is not None and consultation < appointment:
        return (
            f"Konsultationen kan ikke være holdt den {consultation:%d.%m.%Y}, før den aftalte tid "
            f"den {appointment:%d.%m.%Y}."
        )
    return None


@dataclass(frozen=True)
class LateForMeeting:
    """A case sent after the deadline before its meeting (procedures 001/002)."""

    deadline: datetime.date
    meeting_date: datetime.date
    working_days_late: int
    source: str

    @property
    def message(self) -> str:
        days = self.working_days_late
        unit = "hverdag" if days == 1 else "hverdage"
        return (
            f"Sagen sendes {days} {unit} for sent til mødet den {self.meeting_date:%d.%m.%Y}: "
            f"den skulle være i regionen senest {self.deadline:%d.%m.%Y} ({self.source}). "
            "Bekræft, at sagen skal sendes alligevel, eller vælg et senere møde."
        )


def days_late_for_meeting(
    deadline: datetime.date, today: datetime.date, calendar: WorkingDayCalendar
) -> int:
    """Working days from ``deadline`` (exclusive) to ``today`` (inclusive); 0 when in time."""
    if today <= deadline:
        return 0
    return max(calendar.working_days_between(deadline, today), 1)
