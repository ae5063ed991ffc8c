"""HTML to PDF with WeasyPrint, one way for every document the product prints.

A generated document (the written answer, the agenda, the indstilling, the letter to the
citizen) is a template extending `pdf/base.html`, rendered by `render_document` with the
issuing organisation (`Issuer`: the region's klinisk funktion or the municipality), the
document's title and its date. The base template prints them as a letterhead on the first page
and as a running header on the others; `pdf_base.css` numbers the pages "Side X af Y".

Nothing is fetched while rendering: no protocol is allowed and a refused URL stops the
rendering, so a document can never make the server reach the network or read a file (so no
`@import` either). The shared stylesheet (`pdf_base.css`) comes first, then the document's
own, in order: a document that shares its layout with others names the shared sheet first
(the answers to a case: `CASE_ANSWER_STYLESHEET`, then e.g. the certificate's own rules).

The parsed stylesheets and the font configuration are kept for the life of each thread: the
files are part of the code, and parsing them again costs more than a short document's layout.
"""

import datetime
import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from django.template.loader import render_to_string
from django.utils import translation

BASE_STYLESHEET = Path(__file__).resolve().parent / "pdf_base.css"
# The written answer's and the specialist certificate's shared layout (core/pdf_case_answer.css).
CASE_ANSWER_STYLESHEET = Path(__file__).resolve().parent / "pdf_case_answer.css"

# A document's stylesheet, or its stylesheets in order (a shared one first, then its own).
Stylesheets = Path | Sequence[Path]
BASE_TEMPLATE = "pdf/base.html"


@dataclass(frozen=True)
class Issuer:
    """Who issues a generated document, as its letterhead names it."""

    name: str
    unit: str = ""
    # Contact lines under the name (an address, a digital inbox), each printed as it is.
    contact: tuple[str, ...] = ()


# One cache per thread: WeasyPrint's font configuration wraps a Pango font map, which is not
# meant to be shared between threads (the demo's server and the task worker may use several).
_per_thread = threading.local()


def _no_fetching() -> Any:
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=(), fail_on_errors=True)


def _font_config() -> Any:
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _per_thread.font_config = FontConfiguration()
        _per_thread.stylesheets = {}
    return config


def _stylesheet(path: Path) -> Any:
    font_config = _font_config()
    sheets: dict[Path, Any] = _per_thread.stylesheets
    if path not in sheets:
        from weasyprint import CSS

        sheets[path] = CSS(filename=str(path), url_fetcher=_no_fetching(), font_config=font_config)
    return sheets[path]


def _in_order(stylesheet: Stylesheets) -> list[Path]:
    """The base stylesheet, then the document's, each once."""
    own = [stylesheet] if isinstance(stylesheet, Path) else list(stylesheet)
    return list(dict.fromkeys([BASE_STYLESHEET, *own]))


def html_to_pdf(html_text: str, stylesheet: Stylesheets) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, and only the worker needs it.
    from weasyprint import HTML

    html = HTML(string=html_text, url_fetcher=_no_fetching())
    sheets = [_stylesheet(path) for path in _in_order(stylesheet)]
    return html.write_pdf(stylesheets=sheets, font_config=_font_config())


def render_document(
    template: str,
    context: Mapping[str, Any],
    stylesheet: Stylesheets,
    *,
    issuer: Issuer,
    title: str,
    dated: datetime.date,
    date_label: str = "Dato",
) -> bytes:
    """A generated document as PDF bytes: `template` extends `pdf/base.html`, which prints the
    issuer, the title and the date; the template's own context comes in `context`."""
    frame = {"issuer": issuer, "title": title, "dated": dated, "date_label": date_label}
    with translation.override("da"):
        html_text = render_to_string(template, {**context, **frame})
    return html_to_pdf(html_text, stylesheet)


def page_count(content: bytes) -> int:
    """The number of pages of a PDF the product made itself."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return len(pdf.pages)
