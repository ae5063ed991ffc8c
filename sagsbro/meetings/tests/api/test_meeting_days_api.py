"""The meeting-day API: series and days created by the planners, days filtered by date, a
day's agenda (audited per case), the booking options with Danish reasons, and booking."""

import datetime
from datetime import date

from sagsbro.audit.models import AuditEntry
from sagsbro.conftest import api_client
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.tests.services.test_booking import draft, meeting, today_is


def test_create_a_series_and_list_days_by_date(side_a, side_b):
    client = api_client(side_a.secretariat)
    response = client.post(
        "/api/v1/meeting-series/",
        {
            "municipality": side_a.municipality.pk,
            "weekday": 1,
            "first_date": "2027-03-01",
            "last_date": "2027-04-30",
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "Jobcentret",
            "capacity": 5,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["days"]) == 9
    assert body["skipped"] == []
    days = client.get("/api/v1/meeting-days/?date_from=2027-03-10&date_to=2027-03-31").json()
    assert [d["date"] for d in days["results"]] == ["2027-03-16", "2027-03-23", "2027-03-30"]
    assert days["results"][0]["booked"] == 0 and days["results"][0]["capacity"] == 5
    assert len(client.get("/api/v1/meeting-series/").json()["results"]) == 1
    # The list pages by a cursor on the date: every day once, earliest first, with its count.
    url, dates = "/api/v1/meeting-days/?page_size=4", []
    while url:
        page = client.get(url).json()
        assert "count" not in page
        dates += [d["date"] for d in page["results"]]
        url = page["next"]
    assert dates == sorted(d["date"] for d in body["days"])
    # Another region's secretariat may not plan for the municipality.
    refused = api_client(side_b.secretariat).post(
        "/api/v1/meeting-days/",
        {
            "municipality": side_a.municipality.pk,
            "date": "2027-03-03",
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "X",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["fields"]["municipality"] == [
        "Du kan ikke planlægge mødedage for denne kommune."
    ]


def test_a_closed_day_is_refused_in_danish(side_a):
    response = api_client(side_a.caseworker).post(
        "/api/v1/meeting-days/",
        {
            "municipality": side_a.municipality.pk,
            "date": "2027-12-24",
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "Jobcentret",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["date"] == [
        "Mødedatoen 24.12.2027 er juleaftensdag, som ikke er en arbejdsdag."
    ]


def test_booking_options_book_and_the_agenda(side_a, side_b):
    days = [meeting(side_a, date(2027, 3, 10) + datetime.timedelta(weeks=w)) for w in range(3)]
    case = draft(side_a)
    client = api_client(side_a.caseworker)
    with today_is(date(2027, 2, 26)):
        options = client.get(f"/api/v1/cases/{case.pk}/booking-options/").json()
        assert [o["meeting"]["id"] for o in options["suggested"]] == [days[1].pk, days[2].pk]
        assert options["others"][0]["meeting"]["id"] == days[0].pk
        assert options["others"][0]["reasons"][0].startswith(
            "Fristen for materialet er overskredet"
        )
        refused = client.post(
            f"/api/v1/cases/{case.pk}/book/", {"meeting": days[0].pk}, format="json"
        )
        assert refused.status_code == 400
        assert refused.json()["code"] == "booking_refused"
        assert not Booking.objects.exists()
        booked = client.post(
            f"/api/v1/cases/{case.pk}/book/", {"meeting": days[1].pk}, format="json"
        )
        assert booked.status_code == 201, booked.json()
        assert booked.json()["date"] == "2027-03-17"
        moved = client.post(
            f"/api/v1/cases/{case.pk}/book/",
            {"meeting": days[2].pk, "reason": "Borgeren er syg"},
            format="json",
        )
        assert moved.status_code == 201
    case.refresh_from_db()
    assert case.meeting_date == date(2027, 3, 24)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    agenda = client.get(f"/api/v1/meeting-days/{days[2].pk}/agenda/").json()
    assert [row["kind"] for row in agenda] == ["case", "closing"]
    assert agenda[0]["reference"] == case.reference and agenda[0]["start"] == "09:00:00"
    assert list(AuditEntry.objects.filter(id__gt=mark).values_list("action", "case_id")) == [
        (AuditEntry.Action.LIST, case.pk)
    ]
    # Another municipality's meeting is not found for the caller, nor its agenda.
    other = meeting(side_b, date(2027, 3, 10))
    assert client.get(f"/api/v1/meeting-days/{other.pk}/agenda/").status_code == 404
    response = client.post(f"/api/v1/cases/{case.pk}/book/", {"meeting": other.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["meeting"] == ["Mødet findes ikke."]


def test_region_sees_days_gp_sees_none(side_a):
    day = meeting(side_a, date(2027, 3, 10))
    assert api_client(side_a.coordinator).get(f"/api/v1/meeting-days/{day.pk}/").status_code == 200
    assert api_client(side_a.gp).get(f"/api/v1/meeting-days/{day.pk}/").status_code == 404
    assert api_client(side_a.gp).get("/api/v1/meeting-days/").json()["results"] == []
    assert MeetingDay.objects.count() == 1


def test_the_schema_documents_the_meeting_endpoints(side_a):
    schema = api_client(side_a.caseworker).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/meeting-series/",
        "/api/v1/meeting-days/",
        "/api/v1/meeting-days/{id}/",
        "/api/v1/meeting-days/{id}/agenda/",
        "/api/v1/cases/{id}/booking-options/",
        "/api/v1/cases/{id}/book/",
    ):
        assert path in paths, path


def test_patch_a_day_by_its_planners_only(side_a, side_b):
    day = meeting(side_a, date(2027, 3, 10))
    url = f"/api/v1/meeting-days/{day.pk}/"
    response = api_client(side_a.municipal_admin).patch(url, {"capacity": 8}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["capacity"] == 8
    assert (
        api_client(side_a.coordinator).patch(url, {"capacity": 2}, format="json").status_code == 403
    )
    assert (
        api_client(side_b.secretariat).patch(url, {"capacity": 2}, format="json").status_code == 404
    )
    day.refresh_from_db()
    assert day.capacity == 8
