"""The text fingerprint: the same text in two differently produced PDFs is one fingerprint, a
different text another, and a PDF without text (a scan without OCR) none."""

import io
import time

import pikepdf
from pikepdf import Dictionary, Name
from PIL import Image
from pypdf import PdfWriter
from weasyprint import HTML

from sagsbro.documents import fingerprint
from sagsbro.documents.fingerprint import MAX_PAGES, text_fingerprint
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


def hostile_xobject_pdf() -> bytes:
    """A PDF of a few KB whose one page draws a form holding 10,000 text operations 1,000
    times: pypdf's text extraction would work on it for minutes."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    form = pdf.make_stream(
        b"BT /F1 11 Tf 60 780 Td (tekst) Tj ET\n" * 10_000,
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=[0, 0, 595, 842],
        Resources=Dictionary(Font=Dictionary(F1=font)),
    )
    page = Dictionary(
        Type=Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=Dictionary(Font=Dictionary(F1=font), XObject=Dictionary(X1=form)),
        Contents=pdf.make_stream(b"/X1 Do\n" * 1_000),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()


def test_a_pdf_that_takes_too_long_to_read_has_no_fingerprint(monkeypatch):
    monkeypatch.setattr(fingerprint, "TIME_BUDGET_SECONDS", 0.5)
    content = hostile_xobject_pdf()
    assert len(content) < 10_000

    started = time.monotonic()
    assert _fingerprint(content) == ""
    assert time.monotonic() - started < 5


def test_a_pdf_longer_than_the_page_limit_has_no_fingerprint():
    text = " ".join(LETTER)
    pages = "".join(f"<p style='break-after: page'>{text} {n}</p>" for n in range(MAX_PAGES))
    at_limit = HTML(string=pages).write_pdf()
    over_limit = HTML(string=pages + "<p>Bilag</p>").write_pdf()

    assert len(_fingerprint(at_limit)) == 64
    assert _fingerprint(over_limit) == ""
