"""The calendar API refuses dates outside the years it knows with a Danish 400, never an
overflow (a server error) at the end of the date range."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.parametrize(
    ("start", "days"), [("9999-12-31", 5), ("9999-12-30", 1), ("0001-01-01", -5), ("2201-01-01", 0)]
)
def test_a_start_outside_the_calendar_is_a_400(db, start, days):
    response = APIClient().get(
        "/api/v1/calendar/working-days", {"start": str(start), "days": str(days)}
    )
    assert response.status_code == 400
    assert response.json() == {"start": ["Datoen skal ligge mellem år 1900 og 2200."]}


def test_the_edges_of_the_calendar_are_answered(db):
    client = APIClient()
    last = client.get("/api/v1/calendar/working-days", {"start": "2200-12-31", "days": "3650"})
    first = client.get("/api/v1/calendar/working-days", {"start": "1900-01-01", "days": "-3650"})
    assert last.status_code == first.status_code == 200
