"""What a file is, from its bytes alone, and which PDFs and Word files may be stored."""

import pytest

from sagsbro.documents import rules
from sagsbro.documents.rules import (
    FileKind,
    PdfFacts,
    ZipLimits,
    ZipMember,
    content_types_refusal,
    kind_from_signature,
    kind_refusal,
    name_refusal,
    odf_manifest_refusal,
    office_kind,
    office_parts_refusal,
    pdf_refusal,
    size_refusal,
    zip_refusal,
)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", FileKind.PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FileKind.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", FileKind.JPEG),
        (b"PK\x03\x04\x14\x00\x06\x00", FileKind.ZIP),
        (b"MZ\x90\x00\x03\x00\x00\x00", FileKind.EXECUTABLE),
        (b"\x7fELF\x02\x01\x01", FileKind.EXECUTABLE),
        (b"#!/bin/sh\nrm -rf /\n", FileKind.EXECUTABLE),
        (b"<!DOCTYPE html><html>", FileKind.MARKUP),
        (b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'>", FileKind.MARKUP),
        (b"<?xml version='1.0'?><svg/>", FileKind.MARKUP),
        (b"Referat\n<script>alert(1)</script>", FileKind.MARKUP),
        ("Notat om forløbet, æøå.\r\n".encode(), FileKind.TEXT),
        ("Notat i Windows-1252: æøå".encode("cp1252"), FileKind.TEXT),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", FileKind.LEGACY_OFFICE),  # .doc, .xls
        (b"\x00\x01\x02binary", FileKind.OTHER),
    ],
)
def test_the_kind_comes_from_the_first_bytes(head, kind):
    assert kind_from_signature(head) == kind


def test_only_the_product_s_types_are_allowed():
    assert rules.ALLOWED_CONTENT_TYPES == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "image/png",
        "image/jpeg",
        "text/plain",
    }
    assert rules.CONVERTED_KINDS == rules.ALLOWED_KINDS - {FileKind.PDF}
    assert kind_refusal(FileKind.LEGACY_OFFICE) == rules.LEGACY_OFFICE_REFUSED
    assert "Gem filen som Word (docx), Excel (xlsx) eller PDF" in rules.LEGACY_OFFICE_REFUSED
    assert "Excel (xlsx), OpenDocument (odt, ods)" in str(kind_refusal(FileKind.OTHER))
    assert kind_refusal(FileKind.EXECUTABLE) == "Filen er et program og kan ikke vedhæftes."
    assert "kan indeholde scripts" in str(kind_refusal(FileKind.MARKUP))
    assert "Filtypen er ikke tilladt" in str(kind_refusal(FileKind.OTHER))
    # A zip is judged as a Word document first.
    assert kind_refusal(FileKind.ZIP) is None


def test_size_and_names():
    assert size_refusal(0) == "Filen er tom."
    assert size_refusal(rules.MAX_DOCUMENT_BYTES) is None
    assert size_refusal(rules.MAX_DOCUMENT_BYTES + 1) == "Filen er større end 50 MB."
    assert name_refusal("a" * 200, "Filnavnet") is None
    assert name_refusal("a" * 201, "Filnavnet") == "Filnavnet må højst være 200 tegn."
    assert "tegn, der ikke kan gemmes" in str(name_refusal("attest\x00.pdf", "Filnavnet"))


@pytest.mark.parametrize("name", ["faktura\u202egpj.exe", "attest\u200b.pdf", "\ufeffbrev.pdf"])
def test_names_with_invisible_format_characters_are_refused(name):
    assert name_refusal(name, "Filnavnet") == "Filnavnet indeholder tegn, der ikke kan gemmes."


# --- PDF ---------------------------------------------------------------------------------------

PLAIN = PdfFacts(
    readable=True,
    keys=frozenset({"/Type", "/Pages", "/Kids", "/Count", "/MediaBox", "/OpenAction"}),
    types=frozenset({"/Catalog", "/Pages", "/Page"}),
)


def test_a_plain_pdf_may_be_stored_even_with_an_opening_view():
    assert pdf_refusal(PLAIN) is None


@pytest.mark.parametrize(
    "facts",
    [
        PdfFacts(readable=True, keys=frozenset({"/JS"})),
        PdfFacts(readable=True, keys=frozenset({"/JavaScript"})),
        PdfFacts(readable=True, keys=frozenset({"/AA"})),
        PdfFacts(readable=True, keys=frozenset({"/XFA"})),
        PdfFacts(readable=True, action_types=frozenset({"/Launch"})),
        PdfFacts(readable=True, action_types=frozenset({"/GoToR"})),
        PdfFacts(readable=True, action_types=frozenset({"/SubmitForm"})),
        PdfFacts(readable=True, open_action_is_action=True),
    ],
)
def test_a_pdf_that_runs_something_is_refused(facts):
    assert pdf_refusal(facts) == rules.PDF_SCRIPT


