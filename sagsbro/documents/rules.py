"""Document categories: what a document is, so a case can be checked for what it must carry."""

from __future__ import annotations

import hashlib
import html
import re
import struct
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Category(StrEnum):
    FORBEREDENDE_DEL = "forberedende_del"
    # The case summary with the concrete question (sagsresumé).
    CASE_SUMMARY = "case_summary"
    # The municipality's request to the GP for LÆ 265, and its letter to the citizen about it.
    LAE_261 = "lae_261"
    LAE_262 = "lae_262"
    LAE_265 = "lae_265"
    LAE_271 = "lae_271"
    LAE_275 = "lae_275"
    INDSTILLING = "indstilling"
    INDSATSPLAN = "indsatsplan"
    COORDINATOR_ADVICE = "coordinator_advice"
    # The coordinator's own note on the case (sundhedskoordinatornotat), e.g. after a
    # conversation with the GP.
    COORDINATOR_NOTE = "coordinator_note"
    NEW_HEALTH_INFORMATION = "new_health_information"
    OTHER_HEALTH_INFORMATION = "other_health_information"
    EMPLOYMENT_OFFER = "employment_offer"
    CITIZEN_STATEMENT = "citizen_statement"
    CASEWORKER_SUMMARY = "caseworker_summary"
    DOCUMENTATION = "documentation"
    SPECIALIST_CERTIFICATE = "specialist_certificate"
    PSYCHOLOGICAL_ASSESSMENT = "psychological_assessment"
    # A psychologist's status (not an assessment), which the municipality obtains only where
    # its agreement with the region lets it (BEK § 1 stk. 5, § 3 stk. 2).
    PSYCHOLOGIST_STATUS = "psychologist_status"
    WORK_TRIAL_REPORT = "work_trial_report"
    WRITTEN_ANSWER = "written_answer"
    # The coordinator's earlier advice as the municipality forwards it with a new case (a copy
    # it received): the municipality's document, so `coordinator_advice` stays the region's.
    FORWARDED_COORDINATOR_ADVICE = "forwarded_coordinator_advice"
    # The municipality's written conclusion to the citizen after the team meeting.
    CITIZEN_CONCLUSION = "citizen_conclusion"
    # The citizen's signed consent (samtykkeerklæring), when given on paper.
    CONSENT = "consent"
    OTHER = "other"


CATEGORY_LABELS: Mapping[Category, str] = {
    Category.FORBEREDENDE_DEL: "Rehabiliteringsplanens forberedende del",
    Category.CASE_SUMMARY: "Sagsresumé",
    Category.LAE_261: "LÆ 261 Anmodning om lægeattest",
    Category.LAE_262: "LÆ 262 Brev til borgeren om lægeattest",
    Category.LAE_265: "LÆ 265 Lægeattest fra egen læge",
    Category.LAE_271: "LÆ 271 Anmodning om speciallægeattest",
    Category.LAE_275: "LÆ 275 Speciallægeattest",
    Category.INDSTILLING: "Rehabiliteringsteamets indstilling",
    Category.INDSATSPLAN: "Indsatsplan",
    Category.COORDINATOR_ADVICE: "Sundhedskoordinators tidligere resumé og rådgivning",
    Category.COORDINATOR_NOTE: "Sundhedskoordinatornotat",
    Category.NEW_HEALTH_INFORMATION: "Nye helbredsoplysninger",
    Category.OTHER_HEALTH_INFORMATION: "Andre relevante helbredsoplysninger",
    Category.EMPLOYMENT_OFFER: "Beskrivelse af konkret beskæftigelsestilbud",
    Category.CITIZEN_STATEMENT: "Borgerens beskrivelse af, hvor tilbuddet ikke tager hensyn",
    Category.CASEWORKER_SUMMARY: "Koordinerende sagsbehandlers resumé siden sidste møde",
    Category.DOCUMENTATION: "Dokumentation for resuméet",
    Category.SPECIALIST_CERTIFICATE: "Speciallægeerklæring",
    Category.PSYCHOLOGICAL_ASSESSMENT: "Psykologisk vurdering",
    Category.PSYCHOLOGIST_STATUS: "Status fra psykolog",
    Category.WORK_TRIAL_REPORT: "Rapport fra arbejdsprøvning",
    Category.WRITTEN_ANSWER: "Sundhedskoordinators skriftlige svar",
    Category.FORWARDED_COORDINATOR_ADVICE: (
        "Sundhedskoordinators tidligere resumé og rådgivning (videresendt af kommunen)"
    ),
    Category.CITIZEN_CONCLUSION: "Skriftlig konklusion til borgeren",
    Category.CONSENT: "Samtykkeerklæring",
    Category.OTHER: "Andet",
}

