"""Web pages where the caseworker creates a case, fills in the draft, attaches documents,
registers consent and sends the case to the region. Thin: every change goes through the
services; the pages read through `visible_to` and audit what they show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record, record_many
from sagsbro.cases import access, services
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.services import documents as document_services
from sagsbro.cases.web import case_page
from sagsbro.cases.web.confirmations import confirmation
from sagsbro.cases.web.create_flow import (
    CaseEditForm,
    CitizenForm,
    ConsentForm,
    CreateCaseForm,
    DocumentForm,
    checklist,
    citizen_options,
    consent_context,
    missing_anchor,
    needed_consents,
    recommended_checklist,
    search_citizens,
)
from sagsbro.cases.web.views import render_case_page
from sagsbro.core.errors import ConfirmationRequired, PermissionRefused, ServiceError
from sagsbro.core.web import (
    ObjectNotVisible,
    copy_field_errors,
    field_took_error,
    refuse,
    run_form_action,
)
from sagsbro.documents.models import Document
from sagsbro.organisations.access import citizens_visible_to
from sagsbro.organisations.models import Citizen
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import register_citizen

# The audit detail of the citizens a search on Opret sag shows.
CITIZEN_SEARCH_DETAIL = "opret sag – søgning"
# The value of the search button ("handling") when the search posts to the page itself.
SEARCH_ACTION = "soeg"

# Where a form on several pages sends the user back to (never a free URL).
RETURN_PAGES = ("rediger", "overblik", "dokumenter")


def _require_caseworker(user):
    if user.role != Role.CASEWORKER:
        raise PermissionDenied


def _unless_beside_fields(form, error: ServiceError | None) -> ServiceError | None:
    """The refusal to show above the form: none when its errors already sit beside fields."""
    if error is None or field_took_error(form, error):
        return None
    return error


# --- creating -------------------------------------------------------------------------------


def _visible_citizen(citizens, value) -> Citizen | None:
    """The citizen `value` names if the user may see them; None for anything else (another
    municipality's citizen is never looked at further, nor audited)."""
    value = str(value or "")
    return citizens.filter(pk=value).first() if value.isdigit() else None


def _audit_shown(user, shown, detail: str) -> None:
    """One LIST entry per citizen on the page: only those shown, never the register."""
    record_many(
        user,
        AuditEntry.Action.LIST,
        [Subject("citizen", c.pk, None, c.pk) for c in shown],
        detail=detail,
        channel="web",
    )


def _render_create(request, form, *, search=None, error=None, status=200):
    """Opret sag with the search's matches, or else the one citizen already chosen."""
    user = request.user
    chosen = form["citizen"].value()
    if search is not None:
        shown = search.citizens
        _audit_shown(user, shown, CITIZEN_SEARCH_DETAIL)
        options = search.options(chosen)
    else:
        citizen = _visible_citizen(citizens_visible_to(user), chosen)
        shown = [citizen] if citizen is not None else []
        _audit_shown(user, shown, "opret sag")
        options = citizen_options(shown, chosen)
    context = {
        "form": form,
        "service_error": _unless_beside_fields(form, error),
        "citizen_options": options,
        "search_message": search.message if search is not None else "",
        "search_text": search.shown_text if search is not None else "",
    }
    return render(request, "cases/case_create.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def create_case(request):
    """Opret sag: the subtype and the citizen; the rest is filled in on the draft. The
    citizen is found by a search (CPR number or name) that posts here when the browser runs
    no script; with HTMX the search button posts to `citizen_search` instead."""
    user = request.user
    _require_caseworker(user)
    citizens = citizens_visible_to(user)
    if request.method == "POST" and request.POST.get("handling") == SEARCH_ACTION:
        # Keep what was chosen so far; the page is shown again with the matches.
        initial = {"subtype": request.POST.get("subtype", ""), "citizen": None}
        chosen = _visible_citizen(citizens, request.POST.get("citizen"))
        if chosen is not None:
            initial["citizen"] = chosen.pk
        form = CreateCaseForm(citizens=citizens, initial=initial)
        search = search_citizens(citizens, request.POST.get("q", ""))
        return _render_create(request, form, search=search)

    initial = {}
    chosen = _visible_citizen(citizens, request.GET.get("borger"))
    if chosen is not None:
        initial["citizen"] = chosen.pk
    form = CreateCaseForm(
        request.POST if request.method == "POST" else None, citizens=citizens, initial=initial
    )

    def created(case):
        messages.success(
            request,
            f"Sagen {case.reference} er oprettet som kladde. Udfyld oplysningerne, vedhæft "
            "dokumenterne og send sagen til regionen.",
        )
        return redirect("cases:edit", pk=case.pk)

    def render_form(error):
        status = 400 if request.method == "POST" else 200
        return _render_create(request, form, error=error, status=status)

    return run_form_action(
        request,
        form,
        lambda data: services.create_case(
            user, subtype=data["subtype"], citizen=data["citizen"], channel="web"
        ),
        created,
        render_form,
    )


@never_cache
@login_required
@require_POST
def citizen_search(request):
    """The search on Opret sag as an HTMX fragment: the matches as radio buttons. A POST, so
    the CPR number travels in the body and never in a URL or an access log."""
    user = request.user
    _require_caseworker(user)
    search = search_citizens(citizens_visible_to(user), request.POST.get("q", ""))
    _audit_shown(user, search.citizens, CITIZEN_SEARCH_DETAIL)
    context = {
        "citizen_options": search.options(request.POST.get("citizen")),
        "search_message": search.message,
    }
    return render(request, "cases/case_create.html#citizen-results", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def create_citizen(request):
    """Opret ny borger; afterwards back to Opret sag with the citizen chosen."""
    user = request.user
    _require_caseworker(user)
    form = CitizenForm(request.POST if request.method == "POST" else None)

    def register(data):
        return register_citizen(
            user,
            cpr=data["cpr"],
            name=data["name"],
            general_practitioner=data.get("general_practitioner"),
            has_children=data.get("has_children", False),
            under_30_without_education=data.get("under_30_without_education", False),
            channel="web",
        )

    def registered(citizen):
        messages.success(request, f"Borgeren {citizen.name} er oprettet.")
        return redirect(f"{reverse('cases:create')}?borger={citizen.pk}")

    def render_form(error):
        status = 400 if request.method == "POST" else 200
        context = {"form": form, "service_error": _unless_beside_fields(form, error)}
        return render(request, "cases/citizen_create.html", context, status=status)

    return run_form_action(request, form, register, registered, render_form)


# --- editing the draft ----------------------------------------------------------------------


def _editable_case(request, pk) -> Case | None:
    """The case if this user may edit it now; None after telling why (the caller redirects)."""
    user = request.user
    case = case_page.case_or_404(user, pk)
    if not access.owns_case(user, case):
        raise refuse(case)
    if not access.may_edit(user, case):
        messages.warning(
            request,
            "Sagen kan kun redigeres, mens den er kladde eller returneret for flere oplysninger.",
        )
        return None
    return case


def _missing_items(case, exc: ServiceError) -> list[dict[str, str]]:
    return [
        {"label": item["label"], "anchor": missing_anchor(item["key"], case.subtype_enum)}
        for item in exc.missing
    ]


def _send_intro(send_error, saved: bool) -> str:
    if send_error is None:
        return ""
    parts = []
    if send_error.missing:
        parts.append("Sagen kan ikke sendes, før disse punkter på tjeklisten er opfyldt.")
    if saved:
        parts.append("Dine ændringer er gemt i kladden.")
    return " ".join(parts)


def _return_reason(case) -> str:
    if case.state != State.RETURNED:
        return ""
    event = case.events.filter(kind=EventKind.RETURN_FOR_INFORMATION).order_by("-at", "-id").first()
    return event.comment if event else ""


def render_edit(
    request,
    case,
    *,
    form=None,
    document_form=None,
    consent_form=None,
    send_error=None,
    send_warning=None,
    saved_before_send=False,
    status=200,
):
    """The draft page: the case's fields, its documents and consents, and the checklist."""
    user = request.user
    record(user, AuditEntry.Action.READ, case_subject(case), detail="rediger", channel="web")
    missing = services.missing_requirements(case)
    items = checklist(case, missing)
    if document_form is None:
        category = request.GET.get("kategori", "")
        document_form = DocumentForm(
            role=user.role, subtype=case.subtype_enum, initial={"category": category}
        )
    documents = (
        Document.objects.visible_to(user)
        .filter(case=case)
        .select_related("uploaded_by", "blob")
        .order_by("uploaded_at", "id")
    )
    scopes = needed_consents(case.subtype_enum)
    context = {
        "case": case,
        "citizen_cpr": case_page.masked_cpr(case.citizen.cpr),
        "form": CaseEditForm(case) if form is None else form,
        "document_form": document_form,
        "documents": documents,
        "checklist": items,
        "done_count": sum(1 for item in items if item.done),
        "recommended": recommended_checklist(document_services.recommended_for(case), user.role),
        "needs_consent": bool(scopes),
        "send_error": send_error,
        "send_warning": send_warning,
        "send_missing": _missing_items(case, send_error) if send_error else [],
        "send_intro": _send_intro(send_error, saved_before_send),
        "is_returned": case.state == State.RETURNED,
        "return_reason": _return_reason(case),
    }
    if scopes:
        context.update(consent_context(case, user, scope=scopes[0]))
        if consent_form is not None:
            context["consent_form"] = consent_form
    return render(request, "cases/case_edit.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_case(request, pk):
    """Redigér kladde: "Gem kladde" saves the fields; "Send til regionen" saves them and sends."""
    case = _editable_case(request, pk)
    if case is None:
        return redirect("cases:detail", pk=pk)
    if request.method == "GET":
        return render_edit(request, case)

    user = request.user
    sending = request.POST.get("handling") == "send"
    # Browsers send the fields with the button; a bare "send" leaves the fields alone.
    with_fields = request.POST.get("felter") == "1" or not sending
    form = CaseEditForm(case, request.POST) if with_fields else CaseEditForm(case)
    if with_fields and not form.is_valid():
        return render_edit(request, case, form=form, status=400)

    saved = False
    changes = form.changes() if with_fields else {}
    if changes:
        try:
            case = services.update_case(user, case, channel="web", **changes)
        except ServiceError as exc:
            copy_field_errors(form, exc)
            return render_edit(request, case, form=form, send_error=exc, status=400)
        saved = True
    if not sending:
        messages.success(request, "Kladden er gemt.")
        return redirect(reverse("cases:edit", kwargs={"pk": case.pk}) + "#send")

    case = case_page.case_or_404(user, case.pk)
    returned = case.state == State.RETURNED
    try:
        if returned:
            comment = form.cleaned_data.get("comment", "") if with_fields else ""
            services.resend_case(user, case, comment, channel="web")
        else:
            services.send_case(
                user, case, channel="web", confirm_late=request.POST.get("confirm_late") == "1"
            )
    except ConfirmationRequired as exc:
        # Late for the meeting: the caseworker confirms or picks another meeting date.
        case = case_page.case_or_404(user, case.pk)
        return render_edit(request, case, send_warning=exc, saved_before_send=saved)
    except ServiceError as exc:
        case = case_page.case_or_404(user, case.pk)
        fresh = CaseEditForm(case, comment=request.POST.get("comment", ""))
        return render_edit(
            request, case, form=fresh, send_error=exc, saved_before_send=saved, status=400
        )
    messages.success(request, confirmation("resend" if returned else "send", case))
    return redirect("cases:detail", pk=case.pk)


# --- documents ------------------------------------------------------------------------------


def _back(case, page: str, user, section: str = ""):
    """Back to the page the form was on; on the edit page, to the section just used, so a
    keyboard or screen-reader user goes on from where they were."""
    if page == "rediger" and access.may_edit(user, case):
        anchor = f"#{section}" if section else ""
        return redirect(reverse("cases:edit", kwargs={"pk": case.pk}) + anchor)
    if page == "dokumenter":
        return redirect("cases:detail-tab", pk=case.pk, tab="dokumenter")
    return redirect("cases:detail", pk=case.pk)


def _rerender(request, case, page: str, **forms_):
    if page == "rediger" and access.may_edit(request.user, case):
        return render_edit(request, case, status=400, **forms_)
    tab = "dokumenter" if page == "dokumenter" else "overblik"
    return render_case_page(request, case, tab, status=400, **forms_)


def _case_form_action(request, case, page: str, named_form, call, success_message, section):
    """A form on the draft page or a case tab: the service, then back to that page; a
    refusal beside the fields or above them, a refused permission as 403."""
    name, form = named_form

    def done(result):
        messages.success(request, success_message(result))
        return _back(case, page, request.user, section)

    def again(error):
        if isinstance(error, PermissionRefused):
            raise refuse(case, error.message) from error
        if error is not None and not field_took_error(form, error):
            form.add_error(None, error.message)
        return _rerender(request, case, page, **{name: form})

    return run_form_action(request, form, call, done, again)


def _return_page(request, default: str) -> str:
    page = request.POST.get("tilbage", default)
    return page if page in RETURN_PAGES else default


@never_cache
@login_required
@require_POST
def add_case_document(request, pk):
    """Vedhæft dokument, from the draft page or the Dokumenter tab."""
    user = request.user
    case = case_page.case_or_404(user, pk)
    page = _return_page(request, "dokumenter")
    form = DocumentForm(request.POST, request.FILES, role=user.role, subtype=case.subtype_enum)
    return _case_form_action(
        request,
        case,
        page,
        ("document_form", form),
        lambda _data: document_services.add_case_document(
            user, case, channel="web", **form.upload()
        ),
        lambda document: f"Dokumentet »{document.title}« er vedhæftet.",
        "dokumenter",
    )


# --- consents -------------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def add_consent(request, pk):
    """Registrér samtykke for the case's citizen."""
    user = request.user
    case = case_page.case_or_404(user, pk)
    page = _return_page(request, "overblik")
    form = ConsentForm(request.POST)
    return _case_form_action(
        request,
        case,
        page,
        ("consent_form", form),
        lambda data: services.register_consent(
            user,
            case.citizen,
            scope=ConsentScope(data["scope"]),
            given_on=data["given_on"],
            written=data["written"],
            refused=data.get("refused", False),
            # The agreement of BEK § 13 stk. 3 is given for this (klinisk-funktion) case.
            case=case if ConsentScope(data["scope"]) in services.CASE_BOUND_SCOPES else None,
            channel="web",
        ),
        lambda _consent: "Samtykket er registreret.",
        "samtykke",
    )


@never_cache
@login_required
@require_POST
def withdraw_consent(request, pk, consent_pk):
    """Tilbagekald samtykke (from today)."""
    user = request.user
    case = case_page.case_or_404(user, pk)
    page = _return_page(request, "overblik")
    consent = Consent.objects.filter(pk=consent_pk, citizen_id=case.citizen_id).first()
    if consent is None:
        raise ObjectNotVisible(Consent, consent_pk)
    try:
        services.withdraw_consent(user, consent, channel="web")
    except PermissionRefused as exc:
        raise refuse(consent, exc.message) from exc
    except ServiceError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, "Samtykket er tilbagekaldt.")
    return _back(case, page, user, "samtykke")
