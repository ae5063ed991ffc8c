"""The region administrator's pages for the collaboration agreements (samarbejdsaftaler):
the region's municipalities with the agreement in force, and one agreement's deadlines to
read and change. Thin: read through the organisations' helpers, write through
`cases.services.agreements.save_agreement` (the deadline rules are the cases domain's)."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import SUBTYPE_LABELS
from sagsbro.cases.services.agreements import (
    CERTIFICATE_PRICE_MESSAGE,
    PAGE_BUDGET_MAX,
    PAGE_BUDGET_MESSAGE,
    PAGE_BUDGET_MIN,
    save_agreement,
)
from sagsbro.core.errors import ServiceError
from sagsbro.core.forms import AmountField
from sagsbro.documents.rules import DEFAULT_PAGE_BUDGET
from sagsbro.organisations.models import CollaborationAgreement, Municipality
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import agreement_in_force, pending_agreement

PAGE_SIZE = 20

SUBTYPE_CHOICES = [("", "Vælg undertype")] + [(str(s), SUBTYPE_LABELS[s]) for s in Subtype]
KIND_CHOICES = [("", "Vælg frist")] + [
    (str(k), deadline_rules.KIND_LABELS[k]) for k in deadline_rules.DeadlineKind
]
UNIT_CHOICES = [(str(u), label) for u, label in deadline_rules.UNIT_LABELS.items()]


def _require_region_admin(user):
    if user.role != Role.ADMINISTRATOR or not user.region_id:
        raise PermissionDenied("Kun regionens administrator har adgang til samarbejdsaftalerne.")


class AgreementForm(forms.Form):
    expected_cases_per_year = forms.IntegerField(
        label="Forventet antal sager pr. år",
        min_value=0,
        error_messages={"required": "Angiv et antal.", "invalid": "Angiv et helt tal."},
    )
    notice_months = forms.IntegerField(
        label="Opsigelsesvarsel (måneder)",
        min_value=0,
        error_messages={"required": "Angiv et antal.", "invalid": "Angiv et helt tal."},
    )
    page_budget = forms.IntegerField(
        label="Sidegrænse pr. sag",
        help_text=(
            "Så mange sider må en sags dokumenter fylde, før sagen viser en advarsel "
            "(dubletter og tilbagetrukne dokumenter tælles ikke med)."
        ),
        min_value=PAGE_BUDGET_MIN,
        max_value=PAGE_BUDGET_MAX,
        error_messages={
            "required": "Angiv en sidegrænse.",
            "invalid": "Angiv et helt tal.",
            "min_value": PAGE_BUDGET_MESSAGE,
            "max_value": PAGE_BUDGET_MESSAGE,
        },
    )
    certificate_price = AmountField(
        required=False,
        invalid=CERTIFICATE_PRICE_MESSAGE,
        label="Aftalt pris pr. speciallægeattest (kr.)",
        help_text=(
            "Prisen, kommunen og regionen har aftalt for en speciallægeattest fra klinisk "
            "funktion, fx 15.000,00 (BEK § 18, stk. 1). Lad feltet stå tomt, hvis der ikke er "
            "aftalt en pris: så gælder loftet på 14.000 kr. pr. sag i 2011-niveau (§ 18, stk. 2)."
        ),
    )

    municipality_requests_status = forms.BooleanField(
        label=(
            "Kommunen rekvirerer journaloplysninger, statusattester og status fra psykolog på "
            "klinisk funktions vegne"
        ),
        help_text=(
            "Kun når kommunen og regionen har aftalt det (BEK § 3, stk. 2). Uden aftalen kan "
            "kommunen ikke vedhæfte en status fra psykolog; en vurdering fra psykolog "
            "rekvireres altid som speciallægeattest fra klinisk funktion (BEK § 1, stk. 5)."
        ),
        required=False,
    )


class RuleForm(forms.Form):
    subtype = forms.ChoiceField(label="Undertype", choices=SUBTYPE_CHOICES, required=False)
    kind = forms.ChoiceField(label="Frist", choices=KIND_CHOICES, required=False)
    count = forms.IntegerField(
        label="Antal", required=False, error_messages={"invalid": "Angiv et helt tal."}
    )
    unit = forms.ChoiceField(label="Enhed", choices=UNIT_CHOICES, required=False)
    source = forms.CharField(label="Kilde", max_length=150, required=False)
    DELETE = forms.BooleanField(label="Fjern", required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("subtype") or data.get("kind") or data.get("count") is not None)


RuleFormSet = forms.formset_factory(RuleForm, extra=2, max_num=100, absolute_max=100)


def _rows(agreement):
    if agreement is None:
        return []
    return [
        {
            "subtype": rule.subtype,
            "subtype_label": SUBTYPE_LABELS.get(Subtype(rule.subtype), rule.subtype),
            "kind": rule.kind,
            "kind_label": deadline_rules.KIND_LABELS.get(
                deadline_rules.DeadlineKind(rule.kind), rule.kind
            ),
            "count": rule.count,
            "unit": rule.unit,
            "unit_label": deadline_rules.UNIT_LABELS.get(deadline_rules.Unit(rule.unit), rule.unit),
            "source": rule.source,
        }
        for rule in agreement.deadline_rules.order_by("subtype", "kind")
    ]


def _fallback_rows():
    return [
        {
            "subtype_label": SUBTYPE_LABELS[subtype],
            "kind_label": rule.label,
            "count": rule.count,
            "unit_label": deadline_rules.UNIT_LABELS[rule.unit],
            "source": rule.source,
        }
        for subtype, rules in deadline_rules.FALLBACK_RULES.items()
        for rule in rules
    ]


def _danish_amount(value: Decimal | None) -> str:
    """14000.5 as "14.000,50"."""
    if value is None:
        return ""
    whole, _, cents = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{cents}"


@never_cache
@login_required
@require_GET
def agreement_list(request):
    user = request.user
    _require_region_admin(user)
    today = timezone.localdate()
    municipalities = Municipality.objects.filter(region_id=user.region_id).order_by("name")
    page = Paginator(municipalities, PAGE_SIZE).get_page(request.GET.get("side"))
    # All versions of the page's municipalities in one query, newest first.
    versions = (
        CollaborationAgreement.objects.filter(region_id=user.region_id, municipality__in=list(page))
        .annotate(rule_count=Count("deadline_rules"))
        .order_by("-valid_from", "-id")
    )
    current: dict[int, CollaborationAgreement] = {}
    pending: dict[int, CollaborationAgreement] = {}
    for version in versions:
        if version.valid_from > today:
            pending.setdefault(version.municipality_id, version)
        elif version.valid_to is None or version.valid_to >= today:
            current.setdefault(version.municipality_id, version)
    rows = [
        {
            "municipality": municipality,
            "current": current.get(municipality.pk),
            "pending": pending.get(municipality.pk),
        }
        for municipality in page
    ]
    return render(
        request,
        "cases/agreements/agreement_list.html",
        {"page": page, "rows": rows, "region": user.region},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request, pk):
    user = request.user
    _require_region_admin(user)
    municipality = Municipality.objects.filter(pk=pk, region_id=user.region_id).first()
    if municipality is None:
        raise Http404
    today = timezone.localdate()
    current = agreement_in_force(municipality, today)
    pending = pending_agreement(municipality, today)
    basis = pending or current
    service_error = None
    if request.method == "POST":
        form = AgreementForm(request.POST)
        formset = RuleFormSet(request.POST, prefix="regel")
        if form.is_valid() and formset.is_valid():
            rules = [
                {**f.cleaned_data, "count": f.cleaned_data.get("count")}
                for f in formset
                if not f.cleaned_data.get("DELETE") and not f.is_blank()
            ]
            try:
                version = save_agreement(
                    user, municipality, rules=rules, channel="web", **form.cleaned_data
                )
            except ServiceError as exc:
                if "certificate_price" in exc.fields:
                    form.add_error("certificate_price", exc.message)
                else:
                    service_error = exc
            else:
                messages.success(
                    request,
                    f"Samarbejdsaftalen med {municipality.name} er gemt. Fristerne gælder for "
                    f"sager, regionen modtager fra {version.valid_from:%d.%m.%Y}.",
                )
                return redirect("agreement-detail", pk=municipality.pk)
    else:
        form = AgreementForm(
            initial={
                "expected_cases_per_year": basis.expected_cases_per_year if basis else 0,
                "notice_months": basis.notice_months if basis else 9,
                "page_budget": basis.page_budget if basis else DEFAULT_PAGE_BUDGET,
                "certificate_price": _danish_amount(basis.certificate_price) if basis else "",
                "municipality_requests_status": bool(basis and basis.municipality_requests_status),
            }
        )
        formset = RuleFormSet(
            initial=[
                {k: row[k] for k in ("subtype", "kind", "count", "unit", "source")}
                for row in _rows(basis)
            ],
            prefix="regel",
        )
    versions = CollaborationAgreement.objects.filter(
        municipality=municipality, region_id=user.region_id
    ).order_by("-valid_from", "-id")
    context = {
        "municipality": municipality,
        "current": current,
        "current_rows": _rows(current),
        "pending": pending,
        "pending_rows": _rows(pending),
        "versions": versions,
        "fallback_rows": _fallback_rows(),
        "form": form,
        "formset": formset,
        "service_error": service_error,
        "tomorrow": today + datetime.timedelta(days=1),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/agreements/agreement_detail.html", context, status=status)
