"""The 14-day notice before a late appointment is offered to the citizen.

Source: the national evaluation of the collaboration model (EVAL): when klinisk
funktion cannot offer an appointment within 14 days of receiving the request, the
caseworker is told (and accepts) before the citizen is invited. The 14 days are
calendar days counted from the day the request was received, like the "dage" of
BEK §§ 21-23.
"""

from __future__ import annotations

from datetime import date

__all__ = ["LATE_APPOINTMENT_DAYS", "appointment_is_late", "days_after_receipt"]

#: An appointment more than this many calendar days after receipt is "late".
LATE_APPOINTMENT_DAYS = 14


def days_after_receipt(received_on: date, appointment_on: date) -> int:
    """Calendar days from the day the request was received to the appointment day."""
    return (appointment_on - received_on).days


def appointment_is_late(received_on: date, appointment_on: date) -> bool:
    """Whether the caseworker must be told before the citizen is invited (EVAL).

    Day 14 after receipt is still in time; day 15 is late. Closed days do not
    move the edge: the notice is about how long the citizen waits, not a deadline
    to be met on a working day.
    """
    return days_after_receipt(received_on, appointment_on) > LATE_APPOINTMENT_DAYS
