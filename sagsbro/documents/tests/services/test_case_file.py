""" "Åbn alle dokumenter": a case of 60 documents / 300 pages as one PDF that qpdf finds
valid, with a contents page, a bookmark per document and every page; duplicates left out and
listed; the result cached by the documents' hashes."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import Destination

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.documents.case_file import (
    build_combined_case_file_now,
    combined_case_file,
    duplicate_note,
)
from sagsbro.documents.models import CombinedCaseFile, Document
from sagsbro.documents.rules import CASE_FILE_CATEGORY_ORDER, Category
from sagsbro.documents.services import store_blob
from sagsbro.documents.tests.case_file_files import multi_page_pdf

DOCUMENTS = 60
PAGES_EACH = 5
CATEGORIES = [Category.LAE_265, Category.FORBEREDENDE_DEL, Category.OTHER, Category.LAE_275]


@pytest.fixture(scope="module")
def sixty_pdfs():
    """60 different five-page PDFs, made once for the module."""
    return [multi_page_pdf(f"Dokument {n:02d}", PAGES_EACH) for n in range(DOCUMENTS)]


def add_documents(case, user, contents, *, start_day=1):
    documents = []
    for n, content in enumerate(contents):
        document = Document.objects.create(
            case=case,
            category=CATEGORIES[n % len(CATEGORIES)],
            title=f"Dokument {n:02d}",
            filename=f"dokument-{n:02d}.pdf",
            content_type="application/pdf",
            blob=store_blob(content),
            uploaded_by=user,
        )
        day = timezone.make_aware(datetime.datetime(2026, 10, start_day + n % 28, 12))
        Document.objects.filter(pk=document.pk).update(uploaded_at=day)
        documents.append(document)
    return documents


def expected_order(case):
    rank = {str(c): i for i, c in enumerate(CASE_FILE_CATEGORY_ORDER)}
    documents = list(Document.objects.filter(case=case))
    return sorted(
        documents,
        key=lambda d: (rank[d.category], -d.uploaded_at.date().toordinal(), d.pk),
    )


def built(row):
    if row.blob_id is None:
        row = build_combined_case_file_now(row.pk)
    assert row.blob_id is not None, row.error
    with row.blob.file.open("rb") as stored:
        return row, stored.read()


@pytest.mark.django_db
def test_sixty_documents_make_one_valid_pdf_with_contents_and_a_bookmark_each(
    side_a, sixty_pdfs, tmp_path
):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    add_documents(case, side_a.caseworker, sixty_pdfs)

    row, content = built(combined_case_file(case))

    path = tmp_path / "samling.pdf"
    path.write_bytes(content)
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is installed by scripts/test"
    check = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout

    reader = PdfReader(io.BytesIO(content))
    contents_pages = len(reader.pages) - DOCUMENTS * PAGES_EACH
    assert contents_pages >= 1
    assert row.page_count == len(reader.pages) == DOCUMENTS * PAGES_EACH + contents_pages
    assert row.document_count == DOCUMENTS

    outline = [item for item in reader.outline if isinstance(item, Destination)]
    assert len(outline) == len(reader.outline) == DOCUMENTS
    order = expected_order(case)
    assert [item.title for item in outline] == [d.title for d in order]
    contents_text = "\n".join(reader.pages[i].extract_text() for i in range(contents_pages))
    assert "Dokumentsamling" in contents_text
    for index, (item, document) in enumerate(zip(outline, order, strict=True)):
        start = contents_pages + index * PAGES_EACH
        assert reader.get_destination_page_number(item) == start
        # The bookmark's page is the document's first page, the next four follow it.
        first = reader.pages[start].extract_text()
        assert f"{document.title} - side 1 af {PAGES_EACH}" in first
        assert f"{document.title} - side {PAGES_EACH} af {PAGES_EACH}" in (
            reader.pages[start + PAGES_EACH - 1].extract_text()
        )
        assert document.title in contents_text
    # The contents list where each document starts (1-based page numbers).
    assert str(contents_pages + 1) in contents_text
    assert str(contents_pages + (DOCUMENTS - 1) * PAGES_EACH + 1) in contents_text


@pytest.mark.django_db
def test_duplicates_are_listed_not_included_and_the_result_is_cached(side_a, sixty_pdfs):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    originals = add_documents(case, side_a.caseworker, sixty_pdfs[:3])
    copy = Document.objects.create(
        case=case,
        category=Category.OTHER,
        title="Genfremsendt kopi",
        filename="kopi.pdf",
        content_type="application/pdf",
        blob=originals[0].blob,
        uploaded_by=side_a.caseworker,
    )

    row, content = built(combined_case_file(case))
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.outline) == 3
    titles = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert "Genfremsendt kopi" not in titles
    assert row.page_count == 3 * PAGES_EACH + 1
    contents_text = reader.pages[0].extract_text()
    assert "Genfremsendt kopi" in contents_text
    assert duplicate_note(originals[0].title).split("«")[0] in contents_text.replace("\n", " ")

    # Asked again with the same documents: the same row and blob, nothing built again.
    again = combined_case_file(case)
    assert again.pk == row.pk and again.blob_id == row.blob_id
    assert CombinedCaseFile.objects.filter(case=case).count() == 1

    # One more document: a new key, a new file.
    add_documents(case, side_a.caseworker, sixty_pdfs[3:4], start_day=20)
    newer, newer_content = built(combined_case_file(case))
    assert newer.pk != row.pk
    assert len(PdfReader(io.BytesIO(newer_content)).outline) == 4
    assert copy.pk  # still on the case, only left out of the combined file


@pytest.mark.django_db
def test_a_large_case_file_is_queued_and_built_by_the_task(side_a, sixty_pdfs):
    from django_tasks_db.models import DBTaskResult

    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    add_documents(case, side_a.caseworker, sixty_pdfs[:20])

    row = combined_case_file(case)
    assert row.blob_id is None
    queued = DBTaskResult.objects.get(task_path__endswith="build_combined_case_file")
    assert queued.args_kwargs["args"] == [row.pk]
    # Asking again while it is being built queues nothing more.
    assert combined_case_file(case).pk == row.pk
    assert DBTaskResult.objects.filter(task_path__endswith="build_combined_case_file").count() == 1

    from sagsbro.documents.tasks import build_combined_case_file

    assert build_combined_case_file.call(row.pk) == 20 * PAGES_EACH + 1
    row.refresh_from_db()
    assert row.blob_id is not None and row.built_at is not None


@pytest.mark.django_db
def test_a_withdrawn_document_is_left_out(side_a, sixty_pdfs):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    documents = add_documents(case, side_a.caseworker, sixty_pdfs[:3])
    Document.objects.filter(pk=documents[1].pk).update(withdrawn_at=timezone.now())

    row, content = built(combined_case_file(case))
    reader = PdfReader(io.BytesIO(content))
    titles = [item.title for item in reader.outline if isinstance(item, Destination)]
    assert documents[1].title not in titles
    assert len(titles) == 2
    assert documents[1].title not in reader.pages[0].extract_text()


@pytest.mark.parametrize("documents", [1, 26, 27, 60, 200])
def test_the_contents_are_laid_out_once_with_the_page_count_known_beforehand(documents):
    """The listing's lines have a fixed height, so the contents page count is known from the
    number of documents and the page numbers listed are right at the first rendering."""
    from sagsbro.documents.case_file import contents_pages_for, render_contents
    from sagsbro.documents.rules import CaseFileEntry, case_file_plan

    entries = [
        CaseFileEntry(
            document_id=n,
            category=str(Category.LAE_265),
            title=f"Speciallægeattest fra Århus, ændret {n} " + "meget lang titel " * (n % 7),
            document_date=datetime.date(2026, 3, 1 + n % 28),
            sha256=f"{n:064x}",
        )
        for n in range(documents)
    ]
    plan = case_file_plan(entries)
    content, pages = render_contents(
        plan, [(entry, 5) for entry in plan.included], set(), reference="R-7"
    )
    assert pages == contents_pages_for(2 * documents)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == pages
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Dokumentsamling – sag R-7" in text
    assert "Speciallægeattest fra Århus, ændret 0" in text
    # The first and the last document's first page, counted after the contents.
    assert f"{pages + 1}\n" in text
    assert f"{pages + 1 + (documents - 1) * 5}\n" in text
