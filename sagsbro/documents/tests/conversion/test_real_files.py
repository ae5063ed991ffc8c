"""The issue's acceptance with real files: valid PDFs, a PDF with a broken xref, an encrypted
PDF, images, a Word document, spreadsheets, and a Word document LibreOffice cannot convert in
time. Each is accepted (and converted by the real worker) or refused with its reason; a
refused one leaves no row and no file."""

import io
import subprocess
from pathlib import Path

import psutil
import pytest
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.services.documents import add_case_document
from sagsbro.core.errors import ServiceError
from sagsbro.documents import conversion, rules
from sagsbro.documents.fingerprint import MIN_CHARACTERS, normalised_text, text_fingerprint
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.services import inspect_upload
from sagsbro.documents.tasks import convert_document, fingerprint_document
from sagsbro.documents.tests import files

LONG_TEXT = "Borgeren har deltaget i arbejdsprøvning hos virksomheden i otte uger med skånehensyn"


def attach(user, case, content, filename):
    return add_case_document(
        user,
        case,
        category=str(rules.Category.OTHER_HEALTH_INFORMATION),
        title="",
        filename=filename,
        content=content,
    )


def stored_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def state(settings):
    return (Document.objects.count(), Blob.objects.count(), stored_files(settings))


def conversion_tasks():
    return DBTaskResult.objects.filter(task_path=convert_document.module_path)


def pdf_of(blob) -> PdfReader:
    with blob.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def words(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def original_bytes(document) -> bytes:
    with document.blob.file.open("rb") as handle:
        return handle.read()


# --- PDFs: kept as they are -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "pages"),
    [
        (lambda: files.pdf_bytes(LONG_TEXT), 1),
        (files.pypdf_pdf, 1),
        (files.pdf_with_open_action_destination, 1),
    ],
)
def test_a_valid_pdf_is_kept_as_it_is_and_not_converted(side_a, case, build, pages):
    document = attach(side_a.caseworker, case, build(), "attest.pdf")
    document.refresh_from_db()
    assert document.content_type == "application/pdf"
    assert document.pages == pages
    assert document.conversion_status == conversion.NOT_NEEDED
    assert document.rendition is None
    assert not conversion_tasks().exists()


def test_an_uploaded_pdf_with_text_gets_its_text_fingerprint(side_a, case):
    document = attach(side_a.caseworker, case, files.pdf_bytes(LONG_TEXT), "attest.pdf")
    assert document.text_sha256 == ""  # read by the worker, never in the upload request
    assert DBTaskResult.objects.filter(task_path=fingerprint_document.module_path).count() == 1
    fingerprint_document.call(document.pk)
    document.refresh_from_db()
    assert document.text_sha256
    assert document.text_sha256 == text_fingerprint(io.BytesIO(files.pdf_bytes(LONG_TEXT)))


def test_a_pdf_with_a_broken_xref_is_accepted_because_pypdf_rebuilds_the_table(
    side_a, case, tmp_path
):
    broken = files.pdf_with_broken_xref(LONG_TEXT)
    # Really broken: qpdf has to reconstruct the table, and says so (exit code 3: warnings).
    path = tmp_path / "epikrise.pdf"
    path.write_bytes(broken)
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, check=False)
    assert checked.returncode == 3
    assert b"Attempting to reconstruct cross-reference table" in checked.stderr
    document = attach(side_a.caseworker, case, broken, "epikrise.pdf")
    document.refresh_from_db()
    assert document.content_type == "application/pdf"
    assert document.pages == 1
    assert original_bytes(document) == broken


def test_an_encrypted_pdf_is_refused_with_the_password_message_and_leaves_nothing(
    settings, side_a, case
):
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, files.pdf_with_password(), "attest.pdf")
    assert refused.value.fields == {"file": [rules.PDF_PASSWORD]}
    assert "adgangskode" in rules.PDF_PASSWORD
    assert state(settings) == before


