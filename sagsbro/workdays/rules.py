"""Danish working-day calendar for deadline calculation.

Deadlines between municipalities and the regions' klinisk funktion are written
in two different units, and the calendar must keep them apart:

* "hverdage" / "arbejdsdage" (working days) count Monday to Friday minus public
  holidays and the configured closed days. Examples: the regional procedure
  "Løbende sag" (written answer within 10 hverdage), the procedure
  "Ret til sundhedskoordinator" (sent to the coordinator 10 hverdage before the
  meeting) and the procedure "Genforelæggelsessag" (created and sent 5 hverdage
  before the meeting); the collaboration agreements of all five regions
  (the case is with the coordinator 10 arbejdsdage before the team meeting).
* "dage" (days) count calendar days. Examples: the executive order on the
  municipalities' and regions' collaboration on health-professional advice,
  § 21 (coordinator available within 14 dage), § 22 (statement within 14 dage)
  and § 23 (certificate within 14 dage after the consultation and 30 dage after
  the request).

A calendar-day deadline that lands on a closed day is moved to the next working
day; a deadline counted backwards ("N days before") is moved to the previous
working day, so that it never becomes later than the text allows.

Public holidays come from the ``holidays`` package (Store Bededag is a public
holiday until 2023 and abolished from 2024). The days that are not public
holidays but on which most public offices are closed (Grundlovsdag,
Juleaftensdag and Nytårsaftensdag) are added explicitly and can each be
switched off with :class:`ClosedDayOptions`.

This module has no Django dependency.
"""

from __future__ import annotations

import bisect
import calendar as _stdlib_calendar
import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass, fields

import holidays

__all__ = [
    "DEFAULT_CALENDAR",
    "KIND_CLOSED_DAY",
    "KIND_PUBLIC_HOLIDAY",
    "MAX_OFFSET",
    "ClosedDay",
    "ClosedDayOptions",
    "WorkingDayCalendar",
    "parse_closed_day_options",
]

#: ``ClosedDay.kind`` of a public holiday (helligdag).
KIND_PUBLIC_HOLIDAY = "helligdag"
#: ``ClosedDay.kind`` of a configured closed day (lukkedag).
KIND_CLOSED_DAY = "lukkedag"

#: Largest accepted absolute offset (days, working days, weeks or months).
MAX_OFFSET = 3650

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class ClosedDayOptions:
    """Which non-holiday closed days (lukkedage) the calendar treats as closed."""

    grundlovsdag: bool = True
    christmas_eve: bool = True
    new_years_eve: bool = True


@dataclass(frozen=True)
class ClosedDay:
    """A day on which no working-day deadline runs (weekends are not listed)."""

    date: datetime.date
    name: str
    kind: str


# (option attribute, month, day, Danish name) of the configurable closed days.
_CONFIGURABLE_CLOSED_DAYS: tuple[tuple[str, int, int, str], ...] = (
    ("grundlovsdag", 6, 5, "Grundlovsdag"),
    ("christmas_eve", 12, 24, "Juleaftensdag"),
    ("new_years_eve", 12, 31, "Nytårsaftensdag"),
)

_OPTION_KEYS: frozenset[str] = frozenset(f.name for f in fields(ClosedDayOptions))


def parse_closed_day_options(mapping: Mapping[str, bool]) -> ClosedDayOptions:
    """Build :class:`ClosedDayOptions` from a settings mapping.

    Accepted keys are ``"grundlovsdag"``, ``"christmas_eve"`` and
    ``"new_years_eve"``; missing keys keep their default (closed). An unknown
    key or a value that is not a ``bool`` raises :class:`ValueError`.
    """
    unknown = sorted(set(mapping) - _OPTION_KEYS)
    if unknown:
        raise ValueError(
            f"Unknown closed-day option(s): {', '.join(unknown)}; "
            f"expected some of: {', '.join(sorted(_OPTION_KEYS))}"
        )
    for key, value in mapping.items():
        if not isinstance(value, bool):
            raise ValueError(f"Closed-day option {key!r} must be a bool, got {value!r}")
    return ClosedDayOptions(**dict(mapping))


