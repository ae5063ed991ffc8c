"""Every change to a case goes through one of these functions. Each is one transaction that
checks the rules, writes the change, the case event, the audit entry and the recomputed
deadlines together, or nothing."""

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record
from sagsbro.cases.models import Advice, Case, CaseEvent, CaseNote, Consent, Deadline
from sagsbro.cases.rules import conflict as conflict_rules
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules.advice import assert_no_benefit_advice
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import missing_for_sending
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    Role,
    State,
    TransitionRefused,
    can_reopen_as_genforelaeggelse,
    check_transition,
    target_after_resend,
)
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents import generation
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.organisations.models import AgreementDeadlineRule, TreatmentRelation, User
from sagsbro.workdays.services import configured_calendar

# Case fields a caseworker may fill while the case is a draft or returned, in the order the
# edit page shows them.
EDITABLE_FIELDS = (
    "purpose",
    "meeting_date",
    "urgent",
    "question",
    "contact_preference",
    "contact_times",
    "employment_offer",
    "citizen_statement",
    "citizen_informed_of_right",
    "latest_job",
)

# Which event fulfils each deadline kind.
FULFILLED_BY = {
    deadline_rules.DeadlineKind.SCREENING_FEEDBACK: "screen",
    deadline_rules.DeadlineKind.COORDINATOR_AVAILABLE: "assign",
    deadline_rules.DeadlineKind.URGENT_COORDINATOR: "assign",
    deadline_rules.DeadlineKind.WRITTEN_ANSWER: "answer",
    deadline_rules.DeadlineKind.CERTIFICATE_AFTER_CONSULTATION: "deliver_certificate",
    deadline_rules.DeadlineKind.CERTIFICATE_AFTER_REQUEST: "deliver_certificate",
    deadline_rules.DeadlineKind.CITIZEN_CONCLUSION: "send_indstilling",
}


def _today() -> date:
    return timezone.localdate()


def _refuse(exc: TransitionRefused):
    status = 403 if exc.code == "role_not_allowed" else 400
    return ServiceError(exc.code, exc.message, status=status)


def _event(case, user, kind, label, *, from_state="", comment="", data=None):
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        label=label,
        actor=user,
        from_state=from_state,
        to_state=case.state,
        comment=comment,
        data=data or {},
    )


def _audit_write(user, case, action, detail, channel):
    record(user, action, case_subject(case), detail=detail, channel=channel)


# --- creating and editing -------------------------------------------------------------------


@transaction.atomic
def create_case(user, *, subtype, citizen, channel="api", parent=None, **fields) -> Case:
    if user.role != Role.CASEWORKER:
        raise PermissionRefused("role_not_allowed", "Kun sagsbehandlere kan oprette sager.")
    if citizen.municipality_id != user.municipality_id:
        raise ServiceError(
            "citizen_not_found", "Borgeren findes ikke i din kommune.", fields={"citizen": []}
        )
    if parent is not None and parent.municipality_id != user.municipality_id:
        raise ServiceError("parent_not_found", "Den tidligere sag findes ikke.")
    case = Case(
        reference=uuid.uuid4().hex[:20],
        subtype=Subtype(subtype),
        municipality_id=user.municipality_id,
        region_id=user.municipality.region_id,
        citizen=citizen,
        caseworker=user,
        parent=parent,
        state=State.DRAFT,
    )
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ServiceError("unknown_field", f"Feltet »{name}« findes ikke på en sag.")
        setattr(case, name, value)
    case.save()
    case.reference = f"SB-{case.created_at:%Y}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    _event(case, user, "created", "Sagen er oprettet som kladde")
    _audit_write(user, case, AuditEntry.Action.CREATE, f"opret {case.subtype}", channel)
    recompute_deadlines(case)
    return case