def test_an_unreadable_pdf_is_refused_with_its_reason_and_leaves_nothing(settings, side_a, case):
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, files.broken_pdf(), "attest.pdf")
    assert refused.value.fields == {"file": [rules.PDF_UNREADABLE]}
    assert state(settings) == before


# --- images: put on a page by img2pdf -------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "filename", "content_type"),
    [
        (files.png, "scanning.png", "image/png"),
        (files.png_with_transparency, "skærmbillede.png", "image/png"),
        (files.jpeg, "foto.jpg", "image/jpeg"),
    ],
)
def test_an_image_is_accepted_and_converted_to_a_one_page_pdf(
    side_a, case, run_worker, build, filename, content_type
):
    content = build()
    document = attach(side_a.caseworker, case, content, filename)
    assert document.content_type == content_type
    assert document.conversion_status == conversion.PENDING
    assert conversion_tasks().count() == 1

    run_worker()

    document.refresh_from_db()
    assert document.conversion_status == conversion.DONE, document.conversion_error
    assert document.conversion_error == ""
    assert document.pages == 1
    assert len(pdf_of(document.rendition).pages) == 1
    # The original is kept, byte for byte, with its own type.
    assert original_bytes(document) == content
    assert document.content_type == content_type
    assert conversion_tasks().get().status == "SUCCESSFUL"


# --- office documents and text: converted by LibreOffice ------------------------------------


@pytest.mark.parametrize(
    ("build", "filename", "expected"),
    [
        (lambda: files.docx(LONG_TEXT), "statusnotat.docx", LONG_TEXT),
        (lambda: files.odt(LONG_TEXT), "statusnotat.odt", LONG_TEXT),
        (files.xlsx, "budget.xlsx", "Medicin 310"),
        (files.ods, "budget.ods", "Medicin 310"),
        (lambda: f"{LONG_TEXT}\nBeløb: 640 kr.\n".encode("cp1252"), "notat.txt", "Beløb: 640"),
        (lambda: f"{LONG_TEXT}\nBeløb: 640 kr.\n".encode(), "notat.txt", "Beløb: 640"),
    ],
    ids=["docx", "odt", "xlsx", "ods", "text-cp1252", "text-utf8"],
)
def test_an_office_document_or_text_is_converted_by_libreoffice(
    side_a, case, run_worker, conversion_tmp, build, filename, expected
):
    content = build()
    document = attach(side_a.caseworker, case, content, filename)
    assert document.conversion_status == conversion.PENDING

    run_worker()

    document.refresh_from_db()
    assert document.conversion_status == conversion.DONE, document.conversion_error
    reader = pdf_of(document.rendition)
    assert document.pages == len(reader.pages) == 1
    assert expected in words(reader)
    # The rendition passed the upload's checks, and its text fingerprint is kept.
    with document.rendition.file.open("rb") as handle:
        assert inspect_upload(handle).content_type == "application/pdf"
        assert document.text_sha256 == text_fingerprint(handle)
    if len(normalised_text(words(reader))) >= MIN_CHARACTERS:
        assert document.text_sha256
    assert original_bytes(document) == content
    # Nothing is left in the temporary directory.
    assert list(conversion_tmp.iterdir()) == []
    converted = AuditEntry.objects.filter(object_type="document", object_id=document.pk)
    assert converted.filter(action=AuditEntry.Action.UPDATE, channel="task").count() == 1


def test_the_word_file_s_rendition_is_served_as_the_task_left_it_when_run_twice(
    side_a, case, run_worker
):
    document = attach(side_a.caseworker, case, files.docx(LONG_TEXT), "notat.docx")
    run_worker()
    document.refresh_from_db()
    rendition = document.rendition_id
    audit_entries = AuditEntry.objects.count()
    # A second run (a task queued again) changes nothing.
    assert conversion.convert_document_now(document.pk) == conversion.DONE
    document.refresh_from_db()
    assert document.rendition_id == rendition
    assert AuditEntry.objects.count() == audit_entries


