"""Assigning the case to a coordinator or specialist, moving it to another, and putting it
back to the secretariat when a conflict of interest arises (BEK § 12, stk. 2)."""

import functools
from collections.abc import Callable
from typing import Concatenate

from django.db import transaction
from django.db.models import Q

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules import conflict as conflict_rules
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.cases.services.common import audit_case_write, locked
from sagsbro.cases.services.consents import consent_records
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.cases.services.transitions import begin, case_changed, finish, target_of
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import Citizen, TreatmentRelation, User
from sagsbro.organisations.roles import Role


def doctor_ref(user: User) -> conflict_rules.DoctorRef:
    return conflict_rules.DoctorRef(authorisation_id=user.authorisation_id or None, user_id=user.pk)


def treatment_relations(citizen: Citizen) -> list[conflict_rules.TreatmentRelation]:
    relations = [
        conflict_rules.TreatmentRelation(doctor_ref(r.doctor), conflict_rules.RelationKind(r.kind))
        for r in TreatmentRelation.objects.filter(citizen=citizen).select_related("doctor")
    ]
    gp = citizen.general_practitioner if citizen.general_practitioner_id else None
    if gp is not None:
        relations.append(
            conflict_rules.TreatmentRelation(doctor_ref(gp), conflict_rules.RelationKind.CURRENT_GP)
        )
    return relations


def _assignee_field(case: Case, user: User) -> str | None:
    """Which assignment ``user`` holds on ``case``: "coordinator", "specialist" or None."""
    if case.coordinator_id is not None and case.coordinator_id == user.pk:
        return "coordinator"
    if case.specialist_id is not None and case.specialist_id == user.pk:
        return "specialist"
    return None


def put_back_for_conflict(actor: User, case: Case, field: str, kind: str, channel: str) -> bool:
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
    record_event(
        case,
        actor,
        EventKind.CONFLICT_PUT_BACK,
        f"{who} er inhabil (BEK § 12, stk. 2). Sagen er sendt tilbage til sekretariatet "
        "til ny tildeling",
        from_state=from_state,
        data={"released": released, "role": field, "relation": str(kind)},
    )
    audit_case_write(
        actor, case, AuditEntry.Action.TRANSITION, EventKind.CONFLICT_PUT_BACK, channel
    )
    recompute_deadlines(case)
    case_changed(actor, case, EventKind.CONFLICT_PUT_BACK, from_state, channel)
    return True


def _refuse_if_conflicted(user: User, case: Case, channel: str) -> None:
    """BEK § 12 stk. 2 at every act of the assigned coordinator or specialist, not only at
    assignment: when a relation registered since then disqualifies them, the act is refused
    and the case goes back to the secretariat. The put-back is committed in its own
    transaction before the refusal is raised, so the refusal does not roll it back."""
    current = Case.objects.filter(pk=case.pk).first()
    if current is None or _assignee_field(current, user) is None:
        return  # not the assignee: the act's own checks refuse it
    relation = conflict_rules.find_conflict(doctor_ref(user), treatment_relations(current.citizen))
    if relation is None:
        return
    with transaction.atomic():
        row = locked(current)
        field = _assignee_field(row, user)
        if field is not None:
            put_back_for_conflict(user, row, field, relation.kind, channel)
    exc = conflict_rules.ConflictArisen(relation.kind)
    raise ServiceError(exc.code, exc.message)


def assignee_act[**P, R](
    func: Callable[Concatenate[User, Case, P], R],
) -> Callable[Concatenate[User, Case, P], R]:
    """An act of the case's assigned coordinator or specialist: checked for § 12 stk. 2 first,
    outside the act's own transaction (see _refuse_if_conflicted)."""

    @functools.wraps(func)
    def wrapper(user: User, case: Case, /, *args: P.args, **kwargs: P.kwargs) -> R:
        _refuse_if_conflicted(user, case, str(kwargs.get("channel", "api")))
        return func(user, case, *args, **kwargs)

    return wrapper


def _assignable(case: Case, person: User | None, role: Role) -> User:
    if person is None or person.role != role or person.region_id != case.region_id:
        label = "sundhedskoordinator" if role == Role.COORDINATOR else "speciallæge"
        raise ServiceError(
            "invalid_assignee",
            f"Den valgte person er ikke {label} i regionen.",
            fields={"assignee": [f"Vælg en {label} fra regionen."]},
        )
    return person


