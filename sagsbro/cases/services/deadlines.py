"""The case's deadlines: recomputed from the rules after every write, and a due date agreed
in the concrete case (BEK §§ 22-23)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    State,
)
from sagsbro.cases.services import common
from sagsbro.cases.services.common import audit_case_write, locked
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import AgreementDeadlineRule, User
from sagsbro.organisations.roles import Role
from sagsbro.workdays.services import configured_calendar

# Which events fulfil each deadline kind: a deadline is met only by the act it names (the
# earliest of the events listed). The municipality's MATERIAL_TO_REGION is met by the date
# the region received the complete case, CREATED_BEFORE_MEETING by the creation date.
FULFILLED_BY = {
    # The secretariat forwards the case to a coordinator (procedures: "Sekretariatet sender
    # sagen ... til sundhedskoordinator"); a reassignment forwards it too.
    deadline_rules.DeadlineKind.SEND_TO_COORDINATOR: (EventKind.ASSIGN, EventKind.REASSIGN),
    deadline_rules.DeadlineKind.SCREENING_FEEDBACK: (EventKind.SCREEN,),
    deadline_rules.DeadlineKind.COORDINATOR_AVAILABLE: (EventKind.ASSIGN,),
    deadline_rules.DeadlineKind.URGENT_COORDINATOR: (EventKind.ASSIGN,),
    deadline_rules.DeadlineKind.WRITTEN_ANSWER: (EventKind.ANSWER,),
    deadline_rules.DeadlineKind.CERTIFICATE_AFTER_CONSULTATION: (EventKind.DELIVER_CERTIFICATE,),
    deadline_rules.DeadlineKind.CERTIFICATE_AFTER_REQUEST: (EventKind.DELIVER_CERTIFICATE,),
    # Met only when the letter (the GP's copy) was recorded as sent through the outgoing
    # messages, never by holding the meeting or by the indstilling's transition.
    deadline_rules.DeadlineKind.CITIZEN_CONCLUSION: (EventKind.CONCLUSION_SENT,),
    deadline_rules.DeadlineKind.GP_INDSTILLING_COPY: (EventKind.GP_COPY_SENT,),
}


def agreement_overrides(
    case: Case,
) -> dict[deadline_rules.DeadlineKind, deadline_rules.RuleOverride]:
    """The collaboration agreement's deadlines for the case: those of the agreement version
    in force on the day the region received the case (today while it is a draft). Without an
    agreement the executive order's deadlines apply (empty result)."""
    on = timezone.localdate(case.received_at) if case.received_at else common.local_today()
    subtypes = deadline_rules.agreement_subtypes(case.subtype_enum)
    rules = AgreementDeadlineRule.objects.filter(
        agreement__region_id=case.region_id,
        agreement__municipality_id=case.municipality_id,
        agreement__valid_from__lte=on,
        subtype__in=[str(s) for s in subtypes],
    ).exclude(agreement__valid_to__lt=on)
    # A rule for the subtype itself wins over one for the løbende sag it is a kind of.
    specificity = {str(s): i for i, s in enumerate(subtypes)}
    overrides: dict[deadline_rules.DeadlineKind, deadline_rules.RuleOverride] = {}
    for r in sorted(rules, key=lambda r: specificity[r.subtype], reverse=True):
        overrides[deadline_rules.DeadlineKind(r.kind)] = deadline_rules.RuleOverride(
            count=r.count, unit=deadline_rules.Unit(r.unit), source=r.source
        )
    return overrides


def _computed_deadlines(case: Case) -> list[deadline_rules.ComputedDeadline]:
    """The case's deadlines from its rules and anchor dates, before any agreed date."""
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
    return list(deadline_rules.compute_deadlines(rules, anchors, configured_calendar()))


def recompute_deadlines(case: Case) -> list[Deadline]:
    """Recompute every deadline of the case from its rules and anchor dates. A due date
    agreed in the concrete case (BEK §§ 22-23, 2nd sentence) is kept."""
    fulfilled = _fulfilment_dates(case)
    agreed = {
        kind: due
        for kind, due in Deadline.objects.filter(case=case, agreed_due__isnull=False).values_list(
            "kind", "agreed_due"
        )
    }
    today = common.local_today()
    keep = []
    for computed in _computed_deadlines(case):
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


def _fulfilment_dates(case: Case) -> dict[deadline_rules.DeadlineKind, date]:
    dates: dict[deadline_rules.DeadlineKind, date] = {}
    events: dict[str, date] = {}
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
def agree_deadline(
    user: User,
    case: Case,
    kind: str | None,
    *,
    agreed_due: date | None,
    reason: str,
    channel: str = "api",
) -> Deadline:
    """The secretariat records another due date agreed with the municipality for this case
    (BEK § 22 and § 23, 2nd sentence). Kept on every later recomputation."""
    case = locked(case)
    if not access.may_see(user, case):
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
            common.local_today(),
            configured_calendar(),
            current_due=deadline.due,
            statutory_due=next(
                (c.due for c in _computed_deadlines(case) if c.rule.kind == deadline.kind), None
            ),
        )
    except deadline_rules.CaseAgreementRefused as exc:
        raise ServiceError(exc.code, exc.message, fields={exc.field: [exc.message]}) from exc
    previous = deadline.due
    deadline.agreed_due = agreed_due
    deadline.agreed_reason = reason.strip()
    deadline.agreed_by = user
    deadline.agreed_at = timezone.now()
    deadline.save(update_fields=["agreed_due", "agreed_reason", "agreed_by", "agreed_at"])
    record_event(
        case,
        user,
        EventKind.DEADLINE_AGREED,
        f"Frist aftalt i den konkrete sag: {deadline.label} senest {agreed_due:%d.%m.%Y}",
        from_state=case.state,
        comment=deadline.agreed_reason,
        data={
            "kind": deadline.kind,
            "from": previous.isoformat() if previous else None,
            "to": agreed_due.isoformat(),
        },
    )
    audit_case_write(user, case, AuditEntry.Action.UPDATE, f"frist aftalt {deadline.kind}", channel)
    recompute_deadlines(case)
    return Deadline.objects.get(pk=deadline.pk)