# Categories that hold health information; never shown in logs or notifications.
HEALTH_CATEGORIES = frozenset(Category) - {Category.OTHER}


# --- who adds which category ----------------------------------------------------------------


class Side(StrEnum):
    """The two parties to a case: the municipality (caseworker, rehabiliteringsteam) and the
    region's klinisk funktion (secretariat, coordinator, specialist)."""

    MUNICIPALITY = "municipality"
    REGION = "region"


_MUNICIPALITY = frozenset({Side.MUNICIPALITY})
_REGION = frozenset({Side.REGION})
_BOTH = frozenset(Side)

# Each party adds the documents it is responsible for, so a document's category says who made
# it: the municipality's plans, certificates it requested, the team's indstilling and its own
# summaries (BEK § 7; procedures Løbende sag and Genforelæggelse); the region's specialist
# certificates and the coordinator's advice and written answers (BEK §§ 11, 13-15). Health
# information either party holds may come from both.
UPLOADING_SIDES: Mapping[Category, frozenset[Side]] = {
    Category.FORBEREDENDE_DEL: _MUNICIPALITY,
    Category.CASE_SUMMARY: _MUNICIPALITY,
    Category.LAE_261: _MUNICIPALITY,
    Category.LAE_262: _MUNICIPALITY,
    Category.LAE_265: _MUNICIPALITY,
    Category.LAE_271: _MUNICIPALITY,
    Category.LAE_275: _REGION,
    Category.INDSTILLING: _MUNICIPALITY,
    Category.INDSATSPLAN: _MUNICIPALITY,
    Category.COORDINATOR_ADVICE: _REGION,
    Category.COORDINATOR_NOTE: _REGION,
    Category.NEW_HEALTH_INFORMATION: _BOTH,
    Category.OTHER_HEALTH_INFORMATION: _BOTH,
    Category.EMPLOYMENT_OFFER: _MUNICIPALITY,
    Category.CITIZEN_STATEMENT: _MUNICIPALITY,
    Category.CASEWORKER_SUMMARY: _MUNICIPALITY,
    Category.DOCUMENTATION: _MUNICIPALITY,
    Category.SPECIALIST_CERTIFICATE: _REGION,
    Category.PSYCHOLOGICAL_ASSESSMENT: _BOTH,
    Category.PSYCHOLOGIST_STATUS: _BOTH,
    Category.WORK_TRIAL_REPORT: _MUNICIPALITY,
    Category.WRITTEN_ANSWER: _REGION,
    Category.FORWARDED_COORDINATOR_ADVICE: _MUNICIPALITY,
    Category.CITIZEN_CONCLUSION: _MUNICIPALITY,
    Category.CONSENT: _MUNICIPALITY,
    Category.OTHER: _BOTH,
}

SIDE_NAMES: Mapping[Side, str] = {Side.MUNICIPALITY: "kommunen", Side.REGION: "regionen"}


def side_may_upload(side: Side, category: str) -> bool:
    """A person on `side` may add a document of `category` (an unknown category: no one)."""
    try:
        return side in UPLOADING_SIDES[Category(category)]
    except ValueError:
        return False


def upload_refusal(side: Side, category: Category) -> str:
    """The Danish reason a person on `side` may not add a document of `category`."""
    owner = "kommunens" if side == Side.REGION else "regionens"
    return (
        f"{SIDE_NAMES[side].capitalize()} kan ikke tilføje dokumenter af typen "
        f"»{CATEGORY_LABELS[category]}«: det er {owner} dokument."
    )


# --- what a file is: decided from its bytes, never from its name or the browser's claim -----

# One document; the request body may be a little larger for the form's other fields
# (SAGSBRO_MAX_REQUEST_BYTES in the settings, checked before the body is read).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_DOCUMENT_LABEL = "50 MB"
# Longest file name and title a document row holds (`Document.filename`, `Document.title`).
MAX_NAME_LENGTH = 200


class FileKind(StrEnum):
    """What the first bytes (and for a zip its directory) say a file is. Only `ALLOWED_KINDS`
    may be attached."""

    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ODT = "application/vnd.oasis.opendocument.text"
    ODS = "application/vnd.oasis.opendocument.spreadsheet"
    PNG = "image/png"
    JPEG = "image/jpeg"
    TEXT = "text/plain"
    # Refused, each with its own message.
    EXECUTABLE = "executable"
    MARKUP = "markup"  # HTML, SVG, XML: can carry script
    # An OLE2 compound file: Word 97-2003 (.doc), Excel 97-2003 (.xls), and any Office file
    # saved with a password. Its macros and embedded objects cannot be judged from a
    # directory, as a zip's can.
    LEGACY_OFFICE = "legacy_office"
    ZIP = "zip"  # a zip that is not (yet known to be) an office document
    OTHER = "other"


