""" "Åbn alle dokumenter": a case's documents as one PDF with a contents page and a bookmark
per document.

The order and the duplicates are the rules' (`documents.rules.case_file_plan`): by category,
newest first within one, and a document whose bytes are already included is only listed on
the contents page ("dublet af …"). The pages are joined with pikepdf (qpdf), which copies each
document's objects without decoding its content streams, so memory grows with the number of
objects, not with what the pages draw. The contents page is monospaced lines drawn straight
into PDF pages (`documents.contents_pdf`, no layout engine), so its own page count follows
from the number of lines and it is drawn once.

The result is cached by the hash of everything it shows (`rules.case_file_key`) in a
`CombinedCaseFile` row whose blob is stored like any document's bytes. Small case files are
built in the request; larger ones by the task `documents.tasks.build_combined_case_file`.

A build that fails is shown as failed (`build_state`), with a button to ask again
(`combined_case_file(case, retry=True)`): the task notes its error on the row, and a build
whose worker died (its lease, or a queued build never started, older than `BUILD_LEASE`) is
failed too. Only asking again queues a new build: looking at the state never does.
"""

import contextlib
import datetime
import io
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, cast

import pikepdf
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import dateformat, timezone, translation

from sagsbro.documents import contents_pdf
from sagsbro.documents.models import Blob, CombinedCaseFile, Document
from sagsbro.documents.rules import (
    CATEGORY_LABELS,
    CaseFileEntry,
    CaseFilePlan,
    Category,
    case_file_key,
    case_file_plan,
    contents_start_pages,
)
from sagsbro.documents.services import blob_files_block, store_blob

# A case file of at most this many documents and bytes is built in the request that asks for
# it; a larger one by the task.
DIRECT_BUILD_MAX_DOCUMENTS = 10
DIRECT_BUILD_MAX_BYTES = 5 * 1024 * 1024
# The contents listing is monospaced lines of fixed height (documents/contents_pdf.py): this
# many characters fit on a line, and the page count follows from the number of lines.
LINE_WIDTH = contents_pdf.LINE_WIDTH

NOT_PDF_NOTE = "Ikke en PDF – åbnes for sig"
UNREADABLE_NOTE = "Kunne ikke læses – åbnes for sig"
CHANGED_ERROR = "Dokumenterne er ændret, mens samlingen blev dannet. Prøv igen."
BUILD_ERROR = "Der opstod en fejl, mens den blev dannet. Prøv igen."
STALLED_ERROR = "Dannelsen gik i stå. Prøv igen."


def duplicate_note(original_title: str) -> str:
    return f"Dublet af »{original_title}« – ikke medtaget"


@dataclass(frozen=True)
class BuiltCaseFile:
    page_count: int
    contents_pages: int
    # The documents whose pages are in the file, in order, with the page each starts on.
    starts: tuple[tuple[CaseFileEntry, int], ...]


# --- building the PDF (no database) ---------------------------------------------------------


def _contents_rows(
    plan: CaseFilePlan,
    starts: dict[int, int],
    unreadable: set[int],
) -> list[dict[str, Any]]:
    titles = {entry.document_id: entry.title for entry in plan.ordered}
    rows: list[dict[str, Any]] = []
    number = 0
    for entry in plan.ordered:
        start = starts.get(entry.document_id)
        note = ""
        if start is not None:
            number += 1
        elif entry.document_id in plan.duplicates:
            note = duplicate_note(titles[plan.duplicates[entry.document_id]])
        elif entry.document_id in unreadable:
            note = UNREADABLE_NOTE
        else:
            note = NOT_PDF_NOTE
        try:
            category = CATEGORY_LABELS[Category(entry.category)]
        except ValueError:
            category = entry.category
        rows.append(
            {
                "number": number if start is not None else None,
                "title": entry.title,
                "category": category,
                "date": entry.document_date,
                "start": start,
                "note": note,
            }
        )
    return rows


