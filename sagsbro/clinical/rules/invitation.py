"""The 14-day notice before a late appointment is offered to the citizen, and the caseworker's
acceptance of it.

Source: the national evaluation of the collaboration model (EVAL, table 8 step 2.2): when
klinisk funktion cannot offer an appointment within 14 days of receiving the request, the
caseworker is told (and accepts) before the citizen is invited. The 14 days are calendar days
counted from the day the request was received, like the "dage" of BEK §§ 21-23.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "LATE_APPOINTMENT_DAYS",
    "LateAppointmentRefused",
    "appointment_is_late",
    "days_after_receipt",
    "late_appointment_problem",
]

#: An appointment more than this many calendar days after receipt is "late".
LATE_APPOINTMENT_DAYS = 14


def days_after_receipt(received_on: date, appointment_on: date) -> int:
    """Calendar days from the day the request was received to the appointment day."""
    return (appointment_on - received_on).days


def appointment_is_late(received_on: date, appointment_on: date) -> bool:
    """Whether the caseworker must be told, and accept, before the citizen is invited (EVAL).

    Day 14 after receipt is still in time; day 15 is late. Closed days do not
    move the edge: the notice is about how long the citizen waits, not a deadline
    to be met on a working day.
    """
    return days_after_receipt(received_on, appointment_on) > LATE_APPOINTMENT_DAYS


class LateAppointmentRefused(Exception):
    """The citizen may not be invited to this late appointment yet (code and Danish text)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def late_appointment_problem(
    received_on: date,
    appointment_on: date,
    *,
    notified_for: date | None,
    accepted_for: date | None,
) -> LateAppointmentRefused | None:
    """Why the citizen may not be invited to `appointment_on` yet, or None (EVAL table 8
    step 2.2).

    A time within 14 days needs nothing. A late time needs the caseworker told of exactly
    that day (`notified_for`) and the caseworker's acceptance of exactly that day
    (`accepted_for`): a notice or an acceptance of another day does not cover it.
    """
    if not appointment_is_late(received_on, appointment_on):
        return None
    if notified_for != appointment_on:
        return LateAppointmentRefused(
            "late_appointment_not_notified",
            "Tiden ligger mere end 14 dage efter, at anmodningen blev modtaget. Orientér "
            "sagsbehandleren, før borgeren indkaldes.",
        )
    if accepted_for != appointment_on:
        return LateAppointmentRefused(
            "late_appointment_not_accepted",
            f"Sagsbehandleren er orienteret om tiden {appointment_on:%d.%m.%Y}, men har endnu "
            "ikke accepteret den. Borgeren kan indkaldes, når sagsbehandleren har accepteret.",
        )
    return None