def _locked(case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def update_case(user, case, *, channel="api", **fields) -> Case:
    case = _locked(case)
    if user.role != Role.CASEWORKER or case.municipality_id != user.municipality_id:
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke ændre sagen.")
    if case.state not in (State.DRAFT, State.RETURNED):
        raise ServiceError(
            "invalid_state", "Sagen kan kun ændres, mens den er kladde eller returneret."
        )
    changed = []
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ServiceError("unknown_field", f"Feltet »{name}« findes ikke på en sag.")
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    if changed:
        case.save()
        _event(case, user, "updated", "Sagens oplysninger er ændret", data={"fields": changed})
        _audit_write(user, case, AuditEntry.Action.UPDATE, ",".join(changed), channel)
        recompute_deadlines(case)
    return case


def missing_requirements(case) -> list:
    filled = {
        name
        for name in EDITABLE_FIELDS + ("parent",)
        if getattr(case, name) not in (None, "", False)
    }
    categories = set(case.documents.values_list("category", flat=True))
    today = _today()
    records = consent_records(case.citizen)
    consents = {
        scope
        for scope in consent_rules.ConsentScope
        if consent_rules.covering_consent(records, scope, today) is not None
    }
    return missing_for_sending(case.subtype_enum, filled, categories, consents)


# --- transitions ----------------------------------------------------------------------------


def _begin(user, case, name):
    case = _locked(case)
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    try:
        transition = check_transition(name, case.subtype_enum, case.state_enum, Role(user.role))
    except TransitionRefused as exc:
        raise _refuse(exc) from exc
    return case, transition


def _finish(user, case, transition, from_state, channel, *, comment="", data=None, label=None):
    case.save()
    _event(
        case,
        user,
        transition.name,
        label or transition.label,
        from_state=from_state,
        comment=comment,
        data=data,
    )
    _audit_write(user, case, AuditEntry.Action.TRANSITION, transition.name, channel)
    recompute_deadlines(case)
    return case


def _move(user, case, name, channel="api", *, comment="", data=None, label=None):
    case, transition = _begin(user, case, name)
    from_state = case.state
    if transition.target is not None:
        case.state = transition.target
    return _finish(
        user, case, transition, from_state, channel, comment=comment, data=data, label=label
    )


def _require_text(value, field, message):
    if not (value or "").strip():
        raise ServiceError("required", message, fields={field: [message]})


def _require_complete(case):
    """Refuse to send a case that lacks what its subtype requires, listing all of it."""
    missing = missing_requirements(case)
    if missing:
        raise ServiceError(
            "incomplete",
            "Sagen kan ikke sendes, fordi der mangler: "
            + "; ".join(m.label for m in missing)
            + ".",
            missing=[{"key": m.key, "label": m.label} for m in missing],
        )


@transaction.atomic
def send_case(user, case, channel="api") -> Case:
    case, transition = _begin(user, case, "send")
    _require_complete(case)
    from_state = case.state
    case.state = transition.target
    case.received_at = timezone.now()
    case.received_in_designated_inbox = True
    return _finish(user, case, transition, from_state, channel)


@transaction.atomic
def resend_case(user, case, comment="", channel="api") -> Case:
    case, transition = _begin(user, case, "resend")
    _require_complete(case)
    from_state = case.state
    assignee = (
        case.specialist_id if case.subtype == Subtype.KLINISK_FUNKTION else case.coordinator_id
    )
    case.state = target_after_resend(assignee is not None)
    # A returned case is received anew when it comes back complete (BEK § 21 stk. 2).
    case.received_at = timezone.now()
    return _finish(user, case, transition, from_state, channel, comment=comment)


def _doctor_ref(user) -> conflict_rules.DoctorRef:
    return conflict_rules.DoctorRef(authorisation_id=user.authorisation_id or None, user_id=user.pk)


def treatment_relations(citizen) -> list[conflict_rules.TreatmentRelation]:
    relations = [
        conflict_rules.TreatmentRelation(_doctor_ref(r.doctor), conflict_rules.RelationKind(r.kind))
        for r in TreatmentRelation.objects.filter(citizen=citizen).select_related("doctor")
    ]
    if citizen.general_practitioner_id:
        relations.append(
            conflict_rules.TreatmentRelation(
                _doctor_ref(citizen.general_practitioner), conflict_rules.RelationKind.CURRENT_GP
            )
        )
    return relations


def _assignable(case, person, role):
    if person is None or person.role != role or person.region_id != case.region_id:
        label = "sundhedskoordinator" if role == Role.COORDINATOR else "speciallæge"
        raise ServiceError(
            "invalid_assignee",
            f"Den valgte person er ikke {label} i regionen.",
            fields={"assignee": [f"Vælg en {label} fra regionen."]},
        )


@transaction.atomic
def assign_coordinator(user, case, coordinator, channel="api") -> Case:
    case, transition = _begin(user, case, "assign")
    _assignable(case, coordinator, Role.COORDINATOR)
    try:
        conflict_rules.require_no_conflict(
            _doctor_ref(coordinator), treatment_relations(case.citizen)
        )
    except conflict_rules.ConflictOfInterest as exc:
        raise ServiceError(exc.code, exc.message) from exc
    from_state = case.state
    case.coordinator = coordinator
    case.state = transition.target
    return _finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"assignee": coordinator.pk},
        label=f"Tildelt sundhedskoordinator {coordinator.get_full_name()}",
    )