@pytest.mark.parametrize(
    "facts",
    [
        PdfFacts(readable=True, keys=frozenset({"/EmbeddedFiles"})),
        PdfFacts(readable=True, types=frozenset({"/FileAttachment"})),
    ],
)
def test_a_pdf_carrying_files_is_refused(facts):
    assert pdf_refusal(facts) == rules.PDF_EMBEDDED


def test_an_unreadable_or_locked_pdf_is_refused():
    assert pdf_refusal(PdfFacts(readable=False)) == rules.PDF_UNREADABLE
    assert pdf_refusal(PdfFacts(readable=False, needs_password=True)) == rules.PDF_PASSWORD


# --- office documents -------------------------------------------------------------------------

WORD = [
    ZipMember("[Content_Types].xml", 400, 1_200),
    ZipMember("_rels/.rels", 250, 600),
    ZipMember("word/document.xml", 40_000, 400_000),
    ZipMember("word/media/image1.png", 900_000, 905_000),
]
WORD_NAMES = {member.name for member in WORD}
EXCEL_NAMES = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/s1.xml"}
ODF_NAMES = {"mimetype", "content.xml", "styles.xml", "META-INF/manifest.xml"}


def test_a_word_document_s_directory_passes():
    assert zip_refusal(WORD) is None


def test_a_bomb_is_refused_by_its_ratio_and_by_its_total():
    bomb = [*WORD, ZipMember("word/media/zeros.bin", 20_000, 20 * 1024 * 1024)]
    assert zip_refusal(bomb) == rules.OFFICE_TOO_LARGE
    big = [*WORD, ZipMember("word/media/film.bin", 200_000_000, 260 * 1024 * 1024)]
    assert zip_refusal(big) == rules.OFFICE_TOO_LARGE
    assert zip_refusal(WORD, ZipLimits(max_uncompressed=1_000_000)) == rules.OFFICE_TOO_LARGE
    many = [ZipMember(f"word/{n}.xml", 10, 10) for n in range(6000)]
    assert zip_refusal(many) == rules.OFFICE_TOO_LARGE


def test_the_office_kind_comes_from_the_parts_and_the_opendocument_mimetype():
    assert office_kind(WORD_NAMES) == FileKind.DOCX
    assert office_kind(EXCEL_NAMES) == FileKind.XLSX
    assert office_kind(ODF_NAMES, b"application/vnd.oasis.opendocument.text") == FileKind.ODT
    assert office_kind(ODF_NAMES, b"application/vnd.oasis.opendocument.spreadsheet") == FileKind.ODS
    # A presentation, a drawing, a zip of notes, an OpenDocument without its manifest: none.
    assert office_kind(ODF_NAMES, b"application/vnd.oasis.opendocument.presentation") is None
    assert office_kind({"[Content_Types].xml", "ppt/presentation.xml"}) is None
    assert office_kind({"noter.txt"}) is None
    assert office_kind(ODF_NAMES - {"META-INF/manifest.xml"}, b"x") is None


def test_macros_and_passwords_are_refused():
    assert office_parts_refusal(FileKind.DOCX, WORD_NAMES) is None
    assert (
        office_parts_refusal(FileKind.DOCX, {*WORD_NAMES, "word/vbaProject.bin"})
        == rules.OFFICE_MACROS
    )
    assert office_parts_refusal(FileKind.ODS, ODF_NAMES) is None
    for folder in ("Basic/Standard/Module1.xml", "Scripts/python/run.py"):
        assert office_parts_refusal(FileKind.ODT, {*ODF_NAMES, folder}) == rules.OFFICE_MACROS
    assert content_types_refusal(FileKind.DOCX, rules.DOCX_MAIN_TYPE.encode()) is None
    assert content_types_refusal(FileKind.XLSX, rules.XLSX_MAIN_TYPE.encode()) is None
    for macro in (rules.DOCX_MACRO_MAIN_TYPE, rules.XLSX_MACRO_MAIN_TYPE):
        assert content_types_refusal(FileKind.DOCX, macro.encode()) == rules.OFFICE_MACROS
    # A workbook that calls itself a Word document is neither.
    assert (
        content_types_refusal(FileKind.XLSX, rules.DOCX_MAIN_TYPE.encode())
        == rules.OFFICE_NOT_DOCUMENT
    )
    assert content_types_refusal(FileKind.DOCX, b"<Types/>") == rules.OFFICE_NOT_DOCUMENT
    assert odf_manifest_refusal(b"<manifest:manifest/>") is None
    assert odf_manifest_refusal(b"<manifest:encryption-data/>") == rules.OFFICE_PASSWORD
