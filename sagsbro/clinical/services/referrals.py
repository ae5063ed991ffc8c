"""The municipality's referral to klinisk funktion (LÆ 271, BEK § 13): made from a team case
or a løbende sag and the recommendation it rests on, with the prescribed attachments, and sent
to the region's klinisk funktion in one step. The secretariat's intake list reads them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Advice, Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.services.common import audit_case_write, locked, require_text
from sagsbro.cases.services.drafting import create_case
from sagsbro.cases.services.sending import send_case
from sagsbro.clinical.models import Certificate, Referral, Specialty
from sagsbro.clinical.pdf.letters import REFERRAL_TITLE, render_referral_pdf
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import attach_document, blob_files_atomic
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

TEAM_SUBTYPES = frozenset({Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE})
# BEK § 13: cases for the rehabilitation team and the løbende sager.
ORIGIN_SUBTYPES = TEAM_SUBTYPES | {Subtype.LOEBENDE_SAG}
# The team's advice at the meeting exists once the meeting is held.
MEETING_HELD_STATES = frozenset({State.MEETING_HELD, State.CLOSED})

#: The question of the LÆ 271 to klinisk funktion: one limit for the page and the API.
MAX_QUESTION_LENGTH = 5000
QUESTION_TOO_LONG = (
    f"Spørgsmålet til klinisk funktion må højst være {MAX_QUESTION_LENGTH:,} tegn.".replace(
        ",", "."
    )
)

ADVICE_KIND = {
    Referral.OriginKind.SCREENING: Advice.Kind.SCREENING,
    Referral.OriginKind.WRITTEN_ADVICE: Advice.Kind.WRITTEN_ANSWER,
}


@dataclass(frozen=True)
class Prescribed:
    """One attachment the referral must carry: any of the categories."""

    key: str
    label: str
    categories: frozenset[Category]


HEALTH_INFORMATION = Prescribed(
    "health_information",
    "Relevante helbredsoplysninger (fx LÆ 265 eller nye helbredsoplysninger)",
    frozenset(
        {
            Category.LAE_265,
            Category.NEW_HEALTH_INFORMATION,
            Category.OTHER_HEALTH_INFORMATION,
            Category.SPECIALIST_CERTIFICATE,
            Category.PSYCHOLOGICAL_ASSESSMENT,
        }
    ),
)
FORBEREDENDE_DEL = Prescribed(
    "forberedende_del",
    "Rehabiliteringsplanens forberedende del",
    frozenset({Category.FORBEREDENDE_DEL}),
)
PLAN = Prescribed(
    "plan", "Indstilling eller indsatsplan", frozenset({Category.INDSTILLING, Category.INDSATSPLAN})
)


def prescribed_attachments(origin_subtype: Subtype) -> tuple[Prescribed, ...]:
    """What the LÆ 271 must carry (table 8 step 2.2, "inklusive foreskrevne bilag"): the
    health information the assessment rests on, and the team case's preparatory part or the
    løbende sag's indstilling or plan."""
    if origin_subtype in TEAM_SUBTYPES:
        return (FORBEREDENDE_DEL, HEALTH_INFORMATION)
    return (PLAN, HEALTH_INFORMATION)


def prescribed_categories(origin_subtype: Subtype) -> frozenset[Category]:
    """The categories the form chooses beforehand: the prescribed attachments' only."""
    return frozenset().union(*(p.categories for p in prescribed_attachments(origin_subtype)))


def carried_category(category: str) -> Category:
    """The category a chosen document has on the klinisk-funktion case. An earlier specialist
    certificate (LÆ 275) goes along as an earlier specialist statement: the new case's LÆ 275
    is only the certificate klinisk funktion writes for it (BEK § 14), so an earlier one must
    never pass as this case's answer."""
    return Category.SPECIALIST_CERTIFICATE if category == Category.LAE_275 else Category(category)


def missing_attachments(origin_subtype: Subtype, categories: Sequence[str]) -> list[Prescribed]:
    present = {carried_category(c) for c in categories}
    return [p for p in prescribed_attachments(origin_subtype) if not p.categories & present]


def _invalid(code: str, field: str, message: str) -> ServiceError:
    return ServiceError(code, message, fields={field: [message]})


NO_RECOMMENDATION = (
    "Der kan henvises til klinisk funktion, når sundhedskoordinatoren har givet en anbefaling "
    "i sagen: en screening, en skriftlig rådgivning eller rådgivning på rehabiliteringsteamets "
    "møde."
)


def has_recommendation(origin: Case) -> bool:
    """Whether the case holds a recommendation a referral can rest on: the coordinator's
    screening or written advice, or the team's advice at a meeting that was held."""
    if origin.subtype not in ORIGIN_SUBTYPES:
        return False
    if origin.subtype in TEAM_SUBTYPES and origin.state in MEETING_HELD_STATES:
        return True
    return origin.advice.filter(kind__in=list(ADVICE_KIND.values())).exists()


