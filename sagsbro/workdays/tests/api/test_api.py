"""The calendar API: open without log-in, same rules as the deadline engine."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2025-04-16", 1, "2025-04-22"),  # over Easter 2025
        ("2025-04-22", -1, "2025-04-16"),
        ("2027-12-23", 1, "2027-12-27"),  # 24 Dec closed, Christmas
        ("2026-06-04", 1, "2026-06-08"),  # Grundlovsdag, then the weekend
        ("2026-05-13", 1, "2026-05-15"),  # Kristi Himmelfartsdag 2026
        ("2026-11-28", 0, "2026-11-30"),  # a Saturday rolls to Monday
    ],
)
def test_working_days(start, days, expected):
    response = APIClient().get("/api/v1/calendar/working-days", {"start": start, "days": days})
    assert response.status_code == 200
    assert response.json() == {"date": expected}


@pytest.mark.django_db
def test_closed_days_for_a_year():
    response = APIClient().get("/api/v1/calendar/closed-days", {"year": 2026})
    assert response.status_code == 200
    days = {d["date"]: d["name"] for d in response.json()}
    assert days["2026-04-03"] == "Langfredag"
    assert days["2026-06-05"] == "Grundlovsdag"
    assert "2026-12-24" in days and "2026-12-31" in days
    assert not any(d.startswith("2026-05-01") for d in days)  # 1 May is a working day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "26-11-2026", "days": 3}, "start", "Datoen skal skrives som ÅÅÅÅ-MM-DD."),
        ({"start": "2026-11-26", "days": "tre"}, "days", "Antal dage skal være et helt tal."),
        ({"days": 3}, "start", "Angiv en startdato (start=ÅÅÅÅ-MM-DD)."),
        ({"start": "2026-11-26", "days": 99999}, "days", "Antal dage må højst være 3650."),
    ],
)
def test_bad_calendar_input(query, field, message):
    response = APIClient().get("/api/v1/calendar/working-days", query)
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.django_db
def test_closed_days_option_can_be_switched_off(settings):
    from sagsbro.workdays.services import configured_calendar

    settings.SAGSBRO_CLOSED_DAYS = {
        "grundlovsdag": False,
        "christmas_eve": True,
        "new_years_eve": True,
    }
    configured_calendar.cache_clear()
    try:
        query: dict[str, str | int] = {"start": "2026-06-04", "days": 1}
        response = APIClient().get("/api/v1/calendar/working-days", query)
        assert response.json() == {"date": "2026-06-05"}
    finally:
        configured_calendar.cache_clear()
