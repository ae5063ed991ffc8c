"""A fingerprint of a PDF's text, so a re-scanned (OCRed) or re-saved copy of a document is
recognised as the same document although its bytes differ.

The text of at most the first `MAX_PAGES` pages is extracted with pypdf, normalised (NFKC,
casefold, all whitespace removed: producers and OCR place spaces and line breaks differently)
and hashed together with the page count, so two files that only share their first pages are
not taken for one. A PDF with (almost) no text - a scan without OCR - gets "", which never
matches anything. Extraction is bounded by pages, characters and time; a file that runs past
the bounds or cannot be read also gets "": a missed duplicate is harmless, a false one hides
a document from the case file.
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


def text_fingerprint(pdf: IO[bytes]) -> str:
    """SHA-256 hex of the PDF's normalised text and page count, or "" when there is too little
    text or it cannot be read within the bounds."""
    from pypdf import PdfReader

    started = time.monotonic()
    # pypdf warns about every small flaw in a real-world file; the flaws are not ours to log.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        pdf.seek(0)
        reader = PdfReader(pdf)
        if reader.is_encrypted:
            return ""
        page_count = len(reader.pages)
        parts: list[str] = []
        characters = 0
        for index in range(min(page_count, MAX_PAGES)):
            part = normalised_text(reader.pages[index].extract_text() or "")
            parts.append(part)
            characters += len(part)
            if characters > MAX_CHARACTERS or time.monotonic() - started > TIME_BUDGET_SECONDS:
                return ""
    except Exception:  # noqa: BLE001 - any unreadable file simply has no fingerprint
        return ""
    finally:
        pypdf_logger.setLevel(level)
        pdf.seek(0)
    text = "".join(parts)
    if len(text) < MIN_CHARACTERS:
        return ""
    digest = hashlib.sha256(f"{page_count}\n".encode())
    digest.update(text.encode())
    return digest.hexdigest()