@transaction.atomic
def assign_specialist(user, case, specialist, channel="api") -> Case:
    case, transition = _begin(user, case, "assign_specialist")
    _assignable(case, specialist, Role.CLINICAL_SPECIALIST)
    try:
        conflict_rules.require_no_conflict(
            _doctor_ref(specialist), treatment_relations(case.citizen)
        )
        parent_coordinator = case.parent.coordinator if case.parent_id else None
        agreed = (
            consent_rules.covering_consent(
                consent_records(case.citizen),
                consent_rules.ConsentScope.SAME_PERSON_ASSESSMENT,
                _today(),
            )
            is not None
        )
        conflict_rules.require_assessor_allowed(
            _doctor_ref(specialist),
            _doctor_ref(parent_coordinator) if parent_coordinator else None,
            agreed,
        )
    except (conflict_rules.ConflictOfInterest, conflict_rules.SamePersonWithoutConsent) as exc:
        raise ServiceError(exc.code, exc.message) from exc
    from_state = case.state
    case.specialist = specialist
    case.state = transition.target
    return _finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"assignee": specialist.pk},
        label=f"Tildelt speciallæge {specialist.get_full_name()}",
    )


@transaction.atomic
def return_for_information(user, case, reason, channel="api") -> Case:
    _require_text(reason, "reason", "Skriv, hvilke oplysninger der mangler.")
    return _move(user, case, "return_for_information", channel, comment=reason)


@transaction.atomic
def withdraw_case(user, case, reason, channel="api") -> Case:
    _require_text(reason, "reason", "Skriv, hvorfor sagen trækkes tilbage.")
    return _move(user, case, "withdraw", channel, comment=reason)


@transaction.atomic
def discard_draft(user, case, channel="api") -> Case:
    return _move(user, case, "discard_draft", channel)


@transaction.atomic
def postpone_meeting(user, case, new_date, reason="", channel="api") -> Case:
    case, transition = _begin(user, case, "postpone")
    if new_date is None:
        raise ServiceError(
            "required",
            "Angiv den nye mødedato.",
            fields={"meeting_date": ["Angiv den nye mødedato."]},
        )
    if new_date < _today():
        message = "Mødedatoen er passeret. Vælg et møde i dag eller senere."
        raise ServiceError("deadline_passed", message, fields={"meeting_date": [message]})
    if case.meeting_date == new_date:
        raise ServiceError(
            "unchanged",
            "Den nye mødedato er den samme som den gamle.",
            fields={"meeting_date": ["Vælg en anden dato end den nuværende."]},
        )
    old = case.meeting_date
    case.meeting_date = new_date
    return _finish(
        user,
        case,
        transition,
        case.state,
        channel,
        comment=reason,
        data={"from": old.isoformat() if old else None, "to": new_date.isoformat()},
        label=f"Udsat til møde {new_date:%d.%m.%Y}",
    )


