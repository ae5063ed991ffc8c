"""The coordinator's written answer as a PDF: "Sundhedskoordinators skriftlige svar".

The PDF is rendered with WeasyPrint from the template cases/written_answer.html, which
extends the shared frame of generated documents (`core.pdf.render_document`) with the
region's klinisk funktion as the issuer. It names the citizen by name and masked CPR number
(DDMMÅÅ-XXXX) only, and fetches nothing from outside: every resource it needs is in the
templates and the stylesheets.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from sagsbro.cases.models import Advice
from sagsbro.cases.rules.advice import BENEFIT_REMINDER_SUBTYPES, RECOMMENDATION_LABELS
from sagsbro.core.pdf import CASE_ANSWER_STYLESHEET, Issuer, render_document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.letterhead import region_issuer
from sagsbro.organisations.rules import masked_cpr

TEMPLATE = "cases/written_answer.html"
# The answers' shared layout is all the written answer needs.
STYLESHEET = CASE_ANSWER_STYLESHEET
TITLE = CATEGORY_LABELS[Category.WRITTEN_ANSWER]
UNIT = "Sundhedskoordinatorfunktionen"


def filename_for(advice: Advice) -> str:
    return f"skriftligt-svar-{advice.case.reference}-{advice.pk}.pdf"


def issuer_for(advice: Advice) -> Issuer:
    return region_issuer(advice.case.region, UNIT)


def answered_on_for(advice: Advice) -> datetime.date:
    return timezone.localdate(advice.created_at)


def context_for(advice: Advice) -> dict[str, object]:
    case = advice.case
    author = advice.author
    return {
        # The frame's (pdf/base.html); the preview page prints the same letterhead.
        "title": TITLE,
        "issuer": issuer_for(advice),
        "dated": answered_on_for(advice),
        "date_label": "Dato",
        "case": case,
        "subtype": case.get_subtype_display(),
        "klinisk_funktion": case.region.klinisk_funktion_name,
        "municipality": case.municipality.name,
        "coordinator_name": author.get_full_name() or author.username,
        "coordinator_title": author.title,
        "citizen_name": case.citizen.name,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "question": case.question,
        "recommendations": [RECOMMENDATION_LABELS.get(r, r) for r in advice.recommendations],
        "text": advice.text,
        "benefit_reminder": case.subtype in BENEFIT_REMINDER_SUBTYPES,
    }


def render_pdf(advice: Advice) -> bytes:
    """The answer as PDF bytes."""
    return render_document(
        TEMPLATE,
        context_for(advice),
        STYLESHEET,
        issuer=issuer_for(advice),
        title=TITLE,
        dated=answered_on_for(advice),
    )
