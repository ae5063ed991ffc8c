"""A document's own date and author, its text fingerprint, and what the case file makes of
them: newest document date first within a category, and a re-scanned copy (other bytes, the
same text) left out of the combined file as a duplicate."""

import datetime
import io
import time
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import Destination

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document
from sagsbro.conftest import make_case
from sagsbro.core.errors import ServiceError
from sagsbro.documents import fingerprint
from sagsbro.documents.case_file import (
    build_combined_case_file_now,
    case_file_entries,
    combined_case_file,
    duplicate_note,
)
from sagsbro.documents.fingerprint import text_fingerprint
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import Category, case_file_plan
from sagsbro.documents.services import store_blob
from sagsbro.documents.tasks import fingerprint_document
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.documents.tests.files import docx
from sagsbro.documents.tests.services.test_fingerprint import hostile_xobject_pdf
from sagsbro.documents.tests.text_files import (
    LETTER,
    OTHER_LETTER,
    pikepdf_pdf,
    weasyprint_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _add(side, case, content, *, title, category=Category.LAE_265, filename="attest.pdf", **kw):
    return add_case_document(
        side.caseworker,
        case,
        category=str(category),
        title=title,
        filename=filename,
        content=content,
        **kw,
    )


def _stored(settings):
    root = Path(settings.MEDIA_ROOT)
    files = {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    return Document.objects.count(), Blob.objects.count(), AuditEntry.objects.count(), files


def _built(case):
    row = combined_case_file(case)
    if row.blob_id is None:
        row = build_combined_case_file_now(row.pk)
    assert row.blob is not None, row.error
    with row.blob.file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def test_the_date_and_author_are_stored_with_the_document(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    document = _add(
        side_a,
        case,
        pikepdf_pdf(LETTER),
        title="Lægeattest",
        document_date=datetime.date(2026, 9, 14),
        author_organisation="  Lægehuset Nørrebrogade  ",
    )
    document.refresh_from_db()
    assert document.text_sha256 == ""  # read by the worker, never in the upload request
    fingerprint_document.call(document.pk)
    document.refresh_from_db()
    assert document.document_date == datetime.date(2026, 9, 14)
    assert document.author_organisation == "Lægehuset Nørrebrogade"
    assert document.text_sha256 == text_fingerprint(io.BytesIO(pikepdf_pdf(LETTER)))
    assert len(document.text_sha256) == 64


def test_a_pdf_slow_to_read_is_attached_at_once_and_the_worker_gives_up_in_time(
    side_a, monkeypatch
):
    monkeypatch.setattr(fingerprint, "TIME_BUDGET_SECONDS", 0.5)
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)

    started = time.monotonic()
    document = _add(side_a, case, hostile_xobject_pdf(), title="Formular")
    assert time.monotonic() - started < 5  # its text is never read in the request

    started = time.monotonic()
    assert fingerprint_document.call(document.pk) == ""
    assert time.monotonic() - started < 5
    document.refresh_from_db()
    assert document.text_sha256 == ""
    assert document.title == "Formular"


def test_a_copy_of_the_same_bytes_made_before_the_worker_ran_gets_the_fingerprint(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    document = _add(side_a, case, pikepdf_pdf(LETTER), title="Lægeattest")
    # As a referral carries a document over to another case: the same blob, the fields copied.
    copy = Document.objects.create(
        case=document.case,
        category=document.category,
        title=document.title,
        filename=document.filename,
        content_type=document.content_type,
        blob=document.blob,
        uploaded_by=side_a.caseworker,
        carried_over_from=document,
    )

    fingerprint = fingerprint_document.call(document.pk)

    copy.refresh_from_db()
    assert len(fingerprint) == 64
    assert copy.text_sha256 == fingerprint


def test_without_a_date_the_upload_date_orders_the_document(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    document = _add(side_a, case, pikepdf_pdf(LETTER), title="Lægeattest")
    document.refresh_from_db()
    assert document.document_date is None
    assert document.author_organisation == ""
    (entry,) = case_file_entries(case.pk)
    assert entry.document_date == timezone.localdate(document.uploaded_at)


def test_a_pdf_with_almost_no_text_and_a_word_file_have_no_fingerprint(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    short = _add(side_a, case, pikepdf_pdf(["Side 1"]), title="Kort")
    word = _add(side_a, case, docx(" ".join(LETTER)), title="Word", filename="notat.docx")
    assert fingerprint_document.call(short.pk) == ""
    assert fingerprint_document.call(word.pk) == ""
    short.refresh_from_db()
    word.refresh_from_db()
    assert short.text_sha256 == ""
    assert word.text_sha256 == ""


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"document_date": datetime.date(2099, 1, 1)},
            "document_date",
            "Dokumentets dato kan ikke ligge i fremtiden.",
        ),
        (
            {"author_organisation": "x" * 201},
            "author_organisation",
            "Afsenderen må højst være 200 tegn.",
        ),
        (
            {"author_organisation": "Klinik\x00Nord"},
            "author_organisation",
            "Afsenderen indeholder tegn, der ikke kan gemmes.",
        ),
    ],
)
def test_a_bad_date_or_author_is_refused_and_nothing_is_stored(
    settings, side_a, values, field, message
):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    before = _stored(settings)
    with pytest.raises(ServiceError) as refused:
        _add(side_a, case, pikepdf_pdf(LETTER), title="Lægeattest", **values)
    assert refused.value.fields == {field: [message]}
    assert _stored(settings) == before


def test_within_a_category_the_newest_document_date_comes_first(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    # Added oldest-upload first, but dated the other way round.
    older = _add(
        side_a,
        case,
        multi_page_pdf("Attest A", 1),
        title="Attest fra marts",
        document_date=datetime.date(2026, 3, 1),
    )
    newer = _add(
        side_a,
        case,
        multi_page_pdf("Attest B", 1),
        title="Attest fra oktober",
        document_date=datetime.date(2026, 10, 1),
    )
    undated = _add(side_a, case, multi_page_pdf("Attest C", 1), title="Attest uden dato")

    plan = case_file_plan(case_file_entries(case.pk))
    assert [e.document_id for e in plan.ordered] == [undated.pk, newer.pk, older.pk]

    reader = _built(case)
    titles = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert titles == ["Attest uden dato", "Attest fra oktober", "Attest fra marts"]


def test_a_rescanned_copy_is_flagged_and_left_out_of_the_combined_file(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    first = _add(
        side_a,
        case,
        weasyprint_pdf(LETTER),
        title="Lægeattest",
        document_date=datetime.date(2026, 9, 14),
    )
    rescanned = _add(
        side_a,
        case,
        pikepdf_pdf(LETTER),
        title="Lægeattest (scannet igen)",
        document_date=datetime.date(2026, 9, 14),
    )
    other = _add(
        side_a,
        case,
        pikepdf_pdf(OTHER_LETTER),
        title="Praktikrapport",
        category=Category.WORK_TRIAL_REPORT,
    )
    assert first.blob_id != rescanned.blob_id
    for document in (first, rescanned, other):
        fingerprint_document.call(document.pk)
        document.refresh_from_db()
    assert first.text_sha256 == rescanned.text_sha256 != other.text_sha256

    plan = case_file_plan(case_file_entries(case.pk))
    assert plan.duplicates == {rescanned.pk: first.pk}

    reader = _built(case)
    titles = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert titles == ["Lægeattest", "Praktikrapport"]
    contents = reader.pages[0].extract_text().replace("\n", " ")
    assert "Lægeattest (scannet igen)" in contents
    assert duplicate_note("Lægeattest").split("«")[0] in contents


def test_a_converted_document_joins_its_rendition_and_a_new_date_makes_a_new_file(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    word = _add(
        side_a,
        case,
        docx("Arbejdsprøvning"),
        title="Rapport fra arbejdsprøvning",
        category=Category.WORK_TRIAL_REPORT,
        filename="rapport.docx",
    )
    (entry,) = case_file_entries(case.pk)
    assert entry.is_pdf is False
    pending = combined_case_file(case)

    # What the conversion task leaves: the PDF rendition, its pages and its text.
    rendition = multi_page_pdf("Rapport fra arbejdsproevning", 3)
    Document.objects.filter(pk=word.pk).update(
        rendition=store_blob(rendition),
        conversion_status="done",
        pages=3,
        text_sha256=text_fingerprint(io.BytesIO(rendition)),
    )
    (entry,) = case_file_entries(case.pk)
    assert entry.is_pdf is True
    assert entry.sha256 != word.blob_id and entry.source_sha256 == word.blob_id
    converted = combined_case_file(case)
    assert converted.key != pending.key
    reader = _built(case)
    assert len(reader.pages) == 1 + 3
    assert "Rapport fra arbejdsproevning - side 1 af 3" in reader.pages[1].extract_text()

    Document.objects.filter(pk=word.pk).update(document_date=datetime.date(2026, 1, 5))
    assert combined_case_file(case).key != converted.key