@transaction.atomic
def record_screening(
    user, case, *, text, medically_clarified, treatment_exhausted, channel="api"
) -> Case:
    _require_text(text, "text", "Skriv screeningstilbagemeldingen.")
    case = _move(user, case, "screen", channel)
    Advice.objects.create(
        case=case,
        author=user,
        kind=Advice.Kind.SCREENING,
        text=text,
        medically_clarified=medically_clarified,
        treatment_exhausted=treatment_exhausted,
    )
    return case


@transaction.atomic
def hold_meeting(user, case, channel="api") -> Case:
    case, transition = _begin(user, case, "hold_meeting")
    if case.coordinator_id is None:
        raise ServiceError(
            "coordinator_missing",
            "Mødet kan ikke holdes uden sundhedskoordinator (evalueringen, afsnit om mødet).",
        )
    from_state = case.state
    case.state = transition.target
    return _finish(user, case, transition, from_state, channel)


@transaction.atomic
def send_indstilling(user, case, channel="api") -> Case:
    """After the meeting the indstilling goes to the citizen and the GP (EVAL table 8 step 4)."""
    case, transition = _begin(user, case, "send_indstilling")
    # This meeting's indstilling: one attached after the case was (last) sent to the region.
    # An earlier indstilling (carried over to a genforelæggelse, or sent along as background
    # material) is not the one to send.
    sent_at = (
        case.events.filter(kind__in=("send", "resend"))
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    indstilling = (
        case.documents.filter(category=Category.INDSTILLING, uploaded_at__gte=sent_at).last()
        if sent_at
        else None
    )
    if indstilling is None:
        raise ServiceError(
            "attachment_missing",
            "Vedhæft rehabiliteringsteamets indstilling, før den sendes.",
            missing=[{"key": "attachment:indstilling", "label": "Indstilling"}],
        )
    from_state = case.state
    case.state = transition.target
    _finish(user, case, transition, from_state, channel)
    _share_with_gp(case, indstilling, "Indstilling efter rehabiliteringsteammøde")
    return case


@transaction.atomic
def answer_in_writing(user, case, *, text, recommendations, channel="api", **extra) -> Case:
    """The coordinator's written answer (BEK § 11 stk. 2 and 6). No benefit advice (§ 11 stk. 4)."""
    assert_no_benefit_advice(extra.keys())
    if extra:
        raise ServiceError("unknown_field", "Svaret indeholder ukendte felter.")
    _require_text(text, "text", "Skriv det skriftlige svar.")
    # Subtype, state and role first, so refusals agree with the transition table; then the
    # assignee; nothing is written before both pass.
    case, transition = _begin(user, case, "answer")
    if case.coordinator_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte sundhedskoordinator kan svare.")
    from_state = case.state
    case.state = transition.target
    _finish(user, case, transition, from_state, channel)
    advice = Advice.objects.create(
        case=case,
        author=user,
        kind=Advice.Kind.WRITTEN_ANSWER,
        text=text,
        recommendations=[str(r) for r in recommendations],
    )
    # The answer is filed on the case as a PDF by a task queued in this same transaction.
    generation.enqueue_written_answer_pdf(advice)
    return case


@transaction.atomic
def close_case(user, case, channel="api") -> Case:
    return _move(user, case, "close", channel)


@transaction.atomic
def notify_late_appointment(user, case, appointment_date, channel="api") -> Case:
    """The caseworker is told before the citizen is invited to a late appointment (EVAL ~6000)."""
    case, transition = _begin(user, case, "notify_late_appointment")
    case.appointment_date = appointment_date
    case.late_appointment_notified_at = timezone.now()
    return _finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"appointment_date": appointment_date.isoformat()},
        label=f"Sagsbehandler orienteret om tid {appointment_date:%d.%m.%Y}",
    )


LATE_APPOINTMENT_DAYS = 14


@transaction.atomic
def invite_citizen(user, case, appointment_date, channel="api") -> Case:
    case, transition = _begin(user, case, "invite")
    received = timezone.localdate(case.received_at)
    late = (appointment_date - received).days > LATE_APPOINTMENT_DAYS
    notified_for_this = (
        case.late_appointment_notified_at is not None and case.appointment_date == appointment_date
    )
    if late and not notified_for_this:
        raise ServiceError(
            "late_appointment_not_notified",
            "Tiden ligger mere end 14 dage efter, at anmodningen blev modtaget. Orientér "
            "sagsbehandleren, før borgeren indkaldes.",
        )
    from_state = case.state
    case.appointment_date = appointment_date
    case.state = transition.target
    return _finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"appointment_date": appointment_date.isoformat()},
        label=f"Borgeren indkaldt til {appointment_date:%d.%m.%Y}",
    )


