"""A fingerprint of a PDF's text, so a re-scanned (OCRed) or re-saved copy of a document is
recognised as the same document although its bytes differ.

The text of a PDF of at most `MAX_PAGES` pages is extracted with pypdf, normalised (NFKC,
casefold, all whitespace removed: producers and OCR place spaces and line breaks differently)
and hashed together with the page count; a longer PDF gets no fingerprint, since its first
pages alone could make two different documents look the same. A PDF with (almost) no text - a
scan without OCR - gets "", which never matches anything. Extraction is bounded by pages,
characters and time; a file that runs past the bounds or cannot be read also gets "": a missed
duplicate is harmless, a false one hides a document from the case file.
"""

import hashlib
import logging
import time
import unicodedata
from typing import IO

MAX_PAGES = 20
MIN_CHARACTERS = 50
MAX_CHARACTERS = 500_000
TIME_BUDGET_SECONDS = 5.0


def normalised_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(folded.split())


class _QuietPypdf(logging.Filter):
    """pypdf warns about every small flaw in a real-world file; the flaws are not ours to log.
    A filter added once leaves the logger's level alone (changing it per call races between
    threads)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


logging.getLogger("pypdf").addFilter(_QuietPypdf())


class _OutOfTime(Exception):
    pass


def text_fingerprint(pdf: IO[bytes]) -> str:
    """SHA-256 hex of the PDF's normalised text and page count, or "" when there is too little
    text, more than `MAX_PAGES` pages, or it cannot be read within the bounds. Slow on hostile
    files even when bounded, so it runs in the worker, never in a request."""
    from pypdf import PdfReader

    deadline = time.monotonic() + TIME_BUDGET_SECONDS

    def check_deadline(*_args: object) -> None:
        # Called before every content-stream operator, also inside repeated form XObjects, so
        # one page cannot run past the budget.
        if time.monotonic() > deadline:
            raise _OutOfTime

    try:
        pdf.seek(0)
        reader = PdfReader(pdf)
        if reader.is_encrypted:
            return ""
        page_count = len(reader.pages)
        # Only whole texts are compared: two long documents sharing their first pages are not
        # one document.
        if page_count > MAX_PAGES:
            return ""
        parts: list[str] = []
        characters = 0
        for page in reader.pages:
            text = page.extract_text(visitor_operand_before=check_deadline) or ""
            part = normalised_text(text)
            parts.append(part)
            characters += len(part)
            if characters > MAX_CHARACTERS:
                return ""
            check_deadline()
    except Exception:  # noqa: BLE001 - an unreadable or too slow file simply has no fingerprint
        return ""
    finally:
        pdf.seek(0)
    text = "".join(parts)
    if len(text) < MIN_CHARACTERS:
        return ""
    digest = hashlib.sha256(f"{page_count}\n".encode())
    digest.update(text.encode())
    return digest.hexdigest()
