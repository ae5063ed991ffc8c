"""Tests for the Danish working-day calendar.

Every expected date below is worked out by hand from a printed calendar and
written literally. Movable holidays 2023-2028 (Easter Sunday; Skærtorsdag and
Langfredag are the Thursday and Friday before it, Kristi himmelfartsdag is
Easter + 39 days, Pinsedag Easter + 49 days):

    year  Easter  Skærtorsdag Langfredag 2. påskedag Himmelfart Pinsedag 2. pinsedag
    2023  9 Apr   6 Apr       7 Apr      10 Apr      18 May     28 May   29 May
    2024  31 Mar  28 Mar      29 Mar     1 Apr       9 May      19 May   20 May
    2025  20 Apr  17 Apr      18 Apr     21 Apr      29 May     8 Jun    9 Jun
    2026  5 Apr   2 Apr       3 Apr      6 Apr       14 May     24 May   25 May
    2027  28 Mar  25 Mar      26 Mar     29 Mar      6 May      16 May   17 May
    2028  16 Apr  13 Apr      14 Apr     17 Apr      25 May     4 Jun    5 Jun

Fixed days by weekday:

    year  5 Jun  24 Dec  25 Dec  26 Dec  31 Dec  1 Jan (next year)
    2024  Wed    Tue     Wed     Thu     Tue     Wed
    2025  Thu    Wed     Thu     Fri     Wed     Thu
    2026  Fri    Thu     Fri     Sat     Thu     Fri
    2027  Sat    Fri     Sat     Sun     Fri     Sat
    2028  Mon    Sun     Mon     Tue     Sun     Mon

In 2028 2. pinsedag and Grundlovsdag are the same day (Monday 5 June).
"""

from __future__ import annotations

import datetime
from datetime import date

import pytest

from sagsbro.workdays.rules import (
    DEFAULT_CALENDAR,
    ClosedDay,
    ClosedDayOptions,
    WorkingDayCalendar,
    parse_closed_day_options,
)

CAL = WorkingDayCalendar()
NO_CHRISTMAS_EVE = WorkingDayCalendar(ClosedDayOptions(christmas_eve=False))
NO_NEW_YEARS_EVE = WorkingDayCalendar(ClosedDayOptions(new_years_eve=False))
NO_GRUNDLOVSDAG = WorkingDayCalendar(ClosedDayOptions(grundlovsdag=False))
ONLY_HOLIDAYS = WorkingDayCalendar(
    ClosedDayOptions(grundlovsdag=False, christmas_eve=False, new_years_eve=False)
)

H = "helligdag"
L = "lukkedag"


# --------------------------------------------------------------- closed days