@transaction.atomic
def hold_consultation(user, case, consultation_date=None, channel="api") -> Case:
    case, transition = _begin(user, case, "hold_consultation")
    if case.specialist_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte speciallæge kan registrere.")
    from_state = case.state
    case.consultation_date = consultation_date or _today()
    case.state = transition.target
    return _finish(user, case, transition, from_state, channel)


@transaction.atomic
def deliver_certificate(user, case, channel="api") -> Case:
    """LÆ 275 to the municipality and, at the same moment, a copy to the GP (BEK § 15 stk. 2)."""
    case, transition = _begin(user, case, "deliver_certificate")
    certificate = case.documents.filter(category=Category.LAE_275).last()
    if certificate is None:
        raise ServiceError(
            "attachment_missing",
            "Vedhæft speciallægeattesten (LÆ 275), før den leveres.",
            missing=[{"key": "attachment:lae_275", "label": "LÆ 275 Speciallægeattest"}],
        )
    from_state = case.state
    case.state = transition.target
    _finish(user, case, transition, from_state, channel)
    _share_with_gp(case, certificate, "Kopi af speciallægeattest (BEK § 15, stk. 2)")
    return case


def _share_with_gp(case, document, reason):
    gp = case.citizen.general_practitioner
    if gp is None:
        return None
    share, _ = DocumentShare.objects.get_or_create(
        document=document, recipient=gp, defaults={"reason": reason}
    )
    return share


@transaction.atomic
def reopen_as_genforelaeggelse(user, case, meeting_date, channel="api") -> Case:
    """The earlier case comes back to the team with its documents and the coordinator's
    advice (procedure Genforelæggelse)."""
    original, transition = _begin(user, case, "reopen_as_genforelaeggelse")
    if not can_reopen_as_genforelaeggelse(original.subtype_enum, original.purpose):
        raise ServiceError(
            "not_ressourceforloeb",
            "Kun sager om ressourceforløb kan genforelægges (procedure Genforelæggelse).",
        )
    _require_creation_in_time_for(original, meeting_date)
    new = create_case(
        user,
        subtype=Subtype.GENFORELAEGGELSE,
        citizen=original.citizen,
        parent=original,
        channel=channel,
        purpose=original.purpose,
        meeting_date=meeting_date,
    )
    for document in original.documents.select_related("blob"):
        Document.objects.create(
            case=new,
            category=document.category,
            title=document.title,
            filename=document.filename,
            blob=document.blob,
            uploaded_by=document.uploaded_by,
            carried_over_from=document,
        )
    for advice in original.advice.all():
        Document.objects.create(
            case=new,
            category=Category.COORDINATOR_ADVICE,
            title=f"Sundhedskoordinators {advice.get_kind_display().lower()} "
            f"({advice.created_at:%d.%m.%Y})",
            filename=f"raadgivning-{advice.pk}.txt",
            blob=_text_blob(advice.text),
            uploaded_by=advice.author,
        )
    _finish(
        user,
        original,
        transition,
        original.state,
        channel,
        data={"new_case": new.pk},
        label=f"Genoptaget som genforelæggelse {new.reference}",
    )
    _event(new, user, "carried_over", f"Dokumenter og rådgivning overført fra {original.reference}")
    return new


