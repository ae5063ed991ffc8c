"""The coordinator's written answer as a PDF: "Sundhedskoordinators skriftlige svar".

The PDF is rendered with WeasyPrint from the template cases/written_answer.html. It
names the citizen by name and masked CPR number (DDMMÅÅ-XXXX) only, and fetches nothing
from outside: every resource it needs is in the template and the stylesheet beside it.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from sagsbro.cases.models import Advice
from sagsbro.cases.rules.advice import BENEFIT_REMINDER_SUBTYPES, RECOMMENDATION_LABELS
from sagsbro.core.pdf import html_to_pdf
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.rules import masked_cpr

TEMPLATE = "cases/written_answer.html"
STYLESHEET = Path(__file__).resolve().parent / "written_answer.css"
TITLE = CATEGORY_LABELS[Category.WRITTEN_ANSWER]


def filename_for(advice: Advice) -> str:
    return f"skriftligt-svar-{advice.case.reference}-{advice.pk}.pdf"


def context_for(advice: Advice) -> dict[str, object]:
    case = advice.case
    author = advice.author
    return {
        "title": TITLE,
        "case": case,
        "subtype": case.get_subtype_display(),
        "klinisk_funktion": case.region.klinisk_funktion_name,
        "municipality": case.municipality.name,
        "answered_on": timezone.localdate(advice.created_at),
        "coordinator_name": author.get_full_name() or author.username,
        "coordinator_title": author.title,
        "citizen_name": case.citizen.name,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "question": case.question,
        "recommendations": [RECOMMENDATION_LABELS.get(r, r) for r in advice.recommendations],
        "text": advice.text,
        "benefit_reminder": case.subtype in BENEFIT_REMINDER_SUBTYPES,
    }


def render_html(advice: Advice) -> str:
    with translation.override("da"):
        return render_to_string(TEMPLATE, context_for(advice))


def render_pdf(advice: Advice) -> bytes:
    """The answer as PDF bytes."""
    return html_to_pdf(render_html(advice), STYLESHEET)