@functools.lru_cache(maxsize=256)
def _public_holidays(year: int) -> tuple[ClosedDay, ...]:
    """Danish public holidays of ``year`` (shared by all calendars)."""
    source = holidays.country_holidays("DK", years=year, language="da")
    days: list[ClosedDay] = []
    for day, names in source.items():
        # The package joins several holidays on one date with "; ".
        for name in names.split("; "):
            days.append(ClosedDay(date=day, name=name, kind=KIND_PUBLIC_HOLIDAY))
    return tuple(days)


@dataclass(frozen=True)
class _YearData:
    closed_days: tuple[ClosedDay, ...]
    closed_dates: frozenset[datetime.date]
    # Sorted, de-duplicated closed dates that fall on Monday-Friday.
    closed_weekdays: tuple[datetime.date, ...]


def _check_date(value: object, argument: str = "day") -> None:
    # ``datetime`` is a subclass of ``date`` but would silently miss every
    # holiday lookup; callers must convert timestamps to local dates first.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"{argument} must be a datetime.date, got {type(value).__name__}")


def _check_offset(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if abs(n) > MAX_OFFSET:
        raise ValueError(f"|n| must be at most {MAX_OFFSET}, got {n}")
    return n


def _weekdays_up_to(day: datetime.date) -> int:
    """Number of Mondays-Fridays from 0001-01-01 (a Monday) to ``day`` inclusive."""
    ordinal = day.toordinal()
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


class WorkingDayCalendar:
    """Working days in Denmark: Monday-Friday minus holidays and closed days.

    Per-year holiday data is computed once and cached, so the methods are
    cheap on hot paths; offsets of a few thousand days are handled by jumping
    whole weeks instead of stepping day by day. Instances are safe to share
    between threads (a race can at worst compute a year's data twice).
    """

    def __init__(self, options: ClosedDayOptions | None = None) -> None:
        self._options = options if options is not None else ClosedDayOptions()
        self._years: dict[int, _YearData] = {}

    @property
    def options(self) -> ClosedDayOptions:
        return self._options

    def __repr__(self) -> str:
        return f"WorkingDayCalendar({self._options!r})"

    # ----------------------------------------------------------------- data

    def _year(self, year: int) -> _YearData:
        data = self._years.get(year)
        if data is None:
            data = self._build_year(year)
            self._years[year] = data
        return data

    def _build_year(self, year: int) -> _YearData:
        days = list(_public_holidays(year))
        for attribute, month, day_of_month, name in _CONFIGURABLE_CLOSED_DAYS:
            if getattr(self._options, attribute):
                days.append(
                    ClosedDay(
                        date=datetime.date(year, month, day_of_month),
                        name=name,
                        kind=KIND_CLOSED_DAY,
                    )
                )
        days.sort(key=lambda d: (d.date, d.kind, d.name))
        dates = frozenset(d.date for d in days)
        return _YearData(
            closed_days=tuple(days),
            closed_dates=dates,
            closed_weekdays=tuple(sorted(d for d in dates if d.weekday() < 5)),
        )

    def closed_days(self, year: int) -> list[ClosedDay]:
        """Public holidays and enabled closed days of ``year``, sorted by date.

        Weekends are not listed, but a holiday that falls on a weekend is. When
        two closed days share a date (e.g. 2. pinsedag on Grundlovsdag) both
        are listed.
        """
        return list(self._year(year).closed_days)

    # ------------------------------------------------------------- queries

    def is_working_day(self, day: datetime.date) -> bool:
        _check_date(day)
        return day.weekday() < 5 and day not in self._year(day.year).closed_dates

    def _closed_weekdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Closed days on Monday-Friday in the interval (start, end], start <= end."""
        total = 0
        for year in range(start.year, end.year + 1):
            weekdays = self._year(year).closed_weekdays
            lo = bisect.bisect_right(weekdays, start) if year == start.year else 0
            hi = bisect.bisect_right(weekdays, end) if year == end.year else len(weekdays)
            total += hi - lo
        return total

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days ``d`` with ``start < d <= end``.

        When ``end`` is before ``start`` the result is minus the number of
        working days ``d`` with ``end < d <= start``.
        """
        _check_date(start, "start")
        _check_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
        return weekdays - self._closed_weekdays_between(start, end)

    # ---------------------------------------------------------- arithmetic

    def roll_forward(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the next working day."""
        _check_date(day)
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def roll_backward(self, day: datetime.date) -> datetime.date:
        """``day`` if it is a working day, else the previous working day."""
        _check_date(day)
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """Move ``n`` working days from ``day``.

        ``n > 0``: the n-th working day strictly after ``day``;
        ``n < 0``: the |n|-th working day strictly before ``day``;
        ``n == 0``: ``day`` if it is a working day, else the next working day.
        """
        _check_date(day)
        n = _check_offset(n)
        if n == 0:
            return self.roll_forward(day)
        if n > 0:
            return self._forward(day, n)
        return self._backward(day, -n)

    def _forward(self, day: datetime.date, remaining: int) -> datetime.date:
        current = day
        while remaining > 0:
            weeks = remaining // 5
            if weeks:
                # A whole week holds at most five working days, so the jump
                # can never overshoot.
                target = current + datetime.timedelta(weeks=weeks)
                remaining -= self.working_days_between(current, target)
                current = target
            else:
                current += _ONE_DAY
                if self.is_working_day(current):
                    remaining -= 1
        # After a jump ``current`` may be a closed day; the n-th working day
        # is then the last working day before it (which is still after ``day``).
        return self.roll_backward(current)

    def _backward(self, day: datetime.date, remaining: int) -> datetime.date:
        current = day
        while remaining > 0:
            weeks = remaining // 5
            if weeks:
                target = current - datetime.timedelta(weeks=weeks)
                # Working days in [target, current).
                remaining -= self.working_days_between(target - _ONE_DAY, current - _ONE_DAY)
                current = target
            else:
                current -= _ONE_DAY
                if self.is_working_day(current):
                    remaining -= 1
        return self.roll_forward(current)

    def _roll(self, day: datetime.date, n: int) -> datetime.date:
        return self.roll_backward(day) if n < 0 else self.roll_forward(day)

    def add_calendar_days(self, day: datetime.date, n: int) -> datetime.date:
        """``day + n`` calendar days, rolled onto a working day.

        A result on a closed day moves to the next working day; when ``n`` is
        negative (a deadline "N days before") it moves to the previous working
        day instead, so the deadline never becomes later.
        """
        _check_date(day)
        n = _check_offset(n)
        return self._roll(day + datetime.timedelta(days=n), n)

    def add_weeks(self, day: datetime.date, n: int) -> datetime.date:
        """``7 * n`` calendar days, rolled like :meth:`add_calendar_days`."""
        _check_date(day)
        n = _check_offset(n)
        return self._roll(day + datetime.timedelta(weeks=n), n)

    def add_months(self, day: datetime.date, n: int) -> datetime.date:
        """Same day of month ``n`` months later, rolled like :meth:`add_calendar_days`.

        The day of month is clamped to the end of a shorter month, e.g.
        31 January + 1 month is 28 or 29 February.
        """
        _check_date(day)
        n = _check_offset(n)
        month_index = day.year * 12 + (day.month - 1) + n
        year, month0 = divmod(month_index, 12)
        month = month0 + 1
        last_day = _stdlib_calendar.monthrange(year, month)[1]
        return self._roll(datetime.date(year, month, min(day.day, last_day)), n)


#: Calendar with all configurable closed days closed.
DEFAULT_CALENDAR = WorkingDayCalendar()
