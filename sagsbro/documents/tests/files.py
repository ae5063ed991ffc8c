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