def _require_creation_in_time_for(original, meeting_date):
    """A genforelæggelse is created at the latest 5 working days before the meeting
    (procedure Genforelæggelse; an agreement may set another count)."""
    overrides = agreement_overrides(original)
    rule = next(
        r
        for r in deadline_rules.rules_for(Subtype.GENFORELAEGGELSE, overrides)
        if r.kind == deadline_rules.DeadlineKind.CREATED_BEFORE_MEETING
    )
    latest = deadline_rules.due_date(rule, meeting_date, configured_calendar())
    if _today() > latest:
        message = (
            f"Fristen er overskredet: en genforelæggelsessag til mødet {meeting_date:%d.%m.%Y} "
            f"skulle være oprettet senest {latest:%d.%m.%Y} ({rule.source}). Vælg et senere møde."
        )
        raise ServiceError("deadline_passed", message, fields={"meeting_date": [message]})


def _text_blob(text):
    from sagsbro.documents.services import store_blob

    return store_blob(text.encode(), "text/plain")


# --- notes and consents ---------------------------------------------------------------------


@transaction.atomic
def add_note(user, case, *, text, contact_preference="", contact_times="", channel="api"):
    _require_text(text, "text", "Skriv en note.")
    if user.role == Role.GENERAL_PRACTITIONER or not (
        Case.objects.visible_to(user).filter(pk=case.pk).exists()
    ):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if case.state in FINAL_STATES:
        raise ServiceError("invalid_state", "Der kan ikke skrives noter på en afsluttet sag.")
    note = CaseNote.objects.create(
        case=case,
        author=user,
        text=text,
        contact_preference=contact_preference,
        contact_times=contact_times,
    )
    _event(case, user, "note_added", "Note tilføjet")
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("note", note.pk, case.pk, case.citizen_id),
        channel=channel,
    )
    return note


def consent_records(citizen) -> list[consent_rules.ConsentRecord]:
    return [
        consent_rules.ConsentRecord(
            scope=consent_rules.ConsentScope(c.scope),
            given_on=c.given_on,
            written=c.written,
            withdrawn_on=c.withdrawn_on,
            valid_until=c.valid_until,
        )
        for c in Consent.objects.filter(citizen=citizen)
    ]


def require_consent_for_action(case, action_key: str):
    """Refuse an action the citizen's consents do not cover (BEK § 5 stk. 2, § 11 stk. 5)."""
    try:
        return consent_rules.require_consent_for_action(
            action_key, consent_records(case.citizen), _today()
        )
    except consent_rules.ConsentMissing as exc:
        raise ServiceError(exc.code, exc.message) from exc


@transaction.atomic
def register_consent(
    user, citizen, *, scope, given_on, written=True, valid_until=None, channel="api"
) -> Consent:
    if user.role != Role.CASEWORKER or citizen.municipality_id != user.municipality_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun kommunens sagsbehandler kan registrere samtykke."
        )
    if given_on > _today():
        raise ServiceError(
            "future_date",
            "Samtykket kan ikke være givet i fremtiden.",
            fields={"given_on": ["Datoen må ikke ligge i fremtiden."]},
        )
    if valid_until is not None and valid_until < given_on:
        raise ServiceError(
            "invalid_period",
            "Gyldighedsdatoen ligger før samtykket blev givet.",
            fields={"valid_until": ["Skal ligge efter datoen for samtykket."]},
        )
    consent = Consent.objects.create(
        citizen=citizen,
        scope=scope,
        given_on=given_on,
        written=written,
        valid_until=valid_until,
        registered_by=user,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("consent", consent.pk, None, citizen.pk),
        detail=str(scope),
        channel=channel,
    )
    for case in citizen.cases.open():
        _event(case, user, "consent_registered", "Samtykke registreret", data={"scope": scope})
    return consent


@transaction.atomic
def withdraw_consent(user, consent, withdrawn_on=None, channel="api") -> Consent:
    if user.role != Role.CASEWORKER or consent.citizen.municipality_id != user.municipality_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun kommunens sagsbehandler kan tilbagekalde samtykke."
        )
    if consent.withdrawn_on is not None:
        raise ServiceError("already_withdrawn", "Samtykket er allerede tilbagekaldt.")
    consent.withdrawn_on = withdrawn_on or _today()
    consent.save(update_fields=["withdrawn_on"])
    record(
        user,
        AuditEntry.Action.UPDATE,
        Subject("consent", consent.pk, None, consent.citizen_id),
        detail="tilbagekaldt",
        channel=channel,
    )
    for case in consent.citizen.cases.open():
        _event(
            case, user, "consent_withdrawn", "Samtykke tilbagekaldt", data={"scope": consent.scope}
        )
    return consent


