""" "Åbn alle dokumenter": a case's documents as one PDF with a contents page and a bookmark
per document.

The order and the duplicates are the rules' (`documents.rules.case_file_plan`): by category,
newest first within one, and a document whose bytes are already included is only listed on
the contents page ("dublet af …"). The pages are joined with pikepdf (qpdf), which copies each
document's objects without decoding its content streams, so memory grows with the number of
objects, not with what the pages draw. The contents page is rendered with WeasyPrint
(`core.pdf.html_to_pdf`) as fixed-height rows without a table, so its own page count is known
before it is laid out and it is laid out once.

The result is cached by the hash of everything it shows (`rules.case_file_key`) in a
`CombinedCaseFile` row whose blob is stored like any document's bytes. Small case files are
built in the request; larger ones by the task `documents.tasks.build_combined_case_file`.
"""

import contextlib
import io
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, cast

import pikepdf
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from sagsbro.core.pdf import html_to_pdf
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

CONTENTS_TEMPLATE = "documents/case_file_contents.html"
STYLESHEET = Path(__file__).resolve().parent / "case_file.css"
# A case file of at most this many documents and bytes is built in the request that asks for
# it; a larger one by the task.
DIRECT_BUILD_MAX_DOCUMENTS = 10
DIRECT_BUILD_MAX_BYTES = 5 * 1024 * 1024
# The contents listing is monospaced lines of fixed height (case_file.css): this many
# characters fit on a line, and this many lines on the first contents page (below the
# heading) and on each further one. The page count is then known before rendering and the
# page is laid out once; it is checked after rendering all the same.
LINE_WIDTH = 92
LINES_ON_FIRST_CONTENTS_PAGE = 53
LINES_PER_CONTENTS_PAGE = 59
MAX_CONTENTS_RENDERINGS = 3

