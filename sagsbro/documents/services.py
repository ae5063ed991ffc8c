"""Storing and attaching documents. Bytes are stored once, named by their SHA-256."""

import hashlib
from typing import Protocol, TypedDict

from django.core.files.base import ContentFile

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.core.errors import ServiceError
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.models import User


class CaseLike(Protocol):
    """What documents need of a case: its key and its citizen's (for the audit entry)."""

    @property
    def pk(self) -> int: ...

    @property
    def citizen_id(self) -> int: ...


class DocumentUpload(TypedDict):
    """A file to attach, as the services that attach documents take it (keyword arguments)."""

    category: str
    title: str
    filename: str
    content: bytes
    content_type: str


MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
ALLOWED_CONTENT_TYPES = {
    "application/pdf",
    "text/plain",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def store_blob(content: bytes, content_type: str) -> Blob:
    digest = hashlib.sha256(content).hexdigest()
    blob = Blob.objects.filter(sha256=digest).first()
    if blob is None:
        blob = Blob(sha256=digest, size=len(content), content_type=content_type)
        blob.file.save(f"{digest[:2]}/{digest}", ContentFile(content), save=False)
        blob.save()
    return blob


def attach_document(
    user: User,
    case: CaseLike,
    *,
    category: str,
    title: str,
    filename: str,
    content: bytes,
    content_type: str,
    channel: str = "api",
) -> Document:
    """Check the upload, store its bytes and attach it to the case, with the audit entry.

    Whether the user may attach to this case is the caller's to check, in the same
    transaction: ``cases.services.documents.add_case_document``, which also records the case
    event. Documents know the case only by its foreign key.
    """
    errors: dict[str, list[str]] = {}
    if category not in CATEGORY_LABELS:
        errors["category"] = ["Ukendt dokumentkategori."]
    if not content:
        errors["file"] = ["Filen er tom."]
    elif len(content) > MAX_DOCUMENT_BYTES:
        errors["file"] = ["Filen er større end 50 MB."]
    if content_type not in ALLOWED_CONTENT_TYPES:
        errors["file"] = ["Filtypen er ikke tilladt. Brug PDF, Word, tekst, PNG eller JPEG."]
    if errors:
        raise ServiceError("invalid_document", "Dokumentet kunne ikke gemmes.", fields=errors)
    blob = store_blob(content, content_type)
    document = Document.objects.create(
        case_id=case.pk,
        category=Category(category),
        title=title or CATEGORY_LABELS[Category(category)],
        filename=filename,
        blob=blob,
        uploaded_by=user,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail=str(category),
        channel=channel,
    )
    return document
