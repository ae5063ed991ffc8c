"""Background work on documents, run by `manage.py db_worker` (Django's tasks framework with
the django-tasks-db backend, so a task queued in a transaction exists only if it commits)."""

import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage

from sagsbro.core.tasks import TRANSIENT_ERRORS, retrying_task
from sagsbro.documents.case_file import build_combined_case_file_with_progress, mark_build_failed
from sagsbro.documents.conversion import convert_document_now, give_up_conversion
from sagsbro.documents.fingerprint import text_fingerprint
from sagsbro.documents.models import Document
from sagsbro.documents.services import blob_files_block, store_blob
from sagsbro.documents.thumbnails import thumbnail_png
from sagsbro.documents.viewing import PDF


@retrying_task(on_give_up=mark_build_failed)
def build_combined_case_file(combined_id: int) -> int | None:
    """Build the requested "Åbn alle dokumenter" PDF; return its page count (None if the
    documents changed meanwhile: the next request asks for a new one). A build that fails
    is noted on the row, so the page offers to try again; a transient error is retried
    first, and noted only when the last attempt meets it too."""
    try:
        row = build_combined_case_file_with_progress(combined_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        mark_build_failed(combined_id)
        raise
    return row.page_count


@retrying_task(on_give_up=give_up_conversion)
def convert_document(document_id: int) -> str:
    """Make the PDF rendition of a document that is not a PDF (documents.conversion); return
    its conversion status ("done" or "failed"; unchanged when it was not pending)."""
    return convert_document_now(document_id)


# --- thumbnails -----------------------------------------------------------------------------


def enqueue_thumbnail(document: Document) -> None:
    """Queue the first-page thumbnail of a document that has a PDF to draw from: a PDF, or
    another type once its PDF rendition exists (the conversion calls this when it is done).
    Queued in the caller's transaction, so it exists only if the document does."""
    if document.rendition_id is not None or document.content_type == PDF:
        make_thumbnail.enqueue(document.pk)


def save_thumbnail(document_id: int) -> bool:
    """Draw the document's first page and store it as the document's thumbnail; False when
    there is nothing to draw from or the page cannot be drawn (the list shows no picture)."""
    document = Document.objects.select_related("blob", "rendition").filter(pk=document_id).first()
    if document is None:
        return False
    source = document.rendition or (document.blob if document.content_type == PDF else None)
    if source is None:
        return False
    with tempfile.TemporaryDirectory(prefix="sagsbro-thumbnail-") as directory:
        # Copied to a local file in chunks: the storage may be an object store.
        path = Path(directory) / "source.pdf"
        with default_storage.open(str(source.file.name), "rb") as stored, path.open("wb") as local:
            shutil.copyfileobj(stored, local, 1024 * 1024)
        png = thumbnail_png(path)
    if png is None:
        return False
    with blob_files_block():
        blob = store_blob(png)
        # Only this column: the conversion may be writing the row's others meanwhile.
        Document.objects.filter(pk=document_id).update(thumbnail=blob)
    return True


@retrying_task()
def make_thumbnail(document_id: int) -> bool:
    """The first-page thumbnail shown in the Dokumenter tab's list."""
    return save_thumbnail(document_id)


# --- text fingerprints ----------------------------------------------------------------------


def enqueue_fingerprint(document: Document) -> None:
    """Queue the text fingerprint of an uploaded PDF, in the caller's transaction. A converted
    document's fingerprint is taken from its rendition by the conversion."""
    if document.content_type == PDF:
        fingerprint_document.enqueue(document.pk)


def save_fingerprint(document_id: int) -> str:
    """Read the PDF's text fingerprint and store it; return it ("" for none)."""
    document = Document.objects.select_related("blob").filter(pk=document_id).first()
    if document is None or document.content_type != PDF:
        return ""
    with default_storage.open(str(document.blob.file.name), "rb") as stored:
        text_sha256 = text_fingerprint(stored)
    # Only this column: other tasks may be writing the rows' others meanwhile. Every PDF
    # document of these bytes gets it, also a copy carried over to another case before this ran.
    Document.objects.filter(blob_id=document.blob_id, content_type=PDF).update(
        text_sha256=text_sha256
    )
    return text_sha256


@retrying_task()
def fingerprint_document(document_id: int) -> str:
    """The text fingerprint that finds a re-scanned or re-saved copy of the same document."""
    return save_fingerprint(document_id)
