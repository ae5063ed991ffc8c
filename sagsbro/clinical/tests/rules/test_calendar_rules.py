"""Two slots of a specialist overlap when each starts before the other ends: touching end to
start is no overlap (the calendar's half-open intervals)."""

from datetime import UTC, date, datetime

import pytest

from sagsbro.clinical.rules.calendar import slot_day_problem, slot_end, slots_overlap

TEN = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    return TEN.replace(hour=hour, minute=minute)


@pytest.mark.parametrize(
    ("start", "minutes", "overlaps"),
    [
        (at(10), 45, True),
        (at(10, 44), 5, True),
        (at(9, 16), 45, True),
        (at(9), 180, True),
        (at(10, 45), 30, False),
        (at(9, 15), 45, False),
        (at(12), 60, False),
    ],
)
def test_overlap_against_ten_to_ten_forty_five(start: datetime, minutes: int, overlaps: bool):
    assert slots_overlap(at(10), 45, start, minutes) is overlaps
    assert slots_overlap(start, minutes, at(10), 45) is overlaps


def test_slot_end() -> None:
    assert slot_end(at(10), 45) == at(10, 45)


def test_a_time_lies_at_most_a_year_ahead() -> None:
    today, latest = date(2027, 3, 1), date(2028, 3, 1)
    assert slot_day_problem(latest, today, latest) is None
    assert slot_day_problem(date(2028, 3, 2), today, latest) == (
        "Tiden kan højst ligge et år frem, til og med 01.03.2028. Tjek årstallet."
    )