def _fit(text: str, width: int) -> str:
    """`text` on one line of at most `width` characters, cut with an ellipsis."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def contents_listing(rows: Sequence[dict[str, Any]]) -> tuple[str, list[str]]:
    """The column heading and the lines of the contents listing: per document its number,
    title, date and first page, and below it its category and any note."""
    title_width = LINE_WIDTH - 4 - 12 - 6
    head = f"{'Nr.':<4}{'Titel':<{title_width}}  {'Dato':<10}{'Side':>6}"
    lines: list[str] = []
    for row in rows:
        number = f"{row['number']}" if row["number"] else ""
        start = f"{row['start']}" if row["start"] else "–"
        written = row["date"].strftime("%d.%m.%Y") if row["date"] else ""
        lines.append(
            f"{number:<4}{_fit(row['title'], title_width):<{title_width}}  {written:<10}{start:>6}"
        )
        below = row["category"] + (f" · {row['note']}" if row["note"] else "")
        lines.append("    " + _fit(below, LINE_WIDTH - 4))
    return head, lines


def contents_pages_for(line_count: int) -> int:
    """How many pages the contents take for this many listing lines."""
    return contents_pdf.pages_for(line_count)


def render_contents(
    plan: CaseFilePlan,
    page_counts: Sequence[tuple[CaseFileEntry, int]],
    unreadable: set[int],
    *,
    reference: str = "",
    built_on: date | None = None,
) -> tuple[bytes, int]:
    """The contents page(s) as PDF bytes and their page count, known before drawing from the
    number of listing lines (two per document)."""
    contents_pages = contents_pages_for(2 * len(plan.ordered))
    counts = [count for _, count in page_counts]
    starts = contents_start_pages(contents_pages, counts)
    rows = _contents_rows(
        plan,
        {entry.document_id: s for (entry, _), s in zip(page_counts, starts, strict=True)},
        unreadable,
    )
    head, lines = contents_listing(rows)
    included = len(page_counts)
    total_pages = contents_pages + sum(counts)
    with translation.override("da"):
        built = dateformat.format(built_on or timezone.localdate(), "j. F Y")
    text = contents_pdf.ContentsText(
        title=f"Dokumentsamling – sag {reference}" if reference else "Dokumentsamling",
        meta=(
            f"Dannet {built} · {included} dokument{'er' if included != 1 else ''} · "
            f"{total_pages} side{'r' if total_pages != 1 else ''} i alt"
        ),
        head=head,
        lines=lines,
        total_pages=total_pages,
    )
    content, pages = contents_pdf.render(text)
    assert pages == contents_pages
    return content, pages


def build_case_file_pdf(
    plan: CaseFilePlan,
    open_source: Callable[[CaseFileEntry], BinaryIO],
    out_path: Path,
    *,
    reference: str = "",
    built_on: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> BuiltCaseFile:
    """Write the case file of `plan` to `out_path`: the contents, then each included
    document's pages, one bookmark per document. `open_source` opens a document's bytes as a
    seekable binary stream; a document pikepdf cannot open is listed, not included.
    `progress` is told how many of the included documents have been read so far."""
    with contextlib.ExitStack() as stack:
        sources: list[tuple[CaseFileEntry, pikepdf.Pdf]] = []
        unreadable: set[int] = set()
        for done, entry in enumerate(plan.included, start=1):
            try:
                stream = stack.enter_context(open_source(entry))
                source = stack.enter_context(pikepdf.open(stream))
                if len(source.pages) == 0:
                    raise pikepdf.PdfError("no pages")
            except (pikepdf.PdfError, pikepdf.PasswordError, OSError, ValueError):
                unreadable.add(entry.document_id)
            else:
                sources.append((entry, source))
            if progress is not None:
                progress(done)
        page_counts = [(entry, len(source.pages)) for entry, source in sources]
        contents, contents_pages = render_contents(
            plan, page_counts, unreadable, reference=reference, built_on=built_on
        )
        result = stack.enter_context(pikepdf.open(io.BytesIO(contents)))
        starts = contents_start_pages(contents_pages, [count for _, count in page_counts])
        with result.open_outline() as outline:
            outline.root.clear()
            for (entry, source), start in zip(sources, starts, strict=True):
                result.pages.extend(source.pages)
                outline.root.append(pikepdf.OutlineItem(entry.title, start - 1))
        result.docinfo[pikepdf.Name.Title] = (
            f"Dokumentsamling – sag {reference}" if reference else "Dokumentsamling"
        )
        result.save(out_path)
        page_count = len(result.pages)
    return BuiltCaseFile(
        page_count=page_count,
        contents_pages=contents_pages,
        starts=tuple((entry, s) for (entry, _), s in zip(page_counts, starts, strict=True)),
    )


# --- the case's documents, and the cached result --------------------------------------------


def case_file_entries(case_id: int) -> list[CaseFileEntry]:
    """The case's documents as the case file sees them (withdrawn ones left out): dated by the
    date on the document, or the upload date; a converted document joins its PDF rendition."""
    return entries_by_case([case_id]).get(case_id, [])


def entries_by_case(case_ids: Iterable[int]) -> dict[int, list[CaseFileEntry]]:
    """`case_file_entries` for several cases in one query."""
    rows: Iterable[tuple[Any, ...]] = (
        Document.objects.filter(case_id__in=list(case_ids), withdrawn_at__isnull=True)
        .order_by()
        .values_list(
            "case_id",
            "id",
            "category",
            "title",
            "document_date",
            "uploaded_at",
            "blob_id",
            "content_type",
            "rendition_id",
            "conversion_status",
            "text_sha256",
        )
    )
    entries: dict[int, list[CaseFileEntry]] = {}
    for (
        case_id,
        pk,
        category,
        title,
        document_date,
        uploaded_at,
        sha256,
        content_type,
        rendition,
        conversion_status,
        text_sha256,
    ) in rows:
        converted = rendition is not None and conversion_status == "done"
        entries.setdefault(case_id, []).append(
            CaseFileEntry(
                document_id=pk,
                category=category,
                title=title,
                document_date=document_date or timezone.localdate(uploaded_at),
                sha256=rendition if converted else sha256,
                is_pdf=converted or content_type == "application/pdf",
                text_sha256=text_sha256,
                source_sha256=sha256,
            )
        )
    return entries


def duplicates_by_case(case_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    """Per case, the documents the case file leaves out as duplicates, each with the document
    it duplicates (`rules.case_file_plan`), in one query."""
    return {
        case_id: dict(case_file_plan(entries).duplicates)
        for case_id, entries in entries_by_case(case_ids).items()
    }


def _blob_opener(plan: CaseFilePlan) -> Callable[[CaseFileEntry], BinaryIO]:
    """Opens a document's bytes from storage, the file names read in one query."""
    hashes = {entry.sha256 for entry in plan.included}
    names = dict(Blob.objects.filter(sha256__in=hashes).values_list("sha256", "file"))

    def open_blob(entry: CaseFileEntry) -> BinaryIO:
        return cast(BinaryIO, default_storage.open(names[entry.sha256], "rb"))

    return open_blob