CLOSED_DAYS: dict[int, list[tuple[date, str, str]]] = {
    2024: [
        (date(2024, 1, 1), "Nytårsdag", H),
        (date(2024, 3, 28), "Skærtorsdag", H),
        (date(2024, 3, 29), "Langfredag", H),
        (date(2024, 3, 31), "Påskedag", H),
        (date(2024, 4, 1), "Anden påskedag", H),
        (date(2024, 5, 9), "Kristi himmelfartsdag", H),
        (date(2024, 5, 19), "Pinsedag", H),
        (date(2024, 5, 20), "Anden pinsedag", H),
        (date(2024, 6, 5), "Grundlovsdag", L),
        (date(2024, 12, 24), "Juleaftensdag", L),
        (date(2024, 12, 25), "Juledag", H),
        (date(2024, 12, 26), "Anden juledag", H),
        (date(2024, 12, 31), "Nytårsaftensdag", L),
    ],
    2025: [
        (date(2025, 1, 1), "Nytårsdag", H),
        (date(2025, 4, 17), "Skærtorsdag", H),
        (date(2025, 4, 18), "Langfredag", H),
        (date(2025, 4, 20), "Påskedag", H),
        (date(2025, 4, 21), "Anden påskedag", H),
        (date(2025, 5, 29), "Kristi himmelfartsdag", H),
        (date(2025, 6, 5), "Grundlovsdag", L),
        (date(2025, 6, 8), "Pinsedag", H),
        (date(2025, 6, 9), "Anden pinsedag", H),
        (date(2025, 12, 24), "Juleaftensdag", L),
        (date(2025, 12, 25), "Juledag", H),
        (date(2025, 12, 26), "Anden juledag", H),
        (date(2025, 12, 31), "Nytårsaftensdag", L),
    ],
    2026: [
        (date(2026, 1, 1), "Nytårsdag", H),
        (date(2026, 4, 2), "Skærtorsdag", H),
        (date(2026, 4, 3), "Langfredag", H),
        (date(2026, 4, 5), "Påskedag", H),
        (date(2026, 4, 6), "Anden påskedag", H),
        (date(2026, 5, 14), "Kristi himmelfartsdag", H),
        (date(2026, 5, 24), "Pinsedag", H),
        (date(2026, 5, 25), "Anden pinsedag", H),
        (date(2026, 6, 5), "Grundlovsdag", L),
        (date(2026, 12, 24), "Juleaftensdag", L),
        (date(2026, 12, 25), "Juledag", H),
        (date(2026, 12, 26), "Anden juledag", H),
        (date(2026, 12, 31), "Nytårsaftensdag", L),
    ],
    2027: [
        (date(2027, 1, 1), "Nytårsdag", H),
        (date(2027, 3, 25), "Skærtorsdag", H),
        (date(2027, 3, 26), "Langfredag", H),
        (date(2027, 3, 28), "Påskedag", H),
        (date(2027, 3, 29), "Anden påskedag", H),
        (date(2027, 5, 6), "Kristi himmelfartsdag", H),
        (date(2027, 5, 16), "Pinsedag", H),
        (date(2027, 5, 17), "Anden pinsedag", H),
        (date(2027, 6, 5), "Grundlovsdag", L),
        (date(2027, 12, 24), "Juleaftensdag", L),
        (date(2027, 12, 25), "Juledag", H),
        (date(2027, 12, 26), "Anden juledag", H),
        (date(2027, 12, 31), "Nytårsaftensdag", L),
    ],
    2028: [
        (date(2028, 1, 1), "Nytårsdag", H),
        (date(2028, 4, 13), "Skærtorsdag", H),
        (date(2028, 4, 14), "Langfredag", H),
        (date(2028, 4, 16), "Påskedag", H),
        (date(2028, 4, 17), "Anden påskedag", H),
        (date(2028, 5, 25), "Kristi himmelfartsdag", H),
        (date(2028, 6, 4), "Pinsedag", H),
        (date(2028, 6, 5), "Anden pinsedag", H),
        (date(2028, 6, 5), "Grundlovsdag", L),
        (date(2028, 12, 24), "Juleaftensdag", L),
        (date(2028, 12, 25), "Juledag", H),
        (date(2028, 12, 26), "Anden juledag", H),
        (date(2028, 12, 31), "Nytårsaftensdag", L),
    ],
}


@pytest.mark.parametrize("year", sorted(CLOSED_DAYS))
def test_closed_days_per_year(year: int) -> None:
    expected = [ClosedDay(date=d, name=n, kind=k) for d, n, k in CLOSED_DAYS[year]]
    assert CAL.closed_days(year) == expected


def test_closed_days_2025_names() -> None:
    names = [day.name for day in CAL.closed_days(2025)]
    assert names == [
        "Nytårsdag",
        "Skærtorsdag",
        "Langfredag",
        "Påskedag",
        "Anden påskedag",
        "Kristi himmelfartsdag",
        "Grundlovsdag",
        "Pinsedag",
        "Anden pinsedag",
        "Juleaftensdag",
        "Juledag",
        "Anden juledag",
        "Nytårsaftensdag",
    ]
    kinds = {day.name: day.kind for day in CAL.closed_days(2025)}
    assert kinds["Langfredag"] == "helligdag"
    assert kinds["Grundlovsdag"] == "lukkedag"
    assert kinds["Juleaftensdag"] == "lukkedag"
    assert kinds["Nytårsaftensdag"] == "lukkedag"


def test_closed_days_without_options_lists_only_public_holidays() -> None:
    assert [(d.date, d.name) for d in ONLY_HOLIDAYS.closed_days(2025)] == [
        (date(2025, 1, 1), "Nytårsdag"),
        (date(2025, 4, 17), "Skærtorsdag"),
        (date(2025, 4, 18), "Langfredag"),
        (date(2025, 4, 20), "Påskedag"),
        (date(2025, 4, 21), "Anden påskedag"),
        (date(2025, 5, 29), "Kristi himmelfartsdag"),
        (date(2025, 6, 8), "Pinsedag"),
        (date(2025, 6, 9), "Anden pinsedag"),
        (date(2025, 12, 25), "Juledag"),
        (date(2025, 12, 26), "Anden juledag"),
    ]
    assert {d.kind for d in ONLY_HOLIDAYS.closed_days(2025)} == {"helligdag"}


