"""Recording that the citizen did not come to the consultation (udeblivelse), or that the
consultation was held: neither before the booked time.

Source: BEK § 13, stk. 2 (the certificate rests on a consultation, so a consultation the
citizen did not come to is no consultation) and EVAL table 8 step 2.2 (klinisk funktion
invites the citizen; after a no-show the case waits for a new time). The record must match
what happened: a no-show is recorded at or after the time the citizen was invited to, never
before. The comment is a short practical note (who tried to reach the citizen, say); it is
not the place for health information, and it is bounded.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = [
    "NO_SHOW_COMMENT_MAX_CHARS",
    "consultation_too_early_problem",
    "no_show_comment_problem",
    "no_show_problem",
]

#: The longest comment a no-show takes (characters, after trimming).
NO_SHOW_COMMENT_MAX_CHARS = 500


def no_show_problem(
    appointment_start: datetime | None, appointment_on: date | None, now: datetime
) -> str | None:
    """Why the no-show cannot be recorded at ``now``, in Danish, or None.

    ``appointment_start`` is the booked slot's start and ``now`` the moment of recording
    (both aware, in local time for the message). Without a booked slot the appointment day
    (``appointment_on``) is the edge: from that day on.
    """
    if appointment_start is not None:
        if now < appointment_start:
            return (
                "Udeblivelse kan først registreres fra konsultationstiden "
                f"{appointment_start:%d.%m.%Y} kl. {appointment_start:%H.%M}."
            )
        return None
    if appointment_on is not None and now.date() < appointment_on:
        return (
            "Udeblivelse kan først registreres på dagen for konsultationen "
            f"{appointment_on:%d.%m.%Y}."
        )
    return None


def consultation_too_early_problem(appointment_start: datetime | None, now: datetime) -> str | None:
    """Why the consultation cannot be recorded as held at ``now``, in Danish, or None: like
    the no-show, not before the booked time has begun (the record must match what
    happened). Without a booked slot only the day is checked (`consultation_date_problem`)."""
    if appointment_start is not None and now < appointment_start:
        return (
            "Konsultationen kan først registreres som holdt fra den aftalte tid "
            f"{appointment_start:%d.%m.%Y} kl. {appointment_start:%H.%M}."
        )
    return None


def no_show_comment_problem(comment: str) -> str | None:
    """Why the comment cannot go with the no-show, or None (see the module)."""
    if len(comment.strip()) > NO_SHOW_COMMENT_MAX_CHARS:
        return f"Kommentaren må højst være {NO_SHOW_COMMENT_MAX_CHARS} tegn."
    return None
