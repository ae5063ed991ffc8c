"""Background work after the meeting, run by `manage.py db_worker`: the finalised indstilling
filed on the case as a PDF, and the written conclusion to the citizen produced as a PDF and
put in the outbox. Each task runs once per indstilling: a retried run finds the event of the
first and returns the same document."""

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.core.pdf import page_count
from sagsbro.core.tasks import retrying_task
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import blob_files_block, store_blob
from sagsbro.meetings.models import FollowUp, Indstilling
from sagsbro.meetings.pdf import letters
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import queue_message
from sagsbro.organisations.models import User

INDSTILLING_PDF_LABEL = "Indstilling dannet som PDF"
CONCLUSION_PDF_LABEL = "Skriftlig konklusion til borgeren dannet og lagt til afsendelse"


def _locked(indstilling_id: int) -> Indstilling:
    # Lock the indstilling's row only (see cases.tasks: joined rows deadlock on PostgreSQL).
    return (
        Indstilling.objects.select_for_update(of=("self",))
        .select_related("case__municipality", "case__citizen", "booking__meeting", "case__region")
        .get(pk=indstilling_id)
    )


def _file(indstilling, user, category, title, filename, content) -> Document:
    case = indstilling.case
    document = Document.objects.create(
        case=case,
        category=category,
        title=title,
        filename=filename,
        content_type="application/pdf",
        blob=store_blob(content),
        pages=page_count(content),
        uploaded_by=user,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail=str(category),
        channel="task",
    )
    return document


@retrying_task()
def build_indstilling_pdf(indstilling_id: int, user_id: int) -> int:
    """File the finalised indstilling on its case as a PDF; return the document's id."""
    with blob_files_block():
        indstilling = _locked(indstilling_id)
        case = indstilling.case
        done = CaseEvent.objects.filter(
            case=case, kind=EventKind.INDSTILLING_PDF, data__indstilling_id=indstilling.pk
        ).first()
        if done is not None:
            return int(done.data["document_id"])
        user = User.objects.get(pk=user_id)
        document = _file(
            indstilling,
            user,
            Category.INDSTILLING,
            letters.INDSTILLING_TITLE,
            letters.indstilling_filename(indstilling),
            letters.render_indstilling_pdf(indstilling),
        )
        indstilling.document = document
        indstilling.save(update_fields=["document"])
        record_event(
            case,
            user,
            EventKind.INDSTILLING_PDF,
            INDSTILLING_PDF_LABEL,
            from_state=case.state,
            data={"indstilling_id": indstilling.pk, "document_id": document.pk},
        )
        return document.pk


@retrying_task()
def build_conclusion_letter(indstilling_id: int, user_id: int) -> int:
    """Produce the written conclusion to the citizen as a PDF on the case and queue it to the
    citizen; return the document's id. It is sent only when the outbox records it sent."""
    with blob_files_block():
        indstilling = _locked(indstilling_id)
        case = indstilling.case
        done = CaseEvent.objects.filter(
            case=case, kind=EventKind.CONCLUSION_LETTER, data__indstilling_id=indstilling.pk
        ).first()
        if done is not None:
            return int(done.data["document_id"])
        user = User.objects.get(pk=user_id)
        follow_ups = list(FollowUp.objects.filter(booking=indstilling.booking, done_at=None))
        document = _file(
            indstilling,
            user,
            Category.CITIZEN_CONCLUSION,
            letters.CONCLUSION_TITLE,
            letters.conclusion_filename(indstilling),
            letters.render_conclusion_pdf(indstilling, follow_ups),
        )
        message = queue_message(
            user,
            case,
            purpose=OutgoingMessage.Purpose.CITIZEN_CONCLUSION,
            document=document,
            channel="task",
        )
        record_event(
            case,
            user,
            EventKind.CONCLUSION_LETTER,
            CONCLUSION_PDF_LABEL,
            from_state=case.state,
            data={
                "indstilling_id": indstilling.pk,
                "document_id": document.pk,
                "message_id": message.pk,
            },
        )
        return document.pk
