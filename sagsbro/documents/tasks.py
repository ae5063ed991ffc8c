"""Background work on documents, run by `manage.py db_worker` (Django's tasks framework with
the django-tasks-db backend, so a task queued in a transaction exists only if it commits)."""

from sagsbro.core.tasks import retrying_task
from sagsbro.documents.case_file import build_combined_case_file_now


@retrying_task()
def build_combined_case_file(combined_id: int) -> int | None:
    """Build the requested "Åbn alle dokumenter" PDF; return its page count (None if the
    documents changed meanwhile: the next request asks for a new one)."""
    row = build_combined_case_file_now(combined_id)
    return row.page_count
