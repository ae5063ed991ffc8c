"""The specialist's certificate (LÆ 275, BEK § 14) as a PDF and as the draft's preview.

Rendered with `core.pdf.render_document` from clinical/certificate.html (the shared frame of
generated documents, with the region's klinisk funktion as the issuer). The preview page
includes the same body, so the specialist reads the draft as the municipality will. The
citizen is named by name and masked CPR number only.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone

from sagsbro.clinical.models import Certificate
from sagsbro.core.pdf import CASE_ANSWER_STYLESHEET, Issuer, render_document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.letterhead import region_issuer
from sagsbro.organisations.rules import masked_cpr

TEMPLATE = "clinical/certificate.html"
# The answers' shared layout, then the certificate's own rules.
STYLESHEET = (CASE_ANSWER_STYLESHEET, Path(__file__).resolve().parent / "certificate.css")
TITLE = CATEGORY_LABELS[Category.LAE_275]
UNIT = "Klinisk funktion – speciallægeattest"


def filename_for(certificate: Certificate) -> str:
    return f"speciallaegeattest-{certificate.case.reference}-{certificate.pk}.pdf"


def issuer_for(certificate: Certificate) -> Issuer:
    return region_issuer(certificate.case.region, UNIT)


def dated_for(certificate: Certificate) -> datetime.date:
    return timezone.localdate(certificate.signed_at or timezone.now())


def context_for(certificate: Certificate) -> dict[str, object]:
    case = certificate.case
    author = certificate.author
    referral = getattr(case, "referral", None)
    return {
        # The frame's (pdf/base.html); the preview page prints the same letterhead.
        "title": TITLE,
        "issuer": issuer_for(certificate),
        "dated": dated_for(certificate),
        "date_label": "Dato",
        "case": case,
        "certificate": certificate,
        "signed": certificate.signed_at is not None,
        "klinisk_funktion": case.region.klinisk_funktion_name,
        "municipality": case.municipality.name,
        "specialist_name": author.get_full_name() or author.username,
        "specialist_title": author.title,
        "citizen_name": case.citizen.name,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "question": referral.question if referral is not None else case.question,
        "consultation_date": case.consultation_date,
    }


def render_pdf(certificate: Certificate) -> bytes:
    """The signed certificate as PDF bytes."""
    return render_document(
        TEMPLATE,
        context_for(certificate),
        STYLESHEET,
        issuer=issuer_for(certificate),
        title=TITLE,
        dated=dated_for(certificate),
    )
