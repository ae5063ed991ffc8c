from datetime import UTC, date, datetime, timedelta

from sagsbro.clinical.rules.no_show import (
    NO_SHOW_COMMENT_MAX_CHARS,
    no_show_comment_problem,
    no_show_problem,
)

START = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)


def test_a_no_show_is_recorded_at_or_after_the_booked_time():
    assert no_show_problem(START, date(2027, 3, 10), datetime(2027, 3, 10, 9, 59, tzinfo=UTC)) == (
        "Udeblivelse kan først registreres fra konsultationstiden 10.03.2027 kl. 10.00."
    )
    assert no_show_problem(START, date(2027, 3, 10), START) is None
    assert no_show_problem(START, None, datetime(2027, 3, 11, 8, 0, tzinfo=UTC)) is None


def test_without_a_slot_the_appointment_day_is_the_edge():
    day = date(2027, 3, 10)
    assert no_show_problem(None, day, datetime(2027, 3, 9, 23, 0, tzinfo=UTC)) == (
        "Udeblivelse kan først registreres på dagen for konsultationen 10.03.2027."
    )
    assert no_show_problem(None, day, datetime(2027, 3, 10, 0, 1, tzinfo=UTC)) is None
    assert no_show_problem(None, None, datetime(2027, 3, 10, 0, 1, tzinfo=UTC)) is None


def test_the_comment_is_bounded():
    assert no_show_comment_problem("") is None
    assert no_show_comment_problem("x" * NO_SHOW_COMMENT_MAX_CHARS) is None
    assert no_show_comment_problem("x" * (NO_SHOW_COMMENT_MAX_CHARS + 1)) == (
        f"Kommentaren må højst være {NO_SHOW_COMMENT_MAX_CHARS} tegn."
    )


def test_a_consultation_is_held_from_its_booked_time_on():
    from sagsbro.clinical.rules.no_show import consultation_too_early_problem

    starts = datetime(2027, 3, 1, 10, 30, tzinfo=UTC)
    assert consultation_too_early_problem(starts, starts - timedelta(minutes=1)) == (
        "Konsultationen kan først registreres som holdt fra den aftalte tid 01.03.2027 kl. 10.30."
    )
    assert consultation_too_early_problem(starts, starts) is None
    assert consultation_too_early_problem(None, starts - timedelta(days=1)) is None
