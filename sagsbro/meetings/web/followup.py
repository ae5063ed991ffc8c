"""The ressourceforløb's follow-up on the pages: the caseworker's worklist section "Skal
genforelægges" (procedure 002; O-57) and the form on the case's Rehabiliteringsteam tab that
records when the forløb began and when its first effort started."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record
from sagsbro.cases.models import Case
from sagsbro.core.forms import date_field
from sagsbro.core.web import get_visible_or_404, run_form_action
from sagsbro.meetings import services
from sagsbro.meetings.models import ForloebFollowUp
from sagsbro.organisations.models import User

# At most this many rows; the oldest deadline first.
SECTION_ROWS = 50


@dataclass
class DueForGenforelaeggelse:
    """The caseworker's ressourceforløb cases due for genforelæggelse (`core.worklist`)."""

    template_name: ClassVar[str] = "meetings/followup/_due_section.html"

    rows: list[ForloebFollowUp]

    def audit_subjects(self) -> list[Subject]:
        return [case_subject(row.case) for row in self.rows]


def worklist_section(user, params: Mapping[str, str]) -> DueForGenforelaeggelse | None:
    """The section for a caseworker with cases due; None otherwise (no empty box)."""
    if not user.is_authenticated:
        return None
    rows = list(services.due_follow_ups(user, timezone.localdate())[:SECTION_ROWS])
    return DueForGenforelaeggelse(rows=rows) if rows else None


class ForloebForm(forms.Form):
    started_on = date_field("Ressourceforløbet begyndte")
    first_effort_started_on = date_field("Første indsats startede", required=False)


class GenforelaeggelseForm(forms.Form):
    """The meeting the genforelæggelse goes to: one of the municipality's planned meeting
    days, or (when none is planned far enough ahead) a date."""

    meeting = forms.TypedChoiceField(
        label="Møde i rehabiliteringsteamet",
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        help_text="Sagen skal oprettes senest 5 hverdage før mødet (procedure Genforelæggelse).",
    )
    meeting_date = date_field("Dato for mødet", required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = list(meetings)
        if self.meetings:
            cast(forms.TypedChoiceField, self.fields["meeting"]).choices = [
                (
                    m.pk,
                    f"{m.date:%d.%m.%Y} kl. {m.start_time:%H.%M}"
                    f"{' (virtuelt)' if m.virtual else f' – {m.place}' if m.place else ''}",
                )
                for m in self.meetings
            ]
            del self.fields["meeting_date"]
        else:
            del self.fields["meeting"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.meetings and not data.get("meeting"):
            self.add_error("meeting", "Vælg mødet, sagen skal genforelægges på.")
        if not self.meetings and not data.get("meeting_date") and "meeting_date" not in self.errors:
            self.add_error("meeting_date", "Angiv datoen for mødet.")
        return data


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    return get_visible_or_404(Case.objects.visible_to(request.user).select_related("citizen"), pk)


def _refused(request: HttpRequest, case: Case) -> HttpResponse:
    messages.warning(
        request,
        "Ressourceforløbets datoer registreres af kommunens sagsbehandler på sager om "
        "ressourceforløb, når rehabiliteringsteamets møde er holdt.",
    )
    return redirect("cases:detail-tab", pk=case.pk, tab="rehabiliteringsteam")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def record_forloeb(request: HttpRequest, pk: int) -> HttpResponse:
    """The caseworker records when the ressourceforløb began and its first effort started."""
    user = cast(User, request.user)  # login_required
    case = _case_or_404(request, pk)
    if not services.may_record_forloeb(user, case):
        return _refused(request, case)
    follow_up = services.follow_up_of(case)
    initial = (
        {
            "started_on": follow_up.started_on,
            "first_effort_started_on": follow_up.first_effort_started_on,
        }
        if follow_up
        else {}
    )
    form = ForloebForm(request.POST if request.method == "POST" else None, initial=initial)

    def on_success(saved):
        messages.success(
            request,
            f"Ressourceforløbets datoer er gemt. Første indsats skal være startet senest "
            f"{saved.effort_deadline:%d.%m.%Y}.",
        )
        return redirect("cases:detail-tab", pk=case.pk, tab="rehabiliteringsteam")

    def render_form(error):
        record(
            user,
            AuditEntry.Action.READ,
            case_subject(case),
            detail="ressourceforløb",
            channel="web",
        )
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "meetings/followup/record.html",
            {"case": case, "form": form, "service_error": error, "follow_up": follow_up},
            status=status,
        )

    return run_form_action(
        request,
        form,
        lambda data: services.record_forloeb(user, case, channel="web", **data),
        on_success,
        render_form,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reopen_for_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """From the worklist: the genforelæggelsessag with the earlier documents, indstilling and
    the coordinator's summary, onto a meeting at least 5 working days ahead."""
    user = cast(User, request.user)  # login_required
    case = _case_or_404(request, pk)
    follow_up = services.follow_up_of(case)
    if follow_up is None or not services.may_record_forloeb(user, case):
        return _refused(request, case)
    meetings = services.genforelaeggelse_meetings(case)
    form = GenforelaeggelseForm(
        request.POST if request.method == "POST" else None, meetings=meetings
    )

    def call(data):
        if meetings:
            chosen = next(m for m in meetings if m.pk == data["meeting"])
            return services.reopen_for_meeting(user, case, chosen, channel="web")
        return services.reopen_as_genforelaeggelse(user, case, data["meeting_date"], "web")

    def on_success(new):
        messages.success(
            request,
            f"Genforelæggelsessagen {new.reference} er oprettet til mødet "
            f"{new.meeting_date:%d.%m.%Y} med den tidligere sags dokumenter, indstilling og "
            "sundhedskoordinatorens rådgivning.",
        )
        return redirect("cases:detail", pk=new.pk)

    def render_form(error):
        record(
            user,
            AuditEntry.Action.READ,
            case_subject(case),
            detail="genforelæggelse",
            channel="web",
        )
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "meetings/followup/reopen.html",
            {"case": case, "form": form, "service_error": error, "follow_up": follow_up},
            status=status,
        )

    return run_form_action(request, form, call, on_success, render_form)