def test_closed_days_returns_a_copy() -> None:
    calendar = WorkingDayCalendar()
    first = calendar.closed_days(2026)
    first.clear()
    assert len(calendar.closed_days(2026)) == 13
    assert calendar.closed_days(2026) == calendar.closed_days(2026)


# -------------------------------------------------------------- Store Bededag


def test_store_bededag_is_a_holiday_in_2023() -> None:
    assert ClosedDay(date(2023, 5, 5), "Store bededag", "helligdag") in CAL.closed_days(2023)
    assert not CAL.is_working_day(date(2023, 5, 5))
    # Thursday 4 May 2023 + 1 working day skips Friday (Store Bededag) and the weekend.
    assert CAL.add_working_days(date(2023, 5, 4), 1) == date(2023, 5, 8)


@pytest.mark.parametrize(
    "former_store_bededag",
    # Fourth Friday after Easter: Easter Sunday + 26 days.
    [date(2024, 4, 26), date(2025, 5, 16), date(2026, 5, 1), date(2027, 4, 23), date(2028, 5, 12)],
)
def test_store_bededag_is_abolished_from_2024(former_store_bededag: date) -> None:
    assert CAL.is_working_day(former_store_bededag)
    names = {d.name.lower() for d in CAL.closed_days(former_store_bededag.year)}
    assert "store bededag" not in names


# ------------------------------------------------------------ is_working_day

CLOSED_WEEKDAYS = [d for year in CLOSED_DAYS.values() for d, _, _ in year if d.weekday() < 5]


@pytest.mark.parametrize("day", CLOSED_WEEKDAYS, ids=str)
def test_closed_weekdays_are_not_working_days(day: date) -> None:
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2025, 4, 16), True),  # Wednesday before Easter
        (date(2025, 4, 22), True),  # Tuesday after Easter
        (date(2025, 4, 19), False),  # Saturday
        (date(2025, 4, 20), False),  # Påskedag, a Sunday
        (date(2025, 5, 30), True),  # Friday after Kristi himmelfartsdag
        (date(2025, 6, 4), True),
        (date(2025, 6, 6), True),
        (date(2025, 12, 23), True),
        (date(2025, 12, 29), True),
        (date(2026, 1, 2), True),
        (date(2027, 1, 2), False),  # Saturday
        (date(2028, 6, 6), True),
        (date(2028, 12, 27), True),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert CAL.is_working_day(day) is expected


@pytest.mark.parametrize(
    "calendar, day",
    [
        (NO_GRUNDLOVSDAG, date(2024, 6, 5)),
        (NO_GRUNDLOVSDAG, date(2025, 6, 5)),
        (NO_GRUNDLOVSDAG, date(2026, 6, 5)),
        (NO_CHRISTMAS_EVE, date(2024, 12, 24)),
        (NO_CHRISTMAS_EVE, date(2027, 12, 24)),
        (NO_NEW_YEARS_EVE, date(2025, 12, 31)),
        (NO_NEW_YEARS_EVE, date(2026, 12, 31)),
    ],
)
def test_switched_off_closed_days_are_working_days(calendar: WorkingDayCalendar, day: date) -> None:
    assert calendar.is_working_day(day)
    assert not CAL.is_working_day(day)


def test_switched_off_grundlovsdag_2028_is_still_2_pinsedag() -> None:
    assert not NO_GRUNDLOVSDAG.is_working_day(date(2028, 6, 5))


def test_options_only_affect_their_own_day() -> None:
    assert not NO_CHRISTMAS_EVE.is_working_day(date(2025, 12, 31))
    assert not NO_CHRISTMAS_EVE.is_working_day(date(2025, 6, 5))
    assert not NO_NEW_YEARS_EVE.is_working_day(date(2025, 12, 24))


