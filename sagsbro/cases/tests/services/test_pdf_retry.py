"""A written answer's PDF task tries again after a transient error, and one that failed for
good is shown on the case page with a button that starts it again.

The worker runs in the test's transaction, as in test_written_answer_pdf.py (see there).
"""

import datetime

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tests.services.test_written_answer_pdf import (
    answer_on_the_page,
    client_for,
    pdf_tasks,
)
from sagsbro.conftest import assigned_case
from sagsbro.core.tasks import ATTEMPTS, pause_before
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category

FAILED_MESSAGE = "PDF kunne ikke dannes — prøv igen"
RENDER = "sagsbro.cases.pdf.written_answer.render_pdf"


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def broken(*args, **kwargs):
    raise ValueError("the renderer broke")


def make_due_now():
    """Let the queued retries run now instead of after their pause."""
    pdf_tasks().filter(status="READY").update(run_after=timezone.now())


def pdfs(case):
    return Document.objects.filter(case=case, category=Category.WRITTEN_ANSWER)


def retry_url(case):
    return f"/sager/{case.pk}/svar/{case.advice.get().pk}/pdf/igen/"


def fail_for_good(side, monkeypatch, worker, render=broken):
    case = assigned_case(side, Subtype.LOEBENDE_SAG)
    assert answer_on_the_page(side, case).status_code == 302
    with monkeypatch.context() as patch:
        patch.setattr(RENDER, render)
        for _ in range(ATTEMPTS + 1):
            worker()
            make_due_now()
    return case


def test_the_pause_doubles_from_attempt_to_attempt():
    assert pause_before(2) == datetime.timedelta(seconds=2)
    assert pause_before(3) == datetime.timedelta(seconds=4)
    assert pause_before(5) == datetime.timedelta(seconds=16)


def test_a_locked_database_queues_the_task_again_after_a_pause(side_a, monkeypatch, worker):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    answer_on_the_page(side_a, case)
    before = timezone.now()

    with monkeypatch.context() as patch:
        patch.setattr(RENDER, locked)
        worker()

    first, second = pdf_tasks().order_by("enqueued_at")
    assert first.status == "SUCCESSFUL"  # handed over to the next attempt
    assert first.return_value is None
    assert second.status == "READY"
    advice = case.advice.get()
    assert second.args_kwargs == {"args": [advice.pk], "kwargs": {"attempt": 2}}
    assert second.run_after >= before + pause_before(2)
    assert not pdfs(case).exists()
    # Not due yet: the worker leaves it.
    worker()
    assert pdf_tasks().get(pk=second.pk).status == "READY"
    # Still waiting to retry: nothing to show on the case page.
    page = client_for(side_a.coordinator).get(f"/sager/{case.pk}/")
    assert FAILED_MESSAGE not in page.content.decode()

    make_due_now()
    worker()

    second.refresh_from_db()
    assert second.status == "SUCCESSFUL"
    assert second.return_value == pdfs(case).get().pk


def test_the_task_gives_up_after_the_last_attempt(side_a, monkeypatch, worker):
    case = fail_for_good(side_a, monkeypatch, worker, render=locked)

    statuses = list(pdf_tasks().order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL"] * (ATTEMPTS - 1) + ["FAILED"]
    last = pdf_tasks().get(status="FAILED")
    assert last.args_kwargs["kwargs"] == {"attempt": ATTEMPTS}
    assert "database is locked" in last.traceback
    assert not pdfs(case).exists()


def test_an_error_that_is_not_transient_fails_at_once(side_a, monkeypatch, worker):
    case = fail_for_good(side_a, monkeypatch, worker, render=broken)
    assert list(pdf_tasks().values_list("status", flat=True)) == ["FAILED"]
    assert not pdfs(case).exists()


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "secretariat"])
def test_a_failed_pdf_shows_on_the_case_page_with_a_button(side_a, monkeypatch, worker, role):
    case = fail_for_good(side_a, monkeypatch, worker)

    page = client_for(getattr(side_a, role)).get(f"/sager/{case.pk}/").content.decode()

    assert FAILED_MESSAGE in page
    assert f'action="{retry_url(case)}"' in page
    assert "Dan PDF igen" in page


def test_the_button_queues_the_pdf_again_and_the_worker_builds_it(side_a, monkeypatch, worker):
    case = fail_for_good(side_a, monkeypatch, worker)
    client = Client(enforce_csrf_checks=True)
    client.force_login(side_a.coordinator)
    page = client.get(f"/sager/{case.pk}/")
    token = page.cookies["csrftoken"].value

    response = client.post(retry_url(case), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/"
    queued = pdf_tasks().get(status="READY")
    assert queued.args_kwargs == {"args": [case.advice.get().pk], "kwargs": {}}
    event = CaseEvent.objects.get(case=case, kind="written_answer_pdf_retry")
    assert event.actor == side_a.coordinator
    assert AuditEntry.objects.filter(
        user=side_a.coordinator, case_id=case.pk, detail="PDF af skriftligt svar dannes igen"
    ).exists()
    # Queued again: the page no longer says it failed.
    assert FAILED_MESSAGE not in client.get(f"/sager/{case.pk}/").content.decode()

    worker()

    assert pdf_tasks().get(pk=queued.pk).status == "SUCCESSFUL"
    assert pdfs(case).count() == 1
    assert FAILED_MESSAGE not in client.get(f"/sager/{case.pk}/").content.decode()
    # Built: a second press queues nothing.
    again = client.post(retry_url(case), {"csrfmiddlewaretoken": token}, follow=True)
    assert "allerede dannet" in again.content.decode()
    assert pdf_tasks().filter(status="READY").count() == 0


def test_the_button_needs_csrf_and_post(side_a, monkeypatch, worker):
    case = fail_for_good(side_a, monkeypatch, worker)
    client = Client(enforce_csrf_checks=True)
    client.force_login(side_a.coordinator)

    assert client.post(retry_url(case)).status_code == 403
    assert client.get(retry_url(case)).status_code == 405
    assert not pdf_tasks().filter(status="READY").exists()


def test_others_cannot_start_it_again(side_a, side_b, monkeypatch, worker):
    case = fail_for_good(side_a, monkeypatch, worker)

    for user in (side_b.coordinator, side_b.caseworker, side_b.secretariat, side_a.gp):
        assert client_for(user).post(retry_url(case)).status_code == 404
    # The assigned coordinator's colleague does not see the case either.
    assert client_for(side_a.coordinator_2).post(retry_url(case)).status_code == 404
    assert not pdf_tasks().filter(status="READY").exists()
    assert not CaseEvent.objects.filter(kind="written_answer_pdf_retry").exists()