def _origin_case(case: Case) -> Case | None:
    """The case a klinisk-funktion case came from: its referral's originating case (LÆ 271),
    else the case it was made under."""
    referral = getattr(case, "referral", None) if case.pk is not None else None
    origin = getattr(referral, "origin_case", None)
    return origin if origin is not None else case.parent


def _people(ids: set[int]) -> list[User]:
    return list(User.objects.filter(pk__in=ids)) if ids else []


# How far back the chain of earlier cases is followed (a genforelæggelse's first team case, its
# earlier one, ...): far more than any real chain, a bound against a malformed one.
MAX_CASE_CHAIN = 20


def _origin_chain(case: Case) -> list[Case]:
    """The case the klinisk-funktion case came from and the earlier cases it continues
    (a genforelæggelse's first team case, and so on), nearest first."""
    chain: list[Case] = []
    seen = {case.pk}
    current = _origin_case(case)
    while current is not None and current.pk not in seen and len(chain) < MAX_CASE_CHAIN:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def _coordinators_of(origin: Case) -> set[int]:
    """Who is or has been health coordinator in one case: its coordinator now, the
    coordinators its history names (assigned, moved from or to, taken off for a conflict),
    the authors of the coordinator's advice in it, and the coordinator of the team meeting
    that treated it."""
    ids: set[int] = set()
    if origin.coordinator_id is not None:
        ids.add(origin.coordinator_id)
    for kind, data in origin.events.filter(
        kind__in=[EventKind.ASSIGN, EventKind.REASSIGN, EventKind.CONFLICT_PUT_BACK]
    ).values_list("kind", "data"):
        data = data if isinstance(data, dict) else {}
        role = data.get("role", Role.COORDINATOR)
        if role != Role.COORDINATOR:
            keys = []  # a specialist moved or taken off: not a coordinator
        elif kind == EventKind.ASSIGN:
            keys = ["assignee"]
        elif kind == EventKind.REASSIGN:
            keys = ["from", "to"]
        else:
            keys = ["released"]
        ids.update(v for k in keys if isinstance(v := data.get(k), int))
    ids.update(origin.advice.values_list("author_id", flat=True))
    # The coordinator the region provided for the team meeting that treated the case (BEK
    # § 21 stk. 1) advised in it too; read through the reverse relation, no import upwards.
    bookings = getattr(origin, "bookings", None)
    if bookings is not None:
        ids.update(
            pk
            for pk in bookings.filter(Q(state="held") | Q(screened_at__isnull=False))
            .exclude(meeting__coordinator__isnull=True)
            .values_list("meeting__coordinator", flat=True)
            if pk is not None
        )
    return ids


def earlier_coordinators(case: Case) -> list[conflict_rules.DoctorRef]:
    """Everyone who is or has been health coordinator in the citizen's case this
    klinisk-funktion case came from (BEK § 13 stk. 3): in the originating case and in the
    earlier cases it continues (a genforelæggelse's first team case), and the author of the
    advice the referral rests on."""
    ids: set[int] = set()
    for origin in _origin_chain(case):
        ids |= _coordinators_of(origin)
    referral = getattr(case, "referral", None) if case.pk is not None else None
    advice = getattr(referral, "origin_advice", None)
    if advice is not None:
        ids.add(advice.author_id)
    return [doctor_ref(person) for person in _people(ids)]


def same_person_agreed(case: Case) -> bool:
    """Whether the citizen has agreed, for this klinisk-funktion case, that a person who has
    been health coordinator in their case does the assessment (BEK § 13 stk. 3): a consent of
    that scope registered on this case, in force today. A general consent, or one given on
    another case, does not count."""
    consents = Consent.objects.filter(
        citizen_id=case.citizen_id,
        case_id=case.pk,
        scope=consent_rules.ConsentScope.SAME_PERSON_ASSESSMENT,
    )
    return (
        consent_rules.covering_consent(
            consent_records(case.citizen, consents),
            consent_rules.ConsentScope.SAME_PERSON_ASSESSMENT,
            common.local_today(),
        )
        is not None
    )


