"""Documents the system writes itself, queued as background tasks.

The task row is written by the database task backend in the caller's transaction: it is
committed together with the change it documents, or not at all. A worker never sees a task
for an answer that was rolled back, and an answer is never committed without its task.
"""

from django.db import transaction

from sagsbro.cases.models import Advice
from sagsbro.documents.tasks import build_written_answer_pdf


def enqueue_written_answer_pdf(advice: Advice | None):
    """Queue the PDF of a written answer; call it in the transaction that saved the answer."""
    if advice is None or advice.kind != Advice.Kind.WRITTEN_ANSWER:
        raise ValueError("Only a written answer is filed as a PDF.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue the PDF in the transaction that saves the answer.")
    return build_written_answer_pdf.enqueue(advice.pk)