def _check_origin(
    origin: Case, origin_kind: str, origin_advice: Advice | None
) -> Referral.OriginKind:
    if origin.subtype not in ORIGIN_SUBTYPES:
        raise _invalid(
            "invalid_origin",
            "origin_case",
            "Der kan kun henvises fra en sag til rehabiliteringsteamet eller en løbende sag.",
        )
    if origin_kind not in Referral.OriginKind.values:
        raise _invalid("invalid_origin_kind", "origin_kind", "Vælg, hvad henvisningen bygger på.")
    kind = Referral.OriginKind(origin_kind)
    if kind == Referral.OriginKind.MEETING_ADVICE:
        if origin.subtype not in TEAM_SUBTYPES or origin.state not in MEETING_HELD_STATES:
            raise _invalid(
                "invalid_origin_kind",
                "origin_kind",
                "Rådgivning på mødet findes først, når rehabiliteringsteamets møde er holdt.",
            )
        return kind
    if origin_advice is None or origin_advice.case_id != origin.pk:
        raise _invalid(
            "advice_required",
            "origin_advice",
            "Vælg sundhedskoordinatorens anbefaling i sagen, som henvisningen bygger på.",
        )
    if origin_advice.kind != ADVICE_KIND[kind]:
        raise _invalid(
            "advice_kind_mismatch",
            "origin_advice",
            f"Anbefalingen er ikke en {kind.label.lower()}.",
        )
    return kind


def _check_documents(origin: Case, documents: Sequence[Document]) -> None:
    for document in documents:
        if document.case_id != origin.pk or document.withdrawn_at is not None:
            raise _invalid(
                "invalid_document",
                "documents",
                "Et valgt bilag findes ikke på den oprindelige sag.",
            )
    missing = missing_attachments(Subtype(origin.subtype), [d.category for d in documents])
    if missing:
        raise ServiceError(
            "referral_incomplete",
            "Henvisningen kan ikke sendes, fordi der mangler: "
            + "; ".join(p.label for p in missing)
            + ".",
            missing=[{"key": f"attachment:{p.key}", "label": p.label} for p in missing],
        )


def _carry_over(user: User, case: Case, documents: Sequence[Document], channel: str) -> None:
    """The chosen attachments go along as documents of the new case (the bytes are stored once;
    the copy names the original), with their title, date and author; an earlier LÆ 275 as an
    earlier specialist statement (``carried_category``)."""
    for document in documents:
        copy = Document.objects.create(
            case=case,
            category=carried_category(document.category),
            title=document.title,
            filename=document.filename,
            content_type=document.content_type,
            blob=document.blob,
            pages=document.pages,
            document_date=document.document_date,
            author_organisation=document.author_organisation,
            rendition_id=document.rendition_id,
            conversion_status=document.conversion_status,
            conversion_error=document.conversion_error,
            text_sha256=document.text_sha256,
            thumbnail_id=document.thumbnail_id,
            uploaded_by=user,
            carried_over_from=document,
        )
        record(
            user,
            AuditEntry.Action.CREATE,
            Subject("document", copy.pk, case.pk, case.citizen_id),
            detail=f"bilag til henvisning fra dokument {document.pk}",
            channel=channel,
        )


def follow_up_candidates(user: User, origin: Case) -> QuerySet[Certificate]:
    """The earlier certificates a referral from ``origin`` may ask the further assessments of
    (BEK § 14 stk. 2): the same citizen's delivered certificates that described a need for
    further assessment, on cases the user may see; newest first."""
    return (
        Certificate.objects.filter(
            case__in=Case.objects.visible_to(user),
            case__citizen_id=origin.citizen_id,
            status=Certificate.Status.DELIVERED,
            further_assessment_needed=True,
        )
        .select_related("case")
        .order_by("-delivered_at", "-id")
    )


def certificate_label(certificate: Certificate) -> str:
    """How a caseworker recognises the earlier certificate: its case and delivery date."""
    delivered = timezone.localdate(certificate.delivered_at) if certificate.delivered_at else None
    when = f" leveret {delivered:%d.%m.%Y}" if delivered else ""
    return f"Speciallægeattest (LÆ 275) i sag {certificate.case.reference}{when}"


def _check_follows(user: User, origin: Case, certificate: Certificate | None) -> None:
    if certificate is None:
        return
    field = "follows_certificate"
    if (
        certificate.case.citizen_id != origin.citizen_id
        or not Case.objects.visible_to(user).filter(pk=certificate.case_id).exists()
    ):
        raise ServiceError(
            "not_found", "Attesten findes ikke.", fields={field: ["Attesten findes ikke."]}
        )
    if certificate.status != Certificate.Status.DELIVERED:
        raise _invalid(
            "certificate_not_delivered",
            field,
            "Der kan kun henvises til yderligere udredning efter en leveret speciallægeattest.",
        )
    if not certificate.further_assessment_needed:
        raise _invalid(
            "no_further_assessment",
            field,
            "Attesten beskriver ikke behov for yderligere udredning (BEK § 14, stk. 2).",
        )