# ---------------------------------------------------------- add_working_days


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # --- Easter: Wednesday before -> Tuesday after (Thu, Fri, weekend, Mon closed)
        (date(2024, 3, 27), 1, date(2024, 4, 2)),
        (date(2024, 3, 27), 3, date(2024, 4, 4)),
        (date(2024, 4, 4), -10, date(2024, 3, 18)),
        (date(2025, 4, 16), 1, date(2025, 4, 22)),
        (date(2025, 4, 16), 5, date(2025, 4, 28)),
        (date(2025, 4, 24), -10, date(2025, 4, 7)),
        (date(2026, 4, 1), 1, date(2026, 4, 7)),
        (date(2026, 3, 31), 2, date(2026, 4, 7)),
        (date(2027, 3, 24), 1, date(2027, 3, 30)),
        (date(2028, 4, 12), 1, date(2028, 4, 18)),
        # --- Kristi himmelfartsdag (Thursday): Wednesday -> Friday
        (date(2024, 5, 8), 1, date(2024, 5, 10)),
        (date(2025, 5, 28), 1, date(2025, 5, 30)),
        (date(2026, 5, 13), 1, date(2026, 5, 15)),
        (date(2027, 5, 5), 1, date(2027, 5, 7)),
        (date(2028, 5, 24), 1, date(2028, 5, 26)),
        # --- 2. pinsedag (Monday): Friday -> Tuesday
        (date(2024, 5, 17), 1, date(2024, 5, 21)),
        (date(2025, 6, 6), 1, date(2025, 6, 10)),
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        (date(2027, 5, 14), 1, date(2027, 5, 18)),
        (date(2028, 6, 2), 1, date(2028, 6, 6)),
        # --- Grundlovsdag
        (date(2024, 6, 4), 1, date(2024, 6, 6)),  # Wed 5 Jun closed
        (date(2025, 6, 4), 1, date(2025, 6, 6)),  # Thu 5 Jun closed
        (date(2025, 6, 4), 2, date(2025, 6, 10)),  # and 2. pinsedag Mon 9 Jun
        (date(2026, 6, 4), 1, date(2026, 6, 8)),  # Fri 5 Jun closed
        (date(2027, 6, 4), 1, date(2027, 6, 7)),  # Sat 5 Jun: weekend anyway
        # --- Christmas and New Year, across the year boundary
        (date(2024, 12, 23), 1, date(2024, 12, 27)),
        (date(2024, 12, 23), 2, date(2024, 12, 30)),
        (date(2024, 12, 23), 3, date(2025, 1, 2)),
        (date(2024, 12, 20), 10, date(2025, 1, 10)),
        (date(2025, 12, 23), 1, date(2025, 12, 29)),
        (date(2025, 12, 23), 2, date(2025, 12, 30)),
        (date(2025, 12, 23), 3, date(2026, 1, 2)),
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        (date(2026, 12, 23), 3, date(2026, 12, 30)),
        (date(2026, 12, 23), 4, date(2027, 1, 4)),
        (date(2027, 12, 23), 1, date(2027, 12, 27)),
        (date(2027, 12, 23), 4, date(2027, 12, 30)),
        (date(2027, 12, 23), 5, date(2028, 1, 3)),
        (date(2028, 12, 22), 1, date(2028, 12, 27)),
        (date(2028, 12, 29), 1, date(2029, 1, 2)),
        # --- ordinary weeks
        (date(2025, 3, 3), 5, date(2025, 3, 10)),
        (date(2025, 3, 7), 1, date(2025, 3, 10)),
        (date(2025, 3, 3), 10, date(2025, 3, 17)),
    ],
)
def test_add_working_days_forward(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2024, 4, 2), -1, date(2024, 3, 27)),
        (date(2024, 4, 2), -2, date(2024, 3, 26)),
        (date(2025, 4, 22), -1, date(2025, 4, 16)),
        (date(2026, 4, 7), -1, date(2026, 4, 1)),
        (date(2027, 3, 30), -1, date(2027, 3, 24)),
        (date(2028, 4, 18), -1, date(2028, 4, 12)),
        (date(2024, 5, 10), -1, date(2024, 5, 8)),
        (date(2024, 5, 21), -1, date(2024, 5, 17)),
        (date(2025, 6, 10), -2, date(2025, 6, 4)),
        (date(2025, 1, 2), -1, date(2024, 12, 30)),
        (date(2025, 1, 2), -3, date(2024, 12, 23)),
        (date(2025, 1, 10), -10, date(2024, 12, 20)),
        (date(2026, 1, 2), -3, date(2025, 12, 23)),
        (date(2027, 1, 4), -1, date(2026, 12, 30)),
        (date(2028, 1, 3), -5, date(2027, 12, 23)),
        (date(2028, 12, 27), -1, date(2028, 12, 22)),
        (date(2029, 1, 2), -1, date(2028, 12, 29)),
        # Starting on a closed day: strictly before it.
        (date(2025, 4, 19), -1, date(2025, 4, 16)),
        (date(2025, 12, 25), -1, date(2025, 12, 23)),
    ],
)
def test_add_working_days_backward(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "start, expected",
    [
        (date(2025, 4, 16), date(2025, 4, 16)),  # working day: itself
        (date(2025, 4, 17), date(2025, 4, 22)),  # Skærtorsdag
        (date(2025, 4, 19), date(2025, 4, 22)),  # Saturday in Easter
        (date(2024, 12, 24), date(2024, 12, 27)),
        (date(2025, 12, 31), date(2026, 1, 2)),
        (date(2027, 6, 5), date(2027, 6, 7)),
    ],
)
def test_add_working_days_zero(start: date, expected: date) -> None:
    assert CAL.add_working_days(start, 0) == expected
    assert CAL.roll_forward(start) == expected


