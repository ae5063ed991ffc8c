"""Every change to a case goes through one of these functions. Each is one transaction that
checks the rules, writes the change, the case event, the audit entry and the recomputed
deadlines together, or nothing."""

import functools
import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record
from sagsbro.cases.models import Advice, AnswerDraft, Case, CaseEvent, CaseNote, Consent, Deadline
from sagsbro.cases.rules import advice as advice_rules
from sagsbro.cases.rules import conflict as conflict_rules
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.rules.advice import assert_no_benefit_advice
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import ContactPreference, missing_for_sending
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    Role,
    State,
    TransitionRefused,
    check_genforelaeggelse_parent,
    check_transition,
    target_after_resend,
)
from sagsbro.core.errors import ConfirmationRequired, PermissionRefused, ServiceError
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

# Which events fulfil each deadline kind: a deadline is met only by the act it names (the
# earliest of the events listed). The municipality's MATERIAL_TO_REGION is met by the date
# the region received the complete case, CREATED_BEFORE_MEETING by the creation date.
FULFILLED_BY = {
    # The secretariat forwards the case to a coordinator (procedures: "Sekretariatet sender
    # sagen ... til sundhedskoordinator"); a reassignment forwards it too.
    deadline_rules.DeadlineKind.SEND_TO_COORDINATOR: ("assign", "reassign"),
    deadline_rules.DeadlineKind.SCREENING_FEEDBACK: ("screen",),
    deadline_rules.DeadlineKind.COORDINATOR_AVAILABLE: ("assign",),
    deadline_rules.DeadlineKind.URGENT_COORDINATOR: ("assign",),
    deadline_rules.DeadlineKind.WRITTEN_ANSWER: ("answer",),
    deadline_rules.DeadlineKind.CERTIFICATE_AFTER_CONSULTATION: ("deliver_certificate",),
    deadline_rules.DeadlineKind.CERTIFICATE_AFTER_REQUEST: ("deliver_certificate",),
    deadline_rules.DeadlineKind.CITIZEN_CONCLUSION: ("send_indstilling",),
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
    if Subtype(subtype) == Subtype.GENFORELAEGGELSE and parent is not None:
        # One place for both ways a genforelæggelse is made (reopening and POST /cases/).
        _require_genforelaeggelse_allowed(parent, fields.get("meeting_date"))
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
    _require_meeting_day(case.meeting_date)
    case.save()
    case.reference = f"SB-{case.created_at:%Y}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    _event(case, user, "created", "Sagen er oprettet som kladde")
    _audit_write(user, case, AuditEntry.Action.CREATE, f"opret {case.subtype}", channel)
    recompute_deadlines(case)
    return case


def _require_meeting_day(meeting_date, field="meeting_date"):
    """A meeting is held on a working day (rules.meetings.meeting_day_problem)."""
    if meeting_date is None:
        return
    problem = meeting_rules.meeting_day_problem(meeting_date, configured_calendar())
    if problem:
        raise ServiceError("not_a_working_day", problem, fields={field: [problem]})


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
    if "meeting_date" in changed:
        _require_meeting_day(case.meeting_date)
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
    status = {
        scope: consent_rules.consent_status(records, scope, today)
        for scope in consent_rules.ConsentScope
    }
    consents = {scope for scope, s in status.items() if s == consent_rules.ConsentStatus.GIVEN}
    refusals = {scope for scope, s in status.items() if s == consent_rules.ConsentStatus.REFUSED}
    return missing_for_sending(case.subtype_enum, filled, categories, consents, refusals)


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
def send_case(user, case, channel="api", *, confirm_late=False) -> Case:
    case, transition = _begin(user, case, "send")
    _require_complete(case)
    late = late_for_meeting(case)
    if late is not None and not confirm_late:
        raise ConfirmationRequired(
            "late_for_meeting",
            late.message,
            warning={
                "deadline": late.deadline.isoformat(),
                "meeting_date": late.meeting_date.isoformat(),
                "working_days_late": late.working_days_late,
                "source": late.source,
            },
            confirm_field="confirm_late",
        )
    from_state = case.state
    case.state = transition.target
    case.received_at = timezone.now()
    case.received_in_designated_inbox = True
    data = None
    if late is not None:
        # The caseworker saw the warning and chose to send anyway.
        data = {
            "confirmed_late": True,
            "working_days_late": late.working_days_late,
            "deadline": late.deadline.isoformat(),
            "meeting_date": late.meeting_date.isoformat(),
        }
    return _finish(user, case, transition, from_state, channel, data=data)


# The deadline before the meeting that the municipality's sending must meet, most specific
# first: the municipality's own deadline for material to the region where the rules hold
# one, else the deadline for the case to be with the coordinator (procedures 001/002).
_SEND_DEADLINE_KINDS = ("material_to_region", "send_to_coordinator")


def late_for_meeting(case, today=None) -> meeting_rules.LateForMeeting | None:
    """Whether sending the case now misses the deadline before its meeting, and by how much."""
    if case.meeting_date is None:
        return None
    rules = {
        str(rule.kind): rule
        for rule in deadline_rules.rules_for(case.subtype_enum, agreement_overrides(case))
        if rule.anchor == deadline_rules.Anchor.MEETING
        and rule.direction == deadline_rules.Direction.BEFORE
    }
    rule = next((rules[k] for k in _SEND_DEADLINE_KINDS if k in rules), None)
    if rule is None:
        return None
    calendar = configured_calendar()
    deadline = deadline_rules.due_date(rule, case.meeting_date, calendar)
    days = meeting_rules.days_late_for_meeting(deadline, today or _today(), calendar)
    if days == 0:
        return None
    return meeting_rules.LateForMeeting(
        deadline=deadline,
        meeting_date=case.meeting_date,
        working_days_late=days,
        source=rule.source,
    )


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


def _assignee_field(case, user):
    """Which assignment ``user`` holds on ``case``: "coordinator", "specialist" or None."""
    if case.coordinator_id is not None and case.coordinator_id == user.pk:
        return "coordinator"
    if case.specialist_id is not None and case.specialist_id == user.pk:
        return "specialist"
    return None


def _put_back_for_conflict(actor, case, field, kind, channel) -> bool:
    """Take a disqualified assignee off the case and send it back to the secretariat for a
    new assignment (BEK § 12 stk. 2), in the caller's transaction. False: nothing to do."""
    target = conflict_rules.state_after_conflict(case.state)
    if target is None:
        return False
    from_state = case.state
    released = getattr(case, f"{field}_id")
    setattr(case, field, None)
    case.state = target
    case.save()
    who = "Sundhedskoordinatoren" if field == "coordinator" else "Speciallægen"
    _event(
        case,
        actor,
        "conflict_put_back",
        f"{who} er inhabil (BEK § 12, stk. 2). Sagen er sendt tilbage til sekretariatet "
        "til ny tildeling",
        from_state=from_state,
        data={"released": released, "role": field, "relation": str(kind)},
    )
    _audit_write(actor, case, AuditEntry.Action.TRANSITION, "conflict_put_back", channel)
    recompute_deadlines(case)
    return True


def _refuse_if_conflicted(user, case, channel):
    """BEK § 12 stk. 2 at every act of the assigned coordinator or specialist, not only at
    assignment: when a relation registered since then disqualifies them, the act is refused
    and the case goes back to the secretariat. The put-back is committed in its own
    transaction before the refusal is raised, so the refusal does not roll it back."""
    current = Case.objects.filter(pk=case.pk).first()
    if current is None or _assignee_field(current, user) is None:
        return  # not the assignee: the act's own checks refuse it
    relation = conflict_rules.find_conflict(_doctor_ref(user), treatment_relations(current.citizen))
    if relation is None:
        return
    with transaction.atomic():
        locked = _locked(current)
        field = _assignee_field(locked, user)
        if field is not None:
            _put_back_for_conflict(user, locked, field, relation.kind, channel)
    exc = conflict_rules.ConflictArisen(relation.kind)
    raise ServiceError(exc.code, exc.message)


def _assignee_act(func):
    """An act of the case's assigned coordinator or specialist: checked for § 12 stk. 2 first,
    outside the act's own transaction (see _refuse_if_conflicted)."""

    @functools.wraps(func)
    def wrapper(user, case, *args, **kwargs):
        _refuse_if_conflicted(user, case, kwargs.get("channel", "api"))
        return func(user, case, *args, **kwargs)

    return wrapper


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


def assignee_role(case) -> Role:
    return (
        Role.CLINICAL_SPECIALIST if case.subtype == Subtype.KLINISK_FUNKTION else Role.COORDINATOR
    )


ROLE_TITLES = {Role.COORDINATOR: "sundhedskoordinator", Role.CLINICAL_SPECIALIST: "speciallæge"}


@transaction.atomic
def reassign_coordinator(user, case, person, channel="api") -> Case:
    """The secretariat moves an assigned case to another coordinator (or, in klinisk
    funktion, another specialist). The state stays; § 12 stk. 2 is checked for the new one."""
    case, transition = _begin(user, case, "reassign")
    role = assignee_role(case)
    field = "specialist" if role == Role.CLINICAL_SPECIALIST else "coordinator"
    _assignable(case, person, role)
    old = getattr(case, field)
    title = ROLE_TITLES[role]
    if old is not None and old.pk == person.pk:
        message = f"Sagen er allerede tildelt {title} {person.get_full_name()}."
        raise ServiceError("same_assignee", message, fields={"assignee": [message]})
    try:
        conflict_rules.require_no_conflict(_doctor_ref(person), treatment_relations(case.citizen))
        if role == Role.CLINICAL_SPECIALIST:
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
                _doctor_ref(person),
                _doctor_ref(parent_coordinator) if parent_coordinator else None,
                agreed,
            )
    except (conflict_rules.ConflictOfInterest, conflict_rules.SamePersonWithoutConsent) as exc:
        raise ServiceError(exc.code, exc.message) from exc
    setattr(case, field, person)
    old_name = old.get_full_name() if old is not None else "ingen"
    return _finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"from": old.pk if old is not None else None, "to": person.pk, "role": str(role)},
        label=f"Sagen er flyttet fra {title} {old_name} til {person.get_full_name()}",
    )


