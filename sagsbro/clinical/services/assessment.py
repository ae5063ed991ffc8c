"""The specialist's work on a clinical case before the certificate: the consultation's note,
investigations ordered as part of the assessment (BEK § 13 stk. 2) and requests for hospital
or specialist records (BEK § 15 stk. 1). Each is recorded with who and when, and whether the
citizen's consent covers it; a record request without the citizen's written consent is
refused (BEK § 3, § 15 stk. 1).

Only the case's assigned specialist writes; every party that sees the case reads (the API
audits the reads). The texts are health information and are never logged."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.services import common
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.consents import consent_records
from sagsbro.clinical.models import ConsultationRecord, Investigation, RecordRequest
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

# The states in which the assessment is under way (after the specialist is assigned, before
# the certificate is delivered).
ASSESSING_STATES = frozenset({State.ASSIGNED, State.INVITED, State.CONSULTATION_HELD})
# Investigations are part of the consultation's assessment: from the invitation on.
INVESTIGATION_STATES = frozenset({State.INVITED, State.CONSULTATION_HELD})

NOTE_MAX = 20000
TEXT_MAX = 5000
SOURCE_MAX = 200

INVESTIGATION_CONSENT_MESSAGE = (
    "Undersøgelsen kræver borgerens informerede samtykke. Bekræft, at borgeren har givet det."
)


def clinical_case(user: User, case: Case, *, lock: bool = False) -> Case:
    """The clinical case the user may see: 404 for a case the user may not know of or that is
    not a case about klinisk funktion."""
    if lock:
        case = common.locked(case)
    if not access.may_see(user, case) or case.subtype != Subtype.KLINISK_FUNKTION:
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    return case


def require_specialist(user: User, case: Case, what: str) -> None:
    if case.specialist_id is None or case.specialist_id != user.pk:
        raise PermissionRefused("not_assignee", f"Kun den tildelte speciallæge kan {what}.")


def require_own(case_id: int, case: Case) -> None:
    """The object belongs to the case it is reached through."""
    if case_id != case.pk:
        raise ServiceError("not_found", "Findes ikke på sagen.", status=404)


def _require_state(case: Case, states: frozenset[State], message: str) -> None:
    if case.state not in states:
        raise ServiceError("invalid_state", message)


def _subject(kind: str, pk: int, case: Case) -> Subject:
    return Subject(kind, pk, case.pk, case.citizen_id)


def _text(value: str | None, field: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError("required", message, fields={field: [message]})
    if len(text) > limit:
        problem = f"Teksten må højst være {limit} tegn."
        raise ServiceError("too_long", problem, fields={field: [problem]})
    return text


def _past_or_today(value: datetime.date, field: str, earliest: datetime.date) -> None:
    problem = None
    if value > common.local_today():
        problem = "Datoen ligger efter i dag."
    elif value < earliest:
        problem = f"Datoen ligger før {earliest:%d.%m.%Y}."
    if problem:
        raise ServiceError("invalid_date", problem, fields={field: [problem]})


# --- the consultation --------------------------------------------------------------------


def open_consultation_record(case: Case, user: User) -> ConsultationRecord:
    """The case's consultation record, made when the consultation is registered as held."""
    assert case.consultation_date is not None
    consultation, _ = ConsultationRecord.objects.get_or_create(
        case=case, defaults={"held_on": case.consultation_date, "recorded_by": user}
    )
    return consultation


@assignee_act
@transaction.atomic
def save_consultation_note(
    user: User, case: Case, *, note: str, channel: str = "api"
) -> ConsultationRecord:
    """The specialist's note from the consultation (held on the case's consultation date)."""
    case = clinical_case(user, case, lock=True)
    require_specialist(user, case, "skrive konsultationsnotatet")
    _require_state(
        case,
        frozenset({State.CONSULTATION_HELD}),
        "Notatet skrives, når konsultationen er registreret som afholdt, og før attesten "
        "er leveret.",
    )
    text = _text(note, "note", "Skriv notatet fra konsultationen.", NOTE_MAX)
    consultation = open_consultation_record(case, user)
    created = consultation.note == ""
    consultation.note = text
    consultation.recorded_by = user
    consultation.save(update_fields=["note", "recorded_by"])
    record_event(case, user, EventKind.CONSULTATION_NOTE_SAVED, "Konsultationsnotat gemt")
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        _subject("consultation_record", consultation.pk, case),
        channel=channel,
    )
    return consultation


