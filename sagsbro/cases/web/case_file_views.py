""" "Åbn alle dokumenter" on the case's documents tab: the button asks for the case file and
shows "Dokumentsamlingen dannes …", polling with HTMX until it is ready; then a link opens
the PDF (audited). Without JavaScript the link itself serves the PDF, or the same status on
a page of its own. A build that failed (or whose worker died) shows why and a button that
asks for it again; only that button starts a failed build again."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sagsbro.cases.case_file import (
    case_file_response,
    requested_case_file,
    status_detail,
    status_of,
)
from sagsbro.core.web import is_htmx_fragment_request

POLL_SECONDS = 2


def _context(case, row):
    return {
        "case": case,
        "row": row,
        "status": status_of(row),
        "detail": status_detail(row),
        "poll_seconds": POLL_SECONDS,
    }


@never_cache
@login_required
@require_GET
def case_file(request, pk):
    """The PDF when it is built; otherwise the status (202) with the page polling it."""
    case, row = requested_case_file(request.user, pk)
    if row.blob_id is not None:
        return case_file_response(request.user, case, row, "web")
    return render(request, "cases/case_file_status.html", _context(case, row), status=202)


@never_cache
@login_required
@require_GET
def case_file_status(request, pk):
    """The status partial the button's HTMX request and its polling swap in."""
    case, row = requested_case_file(request.user, pk)
    return render(request, "cases/_case_file_status.html", _context(case, row))


@never_cache
@login_required
@require_POST
def case_file_retry(request, pk):
    """ "Prøv igen" on a failed build: ask for the case file again. The button's HTMX request
    gets the status partial (polling again); without JavaScript, the status page."""
    case, row = requested_case_file(request.user, pk, retry=True)
    if is_htmx_fragment_request(request):
        return render(request, "cases/_case_file_status.html", _context(case, row))
    return redirect("cases:case-file", pk=case.pk)
