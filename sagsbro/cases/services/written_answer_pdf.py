"""The written answer's PDF, which the system files on the case itself as a background task.

The task row is written by the database task backend in the caller's transaction: it is
committed together with the change it documents, or not at all. A worker never sees a task
for an answer that was rolled back, and an answer is never committed without its task.
"""

from typing import Any

from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access as cases_access
from sagsbro.cases.access import may_retry_pdf
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Advice, Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.tasks import build_written_answer_pdf
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import User


def enqueue_written_answer_pdf(advice: Advice | None) -> TaskResult[..., Any]:
    """Queue the PDF of a written answer; call it in the transaction that saved the answer."""
    if advice is None or advice.kind != Advice.Kind.WRITTEN_ANSWER:
        raise ValueError("Only a written answer is filed as a PDF.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue the PDF in the transaction that saves the answer.")
    return build_written_answer_pdf.enqueue(advice.pk)


# --- a PDF that failed for good -----------------------------------------------------------

PDF_RETRY_EVENT_LABEL = "PDF af skriftligt svar dannes igen"


def failed_written_answer_pdfs(case: Case) -> list[Advice]:
    """The case's written answers whose PDF task failed for good: no PDF was filed, the last
    task ended FAILED and none is queued or running (a transient error queues the task
    again, so a task still waiting to retry is not failed)."""
    answers = list(Advice.objects.filter(case=case, kind=Advice.Kind.WRITTEN_ANSWER))
    if not answers:
        return []
    filed = set(
        CaseEvent.objects.filter(case=case, kind=EventKind.WRITTEN_ANSWER_PDF).values_list(
            "data__advice_id", flat=True
        )
    )
    statuses: dict[int, set[str]] = {}
    tasks = DBTaskResult.objects.filter(
        task_path=build_written_answer_pdf.module_path,
        args_kwargs__args__0__in=[a.pk for a in answers],
    ).values_list("args_kwargs", "status")
    for args_kwargs, status in tasks:
        statuses.setdefault(args_kwargs["args"][0], set()).add(status)
    waiting = {TaskResultStatus.READY, TaskResultStatus.RUNNING}
    return [
        advice
        for advice in answers
        if advice.pk not in filed
        and TaskResultStatus.FAILED in statuses.get(advice.pk, set())
        and not statuses[advice.pk] & waiting
    ]


@transaction.atomic
def retry_written_answer_pdf(
    user: User, case: Case, advice_id: int, channel: str = "web"
) -> TaskResult[..., Any]:
    """Queue a written answer's PDF again after its task failed for good."""
    if not may_retry_pdf(user) or not cases_access.may_see(user, case):
        raise PermissionRefused("not_allowed", "Du kan ikke starte dannelsen af PDF'en igen.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    advice = next((a for a in failed_written_answer_pdfs(case) if a.pk == advice_id), None)
    if advice is None:
        raise ServiceError(
            "pdf_not_failed", "PDF'en er allerede dannet eller er på vej og skal ikke startes igen."
        )
    result = build_written_answer_pdf.enqueue(advice.pk)
    record_event(
        case,
        user,
        EventKind.WRITTEN_ANSWER_PDF_RETRY,
        PDF_RETRY_EVENT_LABEL,
        from_state=case.state,
        data={"advice_id": advice.pk, "task_id": str(result.id)},
    )
    record(
        user,
        AuditEntry.Action.UPDATE,
        Subject("advice", advice.pk, case.pk, case.citizen_id),
        detail="PDF af skriftligt svar dannes igen",
        channel=channel,
    )
    return result
