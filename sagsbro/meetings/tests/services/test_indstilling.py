"""The structured indstilling: saved with a version bump by the municipality's people on the
meeting's date or after it was held; the coordinator's advice by the day's coordinator only
(O-11); finalised into a PDF on the case by a task queued in the same transaction, which
send_indstilling then sends."""

import datetime

import pytest
from django_tasks_db.models import DBTaskResult

from sagsbro.cases.models import Case, CaseEvent
from sagsbro.conftest import MEETING, document_text
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings.models import Indstilling
from sagsbro.meetings.services import (
    finalise_indstilling,
    save_coordinator_advice,
    save_indstilling,
    send_indstilling,
)
from sagsbro.meetings.services.indstilling import goal_hint
from sagsbro.meetings.tests.held_day import book, held, meeting_day, today_is

GOAL = "Arbejde i butik 12 timer om ugen uden tunge løft"

# Attaching a document also queues its thumbnail; these tests count the PDF task.
INDSTILLING_TASK = "sagsbro.meetings.tasks.build_indstilling_pdf"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def booking(side_a):
    return book(side_a, meeting_day(side_a))


def test_each_save_bumps_the_version_and_writes_an_event(side_a, booking):
    with today_is(MEETING):
        first = save_indstilling(side_a.team_member, booking, {"employment_goal": "I arbejde"})
        second = save_indstilling(
            side_a.caseworker, booking, {"main_efforts": "Praktik"}, expected_version=1
        )
    assert (first.pk, first.version, second.version) == (second.pk, 1, 2)
    stored = Indstilling.objects.get(pk=first.pk)
    assert (stored.employment_goal, stored.main_efforts) == ("I arbejde", "Praktik")
    events = CaseEvent.objects.filter(case=booking.case, kind="indstilling_saved")
    assert [e.data["version"] for e in events.order_by("id")] == [1, 2]
    assert goal_hint(stored) is not None  # "I arbejde" is vague


def test_a_stale_version_is_refused(side_a, booking):
    with today_is(MEETING):
        save_indstilling(side_a.team_member, booking, {"employment_goal": "A"})
        with pytest.raises(ServiceError) as exc:
            save_indstilling(
                side_a.caseworker, booking, {"employment_goal": "B"}, expected_version=0
            )
    assert exc.value.status == 409
    assert Indstilling.objects.get(booking=booking).employment_goal == "A"


def test_not_before_the_meeting_date(side_a, booking):
    with today_is(MEETING - datetime.timedelta(days=1)), pytest.raises(ServiceError) as exc:
        save_indstilling(side_a.team_member, booking, {"employment_goal": GOAL})
    assert exc.value.code == "not_writable"
    assert not Indstilling.objects.exists()


def test_after_the_day_only_when_held(side_a, booking):
    later = MEETING + datetime.timedelta(days=2)
    with today_is(later), pytest.raises(ServiceError):
        save_indstilling(side_a.team_member, booking, {"employment_goal": GOAL})
    held(side_a, booking.meeting, [booking])
    with today_is(later):
        assert save_indstilling(side_a.team_member, booking, {"employment_goal": GOAL}).version == 1


def test_only_the_municipality_writes_and_only_the_day_coordinator_advises(side_a, side_b, booking):
    with today_is(MEETING):
        with pytest.raises(PermissionRefused):
            save_indstilling(side_a.coordinator, booking, {"employment_goal": GOAL})
        with pytest.raises(ServiceError) as unknown:
            save_indstilling(side_a.team_member, booking, {"coordinator_advice": "x"})
        assert unknown.value.code == "unknown_field"
        # Another coordinator of the region does not know of the case at all.
        with pytest.raises(ServiceError) as other:
            save_coordinator_advice(side_a.coordinator_2, booking, "Kontakt egen læge")
        assert other.value.status == 404
        with pytest.raises(PermissionRefused):
            save_coordinator_advice(side_a.team_member, booking, "Kontakt egen læge")
        with pytest.raises(ServiceError) as hidden:
            save_indstilling(side_b.caseworker, booking, {"employment_goal": GOAL})
        assert hidden.value.status == 404
        advice = save_coordinator_advice(side_a.coordinator, booking, "Kontakt egen læge")
    assert advice.coordinator_advice == "Kontakt egen læge" and advice.version == 1


def test_finalise_files_the_pdf_by_a_task_and_send_indstilling_sends_it(side_a, booking, worker):
    with today_is(MEETING):
        save_indstilling(side_a.team_member, booking, {"employment_goal": GOAL})
        save_coordinator_advice(side_a.coordinator, booking, "Egen læge kontaktes om smerter.")
        with pytest.raises(ServiceError) as early:
            finalise_indstilling(side_a.caseworker, booking)
        assert early.value.code == "meeting_not_held"
    held(side_a, booking.meeting, [booking])
    indstilling, task = finalise_indstilling(side_a.caseworker, booking)
    assert DBTaskResult.objects.filter(task_path=INDSTILLING_TASK).count() == 1
    assert not Document.objects.filter(case=booking.case, category=Category.INDSTILLING).exists()
    with pytest.raises(ServiceError) as closed:
        save_indstilling(side_a.caseworker, booking, {"employment_goal": "Andet"})
    assert closed.value.code == "finalised"

    worker()

    indstilling.refresh_from_db()
    document = indstilling.document
    assert document is not None
    assert document.category == Category.INDSTILLING and document.case_id == booking.case_id
    text = document_text(document)
    assert GOAL in text and "Egen læge kontaktes om smerter." in text
    assert booking.case.citizen.cpr not in text.replace("-", "")
    case = send_indstilling(side_a.caseworker, Case.objects.get(pk=booking.case_id))
    assert case.state == "closed"


def test_finalise_needs_a_goal(side_a, booking):
    held(side_a, booking.meeting, [booking])
    with pytest.raises(ServiceError) as exc:
        finalise_indstilling(side_a.caseworker, booking)
    assert exc.value.code == "required"
    assert not DBTaskResult.objects.filter(task_path=INDSTILLING_TASK).exists()


def test_the_day_coordinator_advises_on_a_case_assigned_to_another(side_a, booking):
    booking.meeting.coordinator = side_a.coordinator_2
    booking.meeting.save()
    with today_is(MEETING):
        advice = save_coordinator_advice(side_a.coordinator_2, booking, "Genoptræning anbefales")
        with pytest.raises(PermissionRefused):
            save_coordinator_advice(side_a.coordinator, booking, "Noget andet")
    assert advice.coordinator_advice == "Genoptræning anbefales"
