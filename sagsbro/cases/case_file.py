""" "Åbn alle dokumenter" for a case: who may have it, and serving the built PDF with its audit
entry. The PDF itself is documents' (`documents.case_file`); the web page and the API both
come here."""

from django.http import FileResponse

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Case
from sagsbro.core.web import ObjectNotVisible, get_visible_or_404
from sagsbro.documents.case_file import build_state, combined_case_file, failure_text
from sagsbro.documents.models import CombinedCaseFile
from sagsbro.organisations.roles import Role

BUILDING = "Dokumentsamlingen dannes …"


def case_for_case_file(user, pk) -> Case:
    """The case, if the user sees all its documents; 404 otherwise (a GP sees only what was
    sent to them, never the whole file)."""
    if getattr(user, "role", None) == Role.GENERAL_PRACTITIONER:
        raise ObjectNotVisible(Case, pk)
    return get_visible_or_404(Case.objects.visible_to(user), pk)


def requested_case_file(user, pk, *, retry: bool = False) -> tuple[Case, CombinedCaseFile]:
    """The case and its case file as the documents are now; with `retry`, a build that
    failed (or stalled) is asked for again. Looking never starts a failed build again."""
    case = case_for_case_file(user, pk)
    return case, combined_case_file(case, retry=retry)


def status_of(row: CombinedCaseFile) -> str:
    """ "ready", "building" or "failed" (a build that failed, or one whose worker died)."""
    return build_state(row)


def status_detail(row: CombinedCaseFile) -> str:
    """The status in Danish for the API: why it failed, or that it is being built."""
    return failure_text(row) if status_of(row) == "failed" else BUILDING


def case_file_response(user, case: Case, row: CombinedCaseFile, channel: str) -> FileResponse:
    """The built PDF, inline, with the audit entry of the download."""
    record(
        user,
        AuditEntry.Action.DOWNLOAD,
        Subject("combined_case_file", row.pk, case.pk, case.citizen_id),
        detail=f"{row.document_count} dokumenter, {row.page_count} sider",
        channel=channel,
    )
    assert row.blob is not None
    response = FileResponse(row.blob.file.open("rb"), content_type="application/pdf")
    name = f"dokumentsamling-{case.reference}.pdf"
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = f'inline; filename="{ascii_name}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
