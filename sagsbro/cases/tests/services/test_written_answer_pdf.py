"""The coordinator's written answer ends as a PDF on the case.

The answer and the task that builds the PDF are committed in one transaction (the task row
of the database backend is written by the answer's transaction); the worker
(`manage.py db_worker`) renders the PDF with WeasyPrint and files it as a document.

Running the worker inside a test: the worker calls `close_old_connections()` before and
after each task. Inside the transaction that wraps a `db` test that call closes the
connection on PostgreSQL (SQLite's in-memory test database ignores it), so the `db` tests
below replace it with a no-op for the test's duration and then run the unchanged worker via
`call_command("db_worker", batch=True)`. One `transactional_db` test runs the worker as it
runs in production, against committed data, without that replacement.
"""

import io
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from sagsbro.cases.models import Advice, Case, CaseEvent
from sagsbro.cases.rules.advice import RECOMMENDATION_LABELS, LoebendeSagRecommendation
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import written_answer_pdf
from sagsbro.cases.tasks import build_written_answer_pdf
from sagsbro.conftest import api_client, assigned_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category

ANSWER = "Borgeren kan fortsætte i ressourceforløbet med de nuværende skånehensyn."
CHOSEN = [LoebendeSagRecommendation.CONTINUE_PLAN, LoebendeSagRecommendation.GP_VISIT]
TASK_PATH = "sagsbro.cases.tasks.build_written_answer_pdf"


def pdf_tasks():
    """The written answers' PDF tasks (attaching a document also queues its thumbnail)."""
    return DBTaskResult.objects.filter(task_path=TASK_PATH)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def answer_on_the_page(side, case, text=ANSWER, recommendations=CHOSEN):
    return client_for(side.coordinator).post(
        f"/sager/{case.pk}/handling/answer/",
        {"text": text, "recommendations": [str(r) for r in recommendations]},
    )


def answer_through_the_api(side, case, text=ANSWER, recommendations=CHOSEN):
    return api_client(side.coordinator).post(
        f"/api/v1/cases/{case.pk}/answer/",
        {"text": text, "recommendations": [str(r) for r in recommendations]},
        format="json",
    )


def run_worker():
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )


