"""Storing and attaching documents. Bytes are stored once, named by their SHA-256.

An upload is judged from its bytes before anything is written (`inspect_content`): what it is
comes from its signature and, for PDF and the office formats, from parsing it; the name and the
browser's claim are never trusted. The bytes are read in chunks from the upload's temporary
file, never whole into memory. A blob file written in a transaction that then fails is removed
again (`blob_files_atomic`), so a refused upload leaves no row and no file. A document that is
not a PDF is converted to one in the background (`documents.conversion`).
"""

import hashlib
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple, NotRequired, Protocol, TypedDict

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.core.files import files_atomic, files_atomic_service, note_written_file
from sagsbro.documents.access import same_organisation
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import (
    ALLOWED_CONTENT_TYPES,
    CATEGORY_LABELS,
    CONVERTED_KINDS,
    EOCD_SEARCH_BYTES,
    IMAGE_UNREADABLE,
    MAX_DOCUMENT_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_ODF_XML_BYTES,
    MAX_RELS_BYTES,
    OFFICE_NOT_DOCUMENT,
    OFFICE_TOO_LARGE,
    OOXML_MAIN_TYPES,
    SIGNATURE_BYTES,
    TEXT_REFUSED,
    ZIP64_EOCD_BYTES,
    Category,
    FileKind,
    PdfFacts,
    ZipDirectory,
    ZipLimits,
    ZipMember,
    author_refusal,
    content_types_refusal,
    document_date_refusal,
    image_refusal,
    image_too_large,
    kind_from_signature,
    kind_refusal,
    looks_like_text,
    name_refusal,
    odf_content_refusal,
    odf_manifest_refusal,
    office_active_parts_refusal,
    office_kind,
    office_parts_refusal,
    pdf_refusal,
    rels_refusal,
    size_refusal,
    zip64_directory,
    zip_directory,
    zip_directory_refusal,
    zip_refusal,
)
from sagsbro.documents.scanning import scan_upload
from sagsbro.organisations.models import User

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "DocumentUpload",
    "attach_document",
    "blob_files_atomic",
    "blob_files_block",
    "inspect_content",
    "inspect_upload",
    "record_opening",
    "replace_document",
    "store_blob",
    "withdraw_document",
]

CHUNK_BYTES = 1024 * 1024
# An office document's type list or manifest is a few kilobytes; more is not read.
MAX_MANIFEST_BYTES = 1024 * 1024
# A PDF with more objects than this is not a letter or a certificate; walking it would take
# the server's time for nothing.
MAX_PDF_OBJECTS = 50_000


class CaseLike(Protocol):
    """What documents need of a case: its key and its citizen's (for the audit entry)."""

    @property
    def pk(self) -> int: ...

    @property
    def citizen_id(self) -> int: ...


class DocumentUpload(TypedDict):
    """A file to attach, as the services that attach documents take it (keyword arguments).
    `content` is the upload itself (streamed from its temporary file) or bytes; the type is
    decided from the content (`inspect_content`), so the browser's claim is not taken."""

    category: str
    title: str
    filename: str
    content: bytes | File[bytes]
    # The date written on the document and who wrote it, when the uploader gives them.
    document_date: NotRequired[date | None]
    author_organisation: NotRequired[str]


# --- reading an upload in chunks ----------------------------------------------------------


def as_file(content: bytes | File[bytes]) -> File[bytes]:
    return ContentFile(content) if isinstance(content, bytes) else content


def _chunks(content: File[bytes]) -> Iterator[bytes]:
    content.seek(0)
    yield from content.chunks(CHUNK_BYTES)


def _head(content: File[bytes], size: int) -> bytes:
    content.seek(0)
    head: bytes = content.read(size)
    content.seek(0)
    return head


def _size(content: File[bytes]) -> int:
    # An UploadedFile knows its size; a file opened from storage asks the file system.
    return int(content.size)


# --- what the bytes are ---------------------------------------------------------------------


class Inspection(NamedTuple):
    """What the bytes of an accepted upload are: the content type and, for a PDF, its pages."""

    content_type: str
    pages: int | None