# --- a Word document LibreOffice cannot convert in time ------------------------------------


def soffice_processes_under(directory: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if any(str(directory) in part for part in process.info["cmdline"] or []):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.mark.parametrize(
    ("build", "seconds", "shown"),
    [
        # Killed while LibreOffice is still starting.
        (lambda: files.docx(LONG_TEXT), 0.05, "0,05"),
        # Killed while it lays out some 1,500 pages (far more than the limit's work even on
        # an idle machine), its office process running under the launcher.
        (lambda: files.long_docx(40_000), 1.5, "1,5"),
    ],
    ids=["starting", "converting"],
)
def test_a_word_document_that_cannot_be_converted_in_time_fails_with_its_reason(
    settings, side_a, case, run_worker, conversion_tmp, build, seconds, shown
):
    settings.SAGSBRO_CONVERSION_TIMEOUT_SECONDS = seconds
    content = build()
    document = attach(side_a.caseworker, case, content, "langsom.docx")
    files_before = stored_files(settings)

    run_worker()

    document.refresh_from_db()
    assert document.conversion_status == conversion.FAILED
    assert document.conversion_error == (
        f"Dokumentet kunne ikke konverteres til PDF inden for {shown} sekunder. "
        "Det kan hentes, som det er."
    )
    assert document.rendition is None
    assert document.pages is None
    assert document.text_sha256 == ""
    # The original is kept and nothing else was stored.
    assert original_bytes(document) == content
    assert stored_files(settings) == files_before
    # The task itself ended normally: a failed conversion is a result, not an error.
    assert conversion_tasks().get().status == "SUCCESSFUL"
    # No LibreOffice process is left running, and its profile and files are gone.
    assert soffice_processes_under(conversion_tmp) == []
    assert list(conversion_tmp.iterdir()) == []


# --- refused office files -------------------------------------------------------------------


def libreoffice_made(tmp_path, source_name, content, target):
    """A file in an old format, saved by the real LibreOffice (as a user's Word 2003 would)."""
    source = tmp_path / source_name
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "out" / (source.stem + "." + target)).read_bytes()


def test_a_legacy_word_file_is_refused_with_a_message_to_save_it_as_docx(
    settings, side_a, case, tmp_path
):
    doc = libreoffice_made(tmp_path, "notat.docx", files.docx(LONG_TEXT), "doc")
    assert doc.startswith(b"\xd0\xcf\x11\xe0")
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, doc, "notat.doc")
    assert refused.value.fields == {"file": [rules.LEGACY_OFFICE_REFUSED]}
    assert state(settings) == before


HOSTILE_OFFICE = [
    ("gammel.xls", files.ole2_header, rules.LEGACY_OFFICE_REFUSED),
    ("makro.xlsm", lambda: files.xlsx(main=rules.XLSX_MACRO_MAIN_TYPE), rules.OFFICE_MACROS),
    ("makro.xlsx", lambda: files.xlsx(extra={"xl/vbaProject.bin": b"x"}), rules.OFFICE_MACROS),
    (
        "makro.odt",
        lambda: files.odt(extra={"Basic/Standard/Module1.xml": "<module/>"}),
        rules.OFFICE_MACROS,
    ),
    ("hemmelig.ods", lambda: files.ods(encrypted=True), rules.OFFICE_PASSWORD),
    (
        "praesentation.odp",
        files.odp,
        rules.OFFICE_NOT_DOCUMENT,
    ),
]


@pytest.mark.parametrize(("filename", "build", "message"), HOSTILE_OFFICE)
def test_a_refused_office_file_leaves_nothing(settings, side_a, case, filename, build, message):
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, build(), filename)
    assert refused.value.fields == {"file": [message]}
    assert state(settings) == before
    assert not conversion_tasks().exists()
