"""The consultation calendar's rules: how long a slot may be, and when two slots of the same
specialist overlap (source: the calendar's own consistency; a specialist is at one
consultation at a time, so no two of their slots may share a moment).

A slot is the half-open interval [start, start + minutes): a slot that ends when the next one
starts does not overlap it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

__all__ = [
    "MAX_SLOT_MINUTES",
    "MIN_SLOT_MINUTES",
    "slot_day_problem",
    "slot_end",
    "slots_overlap",
]

MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 480


def slot_end(starts_at: datetime, minutes: int) -> datetime:
    return starts_at + timedelta(minutes=minutes)


def slots_overlap(
    starts_at: datetime, minutes: int, other_starts_at: datetime, other_minutes: int
) -> bool:
    """Whether two slots share a moment: each starts before the other ends."""
    return starts_at < slot_end(other_starts_at, other_minutes) and other_starts_at < slot_end(
        starts_at, minutes
    )


def slot_day_problem(day: date, today: date, latest: date) -> str | None:
    """Why a time cannot be put in the calendar on ``day``, in Danish, or None: it has passed
    (checked to the minute by the service), or it lies more than a year ahead (``latest``,
    the same bound as a late appointment's notice): a typed year is then most likely wrong."""
    if day > latest:
        return f"Tiden kan højst ligge et år frem, til og med {latest:%d.%m.%Y}. Tjek årstallet."
    return None