@pytest.mark.parametrize(
    "start, expected",
    [
        (date(2025, 4, 22), date(2025, 4, 22)),
        (date(2025, 4, 21), date(2025, 4, 16)),
        (date(2027, 1, 1), date(2026, 12, 30)),
        (date(2028, 6, 5), date(2028, 6, 2)),
    ],
)
def test_roll_backward(start: date, expected: date) -> None:
    assert CAL.roll_backward(start) == expected


def test_starting_on_a_sunday_counts_from_monday() -> None:
    # Påskedag 2025 is a Sunday; the first working day after it is Tuesday.
    assert CAL.add_working_days(date(2025, 4, 20), 1) == date(2025, 4, 22)
    assert CAL.add_working_days(date(2025, 3, 2), 1) == date(2025, 3, 3)


@pytest.mark.parametrize(
    "calendar, start, n, expected",
    [
        # 24 December counts as a working day when christmas_eve=False.
        (NO_CHRISTMAS_EVE, date(2024, 12, 23), 1, date(2024, 12, 24)),
        (NO_CHRISTMAS_EVE, date(2025, 12, 23), 1, date(2025, 12, 24)),
        (NO_CHRISTMAS_EVE, date(2026, 12, 23), 1, date(2026, 12, 24)),
        (NO_CHRISTMAS_EVE, date(2027, 12, 23), 1, date(2027, 12, 24)),
        (NO_CHRISTMAS_EVE, date(2028, 12, 22), 1, date(2028, 12, 27)),  # a Sunday anyway
        (NO_CHRISTMAS_EVE, date(2024, 12, 27), -1, date(2024, 12, 24)),
        # 31 December counts when new_years_eve=False.
        (NO_NEW_YEARS_EVE, date(2024, 12, 30), 1, date(2024, 12, 31)),
        (NO_NEW_YEARS_EVE, date(2025, 12, 30), 1, date(2025, 12, 31)),
        (NO_NEW_YEARS_EVE, date(2026, 12, 30), 1, date(2026, 12, 31)),
        (NO_NEW_YEARS_EVE, date(2027, 12, 30), 1, date(2027, 12, 31)),
        (NO_NEW_YEARS_EVE, date(2028, 12, 29), 1, date(2029, 1, 2)),  # a Sunday anyway
        # 5 June counts when grundlovsdag=False.
        (NO_GRUNDLOVSDAG, date(2024, 6, 4), 1, date(2024, 6, 5)),
        (NO_GRUNDLOVSDAG, date(2025, 6, 4), 1, date(2025, 6, 5)),
        (NO_GRUNDLOVSDAG, date(2026, 6, 4), 1, date(2026, 6, 5)),
        (NO_GRUNDLOVSDAG, date(2027, 6, 4), 1, date(2027, 6, 7)),  # a Saturday
        (NO_GRUNDLOVSDAG, date(2028, 6, 2), 1, date(2028, 6, 6)),  # still 2. pinsedag
        # All three off: 20 Dec 2024 + 10 working days only skips 25, 26 Dec, 1 Jan.
        (ONLY_HOLIDAYS, date(2024, 12, 20), 10, date(2025, 1, 8)),
    ],
)
def test_add_working_days_with_options_off(
    calendar: WorkingDayCalendar, start: date, n: int, expected: date
) -> None:
    assert calendar.add_working_days(start, n) == expected


