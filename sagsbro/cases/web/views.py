"""Web pages for cases: the worklist and the case page. Thin: read through `worklist` and
`case_page`, audit what is shown, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import case_subject, record, record_many
from sagsbro.cases import registry, services
from sagsbro.cases.access import may_retry_pdf
from sagsbro.cases.models import Case
from sagsbro.cases.services.written_answer_pdf import failed_written_answer_pdfs
from sagsbro.cases.tabs import case_tabs
from sagsbro.cases.web import answer_views, case_page
from sagsbro.cases.web.confirmations import confirmation
from sagsbro.cases.web.create_flow import tab_extras
from sagsbro.cases.web.forms import GPContactForm, NoteForm, form_for
from sagsbro.cases.web.worklist import (
    AWAITING_MUNICIPALITY,
    SORTS,
    build_worklist,
    case_filter_for,
    parse_filters,
)
from sagsbro.core.errors import AlreadyDone, ConfirmationRequired, ServiceError
from sagsbro.core.web import copy_field_errors, is_htmx_fragment_request, run_form_action
from sagsbro.core.worklist import worklist_sections
from sagsbro.workdays.services import configured_calendar


@never_cache
@login_required
@require_GET
def worklist(request):
    user = request.user
    filters = parse_filters(request.GET, user)
    fragment = is_htmx_fragment_request(request)
    result = build_worklist(
        user,
        filters,
        timezone.localdate(),
        configured_calendar(),
        table_only=fragment,
        params=request.GET,
    )
    record_many(
        user,
        AuditEntry.Action.LIST,
        [case_subject(case) for case in result.shown_cases()],
        channel="web",
    )
    # Sections other apps add (the GP's documents sent to them), each audited like the cases.
    sections = worklist_sections(user, request.GET)
    for section in sections:
        record_many(user, AuditEntry.Action.LIST, section.audit_subjects(), channel="web")
    context = {
        "worklist": result,
        "sections": sections,
        "table": result.table,
        "filters": filters,
        # The case list's filter, shared with the API, renders the status and subtype fields.
        "case_filter": (case_filter := case_filter_for(user, filters)),
        "filter_form": case_filter.form,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "awaiting_states": AWAITING_MUNICIPALITY,
    }
    template = "cases/worklist.html#case-results" if fragment else "cases/worklist.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


_case_or_404 = case_page.case_or_404


def render_case_page(request, case, tab, *, status=200, **extra):
    """The case page on `tab` (a registered tab's name), with `extra` context (forms with
    their errors after a refused write); the read is audited."""
    user = request.user
    registered = case_tabs.get(tab)
    if registered is None or not registered.visible_for(case, user):
        raise Http404
    record(user, AuditEntry.Action.READ, case_subject(case), detail=f"fane {tab}", channel="web")
    context = {
        **case_page.page_context(case, user),
        **case_page.tab_context(
            case, registered, user, timezone.localdate(), configured_calendar(), request.GET
        ),
        "tab": tab,
        "failed_pdfs": failed_written_answer_pdfs(case),
        "may_retry_pdf": may_retry_pdf(user),
        **extra,
    }
    if tab == "noter" and "note_form" not in context:
        context["note_form"] = NoteForm()
    for key, value in tab_extras(case, tab, user).items():
        context.setdefault(key, value)
    return render(request, "cases/case_detail.html", context, status=status)


@never_cache
@login_required
@require_GET
def case_detail(request, pk, tab="overblik"):
    if case_tabs.get(tab) is None:
        raise Http404
    return render_case_page(request, _case_or_404(request.user, pk), tab)


def _after_change(request, case):
    """Back to the case, or to the worklist when the user can no longer see it."""
    if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("cases:detail", pk=case.pk)
    return redirect("cases:worklist")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_action(request, pk, name):
    """One case action: a confirmation or a small form, then the service function."""
    user = request.user
    case = _case_or_404(user, pk)
    action = registry.transitions.get(name)
    if action is None:
        raise Http404
    allowed = {t.name for t in case_page.offered_transitions(case, user)}
    transition = action.rule
    if name not in allowed:
        messages.warning(request, f"Handlingen »{transition.label}« kan ikke udføres på sagen nu.")
        return redirect("cases:detail", pk=case.pk)

    if name == "answer":
        # Written, saved as a draft, previewed, then given (answer_views).
        return answer_views.answer(request, case, transition, action)
    form = form_for(name, case, request.POST if request.method == "POST" else None)
    service_error = None
    warning = None
    if request.method == "POST" and form.is_valid():
        try:
            result = action.run(user, case, form.cleaned_data, "web")
        except ConfirmationRequired as exc:
            # Nothing is wrong yet: the user sees what the warning is about and chooses.
            warning = exc
        except AlreadyDone as exc:
            # A second submit (or a second tab): show what the first one made.
            messages.info(request, exc.message)
            return redirect("cases:detail", pk=exc.existing["id"])
        except ServiceError as exc:
            if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
                # The refusal took the case from the user (BEK § 12 stk. 2: a disqualified
                # coordinator's case goes back to the secretariat): say why on the worklist.
                messages.error(request, exc.message)
                return redirect("cases:worklist")
            service_error = exc
            copy_field_errors(form, exc)
        else:
            messages.success(request, confirmation(name, result, transition.label))
            return _after_change(request, result)

    record(
        user, AuditEntry.Action.READ, case_subject(case), detail=f"handling {name}", channel="web"
    )
    context = {
        "case": case,
        "citizen_cpr": case_page.masked_cpr(case.citizen.cpr),
        "transition": transition,
        "action": action,
        "form": form,
        "service_error": service_error,
        "warning": warning,
        "notice": action.notice(case) if action.notice else None,
    }
    status = 400 if request.method == "POST" and warning is None else 200
    template = "cases/answer_form.html" if name == "answer" else "cases/case_action.html"
    return render(request, template, context, status=status)


@never_cache
@login_required
@require_http_methods(["POST"])
def add_note(request, pk):
    """Note fra kommune til samarbejdspartner, and the region's replies."""
    case = _case_or_404(request.user, pk)
    form = NoteForm(request.POST)

    def saved(_note):
        messages.success(request, "Noten er gemt.")
        return redirect("cases:detail-tab", pk=case.pk, tab="noter")

    return run_form_action(
        request,
        form,
        lambda data: services.add_note(request.user, case, channel="web", **data),
        saved,
        lambda error: render_case_page(
            request, case, "noter", note_form=form, service_error=error, status=400
        ),
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def record_gp_contact(request, pk):
    """The coordinator records a contact with the citizen's GP (BEK § 5 stk. 2)."""
    case = _case_or_404(request.user, pk)
    form = GPContactForm(request.POST)
    service_error = None
    if form.is_valid():
        try:
            services.record_gp_contact(request.user, case, channel="web", **form.cleaned_data)
        except ServiceError as exc:
            if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
                messages.error(request, exc.message)
                return redirect("cases:worklist")
            service_error = exc
            copy_field_errors(form, exc)
        else:
            messages.success(request, "Kontakten med egen læge er registreret.")
            return redirect("cases:detail-tab", pk=case.pk, tab="sundhedskoordinator")
    extra: dict[str, object] = {"gp_contact_error": service_error}
    if service_error is None or service_error.fields:
        extra.update(case_page.gp_contact_context(case, request.user, form))
    return render_case_page(request, case, "sundhedskoordinator", status=400, **extra)
