"""After the meeting: the written conclusion to the citizen and the GP's copy of the
indstilling go to the outbox. Their deadlines (one week after the meeting) are met only when
the outbox records each letter as sent (messaging app), never by holding the meeting."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import TaskResult

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import access as cases_access
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.services.common import audit_case_write, locked
from sagsbro.core.errors import AlreadyDone, PermissionRefused, ServiceError
from sagsbro.meetings.models import Indstilling
from sagsbro.meetings.tasks import build_conclusion_letter
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import queue_message
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import MUNICIPAL_ROLES


def latest_finalised_indstilling(case: Case) -> Indstilling | None:
    return (
        Indstilling.objects.filter(case=case, finalised_at__isnull=False)
        .select_related("document", "booking__meeting")
        .order_by("-finalised_at", "-id")
        .first()
    )


@transaction.atomic
def send_conclusion_letter(
    user: User, case: Case, *, channel: str = "api"
) -> tuple[Indstilling, TaskResult[..., Any]]:
    """Queue the GP's copy of the finalised indstilling and the task that produces the
    written conclusion to the citizen (a PDF on the case, queued to the citizen)."""
    case = locked(case)
    if not cases_access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role not in MUNICIPAL_ROLES or user.municipality_id != case.municipality_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun kommunen kan sende konklusionen til borgeren."
        )
    indstilling = latest_finalised_indstilling(case)
    if indstilling is None or indstilling.document_id is None:
        raise ServiceError(
            "indstilling_missing",
            "Indstillingen skal være afsluttet og dannet som PDF, før konklusionen sendes.",
        )
    document = indstilling.document
    assert document is not None
    if (
        OutgoingMessage.objects.filter(
            case=case, purpose=OutgoingMessage.Purpose.GP_INDSTILLING_COPY, document=document
        ).exists()
        or case.events.filter(
            kind=EventKind.CONCLUSION_LETTER, data__indstilling_id=indstilling.pk
        ).exists()
    ):
        raise AlreadyDone(
            "already_sent",
            "Konklusionen for denne indstilling er allerede lagt til afsendelse.",
            existing={"indstilling": indstilling.pk},
        )
    if case.citizen.general_practitioner_id is not None:
        queue_message(
            user,
            case,
            purpose=OutgoingMessage.Purpose.GP_INDSTILLING_COPY,
            document=document,
            channel=channel,
        )
    audit_case_write(user, case, AuditEntry.Action.UPDATE, "conclusion_letter", channel)
    task = build_conclusion_letter.enqueue(indstilling.pk, user.pk)
    return indstilling, task
