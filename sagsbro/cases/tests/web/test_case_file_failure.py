""" "Åbn alle dokumenter" whose background build failed: the task notes the failure on the row,
so the page says in Danish that the case file could not be made and offers "Prøv igen", and
the API answers `"status": "failed"`; a build whose worker died (a lease, or a queued build
never started, older than any build takes) is failed the same way. Looking at a failed build
never starts it again; only "Prøv igen" (the button, or POST in the API) does, once."""

import datetime

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sagsbro.cases.case_file import BUILDING
from sagsbro.cases.tests.web.test_case_file_pages import case_with_documents
from sagsbro.conftest import api_client
from sagsbro.core.tasks import ATTEMPTS
from sagsbro.documents import case_file
from sagsbro.documents.case_file import (
    BUILD_ERROR,
    BUILD_LEASE,
    DIRECT_BUILD_MAX_DOCUMENTS,
    STALLED_ERROR,
    build_state,
    combined_case_file,
)
from sagsbro.documents.models import CombinedCaseFile
from sagsbro.documents.tasks import build_combined_case_file

DOCUMENTS = DIRECT_BUILD_MAX_DOCUMENTS + 2
BUILD_TASK = "sagsbro.documents.tasks.build_combined_case_file"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def queued():
    return DBTaskResult.objects.filter(task_path=BUILD_TASK).count()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def status_partial(client, case):
    return client.get(reverse("cases:case-file-status", args=[case.pk]), headers=HTMX).text