# The office documents that are zips: judged by their directory (`zip_refusal`,
# `office_kind`, `office_parts_refusal`).
OFFICE_KINDS = frozenset({FileKind.DOCX, FileKind.XLSX, FileKind.ODT, FileKind.ODS})
ALLOWED_KINDS = frozenset({FileKind.PDF, FileKind.PNG, FileKind.JPEG, FileKind.TEXT}) | OFFICE_KINDS
ALLOWED_CONTENT_TYPES = frozenset(str(kind) for kind in ALLOWED_KINDS)
# Everything allowed but PDF is kept as uploaded and converted to PDF for reading
# (documents.conversion), in the background.
CONVERTED_KINDS = ALLOWED_KINDS - {FileKind.PDF}
ALLOWED_LABEL = "PDF, Word (docx), Excel (xlsx), OpenDocument (odt, ods), tekst, PNG eller JPEG"

# How many leading bytes `kind_from_signature` needs.
SIGNATURE_BYTES = 1024

_BINARY_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", FileKind.PDF),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"PK\x03\x04", FileKind.ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", FileKind.LEGACY_OFFICE),
    (b"MZ", FileKind.EXECUTABLE),  # Windows programs and libraries
    (b"\x7fELF", FileKind.EXECUTABLE),
    (b"\xca\xfe\xba\xbe", FileKind.EXECUTABLE),  # Mach-O universal, Java class
    (b"\xcf\xfa\xed\xfe", FileKind.EXECUTABLE),  # Mach-O 64-bit
    (b"\xce\xfa\xed\xfe", FileKind.EXECUTABLE),  # Mach-O 32-bit
    (b"#!", FileKind.EXECUTABLE),  # a script for an interpreter
)
# Text that a browser would run or render as a page if it ever took it for one.
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")
_MARKUP_ANYWHERE = (b"<script", b"<svg", b"<html", b"<iframe", b"javascript:")
# Control characters plain text does not hold (tab, line feed, form feed and carriage
# return are text).
_CONTROL_BYTES = bytes(sorted(set(range(0x00, 0x20)) - {0x09, 0x0A, 0x0C, 0x0D}))


def kind_from_signature(head: bytes) -> FileKind:
    """What the first bytes (`SIGNATURE_BYTES` of them, or the whole file if shorter) say the
    file is. Text is only a candidate: `text_is_plain` must still read all of it."""
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return kind
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if stripped.startswith(_MARKUP_STARTS) or any(tag in head.lower() for tag in _MARKUP_ANYWHERE):
        return FileKind.MARKUP
    if looks_like_text(head):
        return FileKind.TEXT
    return FileKind.OTHER


def looks_like_text(chunk: bytes) -> bool:
    """No control characters: UTF-8 or Windows-1252 text, as a caseworker's notes are."""
    # Deleting the control bytes leaves the chunk as long as it was: done in C, so a 50 MB
    # text file is read in well under a second.
    return len(chunk.translate(None, _CONTROL_BYTES)) == len(chunk)


# --- PDF: what a parser found, and whether it may be stored ---------------------------------

# Keys in any dictionary of the PDF that run something or carry other files.
# (/XFA forms carry scripts of their own.)
PDF_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA"})
PDF_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EmbeddedFile"})
# Action types (/S) that run code, start programs or open embedded content.
# /GoToR opens another file, which may be a UNC path that leaks the reader's credentials;
# /SubmitForm sends the form's data to an address outside the system.
PDF_DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/RichMediaExecute",
        "/GoToE",
        "/GoToR",
        "/SubmitForm",
    }
)
# Annotation and object types that carry a file or active content.
PDF_DANGEROUS_TYPES = frozenset({"/FileAttachment", "/EmbeddedFile", "/RichMedia", "/Movie"})


@dataclass(frozen=True)
class PdfFacts:
    """What parsing a PDF found. `keys`, `action_types` and `types` are collected from every
    dictionary reachable from the document's trailer."""

    readable: bool
    needs_password: bool = False
    keys: frozenset[str] = frozenset()
    action_types: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    # "/OpenAction" is allowed as a destination (show page 1 at this zoom), not as an action.
    open_action_is_action: bool = False
    # The number of pages, kept on the document (Document.pages); 0 when unreadable.
    pages: int = 0


