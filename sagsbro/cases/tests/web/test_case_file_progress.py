""" "Åbn alle dokumenter" built in the background shows its progress: the task writes how many
documents it has read in statements of their own, so the status the page polls (another
connection) sees "Samler dokumenter: 5 af 12" while the build goes on; the row is not held
meanwhile, and the file is still built once."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sagsbro.cases.tests.web.test_case_file_pages import case_with_documents
from sagsbro.documents import case_file
from sagsbro.documents.case_file import (
    DIRECT_BUILD_MAX_DOCUMENTS,
    build_combined_case_file_with_progress,
    combined_case_file,
)
from sagsbro.documents.models import CombinedCaseFile

DOCUMENTS = DIRECT_BUILD_MAX_DOCUMENTS + 2
BUILD_TASK = "sagsbro.documents.tasks.build_combined_case_file"


def status_page(user, case):
    client = Client()
    client.force_login(user)
    url = reverse("cases:case-file-status", args=[case.pk])
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


@pytest.mark.django_db
def test_the_status_shows_how_many_documents_are_collected(side_a):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    assert row.blob_id is None and row.document_count == DOCUMENTS
    page = status_page(side_a.caseworker, case)
    assert f"Samler dokumenter: 0 af {DOCUMENTS}" in page
    assert f'<progress class="case-file-progress" max="{DOCUMENTS}" value="0"' in page
    assert 'aria-live="polite"' in page
    assert 'aria-labelledby="case-file-progress-label"' in page

    CombinedCaseFile.objects.filter(pk=row.pk).update(documents_done=DOCUMENTS)
    assert f"Alle {DOCUMENTS} dokumenter er samlet. PDF'en gemmes …" in status_page(
        side_a.caseworker, case
    )


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_file_is_built_and_it_is_built_once(side_a, monkeypatch):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    assert row.blob_id is None

    # The build stops after reading five documents until the test has looked.
    reached, go_on = threading.Event(), threading.Event()
    real_opener = case_file._blob_opener

    def pausing_opener(plan):
        open_blob = real_opener(plan)
        opened = 0

        def open_and_pause(entry):
            nonlocal opened
            opened += 1
            if opened == 6:
                reached.set()
                assert go_on.wait(60)
            return open_blob(entry)

        return open_and_pause

    monkeypatch.setattr(case_file, "_blob_opener", pausing_opener)
    monkeypatch.setattr(case_file, "PROGRESS_INTERVAL", 0)
    built: dict[str, CombinedCaseFile] = {}

    def build():
        try:
            built["row"] = build_combined_case_file_with_progress(row.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=build)
    worker.start()
    try:
        assert reached.wait(60)
        seen = CombinedCaseFile.objects.get(pk=row.pk)
        assert (seen.blob_id, seen.documents_done) == (None, 5)
        page = status_page(side_a.caseworker, case)
        assert f"Samler dokumenter: 5 af {DOCUMENTS}" in page
        assert f'max="{DOCUMENTS}" value="5"' in page
        # A second worker given the same row leaves it to the build under way (its lease).
        assert CombinedCaseFile.objects.get(pk=row.pk).build_started_at is not None
        assert build_combined_case_file_with_progress(row.pk).blob_id is None
    finally:
        go_on.set()
        worker.join(60)
    assert not worker.is_alive()

    row.refresh_from_db()
    assert built["row"].pk == row.pk
    assert row.blob_id is not None and row.built_at is not None
    assert (row.documents_done, row.document_count) == (DOCUMENTS, DOCUMENTS)
    assert row.build_started_at is None  # the lease is given back
    assert "Åbn dokumentsamlingen" in status_page(side_a.caseworker, case)
    # Asked again when built: nothing is built or changed.
    again = build_combined_case_file_with_progress(row.pk)
    assert (again.blob_id, again.built_at) == (row.blob_id, row.built_at)


@pytest.mark.django_db
def test_asking_again_after_a_failure_queues_one_new_build(side_a):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    CombinedCaseFile.objects.filter(pk=row.pk).update(error=case_file.BUILD_ERROR)
    # Looking at a failed build shows it failed and queues nothing.
    assert combined_case_file(case).error == case_file.BUILD_ERROR
    assert "Dokumentsamlingen kunne ikke dannes" in status_page(side_a.caseworker, case)
    assert DBTaskResult.objects.filter(task_path=BUILD_TASK).count() == 1
    # Asked again: the first request clears the error and queues one build; the next finds
    # it under way.
    assert combined_case_file(case, retry=True).error == ""
    assert combined_case_file(case, retry=True).pk == row.pk
    assert DBTaskResult.objects.filter(task_path=BUILD_TASK).count() == 2
    assert f"Samler dokumenter: 0 af {DOCUMENTS}" in status_page(side_a.caseworker, case)
    assert DBTaskResult.objects.filter(task_path=BUILD_TASK).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_lease_left_by_a_worker_that_died_is_taken_over(side_a):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    # Another worker's live lease: this one leaves the row alone.
    CombinedCaseFile.objects.filter(pk=row.pk).update(build_started_at=timezone.now())
    assert build_combined_case_file_with_progress(row.pk).blob_id is None
    # A lease older than any build: its worker died, and the file is built here.
    stale = timezone.now() - case_file.BUILD_LEASE - datetime.timedelta(minutes=1)
    CombinedCaseFile.objects.filter(pk=row.pk).update(build_started_at=stale)
    built = build_combined_case_file_with_progress(row.pk)
    assert built.blob_id is not None
    assert CombinedCaseFile.objects.get(pk=row.pk).build_started_at is None
