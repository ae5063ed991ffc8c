"""The specialist's certificate (LÆ 275) as structured sections (BEK § 14): the assigned
specialist writes a draft, previews it, and signs it; signing renders the PDF with the
region's letterhead and keeps its bytes on the certificate only. Delivery
(:func:`deliver_certificate`) files it on the case as LÆ 275 for the municipality and, in the
same transaction, a copy to the citizen's GP (BEK § 15 stk. 2): the case's state, the
certificate, its document, the GP's share of it and the GP's letter in the outbox are written
all or none. Every party that sees a case sees its documents, so the signed PDF is not a
document before delivery; klinisk funktion opens it through :func:`signed_pdf_of`. Only a
signed structured certificate is delivered: a file uploaded as LÆ 275 is never checked
against § 14 and would reach the municipality before delivery, so the case's LÆ 275 is made
here only (``cases/rules/uploads.py`` refuses uploading one). A citizen with no GP registered
is delivered to only with the reason stated.

The sections are health information and are never logged."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.services.assignment import assignee_act, require_may_advise
from sagsbro.cases.services.common import share_with_gp
from sagsbro.cases.services.transitions import begin, finish, target_of
from sagsbro.clinical.models import Certificate, Referral
from sagsbro.clinical.pdf import certificate as certificate_pdf
from sagsbro.clinical.rules.certificate import (
    MAX_FURTHER_PRICE,
    CertificateContent,
    OverallBasis,
    certificate_problems,
    no_gp_refusal,
)
from sagsbro.clinical.services.assessment import (
    clinical_case,
    may_read_assessment,
    require_own,
    require_specialist,
)
from sagsbro.core.errors import AlreadyDone, ServiceError
from sagsbro.core.pdf import page_count
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import blob_files_block, store_blob
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import queue_message
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

TEXT_FIELDS = (
    "functional_capacity",
    "health",
    "citizen_view",
    "doctor_view",
    "other_factors",
    "further_assessment",
    "overall_assessment",
)
FIELDS = (
    *TEXT_FIELDS,
    "further_assessment_needed",
    "further_price",
    "further_time_frame",
    "is_overall",
)
TEXT_MAX = 20000
# All sections together: some ten pages, more than a specialist certificate needs, and a
# bound on the signing, which renders the PDF while the case is locked.
TOTAL_TEXT_MAX = 40000
TIME_FRAME_MAX = 200
#: A price that is not an amount. The service is reached from the page (which writes
#: "4500,00") and the API (which sends "4500.00"), so the message names both.
PRICE_UNREADABLE = "Angiv prisen som et beløb i kroner, fx 4500,00 (i API'et 4500.00)."

GP_COPY_REASON = "Kopi af speciallægeattest (BEK § 15, stk. 2)"


def content_of(certificate: Certificate) -> CertificateContent:
    return CertificateContent(**{field: getattr(certificate, field) for field in FIELDS})


# How far back a chain of earlier cases is followed (a bound against a malformed chain).
MAX_CASE_CHAIN = 20


def _case_family(origin_id: int | None) -> set[int]:
    """The originating case and the earlier cases it continues (a genforelæggelse's first
    team case, ...): one matter of the citizen's."""
    family: set[int] = set()
    while origin_id is not None and origin_id not in family and len(family) < MAX_CASE_CHAIN:
        family.add(origin_id)
        origin_id = Case.objects.filter(pk=origin_id).values_list("parent_id", flat=True).first()
    return family


def overall_basis(certificate: Certificate) -> OverallBasis:
    """What decides whether the certificate must be the overall assessment (BEK § 14,
    stk. 3-4): the case's referral asks for the further assessments of an earlier certificate
    (stk. 3), or klinisk funktion already delivered a certificate in the same matter (stk. 4:
    several assessments of the same person to clarify the same possibilities): on a referral
    from the same originating case or from an earlier case it continues, in this region.
    Documents on the case (specialist statements carried over as health information) are not
    assessments made by klinisk funktion and do not count, nor are certificates from other
    regions or other matters, which the specialist does not have."""
    case_id = certificate.case_id
    referral = Referral.objects.filter(case_id=case_id).values("origin_case_id").first()
    follows = Referral.objects.filter(case_id=case_id, follows_certificate__isnull=False).exists()
    family = _case_family(referral["origin_case_id"] if referral else None)
    region_id = Case.objects.filter(pk=case_id).values_list("region_id", flat=True).first()
    delivered_before = (
        Certificate.objects.filter(
            case__referral__origin_case_id__in=family,
            case__region_id=region_id,
            case__subtype=Subtype.KLINISK_FUNKTION,
            status=Certificate.Status.DELIVERED,
        )
        .exclude(case_id=case_id)
        .count()
        if family and region_id is not None
        else 0
    )
    return OverallBasis(follows_certificate=follows, delivered_before=delivered_before)


