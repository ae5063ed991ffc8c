"""The outbox's writes: queue a letter (in the caller's transaction) and record it as sent
(one transaction: the message, the case's event, its recomputed deadlines and the audit
entry). Letters are sent by `deliver_queued` through a delivery channel."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.documents.models import Document
from sagsbro.messaging.channels import DeliveryChannel
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.organisations.models import User

logger = logging.getLogger(__name__)

# The case event a sent letter writes: the one the deadline after the meeting waits for.
SENT_EVENTS = {
    OutgoingMessage.Purpose.CITIZEN_CONCLUSION: (
        EventKind.CONCLUSION_SENT,
        "Skriftlig konklusion sendt til borgeren",
    ),
    OutgoingMessage.Purpose.GP_INDSTILLING_COPY: (
        EventKind.GP_COPY_SENT,
        "Indstillingen sendt til egen læge",
    ),
    OutgoingMessage.Purpose.GP_CERTIFICATE_COPY: (
        EventKind.GP_CERTIFICATE_COPY_SENT,
        "Speciallægeattesten sendt til egen læge",
    ),
    OutgoingMessage.Purpose.CITIZEN_INVITATION: (
        EventKind.INVITATION_SENT,
        "Indkaldelsen til konsultation sendt til borgeren",
    ),
    OutgoingMessage.Purpose.CITIZEN_CANCELLATION: (
        EventKind.CANCELLATION_SENT,
        "Aflysningen af konsultationen sendt til borgeren",
    ),
}

RECIPIENTS = {
    OutgoingMessage.Purpose.CITIZEN_CONCLUSION: OutgoingMessage.Recipient.CITIZEN,
    OutgoingMessage.Purpose.GP_INDSTILLING_COPY: OutgoingMessage.Recipient.GP,
    OutgoingMessage.Purpose.GP_CERTIFICATE_COPY: OutgoingMessage.Recipient.GP,
    OutgoingMessage.Purpose.CITIZEN_INVITATION: OutgoingMessage.Recipient.CITIZEN,
    OutgoingMessage.Purpose.CITIZEN_CANCELLATION: OutgoingMessage.Recipient.CITIZEN,
}


def _subject(message: OutgoingMessage) -> Subject:
    case = message.case
    return Subject("outgoing_message", message.pk, case.pk, case.citizen_id)


def queue_message(
    user: User,
    case: Case,
    *,
    purpose: OutgoingMessage.Purpose,
    document: Document,
    channel: str = "api",
) -> OutgoingMessage:
    """Put a letter in the outbox. Call it in the transaction that produced the letter."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue the message in the transaction that produced the letter.")
    if document.case_id != case.pk:
        raise ValueError("The letter's document belongs to another case.")
    message = OutgoingMessage.objects.create(
        case=case,
        recipient_kind=RECIPIENTS[purpose],
        purpose=purpose,
        document=document,
        created_by=user,
    )
    record(user, AuditEntry.Action.CREATE, _subject(message), detail=purpose, channel=channel)
    return message


def cancel_queued(
    user: User, case: Case, *, purpose: OutgoingMessage.Purpose, channel: str = "api"
) -> list[OutgoingMessage]:
    """Take the case's letters of ``purpose`` that have not gone out yet out of the outbox (an
    invitation to a consultation that was cancelled). Call it in the transaction that made the
    change; a letter already sent stays sent (the citizen has it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Cancel the messages in the transaction that made the change.")
    cancelled = list(
        OutgoingMessage.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(case=case, purpose=purpose, state=OutgoingMessage.State.QUEUED)
    )
    for message in cancelled:
        message.state = OutgoingMessage.State.CANCELLED
        message.save(update_fields=["state"])
        record(
            user, AuditEntry.Action.UPDATE, _subject(message), detail="annulleret", channel=channel
        )
    return cancelled


@transaction.atomic
def record_sent(
    message_id: int,
    *,
    reference: str = "",
    at: datetime.datetime | None = None,
    channel: str = "task",
) -> OutgoingMessage:
    """Mark the message sent; its case gets the event that meets the deadline. Idempotent: a
    message already sent is returned unchanged."""
    message = (
        OutgoingMessage.objects.select_for_update(of=("self",))
        .select_related("case", "created_by")
        .get(pk=message_id)
    )
    if message.state == OutgoingMessage.State.SENT:
        return message
    case = Case.objects.select_for_update().get(pk=message.case_id)
    message.state = OutgoingMessage.State.SENT
    message.sent_at = at or timezone.now()
    message.channel_reference = reference[:200]
    message.save(update_fields=["state", "sent_at", "channel_reference"])
    kind, label = SENT_EVENTS[OutgoingMessage.Purpose(message.purpose)]
    event = record_event(
        case,
        message.created_by,
        kind,
        label,
        from_state=case.state,
        data={"message_id": message.pk, "document_id": message.document_id},
    )
    if at is not None:
        # The delivery's own time, so the deadline is judged by when it was really sent.
        type(event).objects.filter(pk=event.pk).update(at=at)
    record(
        message.created_by,
        AuditEntry.Action.UPDATE,
        _subject(message),
        detail="sendt",
        channel=channel,
    )
    recompute_deadlines(case)
    return message


def deliver_queued(delivery: DeliveryChannel, *, limit: int = 100) -> list[OutgoingMessage]:
    """Hand the queued letters to the channel, oldest first; each delivered one is recorded
    as sent. A failed delivery stays queued for the next run."""
    sent = []
    queued = OutgoingMessage.objects.filter(state=OutgoingMessage.State.QUEUED).select_related(
        "case", "document"
    )[:limit]
    for message in queued:
        # Cancelled since it was read (its consultation was called off): not sent.
        if (
            OutgoingMessage.objects.filter(pk=message.pk).values_list("state", flat=True).first()
            != OutgoingMessage.State.QUEUED
        ):
            continue
        try:
            reference = delivery.deliver(message)
        except Exception:
            # No case or health details in the log: the message id is enough to find it.
            logger.exception("Delivery of outgoing message %s failed", message.pk)
            continue
        sent.append(record_sent(message.pk, reference=reference))
    return sent