def breaking(monkeypatch, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(case_file, "build_case_file_pdf", broken)


def assert_shown_as_failed(user, case, detail):
    client = logged_in(user)
    partial = status_partial(client, case)
    assert "Dokumentsamlingen kunne ikke dannes" in partial
    assert detail in partial
    assert "Dokumentsamlingen dannes" not in partial
    assert "hx-trigger" not in partial  # no polling of a build that will not finish
    retry_url = reverse("cases:case-file-retry", args=[case.pk])
    assert f'action="{retry_url}"' in partial and f'hx-post="{retry_url}"' in partial
    assert "Prøv igen</button>" in partial
    assert 'name="csrfmiddlewaretoken"' in partial
    # Without JavaScript the link shows the same on a page of its own.
    page = client.get(reverse("cases:case-file", args=[case.pk]))
    assert page.status_code == 202
    assert "Dokumentsamlingen kunne ikke dannes" in page.text and "Prøv igen" in page.text

    answer = api_client(user).get(f"/api/v1/cases/{case.pk}/documents/combined/")
    assert answer.status_code == 202
    assert answer.json() == {"status": "failed", "detail": detail, "retry_after": 0}
    assert "Retry-After" not in answer


@pytest.mark.django_db
def test_a_build_that_fails_is_shown_as_failed_and_tried_again_on_request(side_a, monkeypatch):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    assert queued() == 1

    breaking(monkeypatch, RuntimeError("the PDF library broke"))
    with pytest.raises(RuntimeError):
        build_combined_case_file.call(row.pk)
    row.refresh_from_db()
    assert (row.blob_id, row.error, row.build_started_at) == (None, BUILD_ERROR, None)
    assert build_state(row) == case_file.FAILED

    assert_shown_as_failed(side_a.caseworker, case, BUILD_ERROR)
    assert queued() == 1  # looking queued nothing

    # "Prøv igen" (the button's HTMX request): one new build, and the page polls again.
    monkeypatch.undo()
    client = logged_in(side_a.caseworker)
    retry_url = reverse("cases:case-file-retry", args=[case.pk])
    partial = client.post(retry_url, headers=HTMX)
    assert partial.status_code == 200
    assert "Dokumentsamlingen dannes …" in partial.text
    assert 'hx-trigger="every 2s"' in partial.text
    assert queued() == 2
    # Pressed twice (two tabs): the build under way is not queued again.
    assert client.post(retry_url, headers=HTMX).status_code == 200
    assert queued() == 2
    assert CombinedCaseFile.objects.get(pk=row.pk).error == ""

    build_combined_case_file.call(row.pk)
    assert "Åbn dokumentsamlingen" in status_partial(client, case)
    assert CombinedCaseFile.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_transient_error_is_retried_first_and_shown_only_when_the_last_attempt_fails(
    side_a, monkeypatch
):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    breaking(monkeypatch, OperationalError("database is locked"))

    assert build_combined_case_file.call(row.pk) is None  # handed over to the next attempt
    assert queued() == 2
    assert build_state(CombinedCaseFile.objects.get(pk=row.pk)) == case_file.BUILDING

    with pytest.raises(OperationalError):
        build_combined_case_file.call(row.pk, attempt=ATTEMPTS)
    row.refresh_from_db()
    assert row.error == BUILD_ERROR and build_state(row) == case_file.FAILED
    assert_shown_as_failed(side_a.caseworker, case, BUILD_ERROR)


@pytest.mark.django_db
@pytest.mark.parametrize("left", ["lease", "queue"])
def test_a_build_whose_worker_died_is_shown_as_failed_and_may_be_tried_again(side_a, left):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    long_ago = timezone.now() - BUILD_LEASE - datetime.timedelta(minutes=1)
    if left == "lease":
        # A worker took the build and died: its lease was never given back.
        CombinedCaseFile.objects.filter(pk=row.pk).update(
            build_started_at=long_ago, documents_done=3
        )
    else:
        # Queued, and no worker ever started it.
        CombinedCaseFile.objects.filter(pk=row.pk).update(requested_at=long_ago)
    row.refresh_from_db()
    # Not yet that long: still being built.
    assert build_state(row, long_ago + datetime.timedelta(minutes=2)) == case_file.BUILDING

    assert_shown_as_failed(side_a.caseworker, case, STALLED_ERROR)
    assert queued() == 1

    # Asked again through the API: the stalled build is given up and one new one queued.
    url = f"/api/v1/cases/{case.pk}/documents/combined/"
    again = api_client(side_a.caseworker).post(url)
    assert again.status_code == 202
    assert again.json() == {"status": "building", "detail": BUILDING, "retry_after": 2}
    assert again["Retry-After"] == "2"
    assert queued() == 2
    row.refresh_from_db()
    assert (row.build_started_at, row.documents_done, row.error) == (None, 0, "")
    assert build_state(row) == case_file.BUILDING
    assert api_client(side_a.caseworker).post(url).status_code == 202
    assert queued() == 2

    build_combined_case_file.call(row.pk)
    assert api_client(side_a.caseworker).get(url).status_code == 200


@pytest.mark.django_db
def test_a_live_build_is_not_started_again(side_a):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    CombinedCaseFile.objects.filter(pk=row.pk).update(build_started_at=timezone.now())
    client = logged_in(side_a.caseworker)
    partial = client.post(reverse("cases:case-file-retry", args=[case.pk]), headers=HTMX)
    assert "Dokumentsamlingen dannes …" in partial.text
    api = api_client(side_a.caseworker).post(f"/api/v1/cases/{case.pk}/documents/combined/")
    assert api.json()["status"] == "building"
    assert queued() == 1
    assert CombinedCaseFile.objects.get(pk=row.pk).build_started_at is not None


@pytest.mark.django_db
def test_without_javascript_try_again_goes_to_the_status_page(side_a):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    CombinedCaseFile.objects.filter(pk=row.pk).update(error=BUILD_ERROR)
    response = logged_in(side_a.caseworker).post(reverse("cases:case-file-retry", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-file", args=[case.pk])
    assert queued() == 2
    assert (
        logged_in(side_a.caseworker)
        .get(reverse("cases:case-file-retry", args=[case.pk]))
        .status_code
        == 405
    )


@pytest.mark.django_db
def test_another_organisation_and_the_gp_cannot_try_again(side_a, side_b):
    case = case_with_documents(side_a, DOCUMENTS)
    row = combined_case_file(case)
    CombinedCaseFile.objects.filter(pk=row.pk).update(error=BUILD_ERROR)
    for user in (side_b.caseworker, side_b.coordinator, side_a.gp):
        response = logged_in(user).post(reverse("cases:case-file-retry", args=[case.pk]))
        assert response.status_code == 404
        api = api_client(user).post(f"/api/v1/cases/{case.pk}/documents/combined/")
        assert api.status_code == 404
    assert CombinedCaseFile.objects.get(pk=row.pk).error == BUILD_ERROR
    assert queued() == 1
