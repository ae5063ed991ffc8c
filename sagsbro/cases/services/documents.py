"""Attaching a document to a case: who may, on which case, and the case event. Storing the
bytes and the audit entry are the documents app's (``documents.services.attach_document``)."""

from django.db import transaction

from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.access import may_add_category
from sagsbro.documents.models import Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.documents.services import attach_document
from sagsbro.organisations.models import User


@transaction.atomic
def add_case_document(
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
    document = attach_document(
        user,
        case,
        category=category,
        title=title,
        filename=filename,
        content=content,
        content_type=content_type,
        channel=channel,
    )
    record_event(
        case,
        user,
        EventKind.DOCUMENT_ADDED,
        f"Dokument tilføjet: {CATEGORY_LABELS[Category(category)]}",
    )
    return document
