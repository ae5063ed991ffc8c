"""The referral (LÆ 271), the invitation to the consultation and its cancellation as PDFs,
rendered in the shared frame of generated documents (`core.pdf.render_document`): the referral
with the municipality as issuer, the letters to the citizen with the region's klinisk
funktion. They name the citizen by name and masked CPR number only and fetch nothing from
outside."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.clinical.models import ConsultationSlot, Referral
from sagsbro.core.pdf import render_document
from sagsbro.documents.models import Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.letterhead import municipality_issuer, region_issuer
from sagsbro.organisations.rules import masked_cpr

STYLESHEET = Path(__file__).resolve().parent / "letters.css"
REFERRAL_TITLE = CATEGORY_LABELS[Category.LAE_271]
INVITATION_TITLE = "Indkaldelse til konsultation"
CANCELLATION_TITLE = "Aflysning af konsultation"


def render_referral_pdf(referral: Referral, attachments: list[Document]) -> bytes:
    case = referral.case
    advice = referral.origin_advice
    return render_document(
        "clinical/pdf/lae_271.html",
        {
            "case": case,
            "origin": referral.origin_case,
            "citizen_name": case.citizen.name,
            "citizen_cpr": masked_cpr(case.citizen.cpr),
            "klinisk_funktion": case.region.klinisk_funktion_name,
            "specialty": referral.specialty.name,
            "caseworker": case.caseworker.get_full_name() or case.caseworker.username,
            "question": referral.question,
            "origin_kind": referral.get_origin_kind_display(),
            "advice_date": timezone.localdate(advice.created_at) if advice else None,
            "advice_text": advice.text if advice else "",
            "attachments": [document.title for document in attachments],
            "follows": referral.follows_certificate,
        },
        STYLESHEET,
        issuer=municipality_issuer(case.municipality),
        title=REFERRAL_TITLE,
        dated=timezone.localdate(),
    )


def _render_to_citizen(case: Case, template: str, title: str, context: dict[str, object]) -> bytes:
    """A letter from the region's klinisk funktion to the case's citizen: who it is to, the
    municipality and the caseworker to contact, and the letter's own ``context``."""
    caseworker = case.caseworker
    return render_document(
        template,
        {
            "case": case,
            "citizen_name": case.citizen.name,
            "citizen_cpr": masked_cpr(case.citizen.cpr),
            "municipality": case.municipality.name,
            "klinisk_funktion": case.region.klinisk_funktion_name,
            "caseworker": (caseworker.get_full_name() or caseworker.username) if caseworker else "",
            **context,
        },
        STYLESHEET,
        issuer=region_issuer(case.region, "Klinisk funktion"),
        title=title,
        dated=timezone.localdate(),
    )


def render_invitation_pdf(slot: ConsultationSlot) -> bytes:
    case = slot.case
    assert case is not None  # only a booked slot has a letter
    specialist = slot.specialist
    # How the citizen changes the time: through the caseworker, or in writing to the region's
    # klinisk funktion at the address of the letterhead (no phone numbers are registered, so
    # none is printed).
    return _render_to_citizen(
        case,
        "clinical/pdf/invitation.html",
        INVITATION_TITLE,
        {
            "inbox": case.region.designated_inbox,
            "starts_at": timezone.localtime(slot.starts_at),
            "minutes": slot.minutes,
            "place_name": slot.place.name,
            "place_address": slot.place.address,
            "specialist": specialist.get_full_name() or specialist.username,
        },
    )


def render_cancellation_pdf(
    case: Case, slot: ConsultationSlot, starts_at: datetime.datetime, *, case_goes_on: bool
) -> bytes:
    """The letter that cancels a consultation the citizen had been sent an invitation to. It
    gives no reason (the municipality's or the specialist's reasons may be health data), only
    whether a new invitation follows."""
    return _render_to_citizen(
        case,
        "clinical/pdf/cancellation.html",
        CANCELLATION_TITLE,
        {
            "starts_at": timezone.localtime(starts_at),
            "place_name": slot.place.name,
            "place_address": slot.place.address,
            "case_goes_on": case_goes_on,
        },
    )
