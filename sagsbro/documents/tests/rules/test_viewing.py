"""How a document is handed to the browser: its own name (RFC 6266), inline only for PDFs."""

from email.message import EmailMessage
from urllib.parse import unquote

import pytest

from sagsbro.documents.viewing import (
    ATTACHMENT_CSP,
    INLINE_CSP,
    content_disposition,
    delivery,
    download_name,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_uploaders_name_is_kept_with_its_extension():
    assert download_name("Lægeattest marts.pdf", "application/pdf") == "Lægeattest marts.pdf"
    assert download_name("statusnotat.DOCX", DOCX) == "statusnotat.DOCX"


def test_a_name_without_extension_gets_the_types():
    assert download_name("Statusnotat", DOCX) == "Statusnotat.docx"
    assert download_name("scan", "image/jpeg") == "scan.jpg"
    assert download_name(".pdf", "application/pdf") == "pdf.pdf"


@pytest.mark.parametrize("name", ["faktura.js", "faktura.html", "faktura.hta", "faktura.pdf"])
def test_a_name_whose_extension_is_not_the_types_gets_the_types_appended(name):
    # The content decided the type; the last extension is what the receiver's system obeys.
    assert download_name(name, "text/plain") == f"{name}.txt"


def test_other_spellings_of_the_types_extension_are_kept():
    assert download_name("scan.JPEG", "image/jpeg") == "scan.JPEG"
    assert download_name("scan.jpg", "image/jpeg") == "scan.jpg"
    assert download_name("scan.png", "image/jpeg") == "scan.png.jpg"


def test_path_quotes_and_control_characters_do_not_reach_the_header():
    name = download_name('..\\..\\etc/"passwd";\r\nX-Evil: 1', "text/plain")
    assert not set(name) & set('/\\";\r\n')
    assert name.endswith(".txt")
    assert download_name("", "application/pdf", "dokument-7") == "dokument-7.pdf"


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition("Lægeattest æøå.pdf", inline=True)
    assert header == (
        'inline; filename="Laegeattest aeoeaa.pdf"; '
        "filename*=UTF-8''L%C3%A6geattest%20%C3%A6%C3%B8%C3%A5.pdf"
    )
    # A standard parser reads both parameters; the extended one decodes to the real name.
    message = EmailMessage()
    message["Content-Disposition"] = header
    assert message.get_content_disposition() == "inline"
    params = dict(message["Content-Disposition"].params)
    assert params["filename"] == "Laegeattest aeoeaa.pdf"
    charset, _, encoded = header.partition("filename*=")[2].split("'", 2)
    assert charset == "UTF-8" and unquote(encoded, encoding="utf-8") == "Lægeattest æøå.pdf"


def test_only_pdfs_open_inline_and_downloads_are_sandboxed():
    pdf = delivery("brev.pdf", "application/pdf")
    assert pdf.inline and pdf.csp == INLINE_CSP
    assert "sandbox" not in pdf.csp and "default-src 'none'" in pdf.csp
    for content_type in (DOCX, "image/png", "image/jpeg", "text/plain"):
        other = delivery("fil", content_type)
        assert not other.inline
        assert other.disposition.startswith("attachment; ")
        assert other.csp == ATTACHMENT_CSP and "sandbox" in other.csp
