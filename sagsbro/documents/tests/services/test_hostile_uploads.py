"""Hostile uploads are refused from their bytes with a Danish message, and a refused upload
leaves nothing behind: no document, no blob row, no audit entry and no file in the store, also
when the database refuses after the bytes were written."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document
from sagsbro.conftest import make_case
from sagsbro.core.errors import ServiceError
from sagsbro.documents import rules
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.services import blob_files_block, store_blob
from sagsbro.documents.tests import files


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def state(settings):
    return (
        Document.objects.count(),
        Blob.objects.count(),
        AuditEntry.objects.count(),
        stored_files(settings),
    )


def attach(user, case, content, filename="dokument.pdf", **overrides):
    return add_case_document(
        user,
        case,
        category=overrides.pop("category", str(rules.Category.NEW_HEALTH_INFORMATION)),
        title=overrides.pop("title", ""),
        filename=filename,
        content=content,
    )


HOSTILE = [
    ("program.pdf", files.executable, rules.EXECUTABLE_REFUSED),
    ("side.pdf", lambda: files.HTML, rules.MARKUP_REFUSED),
    ("billede.png", lambda: files.SVG, rules.MARKUP_REFUSED),
    ("tegning.svg", lambda: files.SVG, rules.MARKUP_REFUSED),
    ("attest.pdf", files.pdf_with_open_action_javascript, rules.PDF_SCRIPT),
    ("attest.pdf", files.pdf_with_document_javascript, rules.PDF_SCRIPT),
    ("attest.pdf", files.pdf_with_escaped_javascript_names, rules.PDF_SCRIPT),
    ("attest.pdf", files.pdf_with_embedded_file, rules.PDF_EMBEDDED),
    ("attest.pdf", files.pdf_with_password, rules.PDF_PASSWORD),
    ("attest.pdf", files.broken_pdf, rules.PDF_UNREADABLE),
    ("notat.docx", files.docx_bomb, rules.OFFICE_TOO_LARGE),
    ("notat.docx", files.plain_zip, rules.OFFICE_NOT_DOCUMENT),
    ("notat.docx", lambda: files.docx()[:-60], rules.OFFICE_NOT_DOCUMENT),  # truncated
    ("notat.docx", files.docx_with_damaged_member, rules.OFFICE_NOT_DOCUMENT),
    ("notat.docx", lambda: files.docx(main=rules.DOCX_MACRO_MAIN_TYPE), rules.OFFICE_MACROS),
    ("notat.txt", lambda: b"tekst\x00\x01\x02", rules.TYPE_REFUSED),
    ("notat.txt", lambda: b"", rules.EMPTY_REFUSED),
]


@pytest.mark.parametrize(("filename", "build", "message"), HOSTILE)
def test_a_hostile_upload_is_refused_and_leaves_nothing(settings, side_a, filename, build, message):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, build(), filename=filename)
    assert refused.value.code == "invalid_document"
    assert refused.value.fields == {"file": [message]}
    assert state(settings) == before


def test_a_file_over_50_mb_is_refused_before_it_is_hashed(settings, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    upload = SimpleUploadedFile("stor.pdf", b"%PDF-1.4\n")
    upload.size = rules.MAX_DOCUMENT_BYTES + 1
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, upload)
    assert refused.value.fields == {"file": ["Filen er større end 50 MB."]}
    assert state(settings) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"filename": "a" * 240 + ".pdf"}, "file", "Filnavnet må højst være 200 tegn."),
        ({"filename": "at\x00test.pdf"}, "file", "Filnavnet indeholder tegn, der ikke kan gemmes."),
        ({"title": "T" * 201}, "title", "Titlen må højst være 200 tegn."),
    ],
)
def test_a_name_the_row_cannot_hold_is_refused_before_the_bytes_are_stored(
    settings, side_a, overrides, field, message
):
    # On PostgreSQL a 240-character name used to fail with DataError after the blob file
    # was written, and left the file behind.
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, files.pypdf_pdf(), **overrides)
    assert refused.value.fields == {field: [message]}
    assert state(settings) == before


def test_a_database_refusal_after_the_file_was_written_removes_the_file(settings, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    with (
        mock.patch(
            "sagsbro.cases.services.documents.record_event",
            side_effect=DataError("value too long for type character varying(200)"),
        ),
        pytest.raises(DataError),
    ):
        attach(side_a.caseworker, case, files.pypdf_pdf())
    assert state(settings) == before


def test_a_failed_upload_never_removes_a_blob_another_document_uses(settings, side_a, side_b):
    shared = files.pypdf_pdf()
    own = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    other = make_case(side_b, Subtype.LOEBENDE_SAG, complete=False)
    first = attach(side_a.caseworker, own, shared)
    path = Path(settings.MEDIA_ROOT) / first.blob.file.name
    before = state(settings)
    with (
        mock.patch(
            "sagsbro.cases.services.documents.record_event", side_effect=DataError("refused")
        ),
        pytest.raises(DataError),
    ):
        attach(side_b.caseworker, other, shared)
    assert state(settings) == before
    assert path.read_bytes() == shared


def test_the_type_is_decided_from_the_bytes_for_every_document(settings, side_a, side_b):
    """The same bytes attached by two organisations under different names: one blob, and each
    document's type is what the bytes are, whatever the name said."""
    content = files.png()
    first = attach(
        side_a.caseworker,
        make_case(side_a, Subtype.LOEBENDE_SAG, complete=False),
        SimpleUploadedFile("scan.pdf", content, content_type="application/pdf"),
    )
    second = attach(
        side_b.caseworker,
        make_case(side_b, Subtype.LOEBENDE_SAG, complete=False),
        SimpleUploadedFile("scan.txt", content, content_type="text/plain"),
    )
    assert first.blob_id == second.blob_id
    assert first.content_type == second.content_type == "image/png"
    word = attach(
        side_a.caseworker,
        make_case(side_a, Subtype.LOEBENDE_SAG, complete=False),
        files.docx(),
        filename="notat.bin",
    )
    assert word.content_type == rules.FileKind.DOCX
    text = attach(
        side_a.caseworker,
        make_case(side_a, Subtype.LOEBENDE_SAG, complete=False),
        files.TEXT,
        filename="notat.pdf",
    )
    assert text.content_type == "text/plain"
    allowed = attach(
        side_a.caseworker,
        make_case(side_a, Subtype.LOEBENDE_SAG, complete=False),
        files.pdf_with_open_action_destination(),
    )
    assert allowed.content_type == "application/pdf"


