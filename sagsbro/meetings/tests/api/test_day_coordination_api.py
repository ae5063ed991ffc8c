"""The meeting day's coordinator, cancellation, screening, team and agenda PDF over the API."""

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case
from sagsbro.conftest import api_client
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.tests.day_factory import booked_case, citizen, make_day
from sagsbro.organisations.models import TreatmentRelation

API = "/api/v1/meeting-days"


def test_candidates_and_assignment_with_a_conflict_refused(side_a):
    day = make_day(side_a)
    case = booked_case(side_a, day)
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator_2, kind="treating"
    )
    client = api_client(side_a.secretariat)
    listed = client.get(f"{API}/{day.pk}/coordinator/")
    assert listed.status_code == 200, listed.json()
    rows = {row["user"]: row for row in listed.json()["candidates"]}
    assert rows[side_a.coordinator.pk]["open_cases"] == 1
    assert rows[side_a.coordinator.pk]["assignable"] is True
    assert rows[side_a.coordinator_2.pk]["conflicts"] == [case.reference]

    refused = client.post(
        f"{API}/{day.pk}/coordinator/", {"coordinator": side_a.coordinator_2.pk}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "conflict_of_interest"
    assert refused.json()["conflicts"] == [case.reference]
    assert side_a.citizen.cpr not in refused.content.decode()

    done = client.post(
        f"{API}/{day.pk}/coordinator/", {"coordinator": side_a.coordinator.pk}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["coordinator"] == side_a.coordinator.pk
    assert client.get(f"{API}/{day.pk}/").json()["coordinator"] == side_a.coordinator.pk


def test_only_the_secretariat_and_never_another_region(side_a, side_b):
    day = make_day(side_a)
    body = {"coordinator": side_a.coordinator.pk}
    response = api_client(side_a.caseworker).post(
        f"{API}/{day.pk}/coordinator/", body, format="json"
    )
    assert response.status_code == 403
    response = api_client(side_b.secretariat).post(
        f"{API}/{day.pk}/coordinator/", body, format="json"
    )
    assert response.status_code == 404
    assert AuditEntry.objects.filter(
        user=side_b.secretariat, action=AuditEntry.Action.DENIED
    ).exists()


def test_cancel_over_the_api(side_a):
    day = make_day(side_a)
    case = booked_case(side_a, day)
    client = api_client(side_a.secretariat)
    assert client.post(f"{API}/{day.pk}/cancel/", {}, format="json").status_code == 400
    response = client.post(f"{API}/{day.pk}/cancel/", {"reason": "Koordinator syg"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == MeetingDay.State.CANCELLED
    assert Case.objects.get(pk=case.pk).meeting_date is None


def test_screening_over_the_api(side_a, side_b):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    booking = case.bookings.get()
    body = {"booking": booking.pk, "verdict": "postpone", "reason": "Mangler epikrise"}
    response = api_client(side_a.coordinator).post(
        f"{API}/{day.pk}/screening/", body, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["screening"] == "postpone"
    assert Booking.objects.get(pk=booking.pk).screening_reason == "Mangler epikrise"
    refused = api_client(side_a.caseworker).post(f"{API}/{day.pk}/screening/", body, format="json")
    assert refused.status_code == 403


def test_attendees_with_warnings(side_a):
    day = make_day(side_a)
    parent = citizen(side_a, "0202851234", "Forælder", has_children=True)
    case = booked_case(side_a, day, parent)
    client = api_client(side_a.team_member)
    assert client.get(f"{API}/{day.pk}/attendees/").json()["attendees"] == []
    team: dict[str, list[dict[str, object]]] = {
        "attendees": [
            {"name": "Anna", "area": "employment", "chair": True},
            {"name": "Bo", "area": "health", "minute_taker": True},
            {"name": "Cecilie", "area": "social"},
        ]
    }
    response = client.put(f"{API}/{day.pk}/attendees/", team, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [a["name"] for a in body["attendees"]] == ["Anna", "Bo", "Cecilie"]
    assert body["warnings"] == [
        {
            "code": "family_missing",
            "message": f"Sag {case.reference}: borgeren har børn, og familieområdet er ikke "
            "repræsenteret (O-53).",
            "rule": "O-53",
            "case_reference": case.reference,
        }
    ]
    two_chairs = {"attendees": [{**a, "chair": True} for a in team["attendees"]]}
    refused = client.put(f"{API}/{day.pk}/attendees/", two_chairs, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Der kan kun være én mødeleder."


def test_agenda_pdf_over_the_api(side_a, side_b):
    day = make_day(side_a)
    booked_case(side_a, day)
    response = api_client(side_a.caseworker).get(f"{API}/{day.pk}/agenda-pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert api_client(side_b.caseworker).get(f"{API}/{day.pk}/agenda-pdf/").status_code == 404
    # A refusal to a client that asks for the PDF only is still a JSON body.
    refused = api_client(side_b.caseworker).get(
        f"{API}/{day.pk}/agenda-pdf/", HTTP_ACCEPT="application/pdf"
    )
    assert refused.status_code == 404
    assert b"not_found" in refused.content