# How the agreed contact takes place (procedure Løbende sag: telefonisk eller virtuel kontakt).
CONTACT_HOW_LABELS = {"phone": "Telefonisk", "virtual": "Virtuel"}


def wants_contact(case) -> bool:
    """The municipality asked for phone or virtual contact, on the case or in a note."""
    wanted = str(ContactPreference.CONTACT_FIRST)
    return (
        case.contact_preference == wanted or case.notes.filter(contact_preference=wanted).exists()
    )


@transaction.atomic
def record_contact_appointment(user, case, at, how, channel="api") -> Case:
    """The secretariat records the agreed time for the phone or virtual contact the
    municipality asked for; the case then leaves the list of cases wanting contact."""
    case, transition = _begin(user, case, "record_contact_time")
    if how not in CONTACT_HOW_LABELS:
        message = "Vælg, om kontakten er telefonisk eller virtuel."
        raise ServiceError("invalid_choice", message, fields={"how": [message]})
    if at is None:
        message = "Angiv dato og klokkeslæt for kontakten."
        raise ServiceError("required", message, fields={"at": [message]})
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    local = timezone.localtime(at)
    if local.date() < _today():
        message = "Tidspunktet for kontakten ligger før i dag."
        raise ServiceError("past_date", message, fields={"at": [message]})
    if not wants_contact(case):
        raise ServiceError(
            "contact_not_wanted",
            "Kommunen har ikke bedt om telefonisk eller virtuel kontakt i denne sag.",
        )
    label = f"{CONTACT_HOW_LABELS[how]} kontakt aftalt {local:%d.%m.%Y} kl. {local:%H.%M}"
    return _finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"at": at.isoformat(), "how": how},
        label=label,
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
    _require_meeting_day(new_date)
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


