"""Background work on cases, run by `manage.py db_worker` (Django's tasks framework with
the django-tasks-db backend)."""

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Advice, CaseEvent
from sagsbro.cases.pdf import written_answer
from sagsbro.cases.rules.events import EventKind
from sagsbro.core.pdf import page_count
from sagsbro.core.tasks import retrying_task
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import blob_files_block, store_blob

PDF_EVENT_LABEL = "Skriftligt svar dannet som PDF"


@retrying_task()
def build_written_answer_pdf(advice_id: int) -> int:
    """File the coordinator's written answer on its case as a PDF; return the document's id.

    Runs once per answer: a second run (a retried task) finds the event of the first and
    returns the same document. A transient database error queues the task again
    (`retrying_task`); one that failed for good is shown on the case page, to start again.
    """
    # A transaction that removes the PDF's blob file again if it fails (and is retried).
    with blob_files_block():
        # Lock the answer's row only. Locking the joined rows too (the author's user row)
        # deadlocks on PostgreSQL with any request that writes an audit entry for that user
        # while this task waits for the audit chain.
        advice = (
            Advice.objects.select_for_update(of=("self",))
            .select_related("case__region", "case__municipality", "case__citizen", "author")
            .get(pk=advice_id, kind=Advice.Kind.WRITTEN_ANSWER)
        )
        case = advice.case
        done = CaseEvent.objects.filter(
            case=case, kind=EventKind.WRITTEN_ANSWER_PDF, data__advice_id=advice.pk
        ).first()
        if done is not None:
            return done.data["document_id"]

        content = written_answer.render_pdf(advice)
        blob = store_blob(content)
        document = Document.objects.create(
            case=case,
            category=Category.WRITTEN_ANSWER,
            title=written_answer.TITLE,
            filename=written_answer.filename_for(advice),
            content_type="application/pdf",
            blob=blob,
            pages=page_count(content),
            uploaded_by=advice.author,
        )
        record_event(
            case,
            advice.author,
            EventKind.WRITTEN_ANSWER_PDF,
            PDF_EVENT_LABEL,
            from_state=case.state,
            data={"advice_id": advice.pk, "document_id": document.pk},
        )
        record(
            advice.author,
            AuditEntry.Action.CREATE,
            Subject("document", document.pk, case.pk, case.citizen_id),
            detail=str(Category.WRITTEN_ANSWER),
            channel="task",
        )
        return document.pk
