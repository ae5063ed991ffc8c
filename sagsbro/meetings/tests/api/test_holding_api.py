"""The API of holding a meeting day, the indstilling per booking, follow-ups and the letters
after the meeting: access rules, the Danish refusals and the audit trail."""

import datetime

import pytest

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Deadline
from sagsbro.conftest import MEETING, api_client
from sagsbro.meetings.models import FollowUp, Indstilling, MeetingDay
from sagsbro.meetings.tests.held_day import attendees, book, meeting_day, run_worker, today_is
from sagsbro.messaging.models import OutgoingMessage

API = "/api/v1"
GOAL = "Rengøring 15 timer om ugen uden tunge løft"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def booking(side_a):
    meeting = meeting_day(side_a)
    attendees(side_a, meeting)
    return book(side_a, meeting)


def hold(user, booking, outcome="indstilling"):
    chair = booking.meeting.attendees.get(chair=True)
    return api_client(user).post(
        f"{API}/meeting-days/{booking.meeting_id}/hold/",
        {
            "attendance": [{"attendee": chair.pk, "present": True}],
            "bookings": [{"booking": booking.pk, "outcome": outcome, "citizen_present": True}],
        },
        format="json",
    )


def test_hold_the_day(side_a, booking):
    with today_is(MEETING - datetime.timedelta(days=1)):
        early = hold(side_a.caseworker, booking)
    assert early.status_code == 400
    assert early.json()["code"] == "meeting_not_reached"
    with today_is(MEETING):
        assert hold(side_a.coordinator, booking).status_code == 403
        response = hold(side_a.team_member, booking)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "held"
    assert body["bookings"][0]["outcome"] == "indstilling"
    assert AuditEntry.objects.filter(object_type="meeting_day", detail="held").exists()


def test_another_organisation_gets_404_and_a_denied_entry(side_a, side_b, booking):
    with today_is(MEETING):
        response = hold(side_b.caseworker, booking)
    assert response.status_code == 404
    assert MeetingDay.objects.get(pk=booking.meeting_id).state == "planned"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, user=side_b.caseworker)
    for path in ("indstilling/", "follow-ups/"):
        assert (
            api_client(side_b.caseworker).get(f"{API}/bookings/{booking.pk}/{path}").status_code
            == 404
        )


def test_indstilling_get_put_hint_version_and_conflict(side_a, booking):
    url = f"{API}/bookings/{booking.pk}/indstilling/"
    client = api_client(side_a.caseworker)
    empty = client.get(url).json()
    assert (empty["version"], empty["employment_goal"], empty["goal_hint"]) == (0, "", None)
    with today_is(MEETING):
        vague = client.put(url, {"employment_goal": "I arbejde", "version": 0}, format="json")
        assert vague.status_code == 200, vague.json()
        assert vague.json()["version"] == 1 and vague.json()["goal_hint"]
        stale = client.put(url, {"employment_goal": GOAL, "version": 0}, format="json")
        assert stale.status_code == 409
        ok = client.put(url, {"employment_goal": GOAL, "version": 1}, format="json")
        assert ok.json()["goal_hint"] is None and ok.json()["version"] == 2
        advice_url = f"{API}/bookings/{booking.pk}/coordinator-advice/"
        assert client.put(advice_url, {"text": "x"}, format="json").status_code == 403
        advice = api_client(side_a.coordinator).put(advice_url, {"text": "Ro på"}, format="json")
    assert advice.status_code == 200 and advice.json()["coordinator_advice"] == "Ro på"
    assert AuditEntry.objects.filter(object_type="indstilling").count() >= 3


def test_finalise_then_conclusion_letter_then_record_sent(side_a, booking):
    with today_is(MEETING):
        api_client(side_a.caseworker).put(
            f"{API}/bookings/{booking.pk}/indstilling/", {"employment_goal": GOAL}, format="json"
        )
        assert hold(side_a.caseworker, booking).status_code == 200
    client = api_client(side_a.caseworker)
    finalised = client.post(f"{API}/bookings/{booking.pk}/indstilling/finalise/")
    assert finalised.status_code == 202, finalised.json()
    run_worker()
    assert Indstilling.objects.get(booking=booking).document_id is not None
    letter = client.post(f"{API}/cases/{booking.case_id}/conclusion-letter/")
    assert letter.status_code == 202, letter.json()
    assert client.post(f"{API}/cases/{booking.case_id}/conclusion-letter/").status_code == 409
    run_worker()
    messages = client.get(f"{API}/cases/{booking.case_id}/outgoing-messages/").json()
    assert sorted(m["purpose"] for m in messages) == ["citizen_conclusion", "gp_indstilling_copy"]
    assert {m["state"] for m in messages} == {"queued"}
    citizen = OutgoingMessage.objects.get(purpose="citizen_conclusion")
    # The region may not record the municipality's letter as sent.
    denied = api_client(side_a.secretariat).post(
        f"{API}/outgoing-messages/{citizen.pk}/record-sent/"
    )
    assert denied.status_code == 403
    sent = client.post(
        f"{API}/outgoing-messages/{citizen.pk}/record-sent/", {"reference": "Brev 1"}, format="json"
    )
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    assert Deadline.objects.get(case=booking.case, kind="citizen_conclusion").state == "met"
    assert Deadline.objects.get(case=booking.case, kind="gp_indstilling_copy").fulfilled_on is None


def test_follow_ups_over_the_api(side_a, booking):
    url = f"{API}/bookings/{booking.pk}/follow-ups/"
    with today_is(MEETING):
        created = api_client(side_a.caseworker).post(
            url,
            {"owner": side_a.coordinator.pk, "text": "Kontakter egen læge", "due": "2027-03-24"},
            format="json",
        )
        bad = api_client(side_a.caseworker).post(
            url, {"owner": side_a.gp.pk, "text": "x", "due": "2027-03-24"}, format="json"
        )
    assert created.status_code == 201, created.json()
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_owner"
    mine = api_client(side_a.coordinator).get(f"{API}/follow-ups/").json()["results"]
    assert [f["text"] for f in mine] == ["Kontakter egen læge"]
    assert api_client(side_a.caseworker).get(f"{API}/follow-ups/").json()["results"] == []
    pk = FollowUp.objects.get().pk
    done = api_client(side_a.coordinator).post(f"{API}/follow-ups/{pk}/done/")
    assert done.status_code == 200 and done.json()["done_at"]