PDF_UNREADABLE = "PDF-filen kan ikke læses. Gem den som PDF igen, og prøv på ny."
PDF_PASSWORD = "PDF-filen er beskyttet med adgangskode. Fjern beskyttelsen, og prøv igen."
PDF_SCRIPT = (
    "PDF-filen indeholder JavaScript eller handlinger, der starter af sig selv, "
    "og kan ikke vedhæftes. Udskriv den som PDF, og prøv igen."
)
PDF_EMBEDDED = (
    "PDF-filen indeholder andre filer og kan ikke vedhæftes. Vedhæft filerne hver for sig."
)


def pdf_refusal(facts: PdfFacts) -> str | None:
    """Why the PDF may not be stored, or None if it may."""
    if facts.needs_password:
        return PDF_PASSWORD
    if not facts.readable:
        return PDF_UNREADABLE
    if (
        facts.keys & PDF_SCRIPT_KEYS
        or facts.action_types & PDF_DANGEROUS_ACTIONS
        or facts.open_action_is_action
    ):
        return PDF_SCRIPT
    if facts.keys & PDF_EMBEDDED_KEYS or facts.types & PDF_DANGEROUS_TYPES:
        return PDF_EMBEDDED
    return None


# --- office documents (docx, xlsx, odt, ods): a zip whose directory must describe one -------


@dataclass(frozen=True)
class ZipMember:
    name: str
    compressed: int
    uncompressed: int


@dataclass(frozen=True)
class ZipLimits:
    # A document with pictures rarely unpacks to more than a few times its size; text
    # compresses about 10:1. A bomb unpacks to thousands of times its size.
    max_uncompressed: int = 250 * 1024 * 1024
    max_ratio: int = 100
    max_members: int = 5000
    # Members smaller than this are not judged by their ratio (tiny XML parts compress well).
    ratio_floor: int = 1024 * 1024
    # The central directory is read whole by zipfile; a few thousand entries take well under this.
    max_directory_bytes: int = 8 * 1024 * 1024


OFFICE_NOT_DOCUMENT = (
    "Filtypen er ikke tilladt: filen er ikke et Word-, Excel- eller OpenDocument-dokument. "
    f"Brug {ALLOWED_LABEL}."
)
OFFICE_TOO_LARGE = (
    "Dokumentet fylder for meget, når det pakkes ud, og kan ikke vedhæftes. "
    "Gem det som PDF, og prøv igen."
)
OFFICE_MACROS = (
    "Dokumenter med makroer kan ikke vedhæftes. "
    "Gem filen uden makroer (docx, xlsx, odt eller ods), og prøv igen."
)
OFFICE_PASSWORD = "Dokumentet er beskyttet med adgangskode. Fjern beskyttelsen, og prøv igen."
OFFICE_ACTIVE = (
    "Filen henter indhold fra internettet eller indeholder aktive elementer (ActiveX/OLE) "
    "og kan ikke vedhæftes. Gem den som PDF, og prøv igen."
)

# Where Word and Excel (and LibreOffice, saving as docx or xlsx) put the main part.
OOXML_MAIN_PARTS: Mapping[FileKind, str] = {
    FileKind.DOCX: "word/document.xml",
    FileKind.XLSX: "xl/workbook.xml",
}
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_MACRO_MAIN_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSX_MACRO_MAIN_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
OOXML_MAIN_TYPES: Mapping[FileKind, str] = {
    FileKind.DOCX: DOCX_MAIN_TYPE,
    FileKind.XLSX: XLSX_MAIN_TYPE,
}
# An OpenDocument file names its type in its first member, `mimetype`.
ODF_MIMETYPES: Mapping[bytes, FileKind] = {
    b"application/vnd.oasis.opendocument.text": FileKind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": FileKind.ODS,
}
ODF_REQUIRED_PARTS = frozenset({"mimetype", "content.xml", "META-INF/manifest.xml"})
# Where an OpenDocument file keeps macros: LibreOffice Basic, and scripts in other languages.
ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")


