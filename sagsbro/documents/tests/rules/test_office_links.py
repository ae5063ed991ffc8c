"""The pure checks behind refusing office files that fetch or run something, zips whose
directory is too large to read, and images too large to decode."""

import struct

from sagsbro.documents import rules

HYPERLINK = (
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/hyperlink" Target="https://www.borger.dk/" TargetMode="External"/>'
)
TEMPLATE = (
    "<Relationship Id='rId2' Type='http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/attachedTemplate' Target='file://server/t.dotm' TargetMode='External'/>"
)


def _rels(*items: str) -> bytes:
    return f"<Relationships>{''.join(items)}</Relationships>".encode()


def test_only_hyperlinks_may_point_outside_a_word_or_excel_file():
    assert rules.rels_refusal(_rels(HYPERLINK)) is None
    assert rules.rels_refusal(_rels(HYPERLINK, TEMPLATE)) == rules.OFFICE_ACTIVE
    internal = TEMPLATE.replace(" TargetMode='External'", "")
    assert rules.rels_refusal(_rels(internal)) is None


def test_activex_and_ole_parts_are_refused_but_printer_settings_are_not():
    assert rules.office_active_parts_refusal(["xl/printerSettings/printerSettings1.bin"]) is None
    assert rules.office_active_parts_refusal(["xl/activeX/activeX1.xml"]) == rules.OFFICE_ACTIVE
    assert rules.office_active_parts_refusal(["xl/embeddings/x.bin"]) == rules.OFFICE_ACTIVE
    assert rules.office_active_parts_refusal(["word/oleObject1.bin"]) == rules.OFFICE_ACTIVE


def test_opendocument_links_outside_a_hyperlink_are_refused():
    link = b'<text:a xlink:href="https://www.borger.dk/">x</text:a>'
    inner = b'<draw:object xlink:href="./Object 1"/><draw:image xlink:href="Pictures/a.png"/>'
    assert rules.odf_content_refusal(link + inner) is None
    remote = b'<draw:image xlink:href="ftp://x.example/a.png"/>'
    assert rules.odf_content_refusal(remote) == rules.OFFICE_ACTIVE
    assert rules.odf_content_refusal(b"<table:dde-link/>") == rules.OFFICE_ACTIVE
    assert rules.odf_content_refusal(b'<draw:applet draw:code="x"/>') == rules.OFFICE_ACTIVE


def _eocd(entries: int, size: int, comment: bytes = b"") -> bytes:
    record = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, entries, entries, size, 0, len(comment))
    return record + comment


def test_the_end_of_central_directory_is_read_from_the_last_bytes():
    tail = b"data" + _eocd(12, 900, comment=b"PK\x05 a comment")
    assert rules.zip_directory(tail) == rules.ZipDirectory(12, 900)
    assert rules.zip_directory(b"no record here") is None
    assert rules.zip_directory_refusal(None) == rules.OFFICE_NOT_DOCUMENT
    assert rules.zip_directory_refusal(rules.ZipDirectory(12, 900)) is None
    many = rules.ZipDirectory(rules.ZipLimits().max_members + 1, 900)
    assert rules.zip_directory_refusal(many) == rules.OFFICE_TOO_LARGE
    huge = rules.ZipDirectory(10, 9 * 1024 * 1024)
    assert rules.zip_directory_refusal(huge) == rules.OFFICE_TOO_LARGE


def test_a_zip64_end_record_counts_instead_of_the_classic_one():
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 4096, 1)
    tail = locator + _eocd(0xFFFF, 0xFFFFFFFF)
    assert rules.zip_directory(tail) == rules.ZipDirectory(0xFFFF, 0xFFFFFFFF, 4096)
    record = b"PK\x06\x06" + struct.pack(
        "<QHHIIQQQQ", 44, 45, 45, 0, 0, 900_000, 900_000, 46_000_000, 0
    )
    directory = rules.zip64_directory(record)
    assert directory == rules.ZipDirectory(900_000, 46_000_000)
    assert rules.zip_directory_refusal(directory) == rules.OFFICE_TOO_LARGE
    assert rules.zip64_directory(record[:20]) is None


def test_an_image_is_judged_by_its_pixels():
    assert rules.image_refusal(6000, 6000) is None
    assert rules.image_refusal(12000, 12000) == (
        "Billedet er for stort (144 megapixel). Gem det i lavere opløsning, og prøv igen."
    )