@_assignee_act
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
    if meeting_rules.meeting_held_too_early(case.meeting_date, _today()):
        raise ServiceError(
            "meeting_not_reached",
            f"Mødet kan ikke registreres som holdt før mødedatoen {case.meeting_date:%d.%m.%Y}.",
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


def _answer_checks(user, case, *, text, recommendations, transition_name="answer"):
    """What a written answer and its draft both need: the transition, the assignee and
    recommendations that do not contradict each other (BEK § 11 stk. 2)."""
    case, transition = _begin(user, case, transition_name)
    if case.coordinator_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte sundhedskoordinator kan svare.")
    try:
        advice_rules.require_consistent(recommendations)
    except advice_rules.ContradictoryRecommendations as exc:
        raise ServiceError(
            exc.code, exc.message, fields={"recommendations": [exc.message]}
        ) from exc
    return case, transition


@_assignee_act
@transaction.atomic
def answer_in_writing(
    user, case, *, text, recommendations, confirm_wording=False, channel="api", **extra
) -> Case:
    """The coordinator's written answer (BEK § 11 stk. 2 and 6). No benefit advice (§ 11 stk. 4):
    the free text is free, but wording that names a benefit decision needs ``confirm_wording``
    after the warning. A draft of the answer is replaced by the answer."""
    assert_no_benefit_advice(extra.keys())
    if extra:
        raise ServiceError("unknown_field", "Svaret indeholder ukendte felter.")
    _require_text(text, "text", "Skriv det skriftlige svar.")
    # Subtype, state and role first, so refusals agree with the transition table; then the
    # assignee; nothing is written before both pass.
    case, transition = _answer_checks(user, case, text=text, recommendations=recommendations)
    wording = advice_rules.find_benefit_wording(text)
    if wording and not confirm_wording:
        raise ConfirmationRequired(
            "benefit_wording",
            advice_rules.benefit_wording_message(wording),
            warning={"phrases": [w.phrase for w in wording], "source": "BEK § 11, stk. 4"},
            confirm_field="confirm_wording",
        )
    from_state = case.state
    case.state = transition.target
    _finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"benefit_wording_confirmed": [w.phrase for w in wording]} if wording else None,
    )
    advice = Advice.objects.create(
        case=case,
        author=user,
        kind=Advice.Kind.WRITTEN_ANSWER,
        text=text,
        recommendations=[str(r) for r in recommendations],
    )
    AnswerDraft.objects.filter(case=case).delete()
    # The answer is filed on the case as a PDF by a task queued in this same transaction.
    generation.enqueue_written_answer_pdf(advice)
    return case