def zip_refusal(members: Sequence[ZipMember], limits: ZipLimits | None = None) -> str | None:
    """Why a zip may not even be unpacked, judged from its central directory before anything
    is: too many members, too large unpacked, or compressed as only a bomb is. None if it may."""
    limits = limits or ZipLimits()
    if len(members) > limits.max_members:
        return OFFICE_TOO_LARGE
    total = sum(member.uncompressed for member in members)
    packed = sum(member.compressed for member in members)
    if total > limits.max_uncompressed:
        return OFFICE_TOO_LARGE
    if total > limits.ratio_floor and total > limits.max_ratio * max(packed, 1):
        return OFFICE_TOO_LARGE
    for member in members:
        if (
            member.uncompressed > limits.ratio_floor
            and member.uncompressed > limits.max_ratio * max(member.compressed, 1)
        ):
            return OFFICE_TOO_LARGE
    return None


# --- the zip's end of central directory, read before zipfile loads the whole directory ------

EOCD_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
# The record is 22 bytes and may be followed by a comment of at most 65,535 bytes.
EOCD_SEARCH_BYTES = 22 + 65_535
ZIP64_EOCD_BYTES = 56


@dataclass(frozen=True)
class ZipDirectory:
    entries: int
    size: int
    # Where a ZIP64 end record is, when the archive has one (its values then count instead).
    zip64_offset: int | None = None


def zip_directory(tail: bytes) -> ZipDirectory | None:
    """The entry count and directory size an archive's last bytes declare; None if they hold
    no end of central directory record."""
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < 22:
        return None
    disk_entries, entries, size = struct.unpack_from("<HHI", tail, at + 8)
    zip64_offset = None
    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == ZIP64_LOCATOR_SIGNATURE:
        zip64_offset = struct.unpack_from("<Q", tail, locator + 8)[0]
    return ZipDirectory(max(disk_entries, entries), size, zip64_offset)


def zip64_directory(record: bytes) -> ZipDirectory | None:
    """The entry count and directory size of a ZIP64 end of central directory record."""
    if len(record) < ZIP64_EOCD_BYTES or not record.startswith(ZIP64_EOCD_SIGNATURE):
        return None
    disk_entries, entries, size = struct.unpack_from("<QQQ", record, 24)
    return ZipDirectory(max(disk_entries, entries), size)


def zip_directory_refusal(
    directory: ZipDirectory | None, limits: ZipLimits | None = None
) -> str | None:
    """A zip whose directory is missing, or declares more entries or bytes than the limits, is
    refused before its directory is read."""
    limits = limits or ZipLimits()
    if directory is None:
        return OFFICE_NOT_DOCUMENT
    if directory.entries > limits.max_members or directory.size > limits.max_directory_bytes:
        return OFFICE_TOO_LARGE
    return None


def office_kind(names: Collection[str], mimetype: bytes = b"") -> FileKind | None:
    """Which office document a zip's member names describe (for OpenDocument, with the
    content of its `mimetype` member); None for any other zip."""
    if "[Content_Types].xml" in names:
        for kind, part in OOXML_MAIN_PARTS.items():
            if part in names:
                return kind
        return None
    if ODF_REQUIRED_PARTS <= set(names):
        return ODF_MIMETYPES.get(mimetype.strip())
    return None


def office_parts_refusal(kind: FileKind, names: Collection[str]) -> str | None:
    """An office document whose parts carry macros is refused."""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return OFFICE_MACROS
    if kind in (FileKind.ODT, FileKind.ODS) and any(
        name.startswith(ODF_MACRO_FOLDERS) for name in names
    ):
        return OFFICE_MACROS
    return None


# Parts Word and Excel run or fetch: ActiveX controls and embedded OLE objects.
OOXML_ACTIVE_FOLDERS = ("word/activex/", "xl/activex/", "ppt/activex/")
# Each relationships part is read up to this size; a larger one is refused.
MAX_RELS_BYTES = 1024 * 1024
# content.xml and styles.xml of an OpenDocument file are read up to this size.
MAX_ODF_XML_BYTES = 64 * 1024 * 1024
# A relationship that may point outside the file: a link the reader clicks, nothing fetched.
HYPERLINK_RELATIONSHIP = "/relationships/hyperlink"
_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(\s[^>]*)?/?>", re.S)
_ATTRIBUTE = re.compile(rb"([A-Za-z_][\w.:-]*)\s*=\s*(\"[^\"]*\"|'[^']*')")
_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*:")
# OpenDocument elements that run, embed or fetch something.
ODF_ACTIVE_ELEMENTS = frozenset(
    {"applet", "plugin", "object-ole", "dde-source", "dde-link", "dde-connection-decl"}
)


def _attributes(tag: bytes) -> dict[str, str]:
    # Character references are decoded as an XML parser would (`&#69;xternal` is External).
    return {
        name.decode("ascii", "replace"): html.unescape(value[1:-1].decode("utf-8", "replace"))
        for name, value in _ATTRIBUTE.findall(tag)
    }