def problems_of(certificate: Certificate) -> dict[str, list[str]]:
    """What keeps the certificate from being signed (BEK § 14), by field."""
    problems: dict[str, list[str]] = {}
    for problem in certificate_problems(content_of(certificate), overall_basis(certificate)):
        problems.setdefault(problem.field, []).append(problem.message)
    return problems


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as stored; a field too long or a price out of range is refused."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown certificate fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS or name == "further_time_frame":
            text = (value or "").strip()
            limit = TIME_FRAME_MAX if name == "further_time_frame" else TEXT_MAX
            if len(text) > limit:
                errors[name] = [f"Teksten må højst være {limit} tegn."]
            cleaned[name] = text
        elif name == "further_price":
            try:
                price = None if value in (None, "") else Decimal(value)
            except (InvalidOperation, TypeError, ValueError):
                errors[name] = [PRICE_UNREADABLE]
                continue
            if price is not None and (
                not price.is_finite() or price != price.quantize(Decimal("0.01"))
            ):
                # NaN and infinity compare with nothing; the field keeps øre, no finer.
                errors[name] = [PRICE_UNREADABLE]
                continue
            if price is not None and not (0 < price <= MAX_FURTHER_PRICE):
                errors[name] = ["Prisen skal være over 0 kr. og højst 1.000.000 kr."]
            cleaned[name] = price
        else:
            cleaned[name] = bool(value)
    if errors:
        raise ServiceError("invalid", "Ret de markerede felter.", fields=errors)
    return cleaned


def _require_total_length(certificate: Certificate) -> None:
    lengths = {name: len(getattr(certificate, name) or "") for name in TEXT_FIELDS}
    total = sum(lengths.values())
    if total > TOTAL_TEXT_MAX:
        longest = max(lengths, key=lambda name: lengths[name])
        message = (
            f"Attestens afsnit må tilsammen højst være {TOTAL_TEXT_MAX:,} tegn; de er nu "
            f"{total:,} tegn. Gør teksten kortere."
        ).replace(",", ".")
        raise ServiceError("certificate_too_long", message, fields={longest: [message]})


def _subject(certificate: Certificate, case: Case) -> Subject:
    return Subject("certificate", certificate.pk, case.pk, case.citizen_id)


def _locked_certificate(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)


@assignee_act
@transaction.atomic
def create_certificate(
    user: User, case: Case, /, *, channel: str = "api", **fields: Any
) -> Certificate:
    """A new draft, after the consultation. One certificate at a time is under way on a case:
    while one is a draft or signed and not delivered, that one is edited or delivered."""
    case = clinical_case(user, case, lock=True)
    require_specialist(user, case, "skrive speciallægeattesten")
    if case.state != State.CONSULTATION_HELD:
        raise ServiceError(
            "invalid_state",
            "Speciallægeattesten skrives, når konsultationen er registreret som afholdt.",
        )
    open_one = (
        Certificate.objects.filter(case=case).exclude(status=Certificate.Status.DELIVERED).first()
    )
    if open_one is not None:
        raise AlreadyDone(
            "certificate_exists",
            "Sagen har allerede en attest, der ikke er leveret. Ret den i stedet.",
            existing={"id": open_one.pk, "status": open_one.status},
        )
    certificate = Certificate(case=case, author=user, **_clean(fields))
    _require_total_length(certificate)
    certificate.save()
    record_event(
        case,
        user,
        EventKind.CERTIFICATE_DRAFTED,
        "Kladde til speciallægeattest oprettet",
        data={"certificate_id": certificate.pk},
    )
    record(user, AuditEntry.Action.CREATE, _subject(certificate, case), channel=channel)
    return certificate


