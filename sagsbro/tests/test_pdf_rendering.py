"""The one HTML-to-PDF path (`core/pdf.py`) keeps its parsed stylesheets and font
configuration per thread; the threaded demo server and the task worker render at once."""

import io
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfReader

from sagsbro.core.pdf import BASE_STYLESHEET, html_to_pdf


def _render(n: int) -> bytes:
    return html_to_pdf(f"<h1>Side {n}</h1><p>Æbler, øl og ål.</p>", BASE_STYLESHEET)


def test_pdfs_render_in_several_threads_at_once():
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_render, range(12)))
    for n, pdf in enumerate(results):
        assert pdf.startswith(b"%PDF-")
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert f"Side {n}" in text and "øl" in text
