"""A letter from klinisk funktion to the citizen: filed on the case as a PDF, with the region's
klinisk funktion as its author, and put in the outbox to the citizen, in the caller's
transaction (the invitation at booking, the cancellation after a freed time)."""

from __future__ import annotations

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import attach_document
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import queue_message
from sagsbro.organisations.models import User


def file_and_queue(
    user: User,
    case: Case,
    *,
    title: str,
    filename: str,
    content: bytes,
    purpose: OutgoingMessage.Purpose,
    channel: str,
) -> tuple[Document, OutgoingMessage]:
    letter = attach_document(
        user,
        case,
        category=Category.OTHER,
        title=title,
        filename=filename,
        content=content,
        channel=channel,
        document_date=timezone.localdate(),
        author_organisation=case.region.klinisk_funktion_name,
    )
    message = queue_message(user, case, purpose=purpose, document=letter, channel=channel)
    return letter, message
