"""How a stored document is handed to the browser: its own file name (RFC 6266), inline or as a
download, and the Content-Security-Policy it is served under. Plain Python: the views set the
headers this returns.

The name is the one the uploader chose (``Document.filename``); nothing is added to it but the
extension of the type found in the content when the name has none, so a download never arrives
as ``document-127``. A PDF opens in the browser's own viewer (``inline``); every other type is
saved (``attachment``), so no stored file is ever rendered as a page of this site.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

PDF = "application/pdf"

EXTENSIONS: dict[str, str] = {
    PDF: ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}
# Other spellings of a type's extension that are kept as the uploader wrote them.
_ACCEPTED: dict[str, set[str]] = {".jpg": {".jpg", ".jpeg"}}

# For a PDF opened inline. Not `sandbox`: Chromium will not start its PDF viewer in a sandboxed
# document (no sandbox token re-enables it), so a sandboxed PDF shows "blocked" instead of the
# letter. The viewer runs the PDF in its own process; this policy keeps the response itself
# from loading or running anything, and from being framed by another site. The viewer's own
# page needs inline styles.
INLINE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
# For a download: never rendered, but should a browser try, it runs sandboxed with nothing.
ATTACHMENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"

_UNSAFE = {"/", "\\", '"', ";", ","}


@dataclass(frozen=True)
class Delivery:
    """The headers of a document's response."""

    content_type: str
    disposition: str
    csp: str

    @property
    def inline(self) -> bool:
        return self.disposition.startswith("inline")


def download_name(filename: str, content_type: str, fallback: str = "dokument") -> str:
    """The uploader's file name, made safe for a header (no path, no control characters,
    no quotes), ending in the extension of the type decided from the content.

    A name whose extension does not match gets the type's appended rather than replaced
    (`faktura.js` served as text -> `faktura.js.txt`): the receiver still sees the name that
    was uploaded, and the operating system opens the file by its last extension, so a text
    file named `.js`, `.html` or `.hta` is never run or rendered as one."""
    name = "".join(
        "_" if ch in _UNSAFE or unicodedata.category(ch)[0] == "C" else ch for ch in filename
    ).strip(" .")
    if not name:
        name = fallback
    extension = EXTENSIONS.get(content_type, "")
    stem, dot, ext = name.rpartition(".")
    matches = bool(dot and stem) and f".{ext.lower()}" in _ACCEPTED.get(extension, {extension})
    if extension and not matches:
        name += extension
    return name


def ascii_fallback(name: str) -> str:
    """The name in plain ASCII for `filename="…"`: letters stripped of their accents
    (å -> a, é -> e), other characters as `_`."""
    replacements = {"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa"}
    out = []
    for ch in name:
        ch = replacements.get(ch, ch)
        decomposed = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        out.append(decomposed if decomposed and decomposed.isprintable() else "_")
    return "".join(out)


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: a quoted ASCII `filename` for old clients and `filename*` in UTF-8 (RFC 8187)
    with the real name, which every current browser prefers."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_fallback(name).replace("\\", "_").replace('"', "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def delivery(filename: str, content_type: str, fallback: str = "dokument") -> Delivery:
    """How to serve a document stored with this name and (content-decided) type."""
    inline = content_type == PDF
    name = download_name(filename, content_type, fallback)
    return Delivery(
        content_type=content_type,
        disposition=content_disposition(name, inline=inline),
        csp=INLINE_CSP if inline else ATTACHMENT_CSP,
    )


def rendition_delivery(filename: str, content_type: str, fallback: str = "dokument") -> Delivery:
    """How to serve the PDF made from a document that is not one: inline, under the
    uploader's name with `.pdf` in place of its extension (`notat.docx` -> `notat.pdf`)."""
    name = download_name(filename, content_type, fallback)
    stem, dot, _ext = name.rpartition(".")
    name = (stem if dot and stem else name) + EXTENSIONS[PDF]
    return Delivery(
        content_type=PDF,
        disposition=content_disposition(name, inline=True),
        csp=INLINE_CSP,
    )
