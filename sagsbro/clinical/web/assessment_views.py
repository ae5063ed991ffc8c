"""The specialist's pages on a clinical case: the consultation note, investigations, record
requests and the certificate (LÆ 275) from draft over preview to signature. Thin: the case
through ``visible_to`` (another organisation's case answers 404), the form validated, a
service called; every read of the specialist's texts is audited. Delivery is the case's
action »Lever speciallægeattest« (the transition)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import Certificate, Investigation, RecordRequest
from sagsbro.clinical.pdf import certificate as certificate_pdf
from sagsbro.clinical.services import assessment, certificate
from sagsbro.clinical.viewing import signed_pdf_response
from sagsbro.clinical.web.assessment_forms import (
    CertificateForm,
    DoneForm,
    InvestigationForm,
    NoteForm,
    RecordRequestForm,
)
from sagsbro.core.errors import ServiceError
from sagsbro.core.web import get_visible_or_404, run_form_action
from sagsbro.organisations.models import User
from sagsbro.organisations.rules import masked_cpr

TAB = "vurdering"


def _user(request: HttpRequest) -> User:
    # Every view is login_required: the anonymous user never reaches here.
    return cast(User, request.user)


def _case(request: HttpRequest, pk: int) -> Case:
    """The clinical case, for klinisk funktion's readers only (the municipality reads the
    delivered certificate in the case's documents)."""
    user = _user(request)
    case = get_visible_or_404(
        Case.objects.visible_to(user).select_related("citizen", "region", "municipality"), pk
    )
    if case.subtype != Subtype.KLINISK_FUNKTION:
        raise Http404
    if not assessment.may_read_assessment(user, case):
        raise PermissionDenied("Siden er for klinisk funktion.")
    return case


def _to_tab(case: Case) -> HttpResponse:
    return redirect("cases:detail-tab", case.pk, TAB)


def _form_page(
    request: HttpRequest,
    case: Case,
    form: Any,
    *,
    title: str,
    intro: str,
    submit: str,
    error: ServiceError | None,
    template: str = "clinical/assessment_form.html",
    **extra: Any,
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit,
        "service_error": error,
        "tab": TAB,
        **extra,
    }
    failed = request.method == "POST"
    return render(request, template, context, status=400 if failed else 200)


