"""The page for the price of assessments (BEK § 18): the running average per case and year
against the cap, the cases under a price agreed with their municipality against that price,
the costs recorded, and the national price index. The region's secretariat records costs and,
with the region's administrator, sees the region's averages; the national administrator keeps
the index; the regions and the municipalities' administrators read it.
Thin: reads and writes through `clinical.services.prices`."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sagsbro.clinical.models import AssessmentCost
from sagsbro.clinical.rules import prices as price_rules
from sagsbro.clinical.services import prices
from sagsbro.core.errors import ServiceError
from sagsbro.core.forms import AmountField, date_field
from sagsbro.organisations.models import User

# The latest costs shown on the page; the API lists them all.
RECENT_COSTS = 20


class CostForm(forms.Form):
    reference = forms.CharField(
        label="Sagsnummer",
        max_length=20,
        help_text="Sagen i klinisk funktion, som udgiften hører til.",
        error_messages={"required": "Angiv sagsnummeret."},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=AssessmentCost.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Vælg typen.", "invalid_choice": "Vælg typen."},
    )
    amount = AmountField(
        label="Beløb (kr.)",
        help_text="Fx 14.000,00.",
        invalid="Angiv beløbet som et tal, fx 14.000,00.",
        error_messages={"required": "Angiv beløbet."},
    )
    incurred_on = date_field("Dato for udgiften")
    description = forms.CharField(
        label="Beskrivelse",
        required=False,
        max_length=250,
        help_text="Fx hvilken attest der er købt. Skriv ikke helbredsoplysninger her.",
        error_messages={"max_length": "Beskrivelsen må højst have 250 tegn."},
    )


class IndexForm(forms.Form):
    year = forms.IntegerField(
        label="År",
        min_value=price_rules.BASE_YEAR,
        max_value=price_rules.LAST_YEAR,
        error_messages={
            "required": "Angiv året.",
            "invalid": "Angiv året som et helt tal.",
            "min_value": "Året skal ligge mellem 2011 og 2100.",
            "max_value": "Året skal ligge mellem 2011 og 2100.",
        },
    )
    index = AmountField(
        label="Indeks (2011 = 100)",
        help_text="Fx 128,40.",
        invalid="Angiv indekset som et tal, fx 128,40.",
        error_messages={"required": "Angiv indekset."},
    )


def _apply_service_error(form: forms.Form, exc: ServiceError, fallback: str) -> None:
    placed = False
    for field, errors in exc.fields.items():
        target = "reference" if field == "case" else field
        if target in form.fields:
            for error in errors:
                form.add_error(target, error)
            placed = True
    if not placed:
        form.add_error(fallback, exc.message)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def price_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not prices.may_read_index(user):
        raise PermissionDenied(prices.READ_INDEX_REFUSED)
    sees_figures = prices.may_see_prices(user)
    cost_form = CostForm(prefix="cost") if prices.may_record_costs(user) else None
    index_form = IndexForm(prefix="index") if prices.may_set_index(user) else None
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "cost" and cost_form is not None:
            cost_form = CostForm(request.POST, prefix="cost")
            if cost_form.is_valid():
                data = cost_form.cleaned_data
                case = (
                    prices.cost_cases_visible_to(user)
                    .filter(reference=data["reference"].strip())
                    .first()
                )
                try:
                    prices.record_cost(
                        user,
                        case,
                        kind=data["kind"],
                        amount=data["amount"],
                        incurred_on=data["incurred_on"],
                        description=data["description"],
                        channel="web",
                    )
                except ServiceError as exc:
                    _apply_service_error(cost_form, exc, "amount")
                else:
                    messages.success(request, "Udgiften er registreret.")
                    return redirect("clinical-prices")
        elif which == "index" and index_form is not None:
            index_form = IndexForm(request.POST, prefix="index")
            if index_form.is_valid():
                data = index_form.cleaned_data
                try:
                    prices.set_price_index(user, data["year"], data["index"], channel="web")
                except ServiceError as exc:
                    _apply_service_error(index_form, exc, "index")
                else:
                    messages.success(request, f"Prisindekset for {data['year']} er gemt.")
                    return redirect("clinical-prices")
        else:
            raise PermissionDenied("Du kan ikke ændre priserne.")
        status = 400

    # The national index, read once: for its table and for the region's figures.
    index_rows = list(prices.index_rows_visible_to(user).order_by("-year"))
    table = {row.year: row.index for row in index_rows}
    figures: list[price_rules.PriceFigure] = []
    agreed: list[price_rules.AgreedPriceFigure] = []
    if sees_figures:
        # The region's costs and agreements are read once for both kinds of figure.
        overview = prices.price_overview(user, table)
        figures, agreed = overview.figures, overview.agreed
    names = prices.municipality_names(agreed)
    recent: list[AssessmentCost] = []
    if prices.may_record_costs(user):
        recent = list(
            prices.costs_visible_to(user)
            .select_related("case")
            .order_by("-recorded_at", "-id")[:RECENT_COSTS]
        )
        prices.audit_cost_reads(user, recent, channel="web")
    context = {
        "sees_figures": sees_figures,
        "figures": [
            {"figure": f, "label": price_rules.LEVEL_LABELS[f.level]} for f in reversed(figures)
        ],
        "alerts": [
            f for f in figures if f.level in (price_rules.Level.WARNING, price_rules.Level.OVER)
        ],
        "agreed": [
            {
                "figure": f,
                "municipality": names.get(f.municipality_id, ""),
                "label": price_rules.AGREED_LEVEL_LABELS[f.level],
            }
            for f in sorted(agreed, key=lambda f: (-f.year, names.get(f.municipality_id, "")))
        ],
        "missing": sorted({y for f in figures for y in f.missing_years}),
        "recent": recent,
        "index_rows": [
            {
                "year": row.year,
                "index": row.index,
                "cap": price_rules.cap_for_year(row.year, table),
                "set_at": row.set_at,
            }
            for row in index_rows
        ],
        "cost_form": cost_form,
        "index_form": index_form,
        "national": prices.is_national_administrator(user),
        "cap_2011": price_rules.CAP_2011,
        "warning_percent": int(price_rules.WARNING_SHARE * 100),
        "region": user.region if sees_figures else None,
    }
    return render(request, "clinical/prices.html", context, status=status)
