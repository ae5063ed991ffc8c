"""Storing and attaching documents. Bytes are stored once, named by their SHA-256."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.workflow import FINAL_STATES, Role
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
ALLOWED_CONTENT_TYPES = {
    "application/pdf",
    "text/plain",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Which role may add which kind of document: each party adds what it is responsible for.
REGIONAL_CATEGORIES = {Category.LAE_275, Category.WRITTEN_ANSWER, Category.SPECIALIST_CERTIFICATE}


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
    user, case: Case, *, category, title, filename, content: bytes, content_type, channel="api"
) -> Document:
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role in (Role.CASEWORKER, Role.TEAM_MEMBER):
        if category in REGIONAL_CATEGORIES:
            raise PermissionRefused(
                "role_not_allowed", "Kommunen kan ikke tilføje denne type dokument."
            )
    elif user.role not in (Role.COORDINATOR, Role.CLINICAL_SPECIALIST, Role.SECRETARIAT):
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke tilføje dokumenter.")
    if case.state in FINAL_STATES:
        raise ServiceError(
            "invalid_state", "Der kan ikke tilføjes dokumenter til en afsluttet sag."
        )
    errors = {}
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
    CaseEvent.objects.create(
        case=case,
        kind="document_added",
        actor=user,
        to_state=case.state,
        label=f"Dokument tilføjet: {CATEGORY_LABELS[Category(category)]}",
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail=str(category),
        channel=channel,
    )
    return document