# --- the consultation, investigations and record requests ---------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consultation_note(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    existing = assessment.assessment_of(case).consultation
    initial = {"note": existing.note} if existing is not None else {}
    if request.method == "GET" and existing is not None and existing.note:
        record(
            user,
            AuditEntry.Action.READ,
            Subject("consultation_record", existing.pk, case.pk, case.citizen_id),
            channel="web",
        )
    form = NoteForm(request.POST if request.method == "POST" else None, initial=initial)

    def call(data: dict[str, Any]) -> Any:
        return assessment.save_consultation_note(user, case, note=data["note"], channel="web")

    def done(_: Any) -> HttpResponse:
        messages.success(request, "Notatet fra konsultationen er gemt.")
        return _to_tab(case)

    def again(error: ServiceError | None) -> HttpResponse:
        return _form_page(
            request,
            case,
            form,
            title="Notat fra konsultationen",
            intro="Notatet er klinisk funktions eget; kommunen får speciallægeattesten.",
            submit="Gem notatet",
            error=error,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def investigation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    form = InvestigationForm(request.POST if request.method == "POST" else None)

    def call(data: dict[str, Any]) -> Any:
        return assessment.order_investigation(user, case, channel="web", **data)

    def done(investigation: Investigation) -> HttpResponse:
        messages.success(request, f"{investigation.get_kind_display()} er bestilt.")
        return _to_tab(case)

    def again(error: ServiceError | None) -> HttpResponse:
        return _form_page(
            request,
            case,
            form,
            title="Bestil undersøgelse",
            intro="Billeddiagnostik, blodprøver eller funktionsundersøgelser i særlige "
            "tilfælde, når det er nødvendigt for vurderingen (BEK § 13, stk. 2).",
            submit="Bestil undersøgelsen",
            error=error,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def investigation_done(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    investigation = Investigation.objects.filter(pk=item, case=case).first()
    if investigation is None:
        raise Http404
    form = DoneForm(request.POST if request.method == "POST" else None)

    def call(data: dict[str, Any]) -> Any:
        return assessment.record_investigation_done(
            user, case, investigation, done_on=data["done_on"], channel="web"
        )

    def done(_: Any) -> HttpResponse:
        messages.success(request, "Undersøgelsen er registreret som udført.")
        return _to_tab(case)

    def again(error: ServiceError | None) -> HttpResponse:
        return _form_page(
            request,
            case,
            form,
            title=f"Registrér udført: {investigation.get_kind_display()}",
            intro="",
            submit="Registrér som udført",
            error=error,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def record_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    form = RecordRequestForm(request.POST if request.method == "POST" else None)

    def call(data: dict[str, Any]) -> Any:
        return assessment.request_records(user, case, source=data["source"], channel="web")

    def done(_: Any) -> HttpResponse:
        messages.success(request, "Anmodningen om journaloplysninger er registreret.")
        return _to_tab(case)

    def again(error: ServiceError | None) -> HttpResponse:
        return _form_page(
            request,
            case,
            form,
            title="Anmod om journaloplysninger",
            intro="Fra sygehus eller praktiserende speciallæge, når det er relevant for "
            "attesten (BEK § 15, stk. 1).",
            submit="Registrér anmodningen",
            error=error,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_POST
def record_request_received(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    made = RecordRequest.objects.filter(pk=item, case=case).first()
    if made is None:
        raise Http404
    try:
        assessment.record_records_received(user, case, made, channel="web")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Journaloplysningerne er registreret modtaget.")
    return _to_tab(case)


# --- the certificate (LÆ 275) ---------------------------------------------------------------


def _open_certificate(case: Case) -> Certificate | None:
    """The certificate under way on the case (a draft or signed, not delivered)."""
    return (
        Certificate.objects.filter(case=case)
        .exclude(status=Certificate.Status.DELIVERED)
        .select_related("author")
        .first()
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the draft (a new one, or the one under way); "Forhåndsvis" saves and shows it."""
    user = _user(request)
    case = _case(request, pk)
    draft = _open_certificate(case)
    if draft is not None and draft.status != Certificate.Status.DRAFT:
        return redirect("clinical_assessment:certificate-preview", case.pk, draft.pk)
    initial = {f: getattr(draft, f) for f in certificate.FIELDS} if draft is not None else {}
    if request.method == "GET" and draft is not None:
        record(
            user,
            AuditEntry.Action.READ,
            Subject("certificate", draft.pk, case.pk, case.citizen_id),
            detail="kladde",
            channel="web",
        )
    form = CertificateForm(request.POST if request.method == "POST" else None, initial=initial)

    def call(data: dict[str, Any]) -> Certificate:
        if draft is None:
            return certificate.create_certificate(user, case, channel="web", **data)
        return certificate.update_certificate(user, case, draft, channel="web", **data)

    def done(saved: Certificate) -> HttpResponse:
        if request.POST.get("intent") == "preview":
            return redirect("clinical_assessment:certificate-preview", case.pk, saved.pk)
        messages.success(request, "Kladden til speciallægeattesten er gemt.")
        return _to_tab(case)

    def again(error: ServiceError | None) -> HttpResponse:
        return _form_page(
            request,
            case,
            form,
            title="Speciallægeattest (LÆ 275)",
            intro="Attesten tager udgangspunkt i kommunens spørgsmål (BEK § 14). Kladden kan "
            "gemmes ufærdig; den underskrives fra forhåndsvisningen.",
            submit="Gem kladde",
            error=error,
            template="clinical/certificate_form.html",
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_GET
def certificate_preview(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The certificate as the municipality will read it: the same content as the PDF."""
    user = _user(request)
    case = _case(request, pk)
    found = Certificate.objects.filter(pk=item, case=case).select_related("author").first()
    if found is None:
        raise Http404
    found.case = case
    record(
        user,
        AuditEntry.Action.READ,
        Subject("certificate", found.pk, case.pk, case.citizen_id),
        detail="forhåndsvisning",
        channel="web",
    )
    context = {
        **certificate_pdf.context_for(found),
        "case": case,
        "citizen_cpr_masked": masked_cpr(case.citizen.cpr),
        "problems": certificate.problems_of(found)
        if found.status == Certificate.Status.DRAFT
        else {},
        "may_sign": found.status == Certificate.Status.DRAFT and case.specialist_id == user.pk,
        "tab": TAB,
    }
    return render(request, "clinical/certificate_preview.html", context)


@never_cache
@login_required
@require_POST
def certificate_sign(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, pk)
    found = Certificate.objects.filter(pk=item, case=case).first()
    if found is None:
        raise Http404
    try:
        certificate.sign_certificate(user, case, found, channel="web")
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("clinical_assessment:certificate-preview", case.pk, found.pk)
    messages.success(
        request,
        "Speciallægeattesten er underskrevet. Kommunen får den, når den leveres med "
        "»Lever speciallægeattest (LÆ 275)«; egen læge får kopien samtidig.",
    )
    return _to_tab(case)


@never_cache
@login_required
@require_GET
def certificate_signed_pdf(request: HttpRequest, pk: int, item: int) -> FileResponse:
    """The signed PDF for klinisk funktion, before delivery too; others get 404."""
    user = _user(request)
    case = get_visible_or_404(Case.objects.visible_to(user).select_related("citizen", "region"), pk)
    found = Certificate.objects.filter(pk=item, case=case).select_related("pdf").first()
    if found is None or case.subtype != Subtype.KLINISK_FUNKTION:
        raise Http404
    found.case = case
    blob = certificate.signed_pdf_of(user, case, found, channel="web")
    if blob is None:
        raise Http404
    return signed_pdf_response(blob, found)
