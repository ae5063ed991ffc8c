"""rules.meetings: meeting days, meetings and consultations recorded no earlier than they
were, and how late a team case is for its meeting (plain Python, no database)."""

from datetime import date

import pytest

from sagsbro.cases.rules.meetings import (
    LateForMeeting,
    consultation_date_problem,
    days_late_for_meeting,
    meeting_day_problem,
    meeting_held_too_early,
)
from sagsbro.workdays.rules import ClosedDayOptions, WorkingDayCalendar

CALENDAR = WorkingDayCalendar()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2027, 12, 25), "Mødedatoen 25.12.2027 er juledag, som ikke er en arbejdsdag."),
        (date(2027, 3, 6), "Mødedatoen 06.03.2027 er en lørdag, som ikke er en arbejdsdag."),
        (date(2027, 3, 7), "Mødedatoen 07.03.2027 er en søndag, som ikke er en arbejdsdag."),
        (
            date(2027, 12, 24),
            "Mødedatoen 24.12.2027 er juleaftensdag, som ikke er en arbejdsdag.",
        ),
        (
            date(2027, 5, 6),
            "Mødedatoen 06.05.2027 er Kristi himmelfartsdag, som ikke er en arbejdsdag.",
        ),
        (date(2027, 6, 5), "Mødedatoen 05.06.2027 er grundlovsdag, som ikke er en arbejdsdag."),
        (
            date(2027, 3, 29),
            "Mødedatoen 29.03.2027 er anden påskedag, som ikke er en arbejdsdag.",
        ),
    ],
)
def test_a_meeting_is_not_on_a_weekend_or_a_closed_day(day, message):
    assert meeting_day_problem(day, CALENDAR) == message


@pytest.mark.parametrize("day", [date(2027, 3, 10), date(2027, 12, 27), date(2028, 1, 3)])
def test_a_working_day_is_a_meeting_day(day):
    assert meeting_day_problem(day, CALENDAR) is None


def test_a_closed_day_switched_off_is_a_meeting_day():
    # 24 December is a closed day only as configured (SAGSBRO_CLOSED_DAYS).
    open_christmas_eve = WorkingDayCalendar(ClosedDayOptions(christmas_eve=False))
    assert meeting_day_problem(date(2027, 12, 24), open_christmas_eve) is None


def test_a_meeting_is_held_on_or_after_its_date():
    meeting = date(2027, 3, 10)
    assert meeting_held_too_early(meeting, date(2027, 3, 9)) is True
    assert meeting_held_too_early(meeting, meeting) is False
    assert meeting_held_too_early(meeting, date(2027, 3, 11)) is False
    assert meeting_held_too_early(None, date(2027, 3, 9)) is False


def test_a_consultation_is_held_on_or_after_its_appointment_and_not_in_the_future():
    appointment = date(2027, 3, 10)
    today = date(2027, 3, 15)
    assert consultation_date_problem(date(2027, 3, 9), appointment, today) == (
        "Konsultationen kan ikke være holdt den 09.03.2027, før den aftalte tid den 10.03.2027."
    )
    assert consultation_date_problem(date(2027, 3, 16), appointment, today) == (
        "Konsultationen kan ikke være holdt den 16.03.2027, som er i fremtiden."
    )
    assert consultation_date_problem(appointment, appointment, today) is None
    assert consultation_date_problem(today, appointment, today) is None
    assert consultation_date_problem(today, None, today) is None


def test_a_consultation_is_not_held_before_the_region_received_the_case():
    received = date(2027, 3, 5)
    today = date(2027, 3, 15)
    assert consultation_date_problem(date(2027, 3, 4), None, today, received) == (
        "Konsultationen kan ikke være holdt den 04.03.2027, før regionen modtog sagen den "
        "05.03.2027."
    )
    assert consultation_date_problem(received, None, today, received) is None
    # The future is refused first, whatever the receipt.
    assert consultation_date_problem(date(2027, 3, 16), None, today, received) == (
        "Konsultationen kan ikke være holdt den 16.03.2027, som er i fremtiden."
    )


def test_working_days_late_for_the_meeting():
    deadline = date(2027, 2, 24)  # Wednesday
    assert days_late_for_meeting(deadline, date(2027, 2, 23), CALENDAR) == 0
    assert days_late_for_meeting(deadline, deadline, CALENDAR) == 0
    assert days_late_for_meeting(deadline, date(2027, 2, 25), CALENDAR) == 1
    assert days_late_for_meeting(deadline, date(2027, 3, 3), CALENDAR) == 5
    # A Friday deadline missed on Saturday is one working day late, not zero.
    assert days_late_for_meeting(date(2027, 2, 26), date(2027, 2, 27), CALENDAR) == 1


def test_the_late_warning_says_what_is_late_and_by_how_much():
    late = LateForMeeting(
        deadline=date(2027, 2, 24),
        meeting_date=date(2027, 3, 10),
        working_days_late=3,
        source="Samarbejdsaftale (alle fem regioner)",
    )
    assert late.message == (
        "Sagen sendes 3 hverdage for sent til mødet den 10.03.2027: den skulle være i regionen "
        "senest 24.02.2027 (Samarbejdsaftale (alle fem regioner)). Bekræft, at sagen skal "
        "sendes alligevel, eller vælg et senere møde."
    )
    one = LateForMeeting(date(2027, 2, 24), date(2027, 3, 10), 1, "Procedure Genforelæggelse")
    assert "1 hverdag for sent" in one.message