def _small(plan: CaseFilePlan) -> bool:
    """Few documents of few bytes: built in the request in well under a second."""
    if len(plan.included) > DIRECT_BUILD_MAX_DOCUMENTS:
        return False
    hashes = {entry.sha256 for entry in plan.included}
    sizes = Blob.objects.filter(sha256__in=hashes).values_list("size", flat=True)
    return sum(sizes) <= DIRECT_BUILD_MAX_BYTES


def _store_built(row: CombinedCaseFile, out_path: Path, built: BuiltCaseFile) -> None:
    """Store the built file's bytes and note them on the row (in the caller's transaction,
    inside `blob_files_block`)."""
    with out_path.open("rb") as result:
        blob = store_blob(File(result, name="case-file.pdf"))
    row.blob = blob
    row.page_count = built.page_count
    row.document_count = len(built.starts)
    row.documents_done = len(built.starts)
    row.built_at = timezone.now()
    row.error = ""
    row.save(
        update_fields=[
            "blob",
            "page_count",
            "document_count",
            "documents_done",
            "built_at",
            "error",
        ]
    )


def build_into(
    row: CombinedCaseFile, reference: str, progress: Callable[[int], None] | None = None
) -> CombinedCaseFile:
    """Build the case file of the row's case now and store it on the row (in the caller's
    transaction, inside `blob_files_block`)."""
    plan = case_file_plan(case_file_entries(row.case_id))
    if case_file_key(plan) != row.key:
        row.error = CHANGED_ERROR
        row.save(update_fields=["error"])
        return row
    with tempfile.TemporaryDirectory(prefix="sagsbro-case-file-") as directory:
        out_path = Path(directory) / "case-file.pdf"
        built = build_case_file_pdf(
            plan, _blob_opener(plan), out_path, reference=reference, progress=progress
        )
        _store_built(row, out_path, built)
    return row


