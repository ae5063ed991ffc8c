"""Creating and editing a case while it is the municipality's draft, and what it still lacks
before it can be sent."""

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import Missing, missing_for_sending
from sagsbro.cases.rules.workflow import (
    State,
    TransitionRefused,
    check_genforelaeggelse_parent,
)
from sagsbro.cases.services import common
from sagsbro.cases.services.common import audit_case_write, locked, require_meeting_day
from sagsbro.cases.services.consents import consent_records
from sagsbro.cases.services.deadlines import agreement_overrides, recompute_deadlines
from sagsbro.cases.services.transitions import move
from sagsbro.core.errors import AlreadyDone, PermissionRefused, ServiceError
from sagsbro.documents.rules import Category
from sagsbro.organisations.models import Citizen, User
from sagsbro.organisations.roles import Role
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

# Called as hook(user, case) after a case's meeting date is set on creation or changed on
# edit. The meetings app (a layer above) registers the one that books the case onto the
# municipality's meeting day on that date, so the booking and the date stay one.
MEETING_DATE_HOOKS: list[Callable[[User, Case], None]] = []


def _run_meeting_date_hooks(user: User, case: Case) -> None:
    for hook in MEETING_DATE_HOOKS:
        hook(user, case)


@transaction.atomic
def create_case(
    user: User,
    *,
    subtype: str,
    citizen: Citizen,
    channel: str = "api",
    parent: Case | None = None,
    **fields: Any,
) -> Case:
    if user.role != Role.CASEWORKER:
        raise PermissionRefused("role_not_allowed", "Kun sagsbehandlere kan oprette sager.")
    if citizen.municipality_id != user.municipality_id:
        raise ServiceError(
            "citizen_not_found", "Borgeren findes ikke i din kommune.", fields={"citizen": []}
        )
    municipality = user.municipality
    if municipality is None:
        raise PermissionRefused("role_not_allowed", "Kun sagsbehandlere kan oprette sager.")
    if parent is not None and parent.municipality_id != user.municipality_id:
        raise ServiceError("parent_not_found", "Den tidligere sag findes ikke.")
    if Subtype(subtype) == Subtype.GENFORELAEGGELSE and parent is not None:
        # One place for both ways a genforelæggelse is made (reopening and POST /cases/).
        # The lock on the earlier case makes a second, simultaneous request wait and then
        # find the first one's case.
        parent = locked(parent)
        refuse_second_genforelaeggelse(parent)
        require_genforelaeggelse_allowed(parent, fields.get("meeting_date"))
    case = Case(
        reference=uuid.uuid4().hex[:20],
        subtype=Subtype(subtype),
        municipality_id=user.municipality_id,
        region_id=municipality.region_id,
        citizen=citizen,
        caseworker=user,
        parent=parent,
        state=State.DRAFT,
    )
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ServiceError("unknown_field", f"Feltet »{name}« findes ikke på en sag.")
        setattr(case, name, value)
    require_meeting_day(case.meeting_date)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # The database's own guard (one live genforelæggelse per earlier case) caught a
        # request the lock did not serialise: answer as if it had.
        if parent is not None:
            refuse_second_genforelaeggelse(parent)
        raise
    case.reference = f"SB-{case.created_at:%Y}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    record_event(case, user, EventKind.CREATED, "Sagen er oprettet som kladde")
    audit_case_write(user, case, AuditEntry.Action.CREATE, f"opret {case.subtype}", channel)
    if case.meeting_date is not None:
        _run_meeting_date_hooks(user, case)
    recompute_deadlines(case)
    return case


@transaction.atomic
def update_case(user: User, case: Case, *, channel: str = "api", **fields: Any) -> Case:
    case = locked(case)
    if not access.owns_case(user, case):
        raise PermissionRefused("role_not_allowed", "Din rolle må ikke ændre sagen.")
    if not access.may_edit(user, case):  # the caseworker owns it: the state does not allow
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
        require_meeting_day(case.meeting_date)
    if changed:
        case.save()
        if "meeting_date" in changed:
            _run_meeting_date_hooks(user, case)
        record_event(
            case, user, EventKind.UPDATED, "Sagens oplysninger er ændret", data={"fields": changed}
        )
        audit_case_write(user, case, AuditEntry.Action.UPDATE, ",".join(changed), channel)
        recompute_deadlines(case)
    return case


def missing_requirements(case: Case) -> list[Missing]:
    filled = {
        name
        for name in EDITABLE_FIELDS + ("parent",)
        if getattr(case, name) not in (None, "", False)
    }
    # A withdrawn document no longer counts for the checklist.
    live = case.documents.filter(withdrawn_at__isnull=True)
    categories = {Category(c) for c in live.values_list("category", flat=True)}
    today = common.local_today()
    records = consent_records(case.citizen)
    status = {
        scope: consent_rules.consent_status(records, scope, today)
        for scope in consent_rules.ConsentScope
    }
    consents = {scope for scope, s in status.items() if s == consent_rules.ConsentStatus.GIVEN}
    refusals = {scope for scope, s in status.items() if s == consent_rules.ConsentStatus.REFUSED}
    return missing_for_sending(case.subtype_enum, filled, categories, consents, refusals)


def refuse_second_genforelaeggelse(parent: Case) -> None:
    """An earlier case goes back to the team once at a time: while a genforelæggelse made
    from it is not withdrawn, a second request gets the first one's case (409)."""
    existing = (
        parent.children.filter(subtype=Subtype.GENFORELAEGGELSE)
        .exclude(state=State.WITHDRAWN)
        .order_by("id")
        .first()
    )
    if existing is not None:
        raise AlreadyDone(
            "already_reopened",
            f"Sagen er allerede genoptaget som genforelæggelse {existing.reference}.",
            existing={"id": existing.pk, "reference": existing.reference},
        )


def require_genforelaeggelse_allowed(parent: Case, meeting_date: date | None) -> None:
    """Procedure Genforelæggelse: only a closed team case about ressourceforløb, and the new
    case is created in time before the meeting it goes to."""
    try:
        check_genforelaeggelse_parent(parent.subtype_enum, parent.state_enum, parent.purpose)
    except TransitionRefused as exc:
        raise ServiceError(exc.code, exc.message, fields={"parent": [exc.message]}) from exc
    if meeting_date is None:
        message = "Angiv datoen for mødet, sagen skal genforelægges på."
        raise ServiceError("required", message, fields={"meeting_date": [message]})
    require_creation_in_time_for(parent, meeting_date)


def require_creation_in_time_for(original: Case, meeting_date: date) -> None:
    """A genforelæggelse is created at the latest 5 working days before the meeting
    (procedure Genforelæggelse; an agreement may set another count)."""
    overrides = agreement_overrides(original)
    rule = next(
        r
        for r in deadline_rules.rules_for(Subtype.GENFORELAEGGELSE, overrides)
        if r.kind == deadline_rules.DeadlineKind.CREATED_BEFORE_MEETING
    )
    latest = deadline_rules.due_date(rule, meeting_date, configured_calendar())
    if common.local_today() > latest:
        message = (
            f"Fristen er overskredet: en genforelæggelsessag til mødet {meeting_date:%d.%m.%Y} "
            f"skulle være oprettet senest {latest:%d.%m.%Y} ({rule.source}). Vælg et senere møde."
        )
        raise ServiceError("deadline_passed", message, fields={"meeting_date": [message]})


@transaction.atomic
def discard_draft(user: User, case: Case, channel: str = "api") -> Case:
    return move(user, case, "discard_draft", channel)
