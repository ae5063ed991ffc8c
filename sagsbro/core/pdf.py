"""HTML to PDF with WeasyPrint, one way for every document the product prints.

Nothing is fetched while rendering: no protocol is allowed and a refused URL stops the
rendering, so a document can never make the server reach the network or read a file. The
shared stylesheet (`pdf_base.css`) comes first, the document's own after it.
"""

from pathlib import Path

BASE_STYLESHEET = Path(__file__).resolve().parent / "pdf_base.css"


def html_to_pdf(html_text: str, stylesheet: Path) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, and only the worker needs it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    html = HTML(string=html_text, url_fetcher=no_fetching)
    sheets = [
        CSS(filename=str(path), url_fetcher=no_fetching) for path in (BASE_STYLESHEET, stylesheet)
    ]
    return html.write_pdf(stylesheets=sheets)