def build_combined_case_file_now(row_id: int) -> CombinedCaseFile:
    """Build a requested case file in one transaction holding its row: once, however often it
    is asked for. For a small case file, built in the request; a large one is built by
    `build_combined_case_file_with_progress`, which does not hold the row while it works."""
    with blob_files_block():
        row = (
            CombinedCaseFile.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=row_id)
        )
        if row.blob_id is not None:
            return row
        reference: str = getattr(row.case, "reference", "")
        return build_into(row, reference)


# --- building in the background, with progress ----------------------------------------------

# Progress is written at most this often (seconds), and when the last document is read.
PROGRESS_INTERVAL = 0.5
# A build's lease on its row: longer than any build takes (the worker's task time limit).
BUILD_LEASE = datetime.timedelta(minutes=15)

READY = "ready"
BUILDING = "building"
FAILED = "failed"


def stalled(row: CombinedCaseFile, now: datetime.datetime | None = None) -> bool:
    """A build that will not finish by itself: its lease is older than any build takes (the
    worker died), or it was queued that long ago and no worker has started it."""
    if row.blob_id is not None or row.error:
        return False
    since = now or timezone.now()
    started = row.build_started_at or row.requested_at
    return started is not None and started < since - BUILD_LEASE


def build_state(row: CombinedCaseFile, now: datetime.datetime | None = None) -> str:
    """`READY` (the PDF is stored), `FAILED` (an error, or a stalled build: ask again) or
    `BUILDING`."""
    if row.blob_id is not None:
        return READY
    return FAILED if row.error or stalled(row, now) else BUILDING


def failure_text(row: CombinedCaseFile) -> str:
    """Why the build failed, in Danish, for the page and the API."""
    return row.error or STALLED_ERROR


def mark_build_failed(row_id: int, error: str = BUILD_ERROR) -> None:
    """Note on the row that its build failed (the task calls this when it gives up), so the
    page and the API show the failure instead of a build that never ends. In a statement of
    its own; a file stored meanwhile is left as it is."""
    CombinedCaseFile.objects.filter(pk=row_id, blob__isnull=True).update(
        error=error, build_started_at=None
    )


@contextlib.contextmanager
def _build_claim(row_id: int) -> Iterator[bool]:
    """Whether this process may build the row now: a lease on the row (`build_started_at`)
    taken by one conditional UPDATE, which PostgreSQL and SQLite both run atomically, so two
    workers never build the same file. The lease is given back at the end; one left by a
    worker that died is taken over once it is older than `BUILD_LEASE`."""
    now = timezone.now()
    free = models.Q(build_started_at__isnull=True) | models.Q(
        build_started_at__lt=now - BUILD_LEASE
    )
    claimed = bool(
        CombinedCaseFile.objects.filter(free, pk=row_id, blob__isnull=True).update(
            build_started_at=now
        )
    )
    try:
        yield claimed
    finally:
        if claimed:
            CombinedCaseFile.objects.filter(pk=row_id, build_started_at=now).update(
                build_started_at=None
            )