def office_active_parts_refusal(names: Collection[str]) -> str | None:
    """A Word or Excel file with ActiveX controls or embedded OLE objects is refused."""
    for name in names:
        lower = name.lower()
        if lower.startswith(OOXML_ACTIVE_FOLDERS):
            return OFFICE_ACTIVE
        if lower.endswith(".bin") and ("oleobject" in lower or "/embeddings/" in lower):
            return OFFICE_ACTIVE
    return None


def rels_refusal(rels_xml: bytes) -> str | None:
    """A relationships part with an external target that is not a hyperlink (a template,
    an OLE object, a picture or a frame fetched when the file opens) is refused."""
    for match in _TAG.finditer(rels_xml):
        if match.group(2) != b"Relationship":
            continue
        attributes = _attributes(match.group(0))
        if attributes.get("TargetMode", "").strip().lower() != "external":
            continue
        if not attributes.get("Type", "").strip().endswith(HYPERLINK_RELATIONSHIP):
            return OFFICE_ACTIVE
    return None


def odf_content_refusal(xml: bytes) -> str | None:
    """An OpenDocument content or styles part that links outside the file other than by a
    hyperlink (`text:a`), or holds applets, plugins, OLE objects or DDE links, is refused."""
    for match in _TAG.finditer(xml):
        local = match.group(2).decode("ascii", "replace")
        if local in ODF_ACTIVE_ELEMENTS:
            return OFFICE_ACTIVE
        if local == "a" or not match.group(3):
            continue
        for name, value in _attributes(match.group(0)).items():
            if name.endswith(":href") and _SCHEME.match(value):
                return OFFICE_ACTIVE
    return None


def content_types_refusal(kind: FileKind, content_types_xml: bytes) -> str | None:
    """A Word or Excel file's `[Content_Types].xml` must name its kind's main part, and no
    macro-enabled one (docm, xlsm, xlsb and their templates say `macroEnabled`)."""
    if b"macroenabled" in content_types_xml.lower():
        return OFFICE_MACROS
    if OOXML_MAIN_TYPES[kind].encode() not in content_types_xml:
        return OFFICE_NOT_DOCUMENT
    return None


def odf_manifest_refusal(manifest_xml: bytes) -> str | None:
    """An OpenDocument file saved with a password lists its encrypted parts in its manifest;
    LibreOffice cannot open it without the password, so neither can the conversion."""
    if b"encryption-data" in manifest_xml:
        return OFFICE_PASSWORD
    return None


# --- images: their size in pixels, from the header --------------------------------------------

# A decoded image takes 3-4 bytes a pixel, and flattening its transparency a few copies more.
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_UNREADABLE = "Billedet kan ikke læses. Gem det igen som PNG eller JPEG, og prøv igen."


def image_refusal(width: int, height: int) -> str | None:
    """An image with more pixels than the conversion may decode is refused."""
    pixels = width * height
    if pixels > MAX_IMAGE_PIXELS:
        return image_too_large(f"{round(pixels / 1_000_000)} megapixel")
    return None


def image_too_large(size: str) -> str:
    return f"Billedet er for stort ({size}). Gem det i lavere opløsning, og prøv igen."


# --- the whole decision -----------------------------------------------------------------------

EXECUTABLE_REFUSED = "Filen er et program og kan ikke vedhæftes."
MARKUP_REFUSED = (
    "HTML-, SVG- og XML-filer kan ikke vedhæftes, fordi de kan indeholde scripts. "
    "Gem filen som PDF, og prøv igen."
)
TYPE_REFUSED = f"Filtypen er ikke tilladt. Brug {ALLOWED_LABEL}."
TEXT_REFUSED = f"Filen er ikke ren tekst. Brug {ALLOWED_LABEL}."
LEGACY_OFFICE_REFUSED = (
    "Ældre Word- og Excel-filer (doc, xls) og Office-filer med adgangskode kan ikke "
    "vedhæftes. Gem filen som Word (docx), Excel (xlsx) eller PDF uden adgangskode, "
    "og prøv igen."
)
EMPTY_REFUSED = "Filen er tom."
TOO_LARGE_REFUSED = f"Filen er større end {MAX_DOCUMENT_LABEL}."


def kind_refusal(kind: FileKind) -> str | None:
    """The message for a kind that is refused from its first bytes alone."""
    if kind == FileKind.EXECUTABLE:
        return EXECUTABLE_REFUSED
    if kind == FileKind.MARKUP:
        return MARKUP_REFUSED
    if kind == FileKind.LEGACY_OFFICE:
        return LEGACY_OFFICE_REFUSED
    if kind in ALLOWED_KINDS or kind == FileKind.ZIP:
        return None
    return TYPE_REFUSED