def inspect_content(content: File[bytes]) -> str:
    """The content type the bytes really have, or a ServiceError (field `file`) saying why they
    may not be stored."""
    return inspect_upload(content).content_type


def inspect_upload(content: File[bytes]) -> Inspection:
    """As `inspect_content`, with the page count a PDF's parse found (None for other types)."""
    pages: int | None = None
    refusal = size_refusal(_size(content))
    if refusal is None:
        kind = kind_from_signature(_head(content, SIGNATURE_BYTES))
        refusal = kind_refusal(kind)
        if refusal is None:
            if kind == FileKind.PDF:
                facts = pdf_facts(content)
                refusal = pdf_refusal(facts)
                pages = facts.pages
            elif kind == FileKind.ZIP:
                office, refusal = office_document(content)
                kind = office or kind
            elif kind in (FileKind.PNG, FileKind.JPEG):
                refusal = image_size_refusal(content)
            elif kind == FileKind.TEXT and not all(looks_like_text(c) for c in _chunks(content)):
                refusal = TEXT_REFUSED
    content.seek(0)
    if refusal is not None:
        raise ServiceError(
            "invalid_document", "Dokumentet kunne ikke gemmes.", fields={"file": [refusal]}
        )
    # Last, once the type is accepted: a virus or an unreachable scanner refuses it too.
    scan_upload(content)
    return Inspection(str(kind), pages)


def image_size_refusal(content: File[bytes]) -> str | None:
    """Judge an image by the size its header declares, without decoding its pixels."""
    from PIL import Image

    content.seek(0)
    stream: Any = content.file if content.file is not None else content
    try:
        with warnings.catch_warnings():
            # Pillow warns of a large image on opening; the limit below is stricter.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        # Pillow will not even read the header of one this large.
        return image_too_large(f"over {MAX_IMAGE_PIXELS // 1_000_000} megapixel")
    except Exception:  # noqa: BLE001 - a hostile file may break the parser in any way
        return IMAGE_UNREADABLE
    finally:
        content.seek(0)
    return image_refusal(width, height)


def pdf_facts(content: File[bytes]) -> PdfFacts:
    """Parse the PDF with pypdf and collect every dictionary key, action type and object type
    reachable from its trailer (the parser normalises escaped names such as /J#53)."""
    content.seek(0)
    stream: Any = content.file if content.file is not None else content
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            # Protected PDFs are read only if they open without a password (and with the
            # ciphers pypdf has without extra packages); others cannot be checked.
            try:
                opened = bool(reader.decrypt(""))
                reader.trailer["/Root"].get_object()
            except Exception:  # noqa: BLE001 - any failure means it cannot be opened here
                opened = False
            if not opened:
                return PdfFacts(readable=False, needs_password=True)
        if len(reader.pages) == 0:
            return PdfFacts(readable=False)
        return _walk_pdf(reader)
    except Exception:  # noqa: BLE001 - a hostile file may break the parser in any way
        return PdfFacts(readable=False)


def _walk_pdf(reader: PdfReader) -> PdfFacts:
    keys: set[str] = set()
    actions: set[str] = set()
    types: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return PdfFacts(readable=False)
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                keys.add(str(key))
                if isinstance(value, NameObject):
                    if key == "/S":
                        actions.add(str(value))
                    elif key in ("/Type", "/Subtype"):
                        types.add(str(value))
                else:
                    stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    catalog: Any = reader.trailer["/Root"].get_object()
    open_action: Any = catalog.get("/OpenAction")
    open_action = open_action.get_object() if open_action is not None else None
    return PdfFacts(
        readable=True,
        pages=len(reader.pages),
        keys=frozenset(keys),
        action_types=frozenset(actions),
        types=frozenset(types),
        # An array is a destination (page and zoom); a dictionary is an action to run.
        open_action_is_action=isinstance(open_action, DictionaryObject)
        and open_action.get("/S") != "/GoTo",
    )