# --- investigations (BEK § 13 stk. 2) ----------------------------------------------------


@assignee_act
@transaction.atomic
def order_investigation(
    user: User,
    case: Case,
    *,
    kind: str,
    description: str,
    citizen_consented: bool,
    channel: str = "api",
) -> Investigation:
    """An investigation ordered as part of the assessment, when it is needed for it (imaging,
    blood tests, function tests; BEK § 13 stk. 2). The examination is health care: it needs
    the citizen's informed consent, which the specialist confirms."""
    case = clinical_case(user, case, lock=True)
    require_specialist(user, case, "bestille undersøgelser")
    _require_state(
        case,
        INVESTIGATION_STATES,
        "Undersøgelser bestilles, når borgeren er indkaldt, og før attesten er leveret.",
    )
    if kind not in Investigation.Kind.values:
        problem = "Vælg en type undersøgelse."
        raise ServiceError("invalid_kind", problem, fields={"kind": [problem]})
    text = _text(
        description,
        "description",
        "Beskriv undersøgelsen, og hvorfor den er nødvendig for vurderingen.",
        TEXT_MAX,
    )
    if not citizen_consented:
        raise ServiceError(
            "consent_missing",
            INVESTIGATION_CONSENT_MESSAGE,
            fields={"citizen_consented": [INVESTIGATION_CONSENT_MESSAGE]},
        )
    investigation = Investigation.objects.create(
        case=case,
        kind=kind,
        description=text,
        ordered_by=user,
        consent_covered=True,
    )
    record_event(
        case,
        user,
        EventKind.INVESTIGATION_ORDERED,
        # The history is read by the municipality too: which investigation is health
        # information and stays on klinisk funktion's own list (BEK § 13 stk. 2).
        "Undersøgelse bestilt (BEK § 13, stk. 2)",
        data={"investigation_id": investigation.pk},
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        _subject("investigation", investigation.pk, case),
        detail=kind,
        channel=channel,
    )
    return investigation


@assignee_act
@transaction.atomic
def record_investigation_done(
    user: User,
    case: Case,
    investigation: Investigation,
    *,
    done_on: datetime.date,
    channel: str = "api",
) -> Investigation:
    case = clinical_case(user, case, lock=True)
    require_own(investigation.case_id, case)
    require_specialist(user, case, "registrere undersøgelser")
    _require_state(
        case, INVESTIGATION_STATES, "Undersøgelsen kan ikke ændres, når attesten er leveret."
    )
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.done_on is not None:
        raise ServiceError("already_done", "Undersøgelsen er allerede registreret som udført.")
    _past_or_today(done_on, "done_on", timezone.localdate(investigation.ordered_at))
    investigation.done_on = done_on
    investigation.save(update_fields=["done_on"])
    record_event(
        case,
        user,
        EventKind.INVESTIGATION_DONE,
        f"Undersøgelse udført {done_on:%d.%m.%Y}",
        data={"investigation_id": investigation.pk},
    )
    record(
        user,
        AuditEntry.Action.UPDATE,
        _subject("investigation", investigation.pk, case),
        detail="udført",
        channel=channel,
    )
    return investigation


# --- record requests (BEK § 15 stk. 1) ---------------------------------------------------


def covering_consent_row(case: Case, scope: consent_rules.ConsentScope) -> Consent | None:
    """The citizen's registered consent that covers `scope` today, or None."""
    rows = list(Consent.objects.filter(citizen=case.citizen_id))
    records = consent_records(case.citizen, rows)
    covering = consent_rules.covering_consent(records, scope, common.local_today())
    if covering is None:
        return None
    return next(row for row, rec in zip(rows, records, strict=True) if rec is covering)


