""" "Åbn alle dokumenter": the contents page drawn as PDF text (no layout engine) shows Danish
letters, lists each document's first page, counts the pages of the whole file in its footer,
and the combined file stays valid for qpdf. Real PDFs, no database."""

import datetime
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from sagsbro.documents.case_file import build_case_file_pdf, contents_pages_for
from sagsbro.documents.contents_pdf import LINES_ON_FIRST_PAGE, pdf_string
from sagsbro.documents.rules import CaseFileEntry, Category, case_file_plan
from sagsbro.documents.tests.case_file_files import multi_page_pdf

PAGES_EACH = 2


def entry(n, title, sha256=None, category=Category.LAE_265):
    return CaseFileEntry(
        document_id=n,
        category=str(category),
        title=title,
        document_date=datetime.date(2026, 3, 28 - n % 28),
        sha256=sha256 or f"{n:064x}",
    )


def build(entries, tmp_path, *, reference="R-7"):
    plan = case_file_plan(entries)
    files = {
        e.document_id: multi_page_pdf(f"Dokument {e.document_id}", PAGES_EACH) for e in entries
    }
    out = tmp_path / "samling.pdf"
    built = build_case_file_pdf(
        plan,
        lambda e: io.BytesIO(files[e.document_id]),
        out,
        reference=reference,
        built_on=datetime.date(2026, 12, 6),
    )
    return built, out


def qpdf_check(path):
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is installed by scripts/test"
    check = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_danish_letters_and_first_pages_on_the_contents_page(tmp_path):
    entries = [
        entry(0, "Lægeattest fra egen læge, Århus"),
        entry(1, "Speciallægeerklæring om søvn og smerter på job", category=Category.OTHER),
        entry(2, "Genfremsendt lægeattest", sha256=f"{0:064x}"),  # a duplicate of 0
        entry(3, "Brev fra Łódź – " + "meget lang titel " * 8),
    ]
    built, path = build(entries, tmp_path)
    qpdf_check(path)

    reader = PdfReader(path)
    assert built.contents_pages == 1
    assert len(reader.pages) == 1 + 3 * PAGES_EACH
    contents = reader.pages[0].extract_text()
    assert "Dokumentsamling – sag R-7" in contents
    assert "Dannet 6. december 2026 · 3 dokumenter · 7 sider i alt" in contents
    assert "Lægeattest fra egen læge, Århus" in contents
    assert "Speciallægeerklæring om søvn og smerter på job" in contents
    assert "ø" in contents and "å" in contents and "æ" in contents
    # The duplicate is listed with its note, not included.
    flat = " ".join(contents.split())
    assert "Dublet af »Lægeattest fra egen læge, Århus« – ikke med…" in flat
    # A letter outside the standard font's encoding shows as its base letter; a long title is
    # cut with an ellipsis.
    assert "Brev fra Lódz – meget lang titel" in contents
    assert "titel meg…  25.03.2026" in contents
    # The page footer counts the pages of the whole file.
    assert "Side 1 af 7" in contents

    outline = [item for item in reader.outline if isinstance(item, Destination)]
    assert len(outline) == len(reader.outline) == 3
    for number, (item, (listed, start)) in enumerate(
        zip(outline, built.starts, strict=True), start=1
    ):
        assert item.title == listed.title
        assert reader.get_destination_page_number(item) == start - 1
        # The contents list each document's number first and its first page last.
        line = next(line for line in contents.splitlines() if line.startswith(f"{number:<4}"))
        assert line.rstrip().endswith(f" {start}")
        first_page = reader.pages[start - 1].extract_text()
        assert f"Dokument {listed.document_id} - side 1 af {PAGES_EACH}" in first_page


@pytest.mark.parametrize("documents", [LINES_ON_FIRST_PAGE // 2, LINES_ON_FIRST_PAGE // 2 + 1])
def test_contents_over_several_pages_repeat_the_column_heading(tmp_path, documents):
    entries = [entry(n, f"Lægeattest nr. {n}") for n in range(documents)]
    built, path = build(entries, tmp_path, reference="")
    qpdf_check(path)
    reader = PdfReader(path)
    pages = contents_pages_for(2 * documents)
    assert built.contents_pages == pages == (1 if documents <= LINES_ON_FIRST_PAGE // 2 else 2)
    total = pages + documents * PAGES_EACH
    assert len(reader.pages) == total
    texts = [reader.pages[i].extract_text() for i in range(pages)]
    assert texts[0].startswith("Dokumentsamling\n")
    for number, text in enumerate(texts, start=1):
        assert "Nr. Titel" in text
        assert f"Side {number} af {total}" in text
    listed = "\n".join(texts)
    for n in range(documents):
        assert f"Lægeattest nr. {n} " in listed
    # The last document starts on the last page but one of its own pages.
    assert f" {total - PAGES_EACH + 1}\n" in listed + "\n"


def test_pdf_strings_escape_and_encode_one_byte_per_character():
    assert pdf_string("(a\\b)") == b"(\\(a\\\\b\\))"
    assert pdf_string("æøå ÆØÅ – …") == b"(\xe6\xf8\xe5 \xc6\xd8\xc5 \x96 \x85)"
    assert pdf_string("Łż漢") == b"(Lz?)"
