"""The 6-month trigger of the ressourceforløb's follow-up (procedure 002; O-57) at its edges:
the ends of months, leap years, and an effort starting on the last day."""

import datetime

import pytest

from sagsbro.meetings.rules.followup import (
    add_months,
    check_dates,
    due_for_genforelaeggelse,
    effort_deadline,
    effort_in_time,
)

D = datetime.date


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (D(2026, 1, 15), D(2026, 7, 15)),
        # The same day when the month has it.
        (D(2026, 1, 31), D(2026, 7, 31)),
        (D(2026, 3, 31), D(2026, 9, 30)),  # September has 30 days: clamped.
        (D(2026, 5, 31), D(2026, 11, 30)),
        # Into February: 28 days, 29 in a leap year.
        (D(2025, 8, 29), D(2026, 2, 28)),
        (D(2025, 8, 30), D(2026, 2, 28)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2027, 8, 29), D(2028, 2, 29)),
        (D(2027, 8, 31), D(2028, 2, 29)),
        (D(2027, 8, 28), D(2028, 2, 28)),
        # From a leap day.
        (D(2028, 2, 29), D(2028, 8, 29)),
        # Across the year.
        (D(2026, 12, 31), D(2027, 6, 30)),
        (D(2026, 7, 1), D(2027, 1, 1)),
    ],
)
def test_deadline_is_six_months_to_the_same_day_clamped_to_the_month(start, deadline):
    assert effort_deadline(start) == deadline


def test_add_months_counts_whole_years():
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 31), 0) == D(2026, 1, 31)


def test_not_due_until_the_day_after_the_deadline():
    start = D(2025, 8, 31)  # deadline 28.02.2026
    assert not due_for_genforelaeggelse(start, None, D(2026, 2, 27))
    assert not due_for_genforelaeggelse(start, None, D(2026, 2, 28))
    assert due_for_genforelaeggelse(start, None, D(2026, 3, 1))


def test_leap_year_deadline_is_the_29th():
    start = D(2027, 8, 31)  # deadline 29.02.2028
    assert not due_for_genforelaeggelse(start, None, D(2028, 2, 29))
    assert due_for_genforelaeggelse(start, None, D(2028, 3, 1))


def test_an_effort_starting_on_the_last_day_is_in_time():
    start = D(2026, 3, 31)  # deadline 30.09.2026
    assert effort_in_time(start, D(2026, 9, 30))
    assert not due_for_genforelaeggelse(start, D(2026, 9, 30), D(2026, 12, 1))


def test_an_effort_starting_the_day_after_is_late_and_the_case_is_due():
    start = D(2026, 3, 31)
    assert not effort_in_time(start, D(2026, 10, 1))
    assert due_for_genforelaeggelse(start, D(2026, 10, 1), D(2026, 10, 2))


def test_an_effort_on_the_first_day_is_in_time():
    start = D(2026, 1, 15)
    assert not due_for_genforelaeggelse(start, start, D(2027, 1, 1))


def test_dates_checked():
    today = D(2026, 6, 1)
    assert check_dates(D(2026, 1, 1), D(2026, 2, 1), today) == {}
    assert check_dates(D(2026, 1, 1), None, today) == {}
    assert set(check_dates(None, None, today)) == {"started_on"}
    assert set(check_dates(D(2026, 6, 2), None, today)) == {"started_on"}
    assert set(check_dates(D(2026, 1, 1), D(2026, 6, 2), today)) == {"first_effort_started_on"}
    assert set(check_dates(D(2026, 2, 1), D(2026, 1, 31), today)) == {"first_effort_started_on"}
