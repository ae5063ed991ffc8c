"""Every upload is scanned by ClamAV's clamd before anything is stored, when a scanner is
configured: a virus, a scanner that does not answer and a file it cannot scan are refused, with
nothing stored; with no scanner configured (the demo) nothing is scanned. Against a real clamd
(this folder's conftest), through the API and the page."""

import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case, pdf_bytes
from sagsbro.core.errors import TransientError
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.scanning import (
    SCAN_FAILED,
    SCANNER_UNAVAILABLE,
    ClamdScanner,
    ScanResult,
    check_clamd_address,
    parse_reply,
)
from sagsbro.documents.tests import files
from sagsbro.documents.tests.scanning.conftest import (
    EICAR,
    SIGNATURE,
    STREAM_MAX_BYTES,
    free_port,
)

VIRUS_MESSAGE_START = f"Filen indeholder virus ({SIGNATURE}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(side_a):
    return assigned_case(side_a, Subtype.LOEBENDE_SAG)


def stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload(user, case, name, content):
    return api_client(user).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": str(Category.NEW_HEALTH_INFORMATION),
            "file": SimpleUploadedFile(name, content),
        },
        format="multipart",
    )


def snapshot(settings):
    return Document.objects.count(), Blob.objects.count(), stored_files(settings)


# --- a virus ---------------------------------------------------------------------------------


def test_a_virus_is_refused_through_the_api_and_nothing_is_stored(
    scanning, settings, side_a, case, caplog
):
    before = snapshot(settings)
    with caplog.at_level(logging.WARNING, logger="sagsbro.documents.scanning"):
        response = upload(side_a.caseworker, case, "Lægeerklæring Jensen.txt", EICAR)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "virus_found"
    [message] = body["fields"]["file"]
    assert message.startswith(VIRUS_MESSAGE_START)
    assert message.endswith(") og kan ikke vedhæftes.")
    assert snapshot(settings) == before
    # One line naming the signature and the file's hash: no content, no file name.
    [line] = [r for r in caplog.records if r.name == "sagsbro.documents.scanning"]
    text = line.getMessage()
    assert SIGNATURE in text and "sha256" in text
    assert "EICAR-STANDARD" not in text and "Jensen" not in text


def test_a_virus_is_refused_on_the_page_with_the_reason_beside_the_field(
    scanning, settings, side_a
):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = snapshot(settings)
    browser = Client()
    browser.force_login(side_a.caseworker)
    response = browser.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {
            "category": str(Category.INDSATSPLAN),
            "title": "",
            "file": SimpleUploadedFile("plan.txt", EICAR, content_type="text/plain"),
            "tilbage": "dokumenter",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert VIRUS_MESSAGE_START in html
    assert 'href="#id_file"' in html
    assert snapshot(settings) == before


def test_the_scanner_is_reached_over_tcp_too(clamd, settings, side_a, case):
    settings.SAGSBRO_CLAMD_ADDRESS = clamd.tcp_address
    response = upload(side_a.caseworker, case, "virus.txt", EICAR)
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0].startswith(VIRUS_MESSAGE_START)
    assert upload(side_a.caseworker, case, "rent.pdf", pdf_bytes("Rent")).status_code == 201


# --- clean files -----------------------------------------------------------------------------


def test_a_clean_pdf_is_scanned_and_accepted(scanning, settings, side_a, case):
    content = pdf_bytes("Statusattest uden virus")
    response = upload(side_a.caseworker, case, "attest.pdf", content)
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    with document.blob.file.open("rb") as stored:
        assert stored.read() == content

    browser = Client()
    browser.force_login(side_a.caseworker)
    page = browser.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {
            "category": str(Category.NEW_HEALTH_INFORMATION),
            "title": "",
            "file": SimpleUploadedFile("ny.pdf", pdf_bytes("Ny"), content_type="application/pdf"),
            "tilbage": "dokumenter",
        },
    )
    assert page.status_code == 302