def office_document(
    content: File[bytes], limits: ZipLimits | None = None
) -> tuple[FileKind | None, str | None]:
    """Judge a zip as an office document (docx, xlsx, odt, ods): its central directory first
    (sizes, ratio, the kind's parts, macros), then its declared type and whether it is
    encrypted, then unpack every member in chunks (discarding the bytes) so a directory that
    lies about the sizes, or a damaged member, is caught by zipfile's size and CRC checks.
    Returns the kind, or the reason it is refused."""
    content.seek(0)
    stream: Any = content.file if content.file is not None else content
    try:
        refusal = zip_directory_refusal(_zip_directory(stream), limits)
        if refusal is not None:
            return None, refusal
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            members = [ZipMember(i.filename, i.compress_size, i.file_size) for i in infos]
            refusal = zip_refusal(members, limits)
            if refusal is not None:
                return None, refusal
            names = {info.filename for info in infos}
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as part:
                    mimetype = part.read(200)
            kind = office_kind(names, mimetype)
            if kind is None:
                return None, OFFICE_NOT_DOCUMENT
            refusal = office_parts_refusal(kind, names) or _links_refusal(archive, kind, infos)
            if refusal is None:
                if kind in OOXML_MAIN_TYPES:
                    with archive.open("[Content_Types].xml") as part:
                        refusal = content_types_refusal(kind, part.read(MAX_MANIFEST_BYTES))
                else:
                    with archive.open("META-INF/manifest.xml") as part:
                        refusal = odf_manifest_refusal(part.read(MAX_MANIFEST_BYTES))
            if refusal is not None:
                return None, refusal
            for info in infos:
                with archive.open(info) as member:
                    while member.read(CHUNK_BYTES):
                        pass
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        KeyError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
        # method; the others: a damaged or truncated archive.
        return None, OFFICE_NOT_DOCUMENT
    return kind, None


def _zip_directory(stream: Any) -> ZipDirectory | None:
    """The archive's declared entry count and directory size, from its last bytes (and its
    ZIP64 end record), without reading the directory itself."""
    stream.seek(0, 2)
    end = stream.tell()
    start = max(0, end - EOCD_SEARCH_BYTES)
    stream.seek(start)
    directory = zip_directory(stream.read(end - start))
    if directory is not None and directory.zip64_offset is not None:
        stream.seek(directory.zip64_offset)
        directory = zip64_directory(stream.read(ZIP64_EOCD_BYTES))
    stream.seek(0)
    return directory


def _links_refusal(
    archive: zipfile.ZipFile, kind: FileKind, infos: list[zipfile.ZipInfo]
) -> str | None:
    """External links that are fetched when the file opens, and active parts (ActiveX, OLE,
    DDE): the original is handed to the other organisation, whose office program follows them."""
    if kind in OOXML_MAIN_TYPES:
        refusal = office_active_parts_refusal([info.filename for info in infos])
        for info in infos:
            if refusal is None and info.filename.lower().endswith(".rels"):
                refusal = _bounded_part(archive, info, MAX_RELS_BYTES, rels_refusal)
        return refusal
    for info in infos:
        if info.filename in ("content.xml", "styles.xml"):
            refusal = _bounded_part(archive, info, MAX_ODF_XML_BYTES, odf_content_refusal)
            if refusal is not None:
                return refusal
    return None


def _bounded_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, bound: int, judge: Any
) -> str | None:
    with archive.open(info) as part:
        data = part.read(bound + 1)
    if len(data) > bound:
        return OFFICE_TOO_LARGE
    refusal: str | None = judge(data)
    return refusal


# --- storing the bytes, and removing them again if the transaction fails --------------------

# A blob file written in a transaction that then fails is removed again (core/files.py).
blob_files_block = files_atomic
blob_files_atomic = files_atomic_service


