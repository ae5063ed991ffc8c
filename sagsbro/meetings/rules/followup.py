"""The ressourceforløb's follow-up (procedure 002 Genforelæggelse; O-57): a case about
ressourceforløb goes back to the rehabiliteringsteam when the citizen has not started an
effort at the latest 6 months after the forløb began (unless special reasons speak against it,
which the caseworker judges).

Months are counted to the same day of the month; when that month is shorter, the last day of
the month (31 August + 6 months = 28/29 February). An effort started on that last day is in
time; from the day after, the case is due for genforelæggelse.
"""

from __future__ import annotations

import calendar
import datetime

GENFORELAEGGELSE_MONTHS = 6


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the end of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def effort_deadline(started_on: datetime.date) -> datetime.date:
    """The last day on which the first effort may start without a genforelæggelse."""
    return add_months(started_on, GENFORELAEGGELSE_MONTHS)


def effort_in_time(
    started_on: datetime.date, first_effort_started_on: datetime.date | None
) -> bool:
    """The first effort started within the 6 months (on the last day counts)."""
    return first_effort_started_on is not None and first_effort_started_on <= effort_deadline(
        started_on
    )


def due_for_genforelaeggelse(
    started_on: datetime.date,
    first_effort_started_on: datetime.date | None,
    today: datetime.date,
) -> bool:
    """6 months after the start the case is due when no effort started in time. An effort
    that started only after the 6 months does not undo it: the rule is about the start within
    the 6 months, so the team sees the case again."""
    return today > effort_deadline(started_on) and not effort_in_time(
        started_on, first_effort_started_on
    )


def check_dates(
    started_on: datetime.date | None,
    first_effort_started_on: datetime.date | None,
    today: datetime.date,
) -> dict[str, str]:
    """What is wrong with the recorded dates, by field (Danish); empty when they hold."""
    errors: dict[str, str] = {}
    if started_on is None:
        errors["started_on"] = "Angiv, hvornår ressourceforløbet begyndte."
    elif started_on > today:
        errors["started_on"] = "Ressourceforløbets start må ikke ligge i fremtiden."
    if first_effort_started_on is not None:
        if first_effort_started_on > today:
            errors["first_effort_started_on"] = (
                "Den første indsats' start må ikke ligge i fremtiden."
            )
        elif started_on is not None and first_effort_started_on < started_on:
            errors["first_effort_started_on"] = (
                "Den første indsats kan ikke være startet før ressourceforløbet."
            )
    return errors
