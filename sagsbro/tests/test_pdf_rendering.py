"""The one HTML-to-PDF path (`core/pdf.py`) keeps its parsed stylesheets and font
configuration per thread; the threaded demo server and the task worker render at once."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfReader

from sagsbro.core.pdf import BASE_STYLESHEET, CASE_ANSWER_STYLESHEET, _in_order, html_to_pdf


def _render(n: int) -> bytes:
    return html_to_pdf(f"<h1>Side {n}</h1><p>Æbler, øl og ål.</p>", BASE_STYLESHEET)


def test_pdfs_render_in_several_threads_at_once():
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_render, range(12)))
    for n, pdf in enumerate(results):
        assert pdf.startswith(b"%PDF-")
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert f"Side {n}" in text and "øl" in text


def _selectors(path) -> set[str]:
    """The selectors a stylesheet sets rules for (top level, outside at-rules' blocks)."""
    return {
        " ".join(found.group(1).split())
        for found in re.finditer(r"^([^\s@/}][^{]*)\{", path.read_text(), re.M)
    }


def test_the_answers_share_one_stylesheet_and_each_keeps_only_its_own_rules():
    from sagsbro.cases.pdf import written_answer
    from sagsbro.clinical.pdf import certificate

    assert written_answer.STYLESHEET == CASE_ANSWER_STYLESHEET
    shared, own = certificate.STYLESHEET
    assert shared == CASE_ANSWER_STYLESHEET
    assert _selectors(own) == {".draft-mark"}
    assert not _selectors(own) & _selectors(CASE_ANSWER_STYLESHEET)
    assert {"table.facts th", ".signature", "h1"} <= _selectors(CASE_ANSWER_STYLESHEET)
    # The base first, then the document's own in their order, each once.
    assert _in_order(certificate.STYLESHEET) == [BASE_STYLESHEET, CASE_ANSWER_STYLESHEET, own]
    assert _in_order(BASE_STYLESHEET) == [BASE_STYLESHEET]


def test_the_shared_answer_stylesheet_prints_the_case_reference_on_every_page():
    from sagsbro.clinical.pdf import certificate

    paragraphs = "".join(f"<p>Afsnit {n}: forløb og vurdering.</p>" for n in range(120))
    html = (
        '<h1>Attest</h1><p class="draft-mark">Kladde</p>'
        f'<table class="facts"><tr><th>Sag</th><td>KF-0042</td></tr></table>{paragraphs}'
    )
    pages = PdfReader(io.BytesIO(html_to_pdf(html, certificate.STYLESHEET))).pages
    assert len(pages) >= 2
    for page in pages:
        assert "Sag KF-0042" in page.extract_text()
