"""The 14-day notice before a late appointment, at its edge (EVAL)."""

from datetime import date

import pytest

from sagsbro.clinical.rules.invitation import (
    LATE_APPOINTMENT_DAYS,
    appointment_is_late,
    days_after_receipt,
)

RECEIVED = date(2025, 3, 3)  # a Monday


@pytest.mark.parametrize(
    ("appointment", "days", "late"),
    [
        (date(2025, 3, 16), 13, False),
        (date(2025, 3, 17), 14, False),  # day 14 is still in time
        (date(2025, 3, 18), 15, True),
        (RECEIVED, 0, False),
    ],
)
def test_edge(appointment: date, days: int, late: bool) -> None:
    assert days_after_receipt(RECEIVED, appointment) == days
    assert appointment_is_late(RECEIVED, appointment) is late


def test_edge_is_counted_in_calendar_days_across_holidays() -> None:
    # Received Thu 10 Apr 2025; Easter (17-21 Apr) lies inside the 14 days and does not
    # extend them: 24 Apr is day 14, 25 Apr day 15.
    assert not appointment_is_late(date(2025, 4, 10), date(2025, 4, 24))
    assert appointment_is_late(date(2025, 4, 10), date(2025, 4, 25))


def test_constant_is_fourteen() -> None:
    assert LATE_APPOINTMENT_DAYS == 14