@_assignee_act
@transaction.atomic
def save_answer_draft(user, case, *, text, recommendations, channel="api") -> AnswerDraft:
    """Save the written answer as a draft: editable, previewable, not yet given. Nothing the
    municipality sees changes (no state change, no PDF, no deadline met, no case event)."""
    _require_text(text, "text", "Skriv det skriftlige svar.")
    case, _ = _answer_checks(user, case, text=text, recommendations=recommendations)
    draft, created = AnswerDraft.objects.update_or_create(
        case=case,
        defaults={
            "author": user,
            "text": text,
            "recommendations": [str(r) for r in recommendations],
        },
    )
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        Subject("answer_draft", draft.pk, case.pk, case.citizen_id),
        channel=channel,
    )
    return draft


def answer_draft_for(user, case):
    """The case's answer draft, for its assigned coordinator only (None otherwise)."""
    if user.role != Role.COORDINATOR or case.coordinator_id != user.pk:
        return None
    return AnswerDraft.objects.filter(case=case).first()


@transaction.atomic
def close_case(user, case, channel="api") -> Case:
    return _move(user, case, "close", channel)


@_assignee_act
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


@_assignee_act
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


@_assignee_act
@transaction.atomic
def hold_consultation(user, case, consultation_date=None, channel="api") -> Case:
    case, transition = _begin(user, case, "hold_consultation")
    if case.specialist_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte speciallæge kan registrere.")
    consultation_date = consultation_date or _today()
    problem = meeting_rules.consultation_date_problem(
        consultation_date, case.appointment_date, _today()
    )
    if problem:
        raise ServiceError(
            "invalid_consultation_date", problem, fields={"consultation_date": [problem]}
        )
    from_state = case.state
    case.consultation_date = consultation_date
    case.state = transition.target
    return _finish(user, case, transition, from_state, channel)


