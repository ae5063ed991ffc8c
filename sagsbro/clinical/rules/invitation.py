"""The 14-day notice before a late appointment is offered to the citizen, and the caseworker's
acceptance of it.

Source: the national evaluation of the collaboration model (EVAL, table 8 step 2.2): when
klinisk funktion cannot offer an appointment within 14 days of receiving the request, the
caseworker is told (and accepts) before the citizen is invited. The 14 days are calendar days
counted from the day the request was received, like the "dage" of BEK §§ 21-23.

The notice itself names a late day: a day within the 14 days needs no notice, a day that has
passed cannot be offered, and a day more than a year ahead is no plannable time (a typing
error, most likely) — each is refused with its reason.
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = [
    "LATE_APPOINTMENT_DAYS",
    "LateAppointmentRefused",
    "appointment_is_late",
    "days_after_receipt",
    "late_appointment_problem",
    "late_notice_problem",
    "latest_notice_day",
    "past_certificate_deadline_warning",
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


def latest_notice_day(today: date) -> date:
    """The last day a late notice may name: one year after today (28 February for a
    29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def late_notice_problem(
    received_on: date, appointment_on: date, today: date
) -> LateAppointmentRefused | None:
    """Why klinisk funktion cannot tell the caseworker of ``appointment_on`` as a late time,
    or None (EVAL table 8 step 2.2; see the module): it has passed, it is not late (day 14
    after receipt is still in time), or it is more than a year ahead."""
    if appointment_on < today:
        return LateAppointmentRefused(
            "appointment_in_past",
            f"Tiden {appointment_on:%d.%m.%Y} er passeret. Orientér om en kommende tid.",
        )
    if not appointment_is_late(received_on, appointment_on):
        last = received_on + timedelta(days=LATE_APPOINTMENT_DAYS)
        return LateAppointmentRefused(
            "appointment_not_late",
            f"Tiden {appointment_on:%d.%m.%Y} ligger højst {LATE_APPOINTMENT_DAYS} dage efter, "
            f"at anmodningen blev modtaget ({received_on:%d.%m.%Y}), så sagsbehandleren skal "
            f"ikke orienteres. Borgeren kan indkaldes direkte til en tid til og med "
            f"{last:%d.%m.%Y}.",
        )
    if appointment_on > latest_notice_day(today):
        return LateAppointmentRefused(
            "appointment_too_far",
            f"Tiden {appointment_on:%d.%m.%Y} ligger mere end et år frem. Kontrollér datoen.",
        )
    return None


def past_certificate_deadline_warning(appointment_on: date, due: date | None) -> str | None:
    """The warning, in Danish, when a late appointment lies after the deadline for the
    certificate 30 days after the request came (BEK § 23, 1. pkt.; ``due`` is that deadline,
    None when not computed): the certificate cannot be delivered in time, and § 23, 2. pkt.
    says another deadline is then agreed in the case. None when the time leaves room."""
    if due is None or appointment_on <= due:
        return None
    return (
        f"Tiden {appointment_on:%d.%m.%Y} ligger efter fristen for speciallægeattesten 30 dage "
        f"efter, at anmodningen kom ({due:%d.%m.%Y}). Aftal en anden frist i sagen under "
        "Frister (BEK § 23, 2. pkt.)."
    )