def _progress_writer(row_id: int, total: int) -> Callable[[int], None]:
    """Writes the row's `documents_done` in its own short statement (autocommit), so the page
    polling the status sees it while the build goes on."""
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done < total and now - last < PROGRESS_INTERVAL:
            return
        last = now
        CombinedCaseFile.objects.filter(pk=row_id, blob__isnull=True).update(documents_done=done)

    return progress


def build_combined_case_file_with_progress(row_id: int) -> CombinedCaseFile:
    """Build a requested case file (the task's body) showing progress: the documents are
    read and joined outside any transaction, writing `documents_done` as they go, and the
    result is stored in a short transaction at the end. Once, however often it is asked for:
    a build already under way elsewhere is left to finish, one finished is not redone."""
    if transaction.get_connection().in_atomic_block:
        # Progress written inside a transaction is seen by nobody: build as one step.
        return build_combined_case_file_now(row_id)
    with _build_claim(row_id) as claimed:
        row = CombinedCaseFile.objects.select_related("case").get(pk=row_id)
        if not claimed or row.blob_id is not None or row.error:
            return row
        plan = case_file_plan(case_file_entries(row.case_id))
        if case_file_key(plan) != row.key:
            CombinedCaseFile.objects.filter(pk=row_id).update(error=CHANGED_ERROR)
            row.error = CHANGED_ERROR
            return row
        reference: str = getattr(row.case, "reference", "")
        CombinedCaseFile.objects.filter(pk=row_id).update(documents_done=0)
        progress = _progress_writer(row_id, len(plan.included))
        with tempfile.TemporaryDirectory(prefix="sagsbro-case-file-") as directory:
            out_path = Path(directory) / "case-file.pdf"
            built = build_case_file_pdf(
                plan, _blob_opener(plan), out_path, reference=reference, progress=progress
            )
            with blob_files_block():
                row = CombinedCaseFile.objects.select_for_update().get(pk=row_id)
                if row.blob_id is None:
                    _store_built(row, out_path, built)
        return row


def combined_case_file(case: Any, *, retry: bool = False) -> CombinedCaseFile:
    """The case file of the case's documents as they are now: the cached one if it has been
    built (or is being built, or failed), else a new row, built here if small, otherwise
    queued. With `retry`, a failed or stalled build is asked for again.

    Whether the user may see the case's documents is the caller's to check.
    """
    from sagsbro.documents.tasks import build_combined_case_file  # the task imports this module

    plan = case_file_plan(case_file_entries(case.pk))
    key = case_file_key(plan)
    with transaction.atomic():
        row, created = CombinedCaseFile.objects.get_or_create(
            case_id=case.pk, key=key, defaults={"document_count": len(plan.included)}
        )
        if not created:
            now = timezone.now()
            if not retry or build_state(row, now) != FAILED:
                return row
            # Asked again after a failure: only the request that clears it goes on, so two at
            # once queue one build, not two. A stalled build's lease is given up with it.
            failed = models.Q(error__gt="") | models.Q(build_started_at__lt=now - BUILD_LEASE)
            failed |= models.Q(build_started_at__isnull=True, requested_at__lt=now - BUILD_LEASE)
            cleared = CombinedCaseFile.objects.filter(failed, pk=row.pk, blob__isnull=True)
            if not cleared.update(
                error="", documents_done=0, build_started_at=None, requested_at=now
            ):
                row.refresh_from_db()
                return row
            row.error, row.documents_done, row.build_started_at = "", 0, None
            row.requested_at = now
        if _small(plan):
            return build_combined_case_file_now(row.pk)
        build_combined_case_file.enqueue(row.pk)
        return row