@_assignee_act
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
    # create_case checks the procedure's rules (ressourceforløb, closed, created in time).
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


def _require_genforelaeggelse_allowed(parent, meeting_date):
    """Procedure Genforelæggelse: only a closed team case about ressourceforløb, and the new
    case is created in time before the meeting it goes to."""
    try:
        check_genforelaeggelse_parent(parent.subtype_enum, parent.state_enum, parent.purpose)
    except TransitionRefused as exc:
        raise ServiceError(exc.code, exc.message, fields={"parent": [exc.message]}) from exc
    if meeting_date is None:
        message = "Angiv datoen for mødet, sagen skal genforelægges på."
        raise ServiceError("required", message, fields={"meeting_date": [message]})
    _require_creation_in_time_for(parent, meeting_date)


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


def consent_records(citizen, consents=None) -> list[consent_rules.ConsentRecord]:
    """The citizen's consents as the rules see them (``consents``: rows already fetched)."""
    return [
        consent_rules.ConsentRecord(
            scope=consent_rules.ConsentScope(c.scope),
            given_on=c.given_on,
            written=c.written,
            withdrawn_on=c.withdrawn_on,
            valid_until=c.valid_until,
            refused=c.refused,
        )
        for c in (Consent.objects.filter(citizen=citizen) if consents is None else consents)
    ]


def gp_contact_status(case, consents=None) -> consent_rules.ConsentStatus:
    """Whether the coordinator may contact the citizen's GP today (BEK § 5 stk. 2): GIVEN
    with covering written consent; REFUSED or MISSING: "Må ikke kontakte egen læge"."""
    return consent_rules.consent_status(
        consent_records(case.citizen, consents), consent_rules.ConsentScope.CONTACT_GP, _today()
    )


def require_consent_for_action(case, action_key: str, on=None):
    """Refuse an action the citizen's consents do not cover (BEK § 5 stk. 2, § 11 stk. 5)."""
    try:
        return consent_rules.require_consent_for_action(
            action_key, consent_records(case.citizen), on or _today()
        )
    except consent_rules.ConsentMissing as exc:
        raise ServiceError(exc.code, exc.message) from exc


# States in which the assigned coordinator works on the case and may contact the GP.
GP_CONTACT_STATES = frozenset({State.ASSIGNED, State.SCREENED})