NOT_PDF_NOTE = "Ikke en PDF – åbnes for sig"
UNREADABLE_NOTE = "Kunne ikke læses – åbnes for sig"
CHANGED_ERROR = "Dokumenterne er ændret, mens samlingen blev dannet. Prøv igen."


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
    """How many pages the contents take for this many listing lines (case_file.css)."""
    beyond_first = max(0, line_count - LINES_ON_FIRST_CONTENTS_PAGE)
    return 1 + -(-beyond_first // LINES_PER_CONTENTS_PAGE)


def render_contents(
    plan: CaseFilePlan,
    page_counts: Sequence[tuple[CaseFileEntry, int]],
    unreadable: set[int],
    *,
    reference: str = "",
    built_on: date | None = None,
) -> tuple[bytes, int]:
    """The contents page(s) as PDF bytes and their page count. The count is known from the
    number of rows; should the rendering disagree (a font with other metrics), it is rendered
    again with the count it has, until the page numbers it lists are right."""
    counts = [count for _, count in page_counts]
    total_documents = sum(counts)
    guess = contents_pages_for(2 * len(plan.ordered))
    content = b""
    for _ in range(MAX_CONTENTS_RENDERINGS):
        starts = contents_start_pages(guess, counts)
        rows = _contents_rows(
            plan,
            {entry.document_id: s for (entry, _), s in zip(page_counts, starts, strict=True)},
            unreadable,
        )
        head, lines = contents_listing(rows)
        context = {
            "reference": reference,
            "built_on": built_on or timezone.localdate(),
            "head": head,
            "listing": "\n".join(lines),
            "included_count": len(page_counts),
            "total_pages": guess + total_documents,
        }
        with translation.override("da"):
            content = html_to_pdf(render_to_string(CONTENTS_TEMPLATE, context), STYLESHEET)
        with pikepdf.open(io.BytesIO(content)) as rendered:
            pages = len(rendered.pages)
        if pages == guess:
            return content, pages
        guess = pages
    raise RuntimeError("The contents page count did not settle")  # pragma: no cover


def build_case_file_pdf(
    plan: CaseFilePlan,
    open_source: Callable[[CaseFileEntry], BinaryIO],
    out_path: Path,
    *,
    reference: str = "",
    built_on: date | None = None,
) -> BuiltCaseFile:
    """Write the case file of `plan` to `out_path`: the contents, then each included
    document's pages, one bookmark per document. `open_source` opens a document's bytes as a
    seekable binary stream; a document pikepdf cannot open is listed, not included."""
    with contextlib.ExitStack() as stack:
        sources: list[tuple[CaseFileEntry, pikepdf.Pdf]] = []
        unreadable: set[int] = set()
        for entry in plan.included:
            try:
                stream = stack.enter_context(open_source(entry))
                source = stack.enter_context(pikepdf.open(stream))
                if len(source.pages) == 0:
                    raise pikepdf.PdfError("no pages")
            except (pikepdf.PdfError, pikepdf.PasswordError, OSError, ValueError):
                unreadable.add(entry.document_id)
                continue
            sources.append((entry, source))
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


def _has_field(name: str) -> bool:
    return any(field.name == name for field in Document._meta.get_fields())


def case_file_entries(case_id: int) -> list[CaseFileEntry]:
    """The case's documents as the case file sees them (withdrawn ones left out)."""
    documents = Document.objects.filter(case_id=case_id)
    if _has_field("withdrawn_at"):
        documents = documents.filter(withdrawn_at__isnull=True)
    rows: Iterable[tuple[int, str, str, Any, str, str]] = documents.values_list(
        "id", "category", "title", "uploaded_at", "blob_id", "content_type"
    )
    return [
        CaseFileEntry(
            document_id=pk,
            category=category,
            title=title,
            document_date=timezone.localdate(uploaded_at),
            sha256=sha256,
            is_pdf=content_type == "application/pdf",
        )
        for pk, category, title, uploaded_at, sha256, content_type in rows
    ]


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


def build_into(row: CombinedCaseFile, reference: str) -> CombinedCaseFile:
    """Build the case file of the row's case now and store it on the row (in the caller's
    transaction, inside `blob_files_block`)."""
    plan = case_file_plan(case_file_entries(row.case_id))
    if case_file_key(plan) != row.key:
        row.error = CHANGED_ERROR
        row.save(update_fields=["error"])
        return row
    with tempfile.TemporaryDirectory(prefix="sagsbro-case-file-") as directory:
        out_path = Path(directory) / "case-file.pdf"
        built = build_case_file_pdf(plan, _blob_opener(plan), out_path, reference=reference)
        with out_path.open("rb") as result:
            blob = store_blob(File(result, name="case-file.pdf"))
    row.blob = blob
    row.page_count = built.page_count
    row.document_count = len(built.starts)
    row.built_at = timezone.now()
    row.error = ""
    row.save(update_fields=["blob", "page_count", "document_count", "built_at", "error"])
    return row


def build_combined_case_file_now(row_id: int) -> CombinedCaseFile:
    """Build a requested case file (the task's body): once, however often it is asked for."""
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


def combined_case_file(case: Any) -> CombinedCaseFile:
    """The case file of the case's documents as they are now: the cached one if it has been
    built (or is being built), else a new row, built here if small, otherwise queued.

    Whether the user may see the case's documents is the caller's to check.
    """
    from sagsbro.documents.tasks import build_combined_case_file  # the task imports this module

    plan = case_file_plan(case_file_entries(case.pk))
    key = case_file_key(plan)
    with transaction.atomic():
        row, created = CombinedCaseFile.objects.get_or_create(
            case_id=case.pk, key=key, defaults={"document_count": len(plan.included)}
        )
        if not created and not row.error:
            return row
        if row.error:
            row.error = ""
            row.save(update_fields=["error"])
        if _small(plan):
            return build_combined_case_file_now(row.pk)
        build_combined_case_file.enqueue(row.pk)
        return row
