"""The coordinator for a meeting day: availability and workload, as plain Python.

The region provides a health coordinator for each meeting (BEK § 21, stk. 1; a meeting is
not held without one, O-56). A coordinator cannot sit at two meetings at the same time, and
the secretariat spreads the work: the workload shown beside each candidate is the number of
meeting days the coordinator already has in the meeting's ISO week plus the open cases they
are assigned, one number each, so the secretariat can compare candidates at a glance.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TimeSpan:
    date: datetime.date
    start: datetime.time
    end: datetime.time


def overlaps(a: TimeSpan, b: TimeSpan) -> bool:
    """Two meetings overlap when they share a moment on the same date (end is exclusive:
    9-12 and 12-14 do not overlap)."""
    return a.date == b.date and a.start < b.end and b.start < a.end


def busy(meeting: TimeSpan, others: Iterable[TimeSpan]) -> bool:
    return any(overlaps(meeting, other) for other in others)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the ISO week holding ``day``."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


@dataclass(frozen=True)
class Workload:
    """A candidate's load: meeting days as coordinator in the week, and open cases."""

    meeting_days_in_week: int
    open_cases: int

    @property
    def text(self) -> str:
        days = "mødedag" if self.meeting_days_in_week == 1 else "mødedage"
        cases = "åben sag" if self.open_cases == 1 else "åbne sager"
        return f"{self.meeting_days_in_week} {days} i ugen, {self.open_cases} {cases}"
