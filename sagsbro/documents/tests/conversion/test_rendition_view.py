"""The PDF to read (`/api/v1/documents/<id>/rendition/`, URL name `document-rendition`):
inline under the uploader's name with ".pdf", access-checked and audited like the original's
download; a clear answer while it is being made or when it could not be made. Two workers
converting the same document store one rendition."""

import threading
import time
from urllib.parse import quote

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case
from sagsbro.documents import conversion
from sagsbro.documents.models import Document
from sagsbro.documents.tests import files
from sagsbro.documents.tests.conversion.test_real_files import attach


def rendition_url(document):
    return reverse("document-rendition", args=[document.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_rendition_opens_inline_with_the_original_s_name_as_pdf(side_a, run_worker):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    document = attach(side_a.caseworker, case, files.jpeg(), "skærmbillede.jpg")
    waiting = api_client(side_a.caseworker).get(rendition_url(document))
    assert waiting.status_code == 404
    assert waiting.json()["code"] == "no_rendition"

    run_worker()
    document.refresh_from_db()
    response = api_client(side_a.coordinator).get(rendition_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="skaermbillede.pdf"; '
        f"filename*=UTF-8''{quote('skærmbillede.pdf', safe='')}"
    )
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    with document.rendition.file.open("rb") as handle:
        assert body(response) == handle.read()
    # An opening by the other side, audited as a download.
    document.refresh_from_db()
    assert document.opened_by_other_side_at is not None
    assert AuditEntry.objects.filter(
        user=side_a.coordinator,
        action=AuditEntry.Action.DOWNLOAD,
        object_type="document",
        object_id=document.pk,
        detail="pdf",
    ).exists()
    # The original is still served as it is, as a download.
    original = api_client(side_a.coordinator).get(reverse("document-content", args=[document.pk]))
    assert original["Content-Type"] == "image/jpeg"
    assert original["Content-Disposition"].startswith("attachment;")


def test_a_pdf_original_is_its_own_rendition(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    content = files.pypdf_pdf()
    document = attach(side_a.caseworker, case, content, "attest")
    response = api_client(side_a.caseworker).get(rendition_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('inline; filename="attest.pdf"')
    assert body(response) == content


def test_a_failed_conversion_answers_with_its_reason(settings, side_a, run_worker):
    settings.SAGSBRO_CONVERSION_TIMEOUT_SECONDS = 0.05
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    # Built once: a zip carries the time it was written.
    content = files.docx()
    document = attach(side_a.caseworker, case, content, "notat.docx")
    run_worker()
    response = api_client(side_a.caseworker).get(rendition_url(document))
    assert response.status_code == 404
    assert response.json()["code"] == "conversion_failed"
    assert response.json()["detail"] == conversion.timeout_reason(0.05)
    # The original can still be downloaded.
    original = api_client(side_a.caseworker).get(reverse("document-content", args=[document.pk]))
    assert original.status_code == 200
    assert body(original) == content


def test_someone_who_may_not_see_the_case_gets_nothing_and_is_audited(side_a, side_b, run_worker):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    document = attach(side_a.caseworker, case, files.png(), "scanning.png")
    run_worker()
    response = api_client(side_b.caseworker).get(rendition_url(document))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(
        user=side_b.caseworker, action=AuditEntry.Action.DENIED, object_id=document.pk
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_converting_at_once_store_one_rendition(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    document = attach(side_a.caseworker, case, files.docx(), "notat.docx")
    results: list[str] = []
    start = threading.Barrier(2)

    def work() -> None:
        try:
            start.wait()
            # The test database is SQLite in shared memory, whose table lock answers "table is
            # locked" at once instead of waiting: tried again, as the retrying task does.
            for _attempt in range(50):
                try:
                    results.append(conversion.convert_document_now(document.pk))
                    return
                except OperationalError:
                    time.sleep(0.1)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [conversion.DONE, conversion.DONE]
    document.refresh_from_db()
    assert document.conversion_status == conversion.DONE
    assert document.rendition is not None
    converted = AuditEntry.objects.filter(
        object_type="document", object_id=document.pk, detail="pdf-rendition"
    )
    assert converted.count() == 1
    assert Document.objects.filter(rendition__isnull=False).count() == 1
