"""Uploads through the API and the pages: a body over the limit is refused from its
Content-Length before anything reads it, and a document's type comes from its bytes."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case
from sagsbro.documents import rules
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.tests import files

ONE_GB = str(1024 * 1024 * 1024)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def state(settings):
    root = Path(settings.MEDIA_ROOT)
    stored = {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    return Document.objects.count(), Blob.objects.count(), AuditEntry.objects.count(), stored


def test_the_limits_agree():
    assert django_settings.SAGSBRO_MAX_UPLOAD_BYTES == rules.MAX_DOCUMENT_BYTES
    assert django_settings.SAGSBRO_MAX_REQUEST_BYTES > rules.MAX_DOCUMENT_BYTES
    # Files larger than this go to a temporary file while the request is read.
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440


def test_an_api_body_over_the_limit_is_refused_before_it_is_read(settings, side_a):
    """The body is small, but says it is 1 GB: the test client's input raises if anything
    tries to read more than it holds, so a 413 here means nothing read the body."""
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    response = api_client(side_a.caseworker).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": "lae_265", "file": files.upload_file()},
        format="multipart",
        CONTENT_LENGTH=ONE_GB,
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Forespørgslen er for stor. En fil må højst være 50 MB.",
        "code": "request_too_large",
    }
    assert state(settings) == before


def test_a_page_body_over_the_limit_gets_a_danish_page(settings, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = Client()
    client.force_login(side_a.caseworker)
    before = state(settings)
    response = client.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {"category": "lae_265", "file": files.upload_file(), "tilbage": "rediger"},
        CONTENT_LENGTH=str(django_settings.SAGSBRO_MAX_REQUEST_BYTES + 1),
    )
    html = response.content.decode()
    assert response.status_code == 413
    assert "Filen er for stor" in html and "højst være 50 MB" in html
    assert state(settings) == before


def test_a_body_just_under_the_limit_is_let_through(settings, side_a):
    """The middleware lets a body within the limit through; the form then reads it."""
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    response = api_client(side_a.caseworker).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": "lae_265", "file": files.upload_file()},
        format="multipart",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"CONTENT_LENGTH": "mange"}, 400, "invalid_length"),
        ({"CONTENT_LENGTH": "-5"}, 400, "invalid_length"),
        ({"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"}, 411, "length_required"),
    ],
)
def test_a_body_without_a_usable_length_is_refused(settings, side_a, extra, status, code):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    response = api_client(side_a.caseworker).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": "lae_265", "file": files.upload_file()},
        format="multipart",
        **extra,
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert state(settings) == before


def test_the_form_shows_the_limit(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = Client()
    client.force_login(side_a.caseworker)
    assert "Højst 50 MB" in client.get(f"/sager/{case.pk}/rediger/").content.decode()


def test_an_api_upload_is_judged_by_its_bytes(settings, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = api_client(side_a.caseworker)
    before = state(settings)
    refused = client.post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": "lae_265",
            "file": SimpleUploadedFile("attest.pdf", files.executable(), "application/pdf"),
        },
        format="multipart",
    )
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"file": [rules.EXECUTABLE_REFUSED]}
    assert state(settings) == before

    too_long = client.post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": "lae_265",
            "file": SimpleUploadedFile("a" * 240 + ".pdf", files.pypdf_pdf(), "application/pdf"),
        },
        format="multipart",
    )
    assert too_long.status_code == 400
    assert too_long.json()["fields"] == {"file": ["Filnavnet må højst være 200 tegn."]}
    assert state(settings) == before

    scan = client.post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": "lae_265",
            "file": SimpleUploadedFile("scan.pdf", files.png(), "application/pdf"),
        },
        format="multipart",
    )
    assert scan.status_code == 201
    assert scan.json()["content_type"] == "image/png"
    download = client.get(f"/api/v1/documents/{scan.json()['id']}/content/")
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
