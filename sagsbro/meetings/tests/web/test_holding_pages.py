"""The holding pages: the day page's holding part, the indstilling saved through HTMX with the
hint, the projector's fragment (204 while unchanged, the new text after a save, no CPR
number), and the follow-ups on the owner's worklist."""

import datetime

import pytest
from django.test import Client

from sagsbro.conftest import MEETING
from sagsbro.meetings.models import FollowUp, Indstilling, MeetingDay
from sagsbro.meetings.rules.indstilling import VAGUE_GOAL_HINT
from sagsbro.meetings.services import save_indstilling
from sagsbro.meetings.tests.held_day import attendees, book, meeting_day, today_is

HX = {"HTTP_HX_REQUEST": "true"}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def booking(side_a):
    meeting = meeting_day(side_a)
    attendees(side_a, meeting)
    return book(side_a, meeting)


def urls(booking):
    base = f"/moeder/{booking.meeting_id}"
    return {
        "day": f"{base}/",
        "hold": f"{base}/afhold/",
        "write": f"{base}/indstilling/{booking.pk}/",
        "projector": f"{base}/projektor/{booking.pk}/",
        "content": f"{base}/projektor/{booking.pk}/indhold/",
    }


def test_the_projector_fragment_changes_after_a_save_and_answers_204_until_then(side_a, booking):
    u = urls(booking)
    viewer = client_for(side_a.team_member)
    page = viewer.get(u["projector"])
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in page.text and "?version=0" in page.text
    assert viewer.get(u["content"], {"version": 0}).status_code == 204

    with today_is(MEETING):
        save_indstilling(side_a.caseworker, booking, {"employment_goal": "Butik 10 timer om ugen"})

    changed = viewer.get(u["content"], {"version": 0})
    assert changed.status_code == 200
    assert "Butik 10 timer om ugen" in changed.text and "?version=1" in changed.text
    assert viewer.get(u["content"], {"version": 1}).status_code == 204
    # Only the indstilling: no CPR number, no citizen data from the case.
    for body in (page.text, changed.text):
        assert side_a.citizen.cpr not in body and side_a.citizen.cpr[:6] not in body


def test_another_municipality_does_not_see_the_projector(side_a, side_b, booking):
    u = urls(booking)
    other = client_for(side_b.caseworker)
    assert other.get(u["projector"]).status_code == 404
    assert other.get(u["content"], {"version": 0}).status_code == 404


def test_saving_through_htmx_returns_the_form_with_the_hint_and_the_new_version(side_a, booking):
    u = urls(booking)
    writer = client_for(side_a.caseworker)
    with today_is(MEETING):
        response = writer.post(
            u["write"], {"version": "0", "employment_goal": "Borgeren skal i arbejde"}, **HX
        )
    assert response.status_code == 200
    assert (
        VAGUE_GOAL_HINT.replace("»", "&raquo;")[:40] in response.text
        or "Målet er uklart" in response.text
    )
    assert 'name="version" value="1"' in response.text
    assert "<html" not in response.text
    with today_is(MEETING):
        stale = writer.post(u["write"], {"version": "0", "employment_goal": "Andet"}, **HX)
    assert "ændret af en anden" in stale.text
    assert Indstilling.objects.get(booking=booking).employment_goal == "Borgeren skal i arbejde"


def test_holding_the_day_on_the_page(side_a, booking):
    u = urls(booking)
    chair = booking.meeting.attendees.get(chair=True)
    writer = client_for(side_a.team_member)
    with today_is(MEETING):
        page = writer.get(u["day"])
        assert "Registrér mødet som holdt" in page.text
        response = writer.post(
            u["hold"],
            {
                f"present-{chair.pk}": "on",
                f"outcome-{booking.pk}": "indstilling",
                f"citizen-{booking.pk}": "ja",
            },
        )
    assert response.status_code == 302
    assert MeetingDay.objects.get(pk=booking.meeting_id).state == "held"
    booking.refresh_from_db()
    assert (booking.outcome, booking.citizen_present) == ("indstilling", True)


def test_a_refused_holding_shows_the_reason(side_a, booking):
    u = urls(booking)
    writer = client_for(side_a.caseworker)
    with today_is(MEETING - datetime.timedelta(days=1)):
        response = writer.post(u["hold"], {f"outcome-{booking.pk}": "indstilling"}, follow=True)
    assert "før mødedatoen 10.03.2027" in response.text
    assert MeetingDay.objects.get(pk=booking.meeting_id).state == "planned"


def test_follow_ups_appear_on_the_owners_worklist_and_are_marked_done(side_a, booking):
    u = urls(booking)
    with today_is(MEETING):
        response = client_for(side_a.caseworker).post(
            u["write"] + "aftaler/",
            {"text": "Kontakter egen læge", "owner": side_a.coordinator.pk, "due": "2027-03-24"},
        )
    assert response.status_code == 302
    coordinator = client_for(side_a.coordinator)
    worklist = coordinator.get("/")
    assert "Aftaler fra møder" in worklist.text and "Kontakter egen læge" in worklist.text
    assert "Aftaler fra møder" not in client_for(side_a.caseworker).get("/").text
    follow_up = FollowUp.objects.get()
    assert coordinator.post(f"/moeder/aftaler/{follow_up.pk}/gjort/").status_code == 302
    assert FollowUp.objects.get().done_at is not None
    assert "Aftaler fra møder" not in coordinator.get("/").text


def test_the_municipality_records_the_letter_sent_on_the_page(
    side_a, booking, monkeypatch, settings, tmp_path
):
    from sagsbro.cases.models import Deadline
    from sagsbro.meetings.services import finalise_indstilling, send_conclusion_letter
    from sagsbro.meetings.tests.held_day import held, run_worker
    from sagsbro.messaging.models import OutgoingMessage

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with today_is(MEETING):
        save_indstilling(side_a.caseworker, booking, {"employment_goal": "Butik 10 timer om ugen"})
    held(side_a, booking.meeting, [booking])
    finalise_indstilling(side_a.caseworker, booking)
    run_worker()
    send_conclusion_letter(side_a.caseworker, booking.case)
    run_worker()
    u = urls(booking)
    page = client_for(side_a.caseworker).get(u["write"])
    assert "Breve efter mødet" in page.text and "ikke sendt endnu" in page.text
    letter = OutgoingMessage.objects.get(purpose="citizen_conclusion")
    url = f"{u['write']}breve/{letter.pk}/sendt/"
    assert client_for(side_a.coordinator).post(url).status_code == 403
    assert OutgoingMessage.objects.get(pk=letter.pk).state == "queued"
    assert client_for(side_a.caseworker).post(url).status_code == 302
    assert OutgoingMessage.objects.get(pk=letter.pk).state == "sent"
    assert Deadline.objects.get(case=booking.case, kind="citizen_conclusion").state == "met"


def test_holding_is_not_offered_before_the_meeting_day(side_a, booking):
    u = urls(booking)
    writer = client_for(side_a.team_member)
    with today_is(MEETING - datetime.timedelta(days=1)):
        page = writer.get(u["day"])
    assert "Registrér mødet som holdt" not in page.text
    assert f"kan registreres som holdt fra mødedagen den {MEETING:%d.%m.%Y}" in page.text
