"""Web pages for documents: starting a written answer's PDF again after it failed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sagsbro.cases.web import case_page
from sagsbro.core.errors import ServiceError
from sagsbro.documents import generation


@never_cache
@login_required
@require_POST
def retry_answer_pdf(request, pk, advice_pk):
    case = case_page.case_or_404(request.user, pk)
    try:
        generation.retry_written_answer_pdf(request.user, case, advice_pk, channel="web")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "PDF'en af det skriftlige svar dannes igen.")
    return redirect("cases:detail", pk=case.pk)