@pytest.fixture
def worker_in_test_transaction(monkeypatch):
    """The worker, in the test's transaction: see the module docstring."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return run_worker


def pdf_text(document):
    with document.blob.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Lines break inside long labels; compare with single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- enqueued in the answer's transaction -------------------------------------------------


@pytest.mark.parametrize("answer", [answer_on_the_page, answer_through_the_api])
def test_the_answer_enqueues_exactly_one_pdf_task(side_a, answer):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    assert not pdf_tasks().exists()

    response = answer(side_a, case)

    assert response.status_code in (200, 302)
    advice = Advice.objects.get(case=case, kind=Advice.Kind.WRITTEN_ANSWER)
    task = pdf_tasks().get()
    assert task.task_path == TASK_PATH
    assert task.status == "READY"
    assert task.args_kwargs == {"args": [advice.pk], "kwargs": {}}
    # Nothing is built before the worker runs.
    assert not Document.objects.filter(case=case, category=Category.WRITTEN_ANSWER).exists()


def test_a_refused_answer_enqueues_nothing(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    assert answer_through_the_api(side_a, case).status_code == 200
    assert pdf_tasks().count() == 1

    again = answer_through_the_api(side_a, case, text="Et svar mere")  # already answered
    assert again.status_code >= 400
    blank = answer_through_the_api(side_a, case, text="   ")
    assert blank.status_code == 400
    assert pdf_tasks().count() == 1


def test_a_refused_answer_on_the_page_enqueues_nothing(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    response = answer_on_the_page(side_a, case, text="")
    assert response.status_code == 400
    assert not pdf_tasks().exists()
    case.refresh_from_db()
    assert case.state == "assigned"


@pytest.mark.parametrize("answer", [answer_on_the_page, answer_through_the_api])
def test_the_answer_is_rolled_back_when_its_task_cannot_be_queued(side_a, monkeypatch, answer):
    """One transaction: no answer without its PDF task."""
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)

    def broken_enqueue(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(
        "sagsbro.cases.services.written_answer_pdf.build_written_answer_pdf",
        SimpleNamespace(enqueue=broken_enqueue),
    )
    with pytest.raises(RuntimeError):
        answer(side_a, case)

    case.refresh_from_db()
    assert case.state == "assigned"
    assert not case.advice.exists()
    assert not case.events.filter(kind="answer").exists()
    assert not pdf_tasks().exists()


def test_only_a_written_answer_is_enqueued(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    with pytest.raises(ValueError):
        written_answer_pdf.enqueue_written_answer_pdf(None)
    screening = Advice(case=case, author=side_a.coordinator, kind=Advice.Kind.SCREENING)
    with pytest.raises(ValueError):
        written_answer_pdf.enqueue_written_answer_pdf(screening)


# --- the worker builds the PDF ------------------------------------------------------------


def test_the_worker_files_the_pdf_on_the_case(side_a, worker_in_test_transaction):
    side_a.coordinator.title = "Speciallæge i arbejdsmedicin"
    side_a.coordinator.save()
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    assert answer_on_the_page(side_a, case).status_code == 302

    worker_in_test_transaction()

    task = pdf_tasks().get()
    assert task.status == "SUCCESSFUL", task.traceback
    document = Document.objects.get(case=case, category=Category.WRITTEN_ANSWER)
    assert task.return_value == document.pk
    assert document.title == "Sundhedskoordinators skriftlige svar"
    assert document.filename == f"skriftligt-svar-{case.reference}-{case.advice.get().pk}.pdf"
    assert document.uploaded_by == side_a.coordinator
    assert document.content_type == "application/pdf"
    event = CaseEvent.objects.get(case=case, kind="written_answer_pdf")
    assert event.label == "Skriftligt svar dannet som PDF"
    assert event.actor == side_a.coordinator
    assert event.data == {"advice_id": case.advice.get().pk, "document_id": document.pk}


def test_the_pdf_holds_the_answer_and_only_the_masked_cpr(side_a, worker_in_test_transaction):
    side_a.coordinator.title = "Speciallæge i arbejdsmedicin"
    side_a.coordinator.save()
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    answer_on_the_page(side_a, case, text=f"{ANSWER}\n\nNy linje med æøå.")
    worker_in_test_transaction()

    text = pdf_text(Document.objects.get(case=case, category=Category.WRITTEN_ANSWER))

    assert "Sundhedskoordinators skriftlige svar" in text
    assert case.reference in text
    assert "Løbende sag" in text
    assert side_a.region.klinisk_funktion_name in text
    assert "Anna Coordinator" in text
    assert "Speciallæge i arbejdsmedicin" in text
    assert "Kan borgeren fortsætte i ressourceforløbet?" in text  # the question
    for recommendation in CHOSEN:
        assert RECOMMENDATION_LABELS[recommendation] in text
    not_chosen = RECOMMENDATION_LABELS[LoebendeSagRecommendation.STILL_UNFIT]
    assert not_chosen not in text
    assert ANSWER in text
    assert "Ny linje med æøå." in text
    assert "BEK § 11, stk. 4" in text  # a løbende sag: no advice on benefits
    assert side_a.citizen.name in text
    assert "010180-XXXX" in text
    assert "0101801234" not in text
    assert "1234" not in re.sub(r"\s", "", text)  # the serial number in no form


def test_the_pdf_date_is_danish(side_a, worker_in_test_transaction):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    answer_on_the_page(side_a, case)
    advice = case.advice.get()
    Advice.objects.filter(pk=advice.pk).update(
        created_at="2027-01-22T10:00:00+01:00",
    )
    worker_in_test_transaction()
    text = pdf_text(Document.objects.get(case=case, category=Category.WRITTEN_ANSWER))
    assert "22.01.2027" in text
    assert "januar" not in text


def test_other_subtypes_get_no_benefit_sentence(side_a, worker_in_test_transaction):
    case = assigned_case(side_a, Subtype.SENIORPENSION)
    answer_through_the_api(side_a, case, recommendations=[])
    worker_in_test_transaction()
    text = pdf_text(Document.objects.get(case=case, category=Category.WRITTEN_ANSWER))
    assert "Seniorpension" in text
    assert "Kan borgeren varetage sit seneste job?" in text
    assert "ikke valgt nogen af anbefalingerne" in text
    assert "BEK § 11, stk. 4" not in text


def test_a_second_run_files_no_second_document(side_a, worker_in_test_transaction):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    answer_on_the_page(side_a, case)
    worker_in_test_transaction()
    document = Document.objects.get(case=case, category=Category.WRITTEN_ANSWER)

    assert build_written_answer_pdf.call(case.advice.get().pk) == document.pk

    assert Document.objects.filter(case=case, category=Category.WRITTEN_ANSWER).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="written_answer_pdf").count() == 1


def test_user_text_cannot_pull_in_outside_resources(side_a, worker_in_test_transaction):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    markup = '<img src="http://example.invalid/x.png"> <b>fed</b>'
    answer_on_the_page(side_a, case, text=markup)
    worker_in_test_transaction()
    assert pdf_tasks().get().status == "SUCCESSFUL"
    text = pdf_text(Document.objects.get(case=case, category=Category.WRITTEN_ANSWER))
    assert "<b>fed</b>" in text  # escaped, printed as text


# --- who sees it --------------------------------------------------------------------------


def test_the_municipality_sees_and_downloads_the_pdf(side_a, side_b, worker_in_test_transaction):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    answer_on_the_page(side_a, case)
    worker_in_test_transaction()

    response = api_client(side_a.caseworker).get("/api/v1/documents/", {"case": case.pk})
    assert response.status_code == 200
    rows = [r for r in response.json()["results"] if r["category"] == "written_answer"]
    assert len(rows) == 1
    assert rows[0]["category_label"] == "Sundhedskoordinators skriftlige svar"
    assert rows[0]["content_type"] == "application/pdf"

    content = api_client(side_a.caseworker).get(f"/api/v1/documents/{rows[0]['id']}/content/")
    assert content.status_code == 200
    assert b"".join(content.streaming_content).startswith(b"%PDF-")

    other = api_client(side_b.caseworker).get("/api/v1/documents/", {"case": case.pk})
    assert other.json()["results"] == []

    page = client_for(side_a.caseworker).get(f"/sager/{case.pk}/dokumenter/")
    assert "Sundhedskoordinators skriftlige svar" in page.content.decode()


# --- the worker as in production ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_pdf_from_committed_data(side_a):
    """No replacement of close_old_connections: the answer is committed, the worker runs."""
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    assert answer_through_the_api(side_a, case).status_code == 200

    run_worker()

    assert pdf_tasks().get().status == "SUCCESSFUL"
    document = Document.objects.get(case=case, category=Category.WRITTEN_ANSWER)
    assert ANSWER in pdf_text(document)
    assert Case.objects.get(pk=case.pk).state == "answered"
    # Outside a transaction the task could be committed without its answer: refused.
    with pytest.raises(RuntimeError):
        written_answer_pdf.enqueue_written_answer_pdf(case.advice.get())


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_answer_leaves_no_task_for_the_worker(side_a, monkeypatch):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    real_enqueue = written_answer_pdf.enqueue_written_answer_pdf

    def enqueue_then_fail(advice):
        real_enqueue(advice)
        raise RuntimeError("crash after the task row was written")

    monkeypatch.setattr(written_answer_pdf, "enqueue_written_answer_pdf", enqueue_then_fail)
    with pytest.raises(RuntimeError):
        answer_through_the_api(side_a, case)

    assert not pdf_tasks().exists()
    run_worker()
    assert not Document.objects.filter(case=case, category=Category.WRITTEN_ANSWER).exists()
