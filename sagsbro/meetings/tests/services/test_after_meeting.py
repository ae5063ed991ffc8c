"""After the meeting: the written conclusion to the citizen (one week) and the GP's copy are
deadlines met only when each letter was recorded as sent, never because the meeting was held
or the letter was produced."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.conftest import MEETING
from sagsbro.core.errors import AlreadyDone, PermissionRefused, ServiceError
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings.services import (
    finalise_indstilling,
    save_indstilling,
    send_conclusion_letter,
)
from sagsbro.meetings.tests.held_day import book, held, meeting_day, run_worker, today_is
from sagsbro.messaging.channels import RecordingChannel
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import deliver_queued, record_sent

GOAL = "Job som lagermedarbejder 15 timer om ugen"
DUE = datetime.date(2027, 3, 17)  # Wed 10 Mar 2027 + one week


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def finalised(side_a):
    booking = book(side_a, meeting_day(side_a))
    with today_is(MEETING):
        save_indstilling(side_a.team_member, booking, {"employment_goal": GOAL})
    held(side_a, booking.meeting, [booking])
    finalise_indstilling(side_a.caseworker, booking)
    run_worker()
    return booking


def deadline(case, kind):
    return Deadline.objects.get(case=case, kind=kind)


def states(case, today):
    with today_is(today):
        recompute_deadlines(Case.objects.get(pk=case.pk))
    return (
        deadline(case, "citizen_conclusion").state,
        deadline(case, "gp_indstilling_copy").state,
    )


def test_holding_the_meeting_meets_neither_deadline(side_a, finalised):
    case = finalised.case
    assert deadline(case, "citizen_conclusion").due == DUE
    assert deadline(case, "gp_indstilling_copy").due == DUE
    assert states(case, MEETING) == ("open", "open")
    assert states(case, DUE + datetime.timedelta(days=1)) == ("missed", "missed")


def test_a_produced_but_unsent_letter_does_not_meet_it(side_a, finalised):
    case = finalised.case
    with today_is(MEETING):
        send_conclusion_letter(side_a.caseworker, case)
    run_worker()
    letter = Document.objects.get(case=case, category=Category.CITIZEN_CONCLUSION)
    messages = OutgoingMessage.objects.filter(case=case).order_by("id")
    assert [(m.recipient_kind, m.purpose, m.state) for m in messages] == [
        ("gp", "gp_indstilling_copy", "queued"),
        ("citizen", "citizen_conclusion", "queued"),
    ]
    assert messages[1].document == letter
    assert messages[0].document == finalised.indstilling.document
    assert states(case, DUE + datetime.timedelta(days=1)) == ("missed", "missed")


def test_the_sent_letter_meets_the_deadline_and_only_its_own(side_a, finalised):
    case = finalised.case
    with today_is(MEETING):
        send_conclusion_letter(side_a.caseworker, case)
    run_worker()
    letter = OutgoingMessage.objects.get(case=case, purpose="citizen_conclusion")
    sent_at = timezone.make_aware(datetime.datetime(2027, 3, 15, 10, 0))
    record_sent(letter.pk, reference="post-1", at=sent_at)
    conclusion = deadline(case, "citizen_conclusion")
    assert (conclusion.state, conclusion.fulfilled_on) == ("met", datetime.date(2027, 3, 15))
    # The GP's copy is still in the outbox: its deadline is not met by the citizen's letter.
    assert states(case, DUE + datetime.timedelta(days=1)) == ("met", "missed")


def test_a_letter_sent_after_the_week_is_late(side_a, finalised):
    case = finalised.case
    with today_is(MEETING):
        send_conclusion_letter(side_a.caseworker, case)
    run_worker()
    letter = OutgoingMessage.objects.get(case=case, purpose="citizen_conclusion")
    record_sent(letter.pk, at=timezone.make_aware(datetime.datetime(2027, 3, 18, 9, 0)))
    assert deadline(case, "citizen_conclusion").state == "missed"


def test_the_delivery_channel_records_both_as_sent(side_a, finalised):
    case = finalised.case
    with today_is(MEETING):
        send_conclusion_letter(side_a.caseworker, case)
    run_worker()
    channel = RecordingChannel()
    sent = deliver_queued(channel)
    assert len(sent) == len(channel.delivered) == 2
    assert {m.state for m in OutgoingMessage.objects.filter(case=case)} == {"sent"}
    assert {
        d.state
        for d in Deadline.objects.filter(
            case=case, kind__in=["citizen_conclusion", "gp_indstilling_copy"]
        )
    } == {"met"}
    # Recording again changes nothing.
    again = record_sent(sent[0].pk, reference="other")
    assert again.channel_reference == sent[0].channel_reference


def test_the_letter_is_queued_once_and_only_by_the_municipality(side_a, side_b, finalised):
    case = finalised.case
    with pytest.raises(PermissionRefused):
        send_conclusion_letter(side_a.coordinator, case)
    with pytest.raises(ServiceError) as hidden:
        send_conclusion_letter(side_b.caseworker, case)
    assert hidden.value.status == 404
    send_conclusion_letter(side_a.caseworker, case)
    with pytest.raises(AlreadyDone):
        send_conclusion_letter(side_a.caseworker, case)


def test_no_letter_before_the_indstilling_pdf(side_a):
    booking = book(side_a, meeting_day(side_a))
    held(side_a, booking.meeting, [booking])
    with pytest.raises(ServiceError) as exc:
        send_conclusion_letter(side_a.caseworker, booking.case)
    assert exc.value.code == "indstilling_missing"
    assert not OutgoingMessage.objects.exists()