# ------------------------------------------------- calendar days, weeks, months


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # Forward, landing on a closed day -> next working day.
        (date(2024, 3, 15), 14, date(2024, 4, 2)),  # Langfredag 29 Mar
        (date(2025, 4, 7), 14, date(2025, 4, 22)),  # 2. påskedag 21 Apr
        (date(2026, 3, 20), 14, date(2026, 4, 7)),  # Langfredag 3 Apr
        (date(2027, 3, 12), 14, date(2027, 3, 30)),  # Langfredag 26 Mar
        (date(2028, 3, 31), 14, date(2028, 4, 18)),  # Langfredag 14 Apr
        (date(2024, 12, 10), 14, date(2024, 12, 27)),  # Juleaftensdag
        (date(2025, 12, 11), 14, date(2025, 12, 29)),  # Juledag
        (date(2026, 12, 17), 14, date(2027, 1, 4)),  # Nytårsaftensdag
        (date(2027, 12, 17), 14, date(2028, 1, 3)),  # Nytårsaftensdag
        (date(2028, 12, 11), 14, date(2028, 12, 27)),  # Juledag (Monday)
        (date(2024, 12, 2), 30, date(2025, 1, 2)),  # Nytårsdag
        (date(2025, 5, 22), 14, date(2025, 6, 6)),  # Grundlovsdag
        (date(2025, 5, 26), 14, date(2025, 6, 10)),  # 2. pinsedag
        (date(2025, 5, 15), 14, date(2025, 5, 30)),  # Kristi himmelfartsdag
        (date(2025, 3, 3), 14, date(2025, 3, 17)),  # ordinary Monday
        (date(2025, 3, 3), 5, date(2025, 3, 10)),  # Saturday -> Monday
        # Backward, landing on a closed day -> previous working day.
        (date(2025, 4, 28), -7, date(2025, 4, 16)),  # 2. påskedag
        (date(2025, 6, 12), -7, date(2025, 6, 4)),  # Grundlovsdag (Thursday)
        (date(2026, 6, 12), -7, date(2026, 6, 4)),  # Grundlovsdag (Friday)
        (date(2028, 6, 12), -7, date(2028, 6, 2)),  # 2. pinsedag/Grundlovsdag
        (date(2025, 1, 7), -7, date(2024, 12, 30)),  # Nytårsaftensdag 2024
        (date(2028, 1, 7), -7, date(2027, 12, 30)),  # Nytårsaftensdag 2027
        (date(2025, 12, 31), -7, date(2025, 12, 23)),  # Juleaftensdag
        (date(2025, 3, 10), -2, date(2025, 3, 7)),  # Saturday -> Friday
        # Zero: the day itself, or the next working day.
        (date(2025, 3, 4), 0, date(2025, 3, 4)),
        (date(2024, 12, 25), 0, date(2024, 12, 27)),
    ],
)
def test_add_calendar_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_calendar_days(start, n) == expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2024, 12, 17), 1, date(2024, 12, 27)),  # 24 Dec -> Friday 27 Dec
        (date(2024, 5, 13), 1, date(2024, 5, 21)),  # 2. pinsedag 20 May
        (date(2025, 5, 22), 1, date(2025, 5, 30)),  # Kristi himmelfartsdag 29 May
        (date(2026, 5, 29), 1, date(2026, 6, 8)),  # Grundlovsdag Friday 5 Jun
        (date(2027, 3, 18), 1, date(2027, 3, 30)),  # Skærtorsdag 25 Mar
        (date(2028, 4, 3), 2, date(2028, 4, 18)),  # 2. påskedag 17 Apr
        (date(2025, 4, 25), -1, date(2025, 4, 16)),  # Langfredag, rolled backward
        (date(2025, 3, 3), 0, date(2025, 3, 3)),
    ],
)
def test_add_weeks(start: date, n: int, expected: date) -> None:
    assert CAL.add_weeks(start, n) == expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamped, Friday
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year, Thursday
        (date(2026, 1, 31), 1, date(2026, 3, 2)),  # 28 Feb is a Saturday
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 27)),  # Saturday rolled back to Friday
        (date(2024, 11, 30), 2, date(2025, 1, 30)),  # across the year boundary
        (date(2025, 1, 31), -2, date(2024, 11, 29)),  # 30 Nov 2024 is a Saturday
        (date(2024, 10, 31), 2, date(2025, 1, 2)),  # 31 Dec 2024 closed, 1 Jan too
        (date(2025, 11, 24), 1, date(2025, 12, 29)),  # Juleaftensdag
        (date(2025, 5, 5), 1, date(2025, 6, 6)),  # Grundlovsdag
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 3, 14), 0, date(2025, 3, 14)),
    ],
)
def test_add_months(start: date, n: int, expected: date) -> None:
    assert CAL.add_months(start, n) == expected