def size_refusal(size: int) -> str | None:
    if size <= 0:
        return EMPTY_REFUSED
    if size > MAX_DOCUMENT_BYTES:
        return TOO_LARGE_REFUSED
    return None


def name_refusal(name: str, label: str) -> str | None:
    """A file name or title the document row can hold: at most 200 characters, and no control
    characters (PostgreSQL refuses NUL in text) nor format characters (bidi overrides such as
    U+202E make "gpj.exe" look like "exe.jpg"; zero-width ones hide in names)."""
    if len(name) > MAX_NAME_LENGTH:
        return f"{label} må højst være {MAX_NAME_LENGTH} tegn."
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or unicodedata.category(ch) == "Cf" for ch in name):
        return f"{label} indeholder tegn, der ikke kan gemmes."
    return None


# --- the case file: "Åbn alle dokumenter" -----------------------------------------------------

# The order the case file shows its documents in: the rehabiliteringsplan's parts first, then
# the certificates and health information, the region's answers, and everything else last
# (Procedure Løbende sag; the evaluation asks for "en fast rækkefølge").
CASE_FILE_CATEGORY_ORDER: tuple[Category, ...] = (
    Category.FORBEREDENDE_DEL,
    Category.CASE_SUMMARY,
    Category.INDSTILLING,
    Category.INDSATSPLAN,
    Category.CASEWORKER_SUMMARY,
    Category.DOCUMENTATION,
    Category.EMPLOYMENT_OFFER,
    Category.CITIZEN_STATEMENT,
    Category.LAE_261,
    Category.LAE_262,
    Category.LAE_265,
    Category.LAE_271,
    Category.LAE_275,
    Category.SPECIALIST_CERTIFICATE,
    Category.PSYCHOLOGICAL_ASSESSMENT,
    Category.PSYCHOLOGIST_STATUS,
    Category.WORK_TRIAL_REPORT,
    Category.NEW_HEALTH_INFORMATION,
    Category.OTHER_HEALTH_INFORMATION,
    Category.COORDINATOR_ADVICE,
    Category.COORDINATOR_NOTE,
    Category.FORWARDED_COORDINATOR_ADVICE,
    Category.WRITTEN_ANSWER,
    Category.CITIZEN_CONCLUSION,
    Category.CONSENT,
    Category.OTHER,
)
_CATEGORY_RANK = {category: rank for rank, category in enumerate(CASE_FILE_CATEGORY_ORDER)}


@dataclass(frozen=True)
class CaseFileEntry:
    """One document as the case file sees it. `document_date` is the date written on the
    document, or its upload date when none was given. `sha256` is the hash of the bytes the
    case file joins: the document's own, or its PDF rendition's for a converted one, whose own
    hash is then `source_sha256`. `text_sha256` is the fingerprint of its text ("" without
    text, `documents.fingerprint`). `is_pdf` says whether there are PDF bytes to join."""

    document_id: int
    category: str
    title: str
    document_date: date
    sha256: str
    is_pdf: bool = True
    text_sha256: str = ""
    source_sha256: str = ""

    def duplicate_keys(self) -> tuple[str, ...]:
        """What makes another document the same document: the same bytes (the original's or
        the rendition's) or the same text."""
        keys = [f"bytes:{self.sha256}"]
        if self.source_sha256 and self.source_sha256 != self.sha256:
            keys.append(f"bytes:{self.source_sha256}")
        if self.text_sha256:
            keys.append(f"text:{self.text_sha256}")
        return tuple(keys)


@dataclass(frozen=True)
class CaseFilePlan:
    """What goes into the combined PDF, in order, and what is only listed on its contents page:
    `duplicates` maps a left-out document's id to the id of the included one with the same
    bytes or the same text; `not_included` holds documents without PDF bytes (opened one by
    one)."""

    included: tuple[CaseFileEntry, ...]
    duplicates: Mapping[int, int]
    not_included: tuple[CaseFileEntry, ...]
    ordered: tuple[CaseFileEntry, ...]


def _category_rank(category: str) -> int:
    try:
        return _CATEGORY_RANK[Category(category)]
    except (KeyError, ValueError):
        return len(CASE_FILE_CATEGORY_ORDER)


def case_file_sort_key(entry: CaseFileEntry) -> tuple[int, int, int]:
    """The case file's order as a key (`case_file_order`): the category's place, the newest
    document date first, then the order they were added."""
    return (_category_rank(entry.category), -entry.document_date.toordinal(), entry.document_id)