# One transaction; the LÆ 271's blob file is removed again if anything after it fails.
@blob_files_atomic
def create_referral(
    user: User,
    origin_case: Case,
    *,
    origin_kind: str,
    question: str,
    specialty: Specialty | None,
    documents: Sequence[Document] = (),
    origin_advice: Advice | None = None,
    follows_certificate: Certificate | None = None,
    channel: str = "api",
) -> Referral:
    """Make the klinisk-funktion case from the originating case, attach the chosen documents
    and the LÆ 271 itself, and send it to the region. Refused as a whole, naming everything
    missing, when a prescribed attachment is not among the chosen documents.
    ``follows_certificate``: the same citizen's earlier delivered certificate whose further
    assessments (BEK § 14 stk. 2) the referral asks for."""
    if not access.may_see(user, origin_case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role != Role.CASEWORKER or not access.owns_case(user, origin_case):
        raise PermissionRefused("role_not_allowed", "Kun kommunens sagsbehandler kan henvise.")
    origin = locked(origin_case)
    kind = _check_origin(origin, origin_kind, origin_advice)
    require_text(question, "question", "Skriv spørgsmålet til klinisk funktion.")
    if len(question.strip()) > MAX_QUESTION_LENGTH:
        raise _invalid("too_long", "question", QUESTION_TOO_LONG)
    if specialty is None:
        raise _invalid("specialty_required", "specialty", "Vælg speciale.")
    documents = list(documents)
    _check_documents(origin, documents)
    _check_follows(user, origin, follows_certificate)
    case = create_case(
        user,
        subtype=Subtype.KLINISK_FUNKTION,
        citizen=origin.citizen,
        parent=origin,
        channel=channel,
        question=question.strip(),
    )
    referral = Referral.objects.create(
        case=case,
        origin_case=origin,
        origin_kind=kind,
        origin_advice=origin_advice if kind != Referral.OriginKind.MEETING_ADVICE else None,
        question=question.strip(),
        specialty=specialty,
        follows_certificate=follows_certificate,
        created_by=user,
    )
    _carry_over(user, case, documents, channel)
    attach_document(
        user,
        case,
        category=Category.LAE_271,
        title=REFERRAL_TITLE,
        filename=f"lae-271-{case.reference}.pdf",
        content=render_referral_pdf(referral, documents),
        document_date=timezone.localdate(),
        author_organisation=case.municipality.name,
        channel=channel,
    )
    # The LÆ 271 is the municipality's request: sent to the region's inbox at once (BEK § 24).
    case = send_case(user, case, channel)
    referral.case = case
    referral.received_at = case.received_at
    referral.save(update_fields=["received_at"])
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("referral", referral.pk, case.pk, case.citizen_id),
        # No specialty here: which specialty a citizen is referred to is health information.
        detail="henvisning (LÆ 271)",
        channel=channel,
    )
    # The history names no specialty either (it travels further than the referral itself).
    label = "Henvist til klinisk funktion"
    record_event(
        origin,
        user,
        EventKind.REFERRAL_MADE,
        f"{label}: {case.reference}",
        data={"referral": referral.pk, "case": case.pk},
    )
    audit_case_write(user, origin, AuditEntry.Action.UPDATE, "henvisning", channel)
    record_event(
        case,
        user,
        EventKind.REFERRAL_MADE,
        f"{label} fra sag {origin.reference}",
        data={"referral": referral.pk, "origin_case": origin.pk},
    )
    return referral


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """The referrals whose klinisk-funktion case the user may know of (the cases' tenancy)."""
    return Referral.objects.filter(case__in=Case.objects.visible_to(user))


# A referral is open while klinisk funktion still owes its certificate: received and not
# yet assigned, assigned, the citizen invited, or the consultation held (the certificate
# follows). Answered, closed and withdrawn ones are done; a returned one lies with the
# municipality until it is sent again (then it is "sent" and open once more).
OPEN_REFERRAL_STATES = (State.SENT, State.ASSIGNED, State.INVITED, State.CONSULTATION_HELD)


def open_referrals(rows: QuerySet[Referral], *, open_: bool = True) -> QuerySet[Referral]:
    """The one definition of an open referral, for the intake list and the API filter alike
    (``open_=False``: the others)."""
    condition = Q(case__state__in=OPEN_REFERRAL_STATES)
    return rows.filter(condition) if open_ else rows.exclude(condition)


def intake_list(user: User, *, open_only: bool = True) -> QuerySet[Referral]:
    """The secretariat's intake list: the region's received referrals, oldest first."""
    if user.role != Role.SECRETARIAT:
        return Referral.objects.none()
    rows = referrals_visible_to(user).filter(received_at__isnull=False)
    if open_only:
        rows = open_referrals(rows)
    return rows.select_related(
        "case",
        "case__municipality",
        "case__specialist",
        "specialty",
        "origin_case",
        "follows_certificate__case",
    ).order_by("received_at", "id")
