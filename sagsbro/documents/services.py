"""Storing and attaching documents. Bytes are stored once, named by their SHA-256."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.access import may_add_category
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.models import User

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


@transaction.atomic
def add_document(
    user: User,
    case: Case,
    *,
    category: str,
    title: str,
    filename: str,
    content: bytes,
    content_type: str,
    channel: str = "api",
) -> Document:
    if not access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role not in access.DOCUMENT_ROLES:
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke tilføje dokumenter.")
    if not may_add_category(user.role, category):
        raise PermissionRefused(
            "role_not_allowed", "Kommunen kan ikke tilføje denne type dokument."
        )
    if not access.may_add_documents(user, case):  # the role may: the case is closed
        raise ServiceError(
            "invalid_state", "Der kan ikke tilføjes dokumenter til en afsluttet sag."
        )
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
        case=case,
        category=Category(category),
        title=title or CATEGORY_LABELS[Category(category)],
        filename=filename,
        blob=blob,
        uploaded_by=user,
    )
    record_event(
        case,
        user,
        EventKind.DOCUMENT_ADDED,
        f"Dokument tilføjet: {CATEGORY_LABELS[Category(category)]}",
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail=str(category),
        channel=channel,
    )
    return document