def case_file_order(entries: Sequence[CaseFileEntry]) -> list[CaseFileEntry]:
    """By category (`CASE_FILE_CATEGORY_ORDER`), then newest document date first within a
    category; documents of the same date in the order they were added."""
    return sorted(entries, key=case_file_sort_key)


def case_file_plan(entries: Sequence[CaseFileEntry]) -> CaseFilePlan:
    """Order the documents and leave out the copies: the first document (in the case file's
    order) is included, every later one with the same bytes or the same text (a re-scanned or
    re-saved copy) is a duplicate of it."""
    ordered = case_file_order(entries)
    first_with_key: dict[str, int] = {}
    included: list[CaseFileEntry] = []
    duplicates: dict[int, int] = {}
    not_included: list[CaseFileEntry] = []
    for entry in ordered:
        keys = entry.duplicate_keys()
        original = next((first_with_key[k] for k in keys if k in first_with_key), None)
        if original is not None:
            duplicates[entry.document_id] = original
            # A copy's other keys lead to the same original (a re-scan of a converted copy).
            for key in keys:
                first_with_key.setdefault(key, original)
            continue
        for key in keys:
            first_with_key[key] = entry.document_id
        if entry.is_pdf:
            included.append(entry)
        else:
            not_included.append(entry)
    return CaseFilePlan(tuple(included), duplicates, tuple(not_included), tuple(ordered))


# Raised when the case file's layout changes, so cached files are built again.
CASE_FILE_LAYOUT_VERSION = "2"


def case_file_key(plan: CaseFilePlan) -> str:
    """The cache key of a case file: SHA-256 over everything its pages show, in order."""
    digest = hashlib.sha256(f"sagsbro-case-file/{CASE_FILE_LAYOUT_VERSION}\n".encode())
    for entry in plan.ordered:
        line = "\x1f".join(
            (
                entry.sha256,
                entry.source_sha256,
                "pdf" if entry.is_pdf else "",
                entry.category,
                entry.title,
                entry.document_date.isoformat(),
                str(plan.duplicates.get(entry.document_id, "")),
                str(entry.document_id),
            )
        )
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def contents_start_pages(contents_pages: int, page_counts: Sequence[int]) -> list[int]:
    """The 1-based page each included document starts on, after `contents_pages` pages of
    contents."""
    starts: list[int] = []
    page = contents_pages + 1
    for count in page_counts:
        starts.append(page)
        page += count
    return starts


# --- the page budget ----------------------------------------------------------------------

# The case file's page budget when no collaboration agreement sets one (as in Region
# Hovedstaden's agreements); CollaborationAgreement.page_budget has the same default.
DEFAULT_PAGE_BUDGET = 50


def page_budget_warning(total_pages: int, budget: int) -> str | None:
    """The warning shown on a case whose documents fill more pages than the agreement's budget;
    None up to and including the budget."""
    if total_pages <= budget:
        return None
    return f"Sagen fylder {total_pages} sider – over samarbejdsaftalens grænse på {budget} sider."


def case_page_total(documents: Sequence[tuple[str, int | None]]) -> int:
    """The case's page count from its documents' (hash, pages): a document attached several
    times (the same bytes) is counted once, one without a known page count not at all."""
    pages_by_hash: dict[str, int] = {}
    for sha256, pages in documents:
        if pages is not None:
            pages_by_hash.setdefault(sha256, pages)
    return sum(pages_by_hash.values())


# --- a document's own date and author -------------------------------------------------------

# Longest author (`Document.author_organisation`).
MAX_AUTHOR_LENGTH = 200
FUTURE_DOCUMENT_DATE = "Dokumentets dato kan ikke ligge i fremtiden."
AUTHOR_TOO_LONG = f"Afsenderen må højst være {MAX_AUTHOR_LENGTH} tegn."
AUTHOR_UNSAFE = "Afsenderen indeholder tegn, der ikke kan gemmes."


def document_date_refusal(document_date: date | None, today: date) -> str | None:
    """A document's date may be left out (the upload date orders it then), but a document
    cannot be dated after the day it is attached."""
    if document_date is not None and document_date > today:
        return FUTURE_DOCUMENT_DATE
    return None


def author_refusal(author: str) -> str | None:
    """The author as free text: at most 200 characters, no control characters."""
    if len(author) > MAX_AUTHOR_LENGTH:
        return AUTHOR_TOO_LONG
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in author):
        return AUTHOR_UNSAFE
    return None