class NoWholeReads(File):
    """An upload that fails the test if anything reads it whole instead of in chunks."""

    def read(self, size=-1):
        assert size is not None and size > 0, "the upload was read whole"
        assert self.file is not None
        return self.file.read(size)


def test_an_upload_is_hashed_and_copied_in_chunks(settings, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    line = "Borgeren deltog i mødet og fortalte om forløbet.\n".encode()
    content = line * (3 * 1024 * 1024 // len(line))
    upload = NoWholeReads(io.BytesIO(content), name="notat.txt")
    document = attach(side_a.caseworker, case, upload, filename="notat.txt")
    with document.blob.file.open("rb") as stored:
        assert stored.read() == content
    assert document.blob.size == len(content)


def test_a_leftover_file_of_the_same_bytes_is_reused_only_if_whole(settings, side_a):
    content = files.pypdf_pdf()
    blob = store_blob(content)
    path = Path(settings.MEDIA_ROOT) / str(blob.file.name)
    Blob.objects.filter(pk=blob.pk).delete()
    path.write_bytes(content[:10])  # a torn write from an earlier failure
    again = store_blob(content)
    assert path.read_bytes() == content
    assert again.file.name == blob.file.name


def test_a_blob_written_in_an_inner_block_goes_when_the_outer_block_fails(settings, db):
    before = state(settings)
    with pytest.raises(DataError), blob_files_block():
        with blob_files_block():
            store_blob(b"Notat skrevet i den indre blok")
        raise DataError("the outer block fails after the inner one succeeded")
    assert state(settings) == before


def test_an_inner_block_that_fails_takes_its_file_and_row_but_not_the_outer_ones(settings, db):
    with blob_files_block():
        kept = store_blob(b"Notat i den ydre blok")
        with pytest.raises(DataError), blob_files_block():
            store_blob(b"Notat i den indre blok")
            raise DataError("the inner block fails; the outer goes on")
    assert list(Blob.objects.values_list("pk", flat=True)) == [kept.pk]
    assert {p.name for p in stored_files(settings)} == {kept.pk}


def test_a_real_database_error_after_the_write_removes_the_file(settings, side_a):
    """Not a mock: the document row breaks a NOT NULL constraint after the blob was written."""
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    with pytest.raises(IntegrityError), blob_files_block():
        blob = store_blob(files.pypdf_pdf())
        assert stored_files(settings) - before[3]  # the file is written
        Document.objects.create(
            case=case,
            category=rules.Category.OTHER,
            title="Notat",
            filename="notat.pdf",
            content_type="application/pdf",
            blob=blob,
            **{"uploaded_by_id": None},  # NOT NULL: the database refuses the row
        )
    assert state(settings) == before
