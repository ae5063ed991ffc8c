"""The 14-day notice before a late appointment, at its edge (EVAL)."""

from datetime import date

import pytest

from sagsbro.clinical.rules.invitation import (
    LATE_APPOINTMENT_DAYS,
    appointment_is_late,
    days_after_receipt,
    late_appointment_problem,
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


# --- the caseworker's acceptance (EVAL table 8 step 2.2) -------------------------------------

DAY_14, DAY_15, DAY_16 = date(2025, 3, 17), date(2025, 3, 18), date(2025, 3, 19)


def test_a_time_in_time_needs_neither_notice_nor_acceptance() -> None:
    assert late_appointment_problem(RECEIVED, DAY_14, notified_for=None, accepted_for=None) is None


def test_a_late_time_needs_the_notice_then_the_acceptance_of_that_day() -> None:
    problem = late_appointment_problem(RECEIVED, DAY_15, notified_for=None, accepted_for=None)
    assert problem is not None and problem.code == "late_appointment_not_notified"
    problem = late_appointment_problem(RECEIVED, DAY_15, notified_for=DAY_15, accepted_for=None)
    assert problem is not None and problem.code == "late_appointment_not_accepted"
    assert "15" not in problem.code and "18.03.2025" in problem.message
    assert (
        late_appointment_problem(RECEIVED, DAY_15, notified_for=DAY_15, accepted_for=DAY_15) is None
    )


def test_a_notice_or_acceptance_of_another_day_does_not_cover_it() -> None:
    problem = late_appointment_problem(RECEIVED, DAY_16, notified_for=DAY_15, accepted_for=DAY_15)
    assert problem is not None and problem.code == "late_appointment_not_notified"
    problem = late_appointment_problem(RECEIVED, DAY_16, notified_for=DAY_16, accepted_for=DAY_15)
    assert problem is not None and problem.code == "late_appointment_not_accepted"


def test_a_late_notice_names_a_late_coming_day_within_a_year():
    from sagsbro.clinical.rules.invitation import late_notice_problem, latest_notice_day

    received = date(2027, 3, 1)
    today = date(2027, 3, 5)
    day_14 = date(2027, 3, 15)
    refused = late_notice_problem(received, day_14, today)
    assert refused is not None
    assert refused.code == "appointment_not_late"
    assert refused.message == (
        "Tiden 15.03.2027 ligger højst 14 dage efter, at anmodningen blev modtaget "
        "(01.03.2027), så sagsbehandleren skal ikke orienteres. Borgeren kan indkaldes direkte "
        "til en tid til og med 15.03.2027."
    )
    assert late_notice_problem(received, date(2027, 3, 16), today) is None  # day 15
    past = late_notice_problem(date(2027, 1, 1), date(2027, 3, 4), today)
    assert past is not None and past.code == "appointment_in_past"
    assert past.message == "Tiden 04.03.2027 er passeret. Orientér om en kommende tid."
    assert late_notice_problem(received, date(2028, 3, 5), today) is None  # a year ahead
    far = late_notice_problem(received, date(2028, 3, 6), today)
    assert far is not None and far.code == "appointment_too_far"
    assert far.message == "Tiden 06.03.2028 ligger mere end et år frem. Kontrollér datoen."
    assert latest_notice_day(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_time_after_the_thirty_day_deadline_is_warned_of():
    from sagsbro.clinical.rules.invitation import past_certificate_deadline_warning

    due = date(2027, 3, 31)
    assert past_certificate_deadline_warning(due, due) is None
    assert past_certificate_deadline_warning(date(2027, 3, 20), due) is None
    assert past_certificate_deadline_warning(date(2027, 4, 1), None) is None
    assert past_certificate_deadline_warning(date(2027, 4, 1), due) == (
        "Tiden 01.04.2027 ligger efter fristen for speciallægeattesten 30 dage efter, at "
        "anmodningen kom (31.03.2027). Aftal en anden frist i sagen under Frister "
        "(BEK § 23, 2. pkt.)."
    )