@_assignee_act
@transaction.atomic
def record_gp_contact(user, case, *, contacted_on, summary, channel="api"):
    """The coordinator records a contact with the citizen's GP. Refused without the citizen's
    written consent covering the day of the contact (BEK § 5 stk. 2, § 11 stk. 5), e.g. when
    the municipality recorded that the citizen refused."""
    _require_text(summary, "summary", "Skriv kort, hvad kontakten drejede sig om.")
    case = _locked(case)
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role != Role.COORDINATOR or case.coordinator_id != user.pk:
        raise PermissionRefused(
            "not_assignee", "Kun sagens sundhedskoordinator kan registrere kontakt med egen læge."
        )
    if case.state_enum not in GP_CONTACT_STATES:
        raise ServiceError(
            "invalid_state",
            "Kontakt med egen læge kan kun registreres, mens sagen er hos sundhedskoordinatoren.",
        )
    if contacted_on is None or contacted_on > _today():
        message = "Datoen for kontakten må ikke ligge i fremtiden."
        raise ServiceError("future_date", message, fields={"contacted_on": [message]})
    if contacted_on < timezone.localdate(case.received_at):
        message = "Kontakten kan ikke ligge før, sagen kom til regionen."
        raise ServiceError("invalid_date", message, fields={"contacted_on": [message]})
    records = consent_records(case.citizen)
    scope = consent_rules.ConsentScope.CONTACT_GP
    if consent_rules.consent_status(records, scope, contacted_on) == (
        consent_rules.ConsentStatus.REFUSED
    ):
        raise ServiceError(
            "consent_refused",
            "Må ikke kontakte egen læge: borgeren har ikke givet samtykke til, at "
            "sundhedskoordinatoren kontakter den praktiserende læge (BEK § 5, stk. 2).",
        )
    require_consent_for_action(case, "contact_gp", contacted_on)
    event = _event(
        case,
        user,
        "gp_contact",
        f"Kontakt med egen læge {contacted_on:%d.%m.%Y}",
        from_state=case.state,
        comment=summary,
        data={"contacted_on": contacted_on.isoformat()},
    )
    _audit_write(user, case, AuditEntry.Action.CREATE, "kontakt egen læge", channel)
    return event


@transaction.atomic
def register_consent(
    user, citizen, *, scope, given_on, written=True, valid_until=None, refused=False, channel="api"
) -> Consent:
    """A consent, or with ``refused`` the citizen's recorded refusal (given_on: the day the
    citizen said no); a refusal states the citizen's position but covers nothing."""
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
        refused=refused,
        registered_by=user,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("consent", consent.pk, None, citizen.pk),
        detail=f"{scope} afslået" if refused else str(scope),
        channel=channel,
    )
    kind, label = (
        ("consent_refused", "Borgerens afslag på samtykke registreret")
        if refused
        else ("consent_registered", "Samtykke registreret")
    )
    for case in citizen.cases.open():
        _event(case, user, kind, label, data={"scope": scope})
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
    # BEK § 12 stk. 2: a doctor the relation disqualifies is taken off the citizen's open
    # cases at once (and loses access to them); the secretariat assigns them anew.
    doctor_ref = _doctor_ref(doctor)
    for case in (
        citizen.cases.open()
        .select_for_update(of=("self",))
        .select_related("coordinator", "specialist")
        .order_by("pk")
    ):
        for field in ("coordinator", "specialist"):
            assignee = getattr(case, field)
            if assignee is not None and conflict_rules.same_person(
                _doctor_ref(assignee), doctor_ref
            ):
                _put_back_for_conflict(user, case, field, kind, channel)
    return relation


# --- deadlines ------------------------------------------------------------------------------


def agreement_overrides(case) -> dict:
    """The collaboration agreement's deadlines for the case: those of the agreement version
    in force on the day the region received the case (today while it is a draft). Without an
    agreement the executive order's deadlines apply (empty result)."""
    on = timezone.localdate(case.received_at) if case.received_at else _today()
    subtypes = deadline_rules.agreement_subtypes(case.subtype_enum)
    rules = AgreementDeadlineRule.objects.filter(
        agreement__region_id=case.region_id,
        agreement__municipality_id=case.municipality_id,
        agreement__valid_from__lte=on,
        subtype__in=[str(s) for s in subtypes],
    ).exclude(agreement__valid_to__lt=on)
    # A rule for the subtype itself wins over one for the løbende sag it is a kind of.
    specificity = {str(s): i for i, s in enumerate(subtypes)}
    overrides: dict = {}
    for r in sorted(rules, key=lambda r: specificity[r.subtype], reverse=True):
        overrides[deadline_rules.DeadlineKind(r.kind)] = deadline_rules.RuleOverride(
            count=r.count, unit=deadline_rules.Unit(r.unit), source=r.source
        )
    return overrides