@transaction.atomic
def register_treatment_relation(user, citizen, doctor, kind, channel="api"):
    if user.role not in (Role.SECRETARIAT, Role.COORDINATOR, Role.CLINICAL_SPECIALIST):
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke registrere relationer.")
    relation, _ = TreatmentRelation.objects.get_or_create(citizen=citizen, doctor=doctor, kind=kind)
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("treatment_relation", relation.pk, None, citizen.pk),
        channel=channel,
    )
    return relation


# --- deadlines ------------------------------------------------------------------------------


def agreement_overrides(case) -> dict:
    on = timezone.localdate(case.received_at) if case.received_at else _today()
    rules = AgreementDeadlineRule.objects.filter(
        agreement__region_id=case.region_id,
        agreement__municipality_id=case.municipality_id,
        agreement__valid_from__lte=on,
        subtype=case.subtype,
    ).exclude(agreement__valid_to__lt=on)
    return {
        deadline_rules.DeadlineKind(r.kind): deadline_rules.RuleOverride(
            count=r.count, unit=deadline_rules.Unit(r.unit), source=r.source
        )
        for r in rules
    }


def recompute_deadlines(case) -> list[Deadline]:
    """Recompute every deadline of the case from its rules and anchor dates."""
    calendar = configured_calendar()
    rules = deadline_rules.rules_for(
        case.subtype_enum, agreement_overrides(case), urgent=case.urgent
    )
    anchors = {deadline_rules.Anchor.CREATED: timezone.localdate(case.created_at)}
    if case.received_at:
        anchors[deadline_rules.Anchor.RECEIVED] = timezone.localdate(case.received_at)
    if case.meeting_date:
        anchors[deadline_rules.Anchor.MEETING] = case.meeting_date
    if case.consultation_date:
        anchors[deadline_rules.Anchor.CONSULTATION] = case.consultation_date
    fulfilled = _fulfilment_dates(case)
    today = _today()
    keep = []
    for computed in deadline_rules.compute_deadlines(rules, anchors, calendar):
        rule = computed.rule
        done = fulfilled.get(rule.kind)
        state = deadline_rules.deadline_state(computed.due, done, today)
        deadline, _ = Deadline.objects.update_or_create(
            case=case,
            kind=rule.kind,
            defaults={
                "label": rule.label,
                "due": computed.due,
                "source": rule.source,
                "state": state,
                "fulfilled_on": done,
                # A withdrawn case binds no one; §24 binds only via the designated inbox.
                "binding": case.state != State.WITHDRAWN
                and (
                    case.received_in_designated_inbox or not rule.binding_requires_designated_inbox
                ),
            },
        )
        keep.append(deadline.pk)
    Deadline.objects.filter(case=case).exclude(pk__in=keep).delete()
    return list(Deadline.objects.filter(pk__in=keep))


def _fulfilment_dates(case) -> dict:
    dates = {}
    events = {}
    for kind, at in case.events.values_list("kind", "at"):
        events.setdefault(kind, timezone.localdate(at))
    received = timezone.localdate(case.received_at) if case.received_at else None
    if received:
        dates[deadline_rules.DeadlineKind.SEND_TO_COORDINATOR] = received
    dates[deadline_rules.DeadlineKind.CREATED_BEFORE_MEETING] = timezone.localdate(case.created_at)
    for kind, event_kind in FULFILLED_BY.items():
        if event_kind in events:
            dates[kind] = events[event_kind]
    return dates


def assignable_people(case, role) -> list[tuple[User, bool]]:
    """The region's coordinators (or specialists), each with whether §12 stk. 2 bars them."""
    relations = treatment_relations(case.citizen)
    people = User.objects.filter(region_id=case.region_id, role=role, is_active=True).order_by(
        "first_name", "last_name"
    )
    return [
        (person, conflict_rules.find_conflict(_doctor_ref(person), relations) is not None)
        for person in people
    ]
