"""The API's documents: an upload takes the document's date and author, a refused one says
why per field and stores nothing, and a document reads with its pages, date, author,
conversion and whether the case file leaves it out as a duplicate."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.tasks import fingerprint_document
from sagsbro.documents.tests.text_files import LETTER, pikepdf_pdf, weasyprint_pdf


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def state(settings):
    root = Path(settings.MEDIA_ROOT)
    stored = {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    return Document.objects.count(), Blob.objects.count(), AuditEntry.objects.count(), stored


def post(user, case, content, **extra):
    return api_client(user).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": "lae_265",
            "file": SimpleUploadedFile("attest.pdf", content, content_type="application/pdf"),
        }
        | extra,
        format="multipart",
    )


def test_an_upload_with_date_and_author_reads_back_with_them(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    response = post(
        side_a.caseworker,
        case,
        pikepdf_pdf(LETTER),
        document_date="2026-09-14",
        author_organisation="Lægehuset Nørrebrogade",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["document_date"] == "2026-09-14"
    assert body["author_organisation"] == "Lægehuset Nørrebrogade"
    assert body["pages"] == 1
    assert body["conversion_status"] == "not_needed"
    assert body["conversion_error"] == ""
    assert body["is_duplicate"] is False and body["duplicate_of"] is None


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"document_date": "2099-01-01"},
            "document_date",
            "Dokumentets dato kan ikke ligge i fremtiden.",
        ),
        ({"document_date": "14.09.2026"}, "document_date", "Datoen skal skrives som ÅÅÅÅ-MM-DD."),
        (
            {"author_organisation": "x" * 201},
            "author_organisation",
            "Afsenderen må højst være 200 tegn.",
        ),
        (
            {"author_organisation": "Klinik\x1bNord"},
            "author_organisation",
            "Afsenderen indeholder tegn, der ikke kan gemmes.",
        ),
    ],
)
def test_a_bad_date_or_author_is_refused_per_field_and_nothing_is_stored(
    settings, side_a, extra, field, message
):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    before = state(settings)
    response = post(side_a.caseworker, case, pikepdf_pdf(LETTER), **extra)
    assert response.status_code == 400
    body = response.json()
    # A value the serializer cannot take is answered per field as every API input is; one the
    # documents' rules refuse as the service's structured error with its fields.
    assert body.get("fields", body) == {field: [message]}
    assert state(settings) == before


def test_a_rescanned_copy_reads_as_a_duplicate_for_both_sides(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    first = post(side_a.caseworker, case, weasyprint_pdf(LETTER)).json()
    copy = post(side_a.caseworker, case, pikepdf_pdf(LETTER)).json()
    assert copy["sha256"] != first["sha256"]
    # The text is read by the worker after the upload, never in the request.
    assert copy["is_duplicate"] is False
    for document in (first, copy):
        fingerprint_document.call(document["id"])

    case_services.send_case(side_a.caseworker, case)
    for user in (side_a.caseworker, side_a.secretariat):
        rows = api_client(user).get("/api/v1/documents/", {"case": case.pk}).json()["results"]
        flagged = {row["id"]: row["duplicate_of"] for row in rows if row["is_duplicate"]}
        assert flagged == {copy["id"]: first["id"]}
        detail = api_client(user).get(f"/api/v1/documents/{copy['id']}/").json()
        assert detail["duplicate_of"] == first["id"]
