"""Attaching a document to a case: who may, on which case, and the case event. Storing the
bytes and the audit entry are the documents app's (``documents.services.attach_document``)."""

from datetime import date

from django.core.files.base import File
from django.db import transaction

from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.requirements import Recommended, recommended_documents
from sagsbro.cases.rules.uploads import agreement_upload_refusal, subtype_upload_refusal
from sagsbro.cases.services import common
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.access import category_refusal, may_add_category, side_of
from sagsbro.documents.models import Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.documents.services import (
    attach_document,
    blob_files_atomic,
    replace_document,
    withdraw_document,
)
from sagsbro.organisations.models import User
from sagsbro.organisations.services import agreement_in_force


# One transaction; a blob file written in it is removed again if it fails.
@blob_files_atomic
def add_case_document(
    user: User,
    case: Case,
    *,
    category: str,
    title: str,
    filename: str,
    content: bytes | File[bytes],
    channel: str = "api",
    document_date: date | None = None,
    author_organisation: str = "",
) -> Document:
    if not access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role not in access.DOCUMENT_ROLES:
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke tilføje dokumenter.")
    # An unknown category is refused below, with the list of categories (attach_document).
    if category in CATEGORY_LABELS and not may_add_category(user.role, category):
        message = category_refusal(user.role, category)
        raise PermissionRefused("category_not_allowed", message, fields={"category": [message]})
    # A category the subtype never takes as a file, from anyone (the klinisk-funktion LÆ 275).
    not_taken = subtype_upload_refusal(case.subtype_enum, category)
    if not_taken is not None:
        raise ServiceError("category_not_for_subtype", not_taken, fields={"category": [not_taken]})
    side = side_of(user.role)
    if side is not None and category == Category.PSYCHOLOGIST_STATUS:
        agreement = agreement_in_force(case.municipality, common.local_today())
        refused = agreement_upload_refusal(
            side,
            category,
            municipality_requests_status=bool(
                agreement is not None and agreement.municipality_requests_status
            ),
        )
        if refused is not None:
            raise PermissionRefused(
                "no_agreement_for_status", refused, fields={"category": [refused]}
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
        channel=channel,
        document_date=document_date,
        author_organisation=author_organisation,
    )
    record_event(
        case,
        user,
        EventKind.DOCUMENT_ADDED,
        f"Dokument tilføjet: {CATEGORY_LABELS[Category(category)]}",
    )
    return document


def _check_may_correct(user: User, case: Case) -> None:
    if not access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role not in access.DOCUMENT_ROLES:
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke ændre dokumenter.")


@transaction.atomic
def withdraw_case_document(
    user: User, case: Case, document: Document, *, reason: str, channel: str = "api"
) -> Document:
    """Withdraw a document attached to the case by mistake (before the other side opened
    it), with the event in the case's history. The reason stays with the document and the
    audit log; the history names the document's category only."""
    _check_may_correct(user, case)
    if document.case_id != case.pk:
        raise ServiceError("not_found", "Dokumentet findes ikke.", status=404)
    document = withdraw_document(
        user, document, reason=reason, citizen_id=case.citizen_id, channel=channel
    )
    record_event(
        case,
        user,
        EventKind.DOCUMENT_WITHDRAWN,
        f"Dokument trukket tilbage: {CATEGORY_LABELS[Category(document.category)]}",
        data={"document": document.pk},
    )
    return document


@transaction.atomic
def replace_case_document(
    user: User, case: Case, document: Document, newer: Document, *, channel: str = "api"
) -> Document:
    """Mark a document on the case as replaced by a newer one, with the event in the history."""
    _check_may_correct(user, case)
    if document.case_id != case.pk:
        raise ServiceError("not_found", "Dokumentet findes ikke.", status=404)
    document = replace_document(user, document, newer, citizen_id=case.citizen_id, channel=channel)
    record_event(
        case,
        user,
        EventKind.DOCUMENT_REPLACED,
        f"Dokument erstattet af en ny version: {CATEGORY_LABELS[Category(document.category)]}",
        data={"document": document.pk, "replaced_by": newer.pk},
    )
    return document


def recommended_for(case: Case) -> list[Recommended]:
    """The subtype's recommended documents, checked against the case's attachments that are
    not withdrawn (a carried-over document counts, as for the requirements)."""
    live = case.documents.filter(withdrawn_at__isnull=True)
    categories = {Category(c) for c in live.values_list("category", flat=True)}
    return recommended_documents(case.subtype_enum, categories)