@assignee_act
@transaction.atomic
def update_certificate(
    user: User, case: Case, /, certificate: Certificate, *, channel: str = "api", **fields: Any
) -> Certificate:
    """Change the draft's sections; a signed certificate is not changed."""
    case = clinical_case(user, case, lock=True)
    require_own(certificate.case_id, case)
    require_specialist(user, case, "rette speciallægeattesten")
    certificate = _locked_certificate(certificate)
    if certificate.status != Certificate.Status.DRAFT:
        raise ServiceError(
            "certificate_signed", "Attesten er underskrevet og kan ikke længere rettes."
        )
    for name, value in _clean(fields).items():
        setattr(certificate, name, value)
    _require_total_length(certificate)
    certificate.save()
    record(
        user,
        AuditEntry.Action.UPDATE,
        _subject(certificate, case),
        detail="kladde",
        channel=channel,
    )
    return certificate


@assignee_act
def sign_certificate(
    user: User, case: Case, certificate: Certificate, *, channel: str = "api"
) -> Certificate:
    """The assigned specialist signs the complete draft: the PDF is rendered with the region's
    letterhead and kept on the certificate (with its page count), not yet on the case, all in
    one transaction (the PDF's file is removed again if it fails)."""
    with blob_files_block():
        case = clinical_case(user, case, lock=True)
        require_own(certificate.case_id, case)
        require_specialist(user, case, "underskrive speciallægeattesten")
        # The signer is checked again as at assigning: no conflict of interest (BEK § 12
        # stk. 2) and, as the citizen's earlier coordinator, only with the citizen's agreement
        # for this case (BEK § 13 stk. 3); either may have changed since.
        require_may_advise(case, user, Role.CLINICAL_SPECIALIST)
        certificate = _locked_certificate(certificate)
        if certificate.status != Certificate.Status.DRAFT:
            raise ServiceError("certificate_signed", "Attesten er allerede underskrevet.")
        if case.state != State.CONSULTATION_HELD:
            raise ServiceError(
                "invalid_state", "Attesten kan kun underskrives, før den er leveret."
            )
        problems = problems_of(certificate)
        if problems:
            raise ServiceError(
                "certificate_incomplete",
                "Attesten er ikke udfyldt: " + " ".join(m for ms in problems.values() for m in ms),
                fields=problems,
            )
        certificate.case = case
        certificate.author = user
        certificate.signed_at = timezone.now()
        content = certificate_pdf.render_pdf(certificate)
        certificate.pdf = store_blob(content)
        certificate.pdf_pages = page_count(content)
        certificate.status = Certificate.Status.SIGNED
        certificate.save(
            update_fields=["status", "signed_at", "pdf", "pdf_pages", "author", "updated_at"]
        )
        record_event(
            case,
            user,
            EventKind.CERTIFICATE_SIGNED,
            "Speciallægeattest underskrevet",
            data={"certificate_id": certificate.pk},
        )
        record(
            user,
            AuditEntry.Action.UPDATE,
            _subject(certificate, case),
            detail="underskrevet",
            channel=channel,
        )
        return certificate


def _certificate_to_deliver(case: Case) -> Certificate:
    """The case's signed certificate; its LÆ 275 document is made at delivery. Delivery is
    refused without one: only the structured certificate was checked against BEK § 14 at
    signing, and only its PDF is kept from the municipality until the GP's copy goes along."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .filter(case=case)
        .exclude(status=Certificate.Status.DELIVERED)
        .order_by("-created_at", "-id")
        .first()
    )
    if certificate is None:
        raise ServiceError(
            "certificate_missing",
            "Skriv og underskriv speciallægeattesten (LÆ 275) under fanen Vurdering, før den "
            "leveres.",
            missing=[{"key": "certificate", "label": "Underskrevet speciallægeattest (LÆ 275)"}],
        )
    if certificate.status == Certificate.Status.DRAFT or certificate.pdf_id is None:
        raise ServiceError(
            "certificate_not_signed",
            "Speciallægeattesten er en kladde. Underskriv den, før den leveres.",
        )
    return certificate


def _file_on_case(user: User, case: Case, certificate: Certificate, channel: str) -> Document:
    """The signed PDF as the case's LÆ 275 document, made at delivery (BEK § 15 stk. 2)."""
    assert certificate.pdf_id is not None and certificate.signed_at is not None
    document = Document.objects.create(
        case=case,
        category=Category.LAE_275,
        title=certificate_pdf.TITLE,
        filename=certificate_pdf.filename_for(certificate),
        content_type="application/pdf",
        blob_id=certificate.pdf_id,
        pages=certificate.pdf_pages,
        document_date=timezone.localdate(certificate.signed_at),
        author_organisation=case.region.klinisk_funktion_name,
        uploaded_by_id=certificate.author_id,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("document", document.pk, case.pk, case.citizen_id),
        detail=str(Category.LAE_275),
        channel=channel,
    )
    return document


