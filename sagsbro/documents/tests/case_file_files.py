"""Real multi-page PDFs for the case-file tests and benchmark: text pages written with pikepdf,
each page its own content stream with a Helvetica font, as a scanned-and-OCRed or exported
letter would carry."""

import io

import pikepdf
from pikepdf import Dictionary, Name

LINES_PER_PAGE = 40


def multi_page_pdf(label: str, pages: int) -> bytes:
    """A PDF of `pages` A4 pages of text; `label` (ASCII) is on every page, so two files with
    different labels have different bytes."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(1, pages + 1):
        lines = [f"BT /F1 16 Tf 72 780 Td ({label} - side {number} af {pages}) Tj ET"]
        for line in range(LINES_PER_PAGE):
            y = 750 - line * 16
            lines.append(
                f"BT /F1 10 Tf 72 {y} Td (Linje {line + 1}: borgerens forloeb, "
                f"tilbud og vurderinger beskrevet i fri tekst.) Tj ET"
            )
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=Dictionary(Font=Dictionary(F1=font)),
            Contents=pdf.make_stream("\n".join(lines).encode()),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
