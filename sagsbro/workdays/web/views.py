"""The deadline calculator page (Fristberegner) for staff in municipalities and regions.

It computes with the configured calendar, the one the cases' deadlines and the calendar API
use. Without JavaScript the forms are plain GET forms; with HTMX only the result fragment
is swapped, or the whole form when it has errors to show.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from sagsbro.core.web import is_htmx_fragment_request
from sagsbro.workdays.calculator import CalculatorUnit, calculate
from sagsbro.workdays.rules import KIND_PUBLIC_HOLIDAY
from sagsbro.workdays.services import configured_calendar
from sagsbro.workdays.web.forms import ClosedDaysForm, DeadlineForm, submitted

# The HTMX target of each form, and the section it falls back to when the form has errors.
CALCULATOR = ("calculator-result", "calculator")
CLOSED_DAYS = ("closed-days-result", "closed-days")

CONFIGURABLE_DAYS = (
    ("grundlovsdag", "Grundlovsdag (5. juni)"),
    ("christmas_eve", "Juleaftensdag (24. december)"),
    ("new_years_eve", "Nytårsaftensdag (31. december)"),
)


def danish_date(day: datetime.date) -> str:
    """E.g. "fredag den 22.01.2027": the weekday, then the date as dd.mm.åååå."""
    return dateformat.format(day, r"l \d\e\n d.m.Y")


def _closed_day_rows(days):
    return [
        {
            "date": day.date,
            "text": danish_date(day.date),
            "name": day.name,
            "kind": "Helligdag" if day.kind == KIND_PUBLIC_HOLIDAY else "Lukkedag",
            "weekend": day.date.weekday() >= 5,
        }
        for day in days
    ]


def _calculation_context(calculation):
    if calculation is None:
        return None
    count = calculation.count
    if count > 0:
        description = f"{count} {calculation.unit_name} efter {danish_date(calculation.start)}"
    elif count < 0:
        description = f"{-count} {calculation.unit_name} før {danish_date(calculation.start)}"
    else:
        description = f"0 {calculation.unit_name} fra {danish_date(calculation.start)}"
    return {
        "result": calculation.result,
        "result_text": danish_date(calculation.result),
        "result_iso": calculation.result.isoformat(),
        "description": description,
        "working_days": calculation.unit is CalculatorUnit.WORKING_DAYS,
        "moved_from": danish_date(calculation.moved_from) if calculation.moved_from else "",
        "moved_forward": calculation.moved_forward,
        "skipped": _closed_day_rows(calculation.skipped),
    }


def _fragment_target(request) -> str | None:
    """The element an HTMX request swaps; None for a full page (history restores included)."""
    if not is_htmx_fragment_request(request):
        return None
    return request.headers.get("HX-Target") or CALCULATOR[0]


@login_required
@require_GET
def calculator(request):
    # Compared through the user, so the calendar does not depend on the organisations app.
    if not request.user.is_organisation_staff:
        messages.warning(request, "Fristberegneren er for medarbejdere i kommuner og regioner.")
        return redirect("cases:worklist")

    calendar = configured_calendar()
    today = timezone.localdate()

    deadline_form = (
        DeadlineForm(request.GET)
        if submitted(request.GET, DeadlineForm)
        else DeadlineForm(initial=DeadlineForm.initial_for(today))
    )
    calculation = None
    if deadline_form.is_bound and deadline_form.is_valid():
        data = deadline_form.cleaned_data
        try:
            calculation = calculate(
                calendar, data["startdato"], data["antal"], CalculatorUnit(data["enhed"])
            )
        except (OverflowError, ValueError):
            deadline_form.add_error(
                None, "Fristen ligger uden for kalenderen. Vælg et mindre antal."
            )

    default_year = calculation.start.year if calculation else today.year
    year_form = (
        ClosedDaysForm(request.GET)
        if submitted(request.GET, ClosedDaysForm)
        else ClosedDaysForm(initial={"aar": str(default_year)})
    )
    year = None
    if not year_form.is_bound:
        year = default_year
    elif year_form.is_valid():
        year = year_form.cleaned_data["aar"]

    options = calendar.options
    context = {
        "deadline_form": deadline_form,
        "calculation": _calculation_context(calculation),
        "year_form": year_form,
        "year": year,
        "closed_days": _closed_day_rows(calendar.closed_days(year)) if year else [],
        "configured_days": [
            (label, getattr(options, attribute)) for attribute, label in CONFIGURABLE_DAYS
        ],
    }

    target = _fragment_target(request)
    if target is None:
        response = render(request, "workdays/calculator.html", context)
    else:
        result, section = CLOSED_DAYS if target == CLOSED_DAYS[0] else CALCULATOR
        form = year_form if section == CLOSED_DAYS[1] else deadline_form
        if form.is_bound and form.errors:
            # Errors belong next to the fields: swap the whole form instead of the result.
            response = render(request, f"workdays/calculator.html#{section}", context)
            response["HX-Retarget"] = f"#{section}"
            response["HX-Reswap"] = "innerHTML"
        else:
            response = render(request, f"workdays/calculator.html#{result}", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
