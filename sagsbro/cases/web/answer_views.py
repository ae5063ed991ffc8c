"""The coordinator's written answer on the pages: write, save as a draft, preview it as it will
read in the PDF, then give it ("Afgiv svar"). Thin: every change goes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import case_subject, record
from sagsbro.cases import services
from sagsbro.cases.models import Advice, Case
from sagsbro.cases.pdf import written_answer
from sagsbro.cases.rules.advice import find_benefit_wording
from sagsbro.cases.rules.workflow import TRANSITIONS
from sagsbro.cases.services import written_answer_pdf
from sagsbro.cases.web import case_page
from sagsbro.cases.web.confirmations import confirmation
from sagsbro.cases.web.forms import WrittenAnswerForm
from sagsbro.core.errors import ConfirmationRequired, ServiceError

INTENTS = ("final", "draft", "preview", "from_draft")


def _draft_initial(draft):
    return {"text": draft.text, "recommendations": draft.recommendations} if draft else None


def _context(case, transition, action, form, *, service_error=None, warning=None, draft=None):
    return {
        "case": case,
        "citizen_cpr": case_page.masked_cpr(case.citizen.cpr),
        "transition": transition,
        "action": action,
        "form": form,
        "service_error": service_error,
        "benefit_warning": warning,
        "draft": draft,
    }


def answer(request, case, transition, action):
    """GET: the form (filled from the draft, if any). POST: the intent decides: save the
    draft, save and preview it, give the answer from the form, or give the previewed draft."""
    user = request.user
    draft = services.answer_draft_for(user, case)
    intent = request.POST.get("intent", "final") if request.method == "POST" else None
    if intent is not None and intent not in INTENTS:
        intent = "final"
    if intent == "from_draft":
        if draft is None:
            messages.warning(request, "Der er ingen kladde til svaret. Skriv svaret her.")
            return redirect("cases:action", pk=case.pk, name="answer")
        form = WrittenAnswerForm(_draft_initial(draft))
    elif intent is not None:
        form = WrittenAnswerForm(request.POST)
    else:
        form = WrittenAnswerForm(initial=_draft_initial(draft))

    service_error = None
    warning = None
    if intent is not None and form.is_valid():
        data = form.cleaned_data
        text, recommendations = data["text"], data.get("recommendations", [])
        try:
            if intent in ("draft", "preview"):
                services.save_answer_draft(
                    user, case, text=text, recommendations=recommendations, channel="web"
                )
            else:
                result = services.answer_in_writing(
                    user,
                    case,
                    text=text,
                    recommendations=recommendations,
                    confirm_wording=request.POST.get("confirm_wording") == "1",
                    channel="web",
                )
        except ConfirmationRequired as exc:
            warning = exc
        except ServiceError as exc:
            if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
                messages.error(request, exc.message)
                return redirect("cases:worklist")
            service_error = exc
            for field, errors in exc.fields.items():
                if field in form.fields:
                    for error in errors:
                        form.add_error(field, error)
        else:
            if intent == "draft":
                messages.success(
                    request, "Svaret er gemt som kladde. Kommunen kan ikke se det endnu."
                )
                return redirect("cases:action", pk=case.pk, name="answer")
            if intent == "preview":
                return redirect("cases:answer-preview", pk=case.pk)
            messages.success(request, confirmation("answer", result, transition.label))
            if Case.objects.visible_to(user).filter(pk=result.pk).exists():
                return redirect("cases:detail", pk=result.pk)
            return redirect("cases:worklist")

    record(
        user, AuditEntry.Action.READ, case_subject(case), detail="handling answer", channel="web"
    )
    status = 400 if intent is not None else 200
    context = _context(
        case, transition, action, form, service_error=service_error, warning=warning, draft=draft
    )
    return render(request, "cases/answer_form.html", context, status=status)


@never_cache
@login_required
@require_GET
def answer_preview(request, pk):
    """The draft as the municipality will read it: the same content as the PDF."""
    user = request.user
    case = case_page.case_or_404(user, pk)
    draft = services.answer_draft_for(user, case)
    if draft is None:
        raise Http404
    # An unsaved answer carrying the draft renders with the PDF's own context.
    advice = Advice(
        case=case,
        author=draft.author,
        kind=Advice.Kind.WRITTEN_ANSWER,
        text=draft.text,
        recommendations=draft.recommendations,
        created_at=timezone.now(),
    )
    record(
        user, AuditEntry.Action.READ, case_subject(case), detail="udkast til svar", channel="web"
    )
    context = {
        "case": case,
        "citizen_cpr": case_page.masked_cpr(case.citizen.cpr),
        "transition": TRANSITIONS["answer"],
        "draft": draft,
        "benefit_phrases": [w.phrase for w in find_benefit_wording(draft.text)],
        **written_answer.context_for(advice),
    }
    return render(request, "cases/answer_preview.html", context)


@never_cache
@login_required
@require_POST
def retry_answer_pdf(request, pk, advice_pk):
    """Start a written answer's PDF again after its task failed for good."""
    case = case_page.case_or_404(request.user, pk)
    try:
        written_answer_pdf.retry_written_answer_pdf(request.user, case, advice_pk, channel="web")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "PDF'en af det skriftlige svar dannes igen.")
    return redirect("cases:detail", pk=case.pk)