def require_may_advise(case: Case, person: User, role: Role) -> None:
    """Whether ``person`` may advise or assess in ``case`` in ``role``, at assigning,
    reassigning and signing alike: no conflict of interest (BEK § 12 stk. 2), and a
    specialist who is or has been health coordinator in the citizen's case the klinisk-
    funktion case came from only with the citizen's agreement for this case (BEK § 13
    stk. 3). Raises ServiceError with the rule's Danish message."""
    try:
        conflict_rules.require_no_conflict(doctor_ref(person), treatment_relations(case.citizen))
        if role == Role.CLINICAL_SPECIALIST:
            conflict_rules.require_assessor_allowed(
                doctor_ref(person), earlier_coordinators(case), same_person_agreed(case)
            )
    except (conflict_rules.ConflictOfInterest, conflict_rules.SamePersonWithoutConsent) as exc:
        raise ServiceError(exc.code, exc.message) from exc


def _assign(
    user: User, case: Case, person: User | None, name: str, role: Role, channel: str
) -> Case:
    """The secretariat gives a sent case to a coordinator or, in klinisk funktion, to a
    specialist; the caller holds the transaction."""
    case, transition = begin(user, case, name)
    person = _assignable(case, person, role)
    require_may_advise(case, person, role)
    from_state = case.state
    setattr(case, "specialist" if role == Role.CLINICAL_SPECIALIST else "coordinator", person)
    case.state = target_of(transition)
    return finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"assignee": person.pk},
        label=f"Tildelt {ROLE_TITLES[role]} {person.get_full_name()}",
    )


@transaction.atomic
def assign_coordinator(
    user: User, case: Case, coordinator: User | None, channel: str = "api"
) -> Case:
    return _assign(user, case, coordinator, "assign", Role.COORDINATOR, channel)


@transaction.atomic
def assign_specialist(
    user: User, case: Case, specialist: User | None, channel: str = "api"
) -> Case:
    return _assign(user, case, specialist, "assign_specialist", Role.CLINICAL_SPECIALIST, channel)


def assignee_role(case: Case) -> Role:
    return (
        Role.CLINICAL_SPECIALIST if case.subtype == Subtype.KLINISK_FUNKTION else Role.COORDINATOR
    )


ROLE_TITLES = {Role.COORDINATOR: "sundhedskoordinator", Role.CLINICAL_SPECIALIST: "speciallæge"}


@transaction.atomic
def reassign_coordinator(user: User, case: Case, person: User | None, channel: str = "api") -> Case:
    """The secretariat moves an assigned case to another coordinator (or, in klinisk
    funktion, another specialist). The state stays; § 12 stk. 2 is checked for the new one."""
    case, transition = begin(user, case, "reassign")
    role = assignee_role(case)
    field = "specialist" if role == Role.CLINICAL_SPECIALIST else "coordinator"
    person = _assignable(case, person, role)
    old = getattr(case, field)
    title = ROLE_TITLES[role]
    if old is not None and old.pk == person.pk:
        message = f"Sagen er allerede tildelt {title} {person.get_full_name()}."
        raise ServiceError("same_assignee", message, fields={"assignee": [message]})
    require_may_advise(case, person, role)
    setattr(case, field, person)
    old_name = old.get_full_name() if old is not None else "ingen"
    return finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"from": old.pk if old is not None else None, "to": person.pk, "role": str(role)},
        label=f"Sagen er flyttet fra {title} {old_name} til {person.get_full_name()}",
    )


@transaction.atomic
def register_treatment_relation(
    user: User, citizen: Citizen, doctor: User, kind: str, channel: str = "api"
) -> TreatmentRelation:
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
    disqualified = doctor_ref(doctor)
    for case in (
        citizen.cases.open()
        .select_for_update(of=("self",))
        .select_related("coordinator", "specialist")
        .order_by("pk")
    ):
        for field in ("coordinator", "specialist"):
            assignee = getattr(case, field)
            if assignee is not None and conflict_rules.same_person(
                doctor_ref(assignee), disqualified
            ):
                put_back_for_conflict(user, case, field, kind, channel)
    return relation


def assignable_people(case: Case, role: Role) -> list[tuple[User, bool]]:
    """The region's coordinators (or specialists), each with whether §12 stk. 2 bars them."""
    relations = treatment_relations(case.citizen)
    people = User.objects.filter(region_id=case.region_id, role=role, is_active=True).order_by(
        "first_name", "last_name"
    )
    return [
        (person, conflict_rules.find_conflict(doctor_ref(person), relations) is not None)
        for person in people
    ]