def _sha256(content: File[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(content):
        digest.update(chunk)
    return digest.hexdigest()


def _file_matches(name: str, digest: str) -> bool:
    hasher = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in stored.chunks(CHUNK_BYTES):
            hasher.update(chunk)
    return hasher.hexdigest() == digest


def store_blob(content: bytes | File[bytes]) -> Blob:
    """The blob holding these bytes, stored once: hashed and copied in chunks.

    The row is inserted before the file is written, so a concurrent upload of the same bytes
    waits on it (PostgreSQL) or on the write lock (SQLite) rather than racing for the file.
    """
    upload = as_file(content)
    digest = _sha256(upload)
    blob = Blob.objects.filter(sha256=digest).first()
    if blob is not None:
        return blob
    name = f"blobs/{digest[:2]}/{digest}"
    blob, created = Blob.objects.get_or_create(
        sha256=digest, defaults={"size": _size(upload), "file": name}
    )
    if not created:
        return blob
    storage = default_storage
    if storage.exists(name):
        # Left by an earlier failure outside `blob_files_atomic`: reuse it if whole.
        if _file_matches(name, digest):
            return blob
        storage.delete(name)
    upload.seek(0)
    saved = storage.save(name, upload)
    note_written_file(saved)
    if saved != name:  # pragma: no cover - the storage renamed it: keep the name it chose
        blob.file.name = saved
        blob.save(update_fields=["file"])
    return blob


# --- attaching a document -----------------------------------------------------------------


@blob_files_atomic
def attach_document(
    user: User,
    case: CaseLike,
    *,
    category: str,
    title: str,
    filename: str,
    content: bytes | File[bytes],
    channel: str = "api",
    document_date: date | None = None,
    author_organisation: str = "",
) -> Document:
    """Check the upload, store its bytes and attach it to the case, with the audit entry.
    `document_date` is the date on the document (None: the upload date orders it) and
    `author_organisation` who wrote it (free text).

    Whether the user may attach to this case is the caller's to check, in the same
    transaction: ``cases.services.documents.add_case_document``, which also records the case
    event. Documents know the case only by its foreign key.
    """
    upload = as_file(content)
    errors: dict[str, list[str]] = {}
    if category not in CATEGORY_LABELS:
        errors["category"] = ["Ukendt dokumentkategori."]
    for field, value, label in (("title", title, "Titlen"), ("file", filename, "Filnavnet")):
        refusal = name_refusal(value, label)
        if refusal is not None:
            errors[field] = [refusal]
    author_organisation = author_organisation.strip()
    for field, refusal in (
        ("document_date", document_date_refusal(document_date, timezone.localdate())),
        ("author_organisation", author_refusal(author_organisation)),
    ):
        if refusal is not None:
            errors[field] = [refusal]
    if errors:
        raise ServiceError("invalid_document", "Dokumentet kunne ikke gemmes.", fields=errors)
    inspection = inspect_upload(upload)
    blob = store_blob(upload)
    document = Document.objects.create(
        case_id=case.pk,
        category=Category(category),
        title=title or CATEGORY_LABELS[Category(category)],
        filename=filename,
        content_type=inspection.content_type,
        pages=inspection.pages,
        document_date=document_date,
        author_organisation=author_organisation,
        blob=blob,
        uploaded_by=user,
        conversion_status=(
            "pending" if inspection.content_type in CONVERTED_KINDS else "not_needed"
        ),
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail=str(category),
        channel=channel,
    )
    if document.conversion_status == "pending":
        # Its PDF to read is made by the worker, never here; the task is queued in this
        # transaction, so it exists only if the document does (imported here: the tasks
        # module imports this one).
        from sagsbro.documents.tasks import convert_document

        convert_document.enqueue(document.pk)
    else:
        # The list's first-page thumbnail, drawn by the worker (a converted document's comes
        # from its rendition, queued when the conversion is done).
        from sagsbro.documents.tasks import enqueue_fingerprint, enqueue_thumbnail

        enqueue_thumbnail(document)
        # The text fingerprint, read by the worker: extracting a hostile PDF's text is slow
        # even when bounded (a converted document's comes from its rendition).
        enqueue_fingerprint(document)
    return document


# --- opening, withdrawing and replacing a document -----------------------------------------

WITHDRAW_REASON_REQUIRED = "Skriv hvorfor dokumentet trækkes tilbage."
MAX_REASON_LENGTH = 500


def record_opening(user: User, document: Document) -> bool:
    """Note the first time the other side opens the document (a download or an inline view)
    and say whether it may be served: False when it has been withdrawn meanwhile.

    A single conditional UPDATE: if a withdrawal holds the row, PostgreSQL re-reads it when the
    lock is released and finds it withdrawn, so a withdrawn file is never served after the
    withdrawal has been let through.
    """
    if same_organisation(user, document.uploaded_by):
        return True
    live = Document.objects.filter(pk=document.pk, withdrawn_at__isnull=True)
    if document.opened_by_other_side_at is None:
        opened = timezone.now()
        if live.filter(opened_by_other_side_at__isnull=True).update(opened_by_other_side_at=opened):
            document.opened_by_other_side_at = opened
            return True
    return live.exists()


def _audit(user: User, document: Document, citizen_id: int, detail: str, channel: str) -> None:
    record(
        user,
        AuditEntry.Action.UPDATE,
        Subject("document", document.pk, document.case_id, citizen_id),
        detail=detail,
        channel=channel,
    )


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().select_related("uploaded_by").get(pk=document.pk)


def _check_uploader_side(user: User, document: Document) -> None:
    if not same_organisation(user, document.uploaded_by):
        raise PermissionRefused(
            "not_uploader",
            "Kun den organisation, der har tilføjet dokumentet, kan trække det tilbage "
            "eller erstatte det.",
        )


@transaction.atomic
def withdraw_document(
    user: User, document: Document, *, reason: str, citizen_id: int, channel: str = "api"
) -> Document:
    """Withdraw a document attached by mistake, before the other side has opened it. Nothing
    is deleted: the row and the file stay, with who withdrew it, when and why; the other side
    no longer sees it (``DocumentQuerySet.visible_to``).

    Whether the user may act on the case is the caller's to check
    (``cases.services.documents.withdraw_case_document``, which records the case event)."""
    document = _locked(document)
    _check_uploader_side(user, document)
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "reason_required",
            WITHDRAW_REASON_REQUIRED,
            fields={"reason": [WITHDRAW_REASON_REQUIRED]},
        )
    if len(reason) > MAX_REASON_LENGTH:
        message = f"Begrundelsen må højst være {MAX_REASON_LENGTH} tegn."
        raise ServiceError("invalid_reason", message, fields={"reason": [message]})
    refusal = name_refusal(reason.replace("\n", " ").replace("\r", " "), "Begrundelsen")
    if refusal is not None:
        raise ServiceError("invalid_reason", refusal, fields={"reason": [refusal]})
    if document.withdrawn_at is not None:
        raise ServiceError("already_withdrawn", "Dokumentet er allerede trukket tilbage.")
    if document.opened_by_other_side_at is not None:
        raise ServiceError(
            "already_opened",
            "Dokumentet er åbnet af modparten og kan ikke længere trækkes tilbage. "
            "Tilføj en ny version, og markér dette som erstattet.",
        )
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = user
    document.withdrawal_reason = reason
    document.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    _audit(user, document, citizen_id, "withdrawn", channel)
    return document


@transaction.atomic
def replace_document(
    user: User, document: Document, newer: Document, *, citizen_id: int, channel: str = "api"
) -> Document:
    """Mark a document as replaced by a newer one on the same case. Both stay on the case and
    are served as before; the list shows the older one as replaced."""
    document = _locked(document)
    _check_uploader_side(user, document)
    if document.withdrawn_at is not None:
        raise ServiceError("already_withdrawn", "Dokumentet er trukket tilbage.")
    if document.replaced_by_id is not None:
        raise ServiceError("already_replaced", "Dokumentet er allerede erstattet.")
    message = None
    if newer.pk == document.pk or newer.case_id != document.case_id:
        message = "Vælg et andet dokument på samme sag."
    elif newer.withdrawn_at is not None:
        message = "Det nye dokument er trukket tilbage."
    elif (newer.uploaded_at, newer.pk) < (document.uploaded_at, document.pk):
        message = "Det nye dokument skal være tilføjet efter det, det erstatter."
    if message is not None:
        raise ServiceError("invalid_replacement", message, fields={"replaced_by": [message]})
    document.replaced_by = newer
    document.replaced_at = timezone.now()
    document.save(update_fields=["replaced_by", "replaced_at"])
    _audit(user, document, citizen_id, f"replaced_by={newer.pk}", channel)
    return document