def test_a_file_of_several_megabytes_is_streamed_in_chunks(scanning, settings, side_a, case):
    # Larger than FILE_UPLOAD_MAX_MEMORY_SIZE (a temporary file) and than one chunk.
    content = b"Notat om borgerens forloeb.\n" * ((STREAM_MAX_BYTES - 1024 * 1024) // 28)
    response = upload(side_a.caseworker, case, "notat.txt", content)
    assert response.status_code == 201, response.content


# --- a scanner that cannot answer ------------------------------------------------------------


def test_a_file_clamd_will_not_scan_is_refused(scanning, settings, side_a, case):
    # Over clamd's StreamMaxLength: it stops reading and answers an error.
    content = b"Notat om borgerens forloeb.\n" * ((STREAM_MAX_BYTES + 1024 * 1024) // 28)
    before = snapshot(settings)
    response = upload(side_a.caseworker, case, "langt notat.txt", content)
    assert response.status_code == 400
    assert response.json()["code"] == "scan_failed"
    assert response.json()["fields"]["file"] == [SCAN_FAILED]
    assert snapshot(settings) == before


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_a_scanner_that_is_down_refuses_the_upload(settings, side_a, case, tmp_path, kind):
    if kind == "unix":
        settings.SAGSBRO_CLAMD_ADDRESS = f"unix://{tmp_path / 'stopped-clamd.sock'}"
    else:
        settings.SAGSBRO_CLAMD_ADDRESS = f"tcp://127.0.0.1:{free_port()}"
    before = snapshot(settings)
    response = upload(side_a.caseworker, case, "attest.pdf", pdf_bytes("Attest"))
    assert response.status_code == 503
    assert response.json()["code"] == "scanner_unavailable"
    assert response.json()["fields"]["file"] == [SCANNER_UNAVAILABLE]
    assert snapshot(settings) == before


def test_a_converted_pdf_is_scanned_before_it_is_stored(scanning, settings, side_a, case, tmp_path):
    from sagsbro.documents.conversion import convert_document_now

    scanned = upload(side_a.caseworker, case, "skanning.png", files.png())
    assert scanned.status_code == 201, scanned.content
    document_id = scanned.json()["id"]
    # The scanner stops answering before the background conversion runs: its PDF is not
    # stored unscanned.
    settings.SAGSBRO_CLAMD_ADDRESS = f"unix://{tmp_path / 'stopped-clamd.sock'}"
    blobs = Blob.objects.count()
    # A transient error: the retrying task queues itself again, the document stays pending.
    with pytest.raises(TransientError):
        convert_document_now(document_id)
    document = Document.objects.get(pk=document_id)
    assert (document.conversion_status, document.rendition_id) == ("pending", None)
    assert Blob.objects.count() == blobs
    # With the scanner back, the next attempt scans the PDF and stores it.
    settings.SAGSBRO_CLAMD_ADDRESS = scanning.unix_address
    assert convert_document_now(document_id) == "done"
    assert Document.objects.get(pk=document_id).rendition_id is not None


def test_a_conversion_gives_up_when_the_scanner_stays_down(
    scanning, settings, side_a, case, tmp_path
):
    from sagsbro.core.tasks import ATTEMPTS
    from sagsbro.documents.conversion import CONVERSION_SCANNER_DOWN
    from sagsbro.documents.tasks import convert_document

    scanned = upload(side_a.caseworker, case, "skanning.png", files.png())
    document_id = scanned.json()["id"]
    settings.SAGSBRO_CLAMD_ADDRESS = f"unix://{tmp_path / 'stopped-clamd.sock'}"
    # The last attempt still finds the scanner down: the document says so, nothing stored.
    with pytest.raises(TransientError):
        convert_document.call(document_id, attempt=ATTEMPTS)
    document = Document.objects.get(pk=document_id)
    assert document.conversion_status == "failed"
    assert document.conversion_error == CONVERSION_SCANNER_DOWN
    assert document.rendition_id is None


# --- scanning off (the demo) -----------------------------------------------------------------


def test_with_no_scanner_configured_nothing_is_scanned(settings, side_a, case):
    settings.SAGSBRO_CLAMD_ADDRESS = ""
    # The test file is plain text: accepted as such when no scanner looks at it.
    response = upload(side_a.caseworker, case, "eicar.txt", EICAR)
    assert response.status_code == 201, response.content


# --- the client ------------------------------------------------------------------------------


def test_clamds_replies_are_read_as_results(clamd):
    assert parse_reply("stream: OK") == ScanResult(clean=True)
    assert parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND") == ScanResult(
        clean=False, signature="Win.Test.EICAR_HDB-1"
    )
    refused = parse_reply("INSTREAM size limit exceeded. ERROR")
    assert not refused.clean and not refused.signature and "size limit" in refused.error
    scanner = ClamdScanner(clamd.unix_address)
    assert scanner.scan([EICAR[:10], EICAR[10:]]).signature.startswith(SIGNATURE)
    assert scanner.scan([b"Et helt almindeligt brev."]) == ScanResult(clean=True)
    with pytest.raises(ValueError, match="unix:///"):
        ClamdScanner("clamd:3310")


def test_a_misspelt_scanner_address_stops_the_server_at_start(settings):
    settings.SAGSBRO_CLAMD_ADDRESS = "clamd:3310"
    [problem] = check_clamd_address()
    assert problem.id == "sagsbro.E001"
    settings.SAGSBRO_CLAMD_ADDRESS = "tcp://clamav:3310"
    assert check_clamd_address() == []
