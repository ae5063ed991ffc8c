"""The team's indstilling and the written conclusion to the citizen as PDFs, rendered with
WeasyPrint from the templates meetings/pdf/*.html in the shared frame of generated documents
(`core.pdf.render_document`) with the municipality's rehabilitation team as the issuer. They
name the citizen by name and masked CPR number only and fetch nothing from outside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from sagsbro.core.pdf import render_document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.meetings.models import FollowUp, Indstilling
from sagsbro.meetings.rules.indstilling import FIELDS
from sagsbro.organisations.letterhead import municipality_issuer
from sagsbro.organisations.rules import masked_cpr

STYLESHEET = Path(__file__).resolve().parent / "letters.css"
INDSTILLING_TITLE = CATEGORY_LABELS[Category.INDSTILLING]
CONCLUSION_TITLE = CATEGORY_LABELS[Category.CITIZEN_CONCLUSION]
UNIT = "Rehabiliteringsteamet"


def field_label(name: str) -> str:
    """The Danish label of one of the indstilling's fields, capitalised."""
    field = Indstilling._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def sections(indstilling: Indstilling) -> list[tuple[str, str]]:
    """(label, text) of each filled field, in order."""
    rows = []
    for name in FIELDS:
        text = getattr(indstilling, name)
        if text.strip():
            rows.append((field_label(name), text))
    return rows


def _base(indstilling: Indstilling) -> dict[str, Any]:
    case = indstilling.case
    meeting = indstilling.booking.meeting
    return {
        "case": case,
        "municipality": case.municipality.name,
        "meeting_date": meeting.date,
        "citizen_name": case.citizen.name,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "sections": sections(indstilling),
    }


def indstilling_filename(indstilling: Indstilling) -> str:
    return f"indstilling-{indstilling.case.reference}-{indstilling.pk}.pdf"


def conclusion_filename(indstilling: Indstilling) -> str:
    return f"konklusion-{indstilling.case.reference}-{indstilling.pk}.pdf"


def _render(indstilling: Indstilling, template: str, title: str, **extra: Any) -> bytes:
    return render_document(
        template,
        {**_base(indstilling), **extra},
        STYLESHEET,
        issuer=municipality_issuer(indstilling.case.municipality, UNIT),
        title=title,
        dated=timezone.localdate(),
    )


def render_indstilling_pdf(indstilling: Indstilling) -> bytes:
    return _render(indstilling, "meetings/pdf/indstilling.html", INDSTILLING_TITLE)


def render_conclusion_pdf(indstilling: Indstilling, follow_ups: list[FollowUp]) -> bytes:
    return _render(
        indstilling, "meetings/pdf/conclusion.html", CONCLUSION_TITLE, follow_ups=follow_ups
    )
