"""Træk dokument tilbage: the uploader's organisation withdraws a document attached by mistake,
before the other side has opened it. A confirmation page with the reason, then the service
(`cases.services.documents.withdraw_case_document`); nothing is deleted."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access
from sagsbro.cases.services.documents import withdraw_case_document
from sagsbro.cases.web import case_page
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.core.web import copy_field_errors, get_visible_or_404, refuse
from sagsbro.documents.access import same_organisation
from sagsbro.documents.models import Document
from sagsbro.documents.services import MAX_REASON_LENGTH, WITHDRAW_REASON_REQUIRED


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Begrundelse",
        help_text="Fx »Vedhæftet på den forkerte sag«. Begrundelsen gemmes på dokumentet.",
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": WITHDRAW_REASON_REQUIRED,
            "max_length": f"Begrundelsen må højst være {MAX_REASON_LENGTH} tegn.",
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def withdraw_document(request, pk, document_pk):
    user = request.user
    case = case_page.case_or_404(user, pk)
    document = get_visible_or_404(
        Document.objects.visible_to(user).filter(case=case).select_related("uploaded_by", "blob"),
        document_pk,
    )
    if not (same_organisation(user, document.uploaded_by) and user.role in access.DOCUMENT_ROLES):
        raise refuse(
            document, "Kun den organisation, der har tilføjet dokumentet, kan trække det tilbage."
        )
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    service_error = None
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_case_document(
                user, case, document, reason=form.cleaned_data["reason"], channel="web"
            )
        except PermissionRefused as exc:
            raise refuse(document, exc.message) from exc
        except ServiceError as exc:
            service_error = exc
            copy_field_errors(form, exc)
        else:
            messages.success(request, f"Dokumentet »{document.title}« er trukket tilbage.")
            return redirect("cases:detail-tab", pk=case.pk, tab="dokumenter")
    record(
        user,
        AuditEntry.Action.READ,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail="træk tilbage",
        channel="web",
    )
    context = {
        "case": case,
        "document": document,
        "citizen_cpr": case_page.masked_cpr(case.citizen.cpr),
        "form": form,
        "service_error": service_error,
        "opened": document.opened_by_other_side_at is not None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/document_withdraw.html", context, status=status)