@assignee_act
@transaction.atomic
def request_records(user: User, case: Case, *, source: str, channel: str = "api") -> RecordRequest:
    """Records asked for from a hospital or a practising specialist (BEK § 15 stk. 1), only
    under the citizen's written consent to it (BEK § 3)."""
    case = clinical_case(user, case, lock=True)
    require_specialist(user, case, "indhente journaloplysninger")
    _require_state(case, ASSESSING_STATES, "Journaloplysninger indhentes, før attesten er leveret.")
    text = _text(source, "source", "Angiv sygehuset eller speciallægen.", SOURCE_MAX)
    consent = covering_consent_row(case, consent_rules.ConsentScope.OBTAIN_RECORDS)
    if consent is None:
        message = consent_rules.ConsentMissing(consent_rules.ConsentScope.OBTAIN_RECORDS).message
        raise ServiceError("consent_missing", message)
    request = RecordRequest.objects.create(
        case=case, source=text, requested_by=user, consent=consent, consent_covered=True
    )
    record_event(
        case,
        user,
        EventKind.RECORDS_REQUESTED,
        "Journaloplysninger anmodet",
        data={"record_request_id": request.pk, "consent_id": consent.pk},
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        _subject("record_request", request.pk, case),
        channel=channel,
    )
    return request


@assignee_act
@transaction.atomic
def record_records_received(
    user: User, case: Case, request: RecordRequest, *, channel: str = "api"
) -> RecordRequest:
    case = clinical_case(user, case, lock=True)
    require_own(request.case_id, case)
    require_specialist(user, case, "registrere journaloplysninger")
    _require_state(case, ASSESSING_STATES, "Anmodningen kan ikke ændres, når attesten er leveret.")
    request = RecordRequest.objects.select_for_update().get(pk=request.pk)
    if request.received_at is not None:
        raise ServiceError("already_done", "Journaloplysningerne er allerede registreret modtaget.")
    request.received_at = timezone.now()
    request.save(update_fields=["received_at"])
    record_event(
        case,
        user,
        EventKind.RECORDS_RECEIVED,
        "Journaloplysninger modtaget",
        data={"record_request_id": request.pk},
    )
    record(
        user,
        AuditEntry.Action.UPDATE,
        _subject("record_request", request.pk, case),
        detail="modtaget",
        channel=channel,
    )
    return request


# --- reading -------------------------------------------------------------------------------

# The region's people who work the clinical case read the specialist's notes; the
# municipality gets the certificate, not the specialist's working notes.
ASSESSMENT_READERS = frozenset({Role.SECRETARIAT, Role.CLINICAL_SPECIALIST})


def may_read_assessment(user: User, case: Case) -> bool:
    """The case's region's secretariat and its specialist (the caller checked that the user
    sees the case)."""
    return user.role in ASSESSMENT_READERS and user.region_id == case.region_id


def require_may_read_assessment(user: User, case: Case) -> None:
    if not may_read_assessment(user, case):
        raise PermissionRefused(
            "not_allowed", "Konsultationens notater læses kun af klinisk funktion."
        )


@dataclass(frozen=True)
class Assessment:
    """What the specialist has recorded on the case so far."""

    consultation: ConsultationRecord | None
    investigations: list[Investigation]
    record_requests: list[RecordRequest]


def assessment_of(case: Case) -> Assessment:
    """The case's consultation, investigations and record requests (the caller checked that
    the user may see the case)."""
    consultation = (
        ConsultationRecord.objects.select_related("recorded_by").filter(case=case).first()
    )
    return Assessment(
        consultation=consultation,
        investigations=list(Investigation.objects.filter(case=case).select_related("ordered_by")),
        record_requests=list(
            RecordRequest.objects.filter(case=case).select_related("requested_by", "consent")
        ),
    )