def recompute_deadlines(case) -> list[Deadline]:
    """Recompute every deadline of the case from its rules and anchor dates. A due date
    agreed in the concrete case (BEK §§ 22-23, 2nd sentence) is kept."""
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
    agreed = {
        kind: due
        for kind, due in Deadline.objects.filter(case=case, agreed_due__isnull=False).values_list(
            "kind", "agreed_due"
        )
    }
    today = _today()
    keep = []
    for computed in deadline_rules.compute_deadlines(rules, anchors, calendar):
        rule = computed.rule
        done = fulfilled.get(rule.kind)
        due, source = computed.due, rule.source
        if rule.kind in agreed:
            due, source = agreed[rule.kind], deadline_rules.case_agreement_source(rule.kind)
        state = deadline_rules.deadline_state(due, done, today)
        deadline, _ = Deadline.objects.update_or_create(
            case=case,
            kind=rule.kind,
            defaults={
                "label": rule.label,
                "due": due,
                "source": source,
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
    if case.received_at:
        # The municipality's act: the complete case reached the region's inbox.
        dates[deadline_rules.DeadlineKind.MATERIAL_TO_REGION] = timezone.localdate(case.received_at)
    dates[deadline_rules.DeadlineKind.CREATED_BEFORE_MEETING] = timezone.localdate(case.created_at)
    for kind, event_kinds in FULFILLED_BY.items():
        done = [events[e] for e in event_kinds if e in events]
        if done:
            dates[kind] = min(done)
    return dates


@transaction.atomic
def agree_deadline(user, case, kind, *, agreed_due, reason, channel="api") -> Deadline:
    """The secretariat records another due date agreed with the municipality for this case
    (BEK § 22 and § 23, 2nd sentence). Kept on every later recomputation."""
    case = _locked(case)
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role != Role.SECRETARIAT or user.region_id != case.region_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun regionens sekretariat kan aftale en anden frist i sagen."
        )
    if case.state in FINAL_STATES:
        raise ServiceError(
            "invalid_state", "Sagen er afsluttet eller trukket tilbage; fristerne kan ikke ændres."
        )
    deadline = (
        Deadline.objects.select_for_update().filter(case=case, kind=str(kind or "")).first()
        if str(kind or "") in set(deadline_rules.DeadlineKind)
        else None
    )
    if deadline is None:
        raise ServiceError(
            "not_found", "Sagen har ingen sådan frist.", status=404, fields={"kind": []}
        )
    if deadline.fulfilled_on is not None:
        raise ServiceError(
            "already_met",
            f"Fristen er allerede opfyldt {deadline.fulfilled_on:%d.%m.%Y}; "
            "der er intet at aftale.",
        )
    if agreed_due is None:
        message = "Angiv den aftalte frist."
        raise ServiceError("required", message, fields={"agreed_due": [message]})
    try:
        deadline_rules.check_case_agreement(
            deadline_rules.DeadlineKind(deadline.kind),
            agreed_due,
            reason or "",
            _today(),
            configured_calendar(),
        )
    except deadline_rules.CaseAgreementRefused as exc:
        raise ServiceError(exc.code, exc.message, fields={exc.field: [exc.message]}) from exc
    previous = deadline.due
    deadline.agreed_due = agreed_due
    deadline.agreed_reason = reason.strip()
    deadline.agreed_by = user
    deadline.agreed_at = timezone.now()
    deadline.save(update_fields=["agreed_due", "agreed_reason", "agreed_by", "agreed_at"])
    _event(
        case,
        user,
        "deadline_agreed",
        f"Frist aftalt i den konkrete sag: {deadline.label} senest {agreed_due:%d.%m.%Y}",
        from_state=case.state,
        comment=deadline.agreed_reason,
        data={
            "kind": deadline.kind,
            "from": previous.isoformat() if previous else None,
            "to": agreed_due.isoformat(),
        },
    )
    _audit_write(user, case, AuditEntry.Action.UPDATE, f"frist aftalt {deadline.kind}", channel)
    recompute_deadlines(case)
    return Deadline.objects.get(pk=deadline.pk)


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
