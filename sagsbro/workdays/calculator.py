"""The deadline calculator for staff: one offset from a start date, with the calendar's own
methods (the same ones the deadlines of cases and the calendar API use), and the closed days
that the calculation passed over.

* Working days: the closed days on Monday-Friday between the start date and the result
  were not counted (weekends are never counted).
* Calendar days, weeks and months: the plain date is moved onto a working day when it is
  closed (forward, or backward for a negative offset); the closed days it was moved past
  are listed.

This module has no Django dependency.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum

from sagsbro.workdays.rules import ClosedDay, WorkingDayCalendar

__all__ = ["Calculation", "CalculatorUnit", "UNIT_NAMES", "calculate"]


class CalculatorUnit(StrEnum):
    """The units a deadline is written in; the values appear in the page's address."""

    WORKING_DAYS = "arbejdsdage"
    CALENDAR_DAYS = "kalenderdage"
    WEEKS = "uger"
    MONTHS = "maaneder"


#: (singular, plural) in Danish.
UNIT_NAMES: dict[CalculatorUnit, tuple[str, str]] = {
    CalculatorUnit.WORKING_DAYS: ("arbejdsdag", "arbejdsdage"),
    CalculatorUnit.CALENDAR_DAYS: ("kalenderdag", "kalenderdage"),
    CalculatorUnit.WEEKS: ("uge", "uger"),
    CalculatorUnit.MONTHS: ("måned", "måneder"),
}


@dataclass(frozen=True)
class Calculation:
    start: datetime.date
    count: int
    unit: CalculatorUnit
    result: datetime.date
    #: The date before it was moved onto a working day; None when nothing was moved.
    moved_from: datetime.date | None
    #: Closed days passed over, by date.
    skipped: tuple[ClosedDay, ...]

    @property
    def unit_name(self) -> str:
        singular, plural = UNIT_NAMES[self.unit]
        return singular if abs(self.count) == 1 else plural

    @property
    def moved_forward(self) -> bool:
        return self.moved_from is not None and self.moved_from < self.result


def _closed_days(
    calendar: WorkingDayCalendar, first: datetime.date, last: datetime.date
) -> list[ClosedDay]:
    """Closed days with first <= date <= last."""
    days: list[ClosedDay] = []
    for year in range(first.year, last.year + 1):
        days.extend(d for d in calendar.closed_days(year) if first <= d.date <= last)
    return days


def _plain_date(start: datetime.date, count: int, unit: CalculatorUnit) -> datetime.date:
    """The date before it is moved onto a working day (the calendar's own arithmetic)."""
    if unit is CalculatorUnit.CALENDAR_DAYS:
        return start + datetime.timedelta(days=count)
    if unit is CalculatorUnit.WEEKS:
        return start + datetime.timedelta(weeks=count)
    month_index = start.year * 12 + (start.month - 1) + count
    year, month0 = divmod(month_index, 12)
    last_day = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(start.day, last_day))


def _moved(
    calendar: WorkingDayCalendar, plain: datetime.date, result: datetime.date
) -> tuple[datetime.date | None, tuple[ClosedDay, ...]]:
    if plain == result:
        return None, ()
    one_day = datetime.timedelta(days=1)
    if plain < result:
        return plain, tuple(_closed_days(calendar, plain, result - one_day))
    return plain, tuple(_closed_days(calendar, result + one_day, plain))


def calculate(
    calendar: WorkingDayCalendar, start: datetime.date, count: int, unit: CalculatorUnit
) -> Calculation:
    """``count`` units from ``start``; raises ValueError or OverflowError off the calendar."""
    if unit is CalculatorUnit.WORKING_DAYS:
        result = calendar.add_working_days(start, count)
        if count == 0:
            moved_from, skipped = _moved(calendar, start, result)
            return Calculation(start, count, unit, result, moved_from, skipped)
        one_day = datetime.timedelta(days=1)
        first, last = (start + one_day, result) if count > 0 else (result, start - one_day)
        skipped = tuple(d for d in _closed_days(calendar, first, last) if d.date.weekday() < 5)
        return Calculation(start, count, unit, result, None, skipped)

    method = {
        CalculatorUnit.CALENDAR_DAYS: calendar.add_calendar_days,
        CalculatorUnit.WEEKS: calendar.add_weeks,
        CalculatorUnit.MONTHS: calendar.add_months,
    }[unit]
    result = method(start, count)
    plain = _plain_date(start, count, unit)
    roll = calendar.roll_backward if count < 0 else calendar.roll_forward
    if roll(plain) != result:  # pragma: no cover - the calendar's arithmetic changed
        return Calculation(start, count, unit, result, None, ())
    moved_from, skipped = _moved(calendar, plain, result)
    return Calculation(start, count, unit, result, moved_from, skipped)
