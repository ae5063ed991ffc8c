"""The text fingerprint: the same text in two differently produced PDFs is one fingerprint, a
different text another, and a PDF without text (a scan without OCR) none."""

import io

from PIL import Image
from pypdf import PdfWriter
from weasyprint import HTML

from sagsbro.documents.fingerprint import text_fingerprint
from sagsbro.documents.tests.files import pdf_with_password
from sagsbro.documents.tests.text_files import LETTER, OTHER_LETTER, pikepdf_pdf, weasyprint_pdf


def _scan_pdf() -> bytes:
    """A page that is only a picture, as a scanner without OCR writes it."""
    image = Image.new("RGB", (400, 560), "white")
    for x in range(40, 360):
        image.putpixel((x, 100), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PDF")
    return out.getvalue()


def _fingerprint(content: bytes) -> str:
    return text_fingerprint(io.BytesIO(content))


def test_the_same_text_from_two_producers_has_one_fingerprint():
    from_weasyprint = weasyprint_pdf(LETTER)
    from_pikepdf = pikepdf_pdf(LETTER)
    assert from_weasyprint != from_pikepdf

    fingerprint = _fingerprint(from_weasyprint)

    assert len(fingerprint) == 64
    assert fingerprint == _fingerprint(from_pikepdf)


def test_a_different_text_has_another_fingerprint():
    assert _fingerprint(pikepdf_pdf(LETTER)) != _fingerprint(pikepdf_pdf(OTHER_LETTER))


def test_case_and_compatibility_characters_do_not_matter():
    shouted = [line.upper() for line in LETTER]
    ligatures = [line.replace("fi", "\ufb01") for line in LETTER]
    assert ligatures != LETTER

    assert _fingerprint(weasyprint_pdf(shouted)) == _fingerprint(pikepdf_pdf(LETTER))
    assert _fingerprint(weasyprint_pdf(ligatures)) == _fingerprint(pikepdf_pdf(LETTER))


def test_the_same_first_page_in_a_longer_document_is_another_document():
    one_page = weasyprint_pdf(LETTER)
    two_pages = HTML(
        string=f"<p>{' '.join(LETTER)}</p><p style='break-before: page'>Bilag</p>"
    ).write_pdf()

    assert _fingerprint(one_page) != _fingerprint(two_pages)


def test_a_scan_without_text_has_no_fingerprint():
    assert _fingerprint(_scan_pdf()) == ""


def test_a_page_with_almost_no_text_has_no_fingerprint():
    assert _fingerprint(pikepdf_pdf(["Side 1"])) == ""


def test_a_blank_or_unreadable_file_has_no_fingerprint():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    blank = io.BytesIO()
    writer.write(blank)

    assert _fingerprint(blank.getvalue()) == ""
    assert _fingerprint(pdf_with_password()) == ""
    assert _fingerprint(b"%PDF-1.7\nnot really a pdf") == ""


def test_the_file_is_left_at_its_start():
    content = io.BytesIO(pikepdf_pdf(LETTER))

    text_fingerprint(content)

    assert content.tell() == 0
