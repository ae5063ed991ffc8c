"""The contents page(s) of "Åbn alle dokumenter" drawn straight into PDF pages.

The listing is monospaced lines laid out in Python (`case_file.contents_listing`), so it needs
no layout engine: each line is one text-showing operation in the standard PDF font Courier
(Helvetica for the heading), which every PDF reader has built in, with WinAnsiEncoding, which
covers Danish (æ, ø, å) and the punctuation the listing uses (–, …, », «, ·). Drawing them
takes about a millisecond a page, where laying the same lines out with WeasyPrint cost tens of
milliseconds a page, more than joining all the documents. A character outside WinAnsi (rare
in a title) is shown as its base letter, or "?", one character for one so columns stay.

The geometry is fixed, so the number of lines a page holds is known before drawing and the
contents page count follows from the number of lines.
"""

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

MM = 72 / 25.4
PAGE_WIDTH = 595.28  # A4
PAGE_HEIGHT = 841.89
LEFT = 22 * MM
RIGHT = 20 * MM
TOP = 22 * MM
BOTTOM = 24 * MM

HEADING_SIZE = 15.0
HEADING_BOX = 10 * MM
META_SIZE = 9.5
META_BOX = 9 * MM
LISTING_SIZE = 8.5
LEADING = 4.2 * MM
# The column heading's line, then a rule 1 mm below it, before the listing starts.
RULE_GAP = 1 * MM
FOOTER_SIZE = 8.0
FOOTER_BASELINE = 12 * MM
COURIER_ADVANCE = 0.6  # every Courier glyph is 600/1000 em wide

# Characters per line: what fits between the margins in Courier at the listing's size.
LINE_WIDTH = int((PAGE_WIDTH - LEFT - RIGHT) / (COURIER_ADVANCE * LISTING_SIZE))
_FIRST_LISTING_TOP = PAGE_HEIGHT - TOP - HEADING_BOX - META_BOX - LEADING - RULE_GAP
_LISTING_TOP = PAGE_HEIGHT - TOP - LEADING - RULE_GAP
# Listing lines on the first contents page (below the heading) and on each further one (below
# the repeated column heading).
LINES_ON_FIRST_PAGE = int((_FIRST_LISTING_TOP - BOTTOM) // LEADING)
LINES_PER_PAGE = int((_LISTING_TOP - BOTTOM) // LEADING)

# Helvetica's advance widths (per 1000 em) of the characters in the page footer, to set it
# flush right.
_HELVETICA_WIDTHS = {" ": 278, "S": 667, "i": 222, "d": 556, "e": 556, "a": 556, "f": 278}


@dataclass(frozen=True)
class ContentsText:
    title: str
    meta: str
    head: str
    lines: Sequence[str]
    # The footer counts the pages of the whole case file, which starts with these pages.
    total_pages: int


def pages_for(line_count: int) -> int:
    beyond_first = max(0, line_count - LINES_ON_FIRST_PAGE)
    return 1 + -(-beyond_first // LINES_PER_PAGE)


# Letters with no decomposition to a base letter.
_BASE_LETTERS = {"Ł": b"L", "ł": b"l", "Đ": b"D", "đ": b"d", "ı": b"i", "Ħ": b"H", "ħ": b"h"}


def _winansi_char(char: str) -> bytes:
    try:
        return char.encode("cp1252")  # WinAnsiEncoding is Windows-1252's printable set
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore")[:1]
        return base or _BASE_LETTERS.get(char, b"?")


def pdf_string(text: str) -> bytes:
    """`text` as a PDF literal string in WinAnsiEncoding, one byte per character."""
    text = unicodedata.normalize("NFC", text)
    try:
        encoded = text.encode("cp1252")
    except UnicodeEncodeError:
        encoded = b"".join(_winansi_char(c) for c in text)
    escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


def _num(value: float) -> bytes:
    return f"{value:.2f}".encode()


def _text(font: bytes, size: float, x: float, y: float, text: str) -> bytes:
    return b"BT /%s %s Tf %s %s Td %s Tj ET\n" % (
        font,
        _num(size),
        _num(x),
        _num(y),
        pdf_string(text),
    )


def _footer(number: int, total: int) -> bytes:
    text = f"Side {number} af {total}"
    width = sum(_HELVETICA_WIDTHS.get(c, 556) for c in text) * FOOTER_SIZE / 1000
    return b"0.333 g\n" + _text(
        b"H", FOOTER_SIZE, PAGE_WIDTH - RIGHT - width, FOOTER_BASELINE, text
    )


def _listing(head: str, lines: Sequence[str], top: float) -> bytes:
    """The column heading in bold with a rule below it, then the lines, from `top` down."""
    baseline = top - LEADING + (LEADING - LISTING_SIZE) / 2 + 0.2 * LISTING_SIZE
    rule = top - LEADING - RULE_GAP / 2
    parts = [
        b"0.102 g\n",
        _text(b"CB", LISTING_SIZE, LEFT, baseline, head),
        b"0.533 G 0.5 w %s %s m %s %s l S\n"
        % (_num(LEFT), _num(rule), _num(PAGE_WIDTH - RIGHT), _num(rule)),
    ]
    if lines:
        first = baseline - LEADING - RULE_GAP
        # One text object per page: T* moves down by the leading set with TL.
        shown = b" Tj T* ".join(pdf_string(line) for line in lines)
        parts.append(
            b"BT /C %s Tf %s TL %s %s Td %s Tj ET\n"
            % (_num(LISTING_SIZE), _num(LEADING), _num(LEFT), _num(first), shown)
        )
    return b"".join(parts)


def _fonts(pdf: pikepdf.Pdf) -> Dictionary:
    def font(base: str) -> pikepdf.Object:
        return pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.Type1,
                BaseFont=Name("/" + base),
                Encoding=Name.WinAnsiEncoding,
            )
        )

    return Dictionary(
        C=font("Courier"),
        CB=font("Courier-Bold"),
        H=font("Helvetica"),
        HB=font("Helvetica-Bold"),
    )


def render(text: ContentsText) -> tuple[bytes, int]:
    """The contents pages as PDF bytes and their count (`pages_for(len(text.lines))`)."""
    pdf = pikepdf.new()
    resources = Dictionary(Font=_fonts(pdf))
    count = pages_for(len(text.lines))
    start = 0
    for number in range(1, count + 1):
        if number == 1:
            heading = PAGE_HEIGHT - TOP - 0.8 * HEADING_SIZE
            meta = PAGE_HEIGHT - TOP - HEADING_BOX - 0.8 * META_SIZE
            stream = [
                b"0.102 g\n",
                _text(b"HB", HEADING_SIZE, LEFT, heading, text.title),
                b"0.267 g\n",
                _text(b"H", META_SIZE, LEFT, meta, text.meta),
            ]
            end = LINES_ON_FIRST_PAGE
            top = PAGE_HEIGHT - TOP - HEADING_BOX - META_BOX
        else:
            stream = []
            end = start + LINES_PER_PAGE
            top = PAGE_HEIGHT - TOP
        stream.append(_listing(text.head, text.lines[start:end], top))
        stream.append(_footer(number, text.total_pages))
        start = end
        page = Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
            Resources=resources,
            Contents=pdf.make_stream(b"".join(stream)),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.Root.Lang = pikepdf.String("da")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue(), count