@assignee_act
@transaction.atomic
def deliver_certificate(
    user: User, case: Case, channel: str = "api", *, no_gp_reason: str = ""
) -> Case:
    """LÆ 275 to the municipality and, at the same moment, a copy to the GP (BEK § 15 stk. 2):
    one transaction, so the municipality never has the certificate without the GP's copy. A
    citizen with no GP registered is delivered to only with ``no_gp_reason`` (why there is no
    copy, e.g. sygesikringsgruppe 2), recorded on the delivery event."""
    case, transition = begin(user, case, "deliver_certificate")
    require_specialist(user, case, "levere speciallægeattesten")
    certificate = _certificate_to_deliver(case)
    gp = case.citizen.general_practitioner
    reason = no_gp_reason.strip()
    refusal = no_gp_refusal(has_gp=gp is not None, reason=reason)
    if refusal is not None:
        code = "no_gp_reason_required" if not reason else "invalid"
        raise ServiceError(code, refusal, fields={"no_gp_reason": [refusal]})
    certificate.case = case
    document = _file_on_case(user, case, certificate, channel)
    certificate.status = Certificate.Status.DELIVERED
    certificate.delivered_at = timezone.now()
    certificate.document = document
    certificate.save(update_fields=["status", "delivered_at", "document", "updated_at"])
    from_state = case.state
    case.state = target_of(transition)
    data: dict[str, Any] = {
        "document_id": document.pk,
        "certificate_id": certificate.pk,
        "gp_copy": gp is not None,
    }
    if gp is None:
        data["no_gp_reason"] = reason
    label = None if gp is not None else "Speciallægeattest leveret (ingen egen læge registreret)"
    finish(
        user,
        case,
        transition,
        from_state,
        channel,
        comment="" if gp is not None else f"Ingen kopi til egen læge: {reason}",
        data=data,
        label=label,
    )
    if gp is not None:
        # The GP's copy: readable on the GP's pages (the share) and sent as a letter.
        share_with_gp(case, document, GP_COPY_REASON)
        queue_message(
            user,
            case,
            purpose=OutgoingMessage.Purpose.GP_CERTIFICATE_COPY,
            document=document,
            channel=channel,
        )
    return case


def certificates_for(user: User, case: Case) -> list[Certificate]:
    """The case's certificates the user reads (the caller checked that the user sees the
    case): klinisk funktion all of them, drafts included; the municipality the delivered."""
    certificates = Certificate.objects.filter(case=case).select_related("author", "document")
    if not may_read_assessment(user, case):
        certificates = certificates.filter(status=Certificate.Status.DELIVERED)
    return list(certificates)


def signed_pdf_of(
    user: User, case: Case, certificate: Certificate, *, channel: str = "api"
) -> Blob | None:
    """The signed PDF for klinisk funktion (the secretariat and the specialist), before and
    after delivery, audited as a download; None for anyone else (the caller answers 404:
    before delivery the certificate is not theirs to know of) and for a draft."""
    if (
        not may_read_assessment(user, case)
        or certificate.case_id != case.pk
        or certificate.pdf_id is None
    ):
        return None
    record(
        user,
        AuditEntry.Action.DOWNLOAD,
        _subject(certificate, case),
        detail="underskrevet PDF",
        channel=channel,
    )
    return certificate.pdf
