"""The secretariat's page for a due date agreed in the concrete case (BEK § 22 and § 23,
2nd sentence). Thin: the form, then `services.agree_deadline`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import case_subject, record
from sagsbro.cases import access, services
from sagsbro.cases.rules.deadlines import (
    AGREEMENT_REASON_TOO_LONG,
    CASE_AGREEMENT_SOURCES,
    MAX_AGREEMENT_REASON_LENGTH,
    DeadlineKind,
)
from sagsbro.cases.web import case_page
from sagsbro.cases.web.forms import _date
from sagsbro.core.errors import ServiceError


class AgreeDeadlineForm(forms.Form):
    agreed_due = _date("Aftalt frist")
    # The rule's limit and message (rules.deadlines), the same as the API's.
    reason = forms.CharField(
        label="Omstændigheder i sagen",
        max_length=MAX_AGREEMENT_REASON_LENGTH,
        help_text="Hvorfor kan fristen ikke holdes, og hvem har aftalt den nye frist med hvem?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Skriv, hvilke omstændigheder i sagen der gør, at fristen ikke kan holdes.",
            "max_length": AGREEMENT_REASON_TOO_LONG,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agree_deadline(request, pk, kind):
    user = request.user
    case = case_page.case_or_404(user, pk)
    if kind not in set(CASE_AGREEMENT_SOURCES):
        raise Http404
    deadline = case.deadlines.filter(kind=kind).first()
    if deadline is None:
        raise Http404
    if not access.may_agree_deadlines(user, case):
        messages.warning(request, "Kun regionens sekretariat kan aftale en anden frist i sagen.")
        return redirect("cases:detail", pk=case.pk)
    form = AgreeDeadlineForm(request.POST if request.method == "POST" else None)
    service_error = None
    if request.method == "POST" and form.is_valid():
        try:
            agreed = services.agree_deadline(user, case, kind, channel="web", **form.cleaned_data)
        except ServiceError as exc:
            service_error = exc
            for field, errors in exc.fields.items():
                for error in errors:
                    if field in form.fields:
                        form.add_error(field, error)
        else:
            messages.success(
                request,
                f"Fristen »{agreed.label}« er aftalt til {agreed.due:%d.%m.%Y} i den konkrete sag.",
            )
            return redirect("cases:detail", pk=case.pk)
    record(user, AuditEntry.Action.READ, case_subject(case), detail="aftal frist", channel="web")
    context = {
        "case": case,
        "citizen_cpr": case_page.masked_cpr(case.citizen.cpr),
        "deadline": deadline,
        "legal_source": CASE_AGREEMENT_SOURCES[DeadlineKind(kind)],
        "form": form,
        "service_error": service_error,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/deadline_agree.html", context, status=status)