# ------------------------------------------------------ working_days_between


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2025, 4, 16), date(2025, 4, 22), 1),
        (date(2025, 4, 16), date(2025, 4, 16), 0),
        (date(2025, 4, 22), date(2025, 4, 16), -1),
        (date(2024, 12, 20), date(2025, 1, 10), 10),
        (date(2025, 3, 2), date(2025, 3, 9), 5),
        (date(2025, 1, 1), date(2025, 12, 31), 250),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert CAL.working_days_between(start, end) == expected


def test_working_days_in_2025() -> None:
    # 261 weekdays in 2025 (a non-leap year starting on Wednesday) minus the
    # closed days on weekdays: 1 Jan, 17, 18, 21 Apr, 29 May, 5 Jun, 9 Jun,
    # 24, 25, 26, 31 Dec = 11.
    assert CAL.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 250


# ------------------------------------------------------- large n and validation


def _naive_add(calendar: WorkingDayCalendar, day: date, n: int) -> date:
    step = datetime.timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
    return day


@pytest.mark.parametrize("calendar", [CAL, ONLY_HOLIDAYS], ids=["default", "holidays-only"])
@pytest.mark.parametrize(
    "start",
    [date(2024, 12, 20), date(2024, 12, 28), date(2025, 4, 18), date(2025, 6, 7), date(2026, 1, 1)],
    ids=str,
)
@pytest.mark.parametrize("n", [1, 4, 5, 6, 9, 10, 11, 23, 250, 3650, -1, -5, -6, -11, -250, -3650])
def test_add_working_days_matches_day_by_day_stepping(
    calendar: WorkingDayCalendar, start: date, n: int
) -> None:
    assert calendar.add_working_days(start, n) == _naive_add(calendar, start, n)


def test_round_trip_from_working_day() -> None:
    start = date(2025, 4, 16)
    for n in (1, 7, 40, 1000, 3650):
        assert CAL.add_working_days(CAL.add_working_days(start, n), -n) == start


@pytest.mark.parametrize("n", [3651, -3651, 10_000])
def test_offset_too_large(n: int) -> None:
    for method in (CAL.add_working_days, CAL.add_calendar_days, CAL.add_weeks, CAL.add_months):
        with pytest.raises(ValueError):
            method(date(2025, 1, 6), n)


@pytest.mark.parametrize("n", [1.0, "3", True, None])
def test_offset_must_be_int(n: object) -> None:
    for method in (CAL.add_working_days, CAL.add_calendar_days, CAL.add_weeks, CAL.add_months):
        with pytest.raises(TypeError):
            method(date(2025, 1, 6), n)  # type: ignore[arg-type]


def test_datetime_is_rejected() -> None:
    with pytest.raises(TypeError):
        CAL.is_working_day(datetime.datetime(2025, 1, 6, 12, 0))
    with pytest.raises(TypeError):
        CAL.add_working_days(datetime.datetime(2025, 1, 6, 12, 0), 1)


# ------------------------------------------------------------------- options


def test_default_calendar_closes_all_configurable_days() -> None:
    assert DEFAULT_CALENDAR.options == ClosedDayOptions(True, True, True)
    assert not DEFAULT_CALENDAR.is_working_day(date(2025, 12, 24))


@pytest.mark.parametrize(
    "mapping, expected",
    [
        ({}, ClosedDayOptions()),
        ({"christmas_eve": False}, ClosedDayOptions(christmas_eve=False)),
        (
            {"grundlovsdag": False, "christmas_eve": True, "new_years_eve": False},
            ClosedDayOptions(grundlovsdag=False, new_years_eve=False),
        ),
    ],
)
def test_parse_closed_day_options(mapping: dict[str, bool], expected: ClosedDayOptions) -> None:
    assert parse_closed_day_options(mapping) == expected


@pytest.mark.parametrize(
    "mapping",
    [{"store_bededag": True}, {"grundlovsdag": False, "juleaften": False}, {"christmas_eve": 0}],
)
def test_parse_closed_day_options_rejects_bad_input(mapping: dict[str, bool]) -> None:
    with pytest.raises(ValueError):
        parse_closed_day_options(mapping)
