"""What the case page shows, tab by tab. Read-only; the tabs load only what they show."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from sagsbro.cases import access, services
from sagsbro.cases.models import Case, CaseEvent, Deadline
from sagsbro.cases.rules.advice import RECOMMENDATION_LABELS
from sagsbro.cases.rules.deadlines import CASE_AGREEMENT_SOURCES, DeadlineState, deadline_state
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    MEETING_SUBTYPES,
    State,
    Transition,
    available_transitions,
)
from sagsbro.cases.web.worklist import DeadlineBadge, deadline_badge
from sagsbro.core.web import get_visible_or_404
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.organisations.roles import Role
from sagsbro.organisations.rules import masked_cpr
from sagsbro.workdays.rules import WorkingDayCalendar

TABS = (
    ("overblik", "Overblik"),
    ("dokumenter", "Dokumenter"),
    ("rehabiliteringsteam", "Rehabiliteringsteam"),
    ("sundhedskoordinator", "Sundhedskoordinator"),
    ("historik", "Historik"),
    ("noter", "Noter"),
)
TAB_NAMES = frozenset(name for name, _ in TABS)

# Actions that end a case without an answer: never the highlighted button.
DESTRUCTIVE = frozenset({"withdraw", "discard_draft"})

DEADLINE_STATE_LABELS = {
    DeadlineState.OPEN: "Åben",
    DeadlineState.MET: "Overholdt",
    DeadlineState.MISSED: "Overskredet",
}


def cases_for_page(user) -> QuerySet[Case]:
    """The cases whose page the user may open; GPs see only what was sent to them (not here)."""
    if user.role == Role.GENERAL_PRACTITIONER:
        return Case.objects.none()
    return Case.objects.visible_to(user).select_related(
        "citizen",
        "caseworker",
        "coordinator",
        "specialist",
        "municipality",
        "region",
        "parent",
    )


def case_or_404(user, pk) -> Case:
    """The case for its page, or 404 when the user may not open it."""
    return get_visible_or_404(cases_for_page(user), pk)


@dataclass
class DeadlineRow:
    deadline: Deadline
    state: DeadlineState
    state_label: str
    badge: DeadlineBadge | None
    #: The user may set another due date agreed in the concrete case (BEK §§ 22-23).
    agreeable: bool = False


def deadline_rows(
    case, today: datetime.date, calendar: WorkingDayCalendar, user=None
) -> list[DeadlineRow]:
    agree = access.may_agree_deadlines(user, case)
    rows = []
    for deadline in case.deadlines.select_related("agreed_by").order_by("due", "id"):
        state = deadline_state(deadline.due, deadline.fulfilled_on, today)
        is_open = deadline.fulfilled_on is None
        badge = deadline_badge(deadline.due, today, calendar) if is_open else None
        agreeable = agree and is_open and deadline.kind in CASE_AGREEMENT_SOURCES
        rows.append(DeadlineRow(deadline, state, DEADLINE_STATE_LABELS[state], badge, agreeable))
    return rows


def return_event(case) -> CaseEvent | None:
    """Why a returned case was sent back (BEK § 6, stk. 2): the latest return, while the case
    waits for the municipality; once it is resent the reason belongs to the history only."""
    if case.state != State.RETURNED:
        return None
    return (
        case.events.filter(kind=EventKind.RETURN_FOR_INFORMATION)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def tab_context(case, tab: str, user, today, calendar) -> dict[str, object]:
    """The rows a tab shows."""
    if tab == "overblik":
        missing = []
        if case.state in (State.DRAFT, State.RETURNED) and user.role == Role.CASEWORKER:
            missing = services.missing_requirements(case)
        return {
            "deadlines": deadline_rows(case, today, calendar, user),
            "missing": missing,
            "returned": return_event(case),
        }
    if tab == "dokumenter":
        documents = (
            Document.objects.visible_to(user)
            .filter(case=case)
            .select_related("uploaded_by", "blob")
            .prefetch_related(Prefetch("shares"))
            .order_by("uploaded_at", "id")
        )
        return {"documents": documents}
    if tab == "rehabiliteringsteam":
        return team_context(case, user, today, calendar)
    if tab == "sundhedskoordinator":
        advice = list(case.advice.select_related("author").order_by("created_at", "id"))
        for item in advice:
            item.recommendation_labels = [
                RECOMMENDATION_LABELS.get(r, r) for r in item.recommendations
            ]
        return {"advice": advice, **gp_contact_context(case, user)}
    if tab == "historik":
        return {"events": case.events.select_related("actor").order_by("at", "id")}
    if tab == "noter":
        notes = case.notes.select_related("author").order_by("created_at", "id")
        return {"notes": notes, "can_add_note": case.state not in FINAL_STATES}
    return {}


def gp_contact_context(case, user, form=None) -> dict[str, object]:
    """Whether the coordinator may contact the citizen's GP (BEK § 5 stk. 2), the contacts
    recorded, and for the assigned coordinator the form to record one."""
    from sagsbro.cases.rules.consent import ConsentStatus
    from sagsbro.cases.web.forms import GPContactForm

    status = services.gp_contact_status(case)
    may_record = (
        user.role == Role.COORDINATOR
        and case.coordinator_id == user.pk
        and case.state_enum in services.GP_CONTACT_STATES
        and status == ConsentStatus.GIVEN
    )
    return {
        "gp_contact_allowed": status == ConsentStatus.GIVEN,
        "gp_contact_refused": status == ConsentStatus.REFUSED,
        "gp_contacts": [
            {"event": e, "contacted_on": datetime.date.fromisoformat(e.data["contacted_on"])}
            for e in case.events.filter(kind=EventKind.GP_CONTACT).select_related("actor")
        ],
        "gp_contact_form": (form or GPContactForm()) if may_record else None,
    }


def team_context(case, user, today, calendar) -> dict[str, object]:
    """The team meeting, the indstilling and the plan; who the team must include (EVAL ~4150)."""
    plan_documents = (
        Document.objects.visible_to(user)
        .filter(case=case, category__in=[Category.INDSTILLING, Category.INDSATSPLAN])
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("shares"))
        .order_by("uploaded_at", "id")
    )
    held = (
        case.events.filter(kind=EventKind.HOLD_MEETING).order_by("-at").values_list("at", flat=True)
    )
    members = [
        "Beskæftigelsesområdet",
        "Sundhedsområdet",
        "Socialområdet",
        "Sundhedskoordinator fra regionen",
    ]
    if case.citizen.under_30_without_education:
        members.append("Uddannelsesområdet (borgeren er under 30 år uden uddannelse)")
    if case.citizen.has_children:
        members.append("Familieområdet (borgeren har børn)")
    conclusion = [
        row
        for row in deadline_rows(case, today, calendar)
        if row.deadline.kind == "citizen_conclusion"
    ]
    return {
        "team_case": case.subtype in MEETING_SUBTYPES,
        "plan_documents": plan_documents,
        "meeting_held_at": held.first(),
        "team_members": members,
        "conclusion": conclusion[0] if conclusion else None,
    }


@dataclass
class ActionButton:
    transition: Transition
    primary: bool


# Actions that set the case aside rather than moving it on; shown after the forward ones.
SECONDARY = frozenset(
    {
        "postpone",
        "return_for_information",
        "notify_late_appointment",
        "reassign",
        "record_contact_time",
    }
)


def action_buttons(transitions: list[Transition]) -> list[ActionButton]:
    """Forward actions first, with the first of them as the primary button; then the ones
    that set the case aside; removing or withdrawing a case last and never primary."""

    def rank(transition: Transition) -> int:
        if transition.name in DESTRUCTIVE:
            return 2
        return 1 if transition.name in SECONDARY else 0

    ordered = sorted(transitions, key=rank)
    return [
        ActionButton(transition, index == 0 and rank(transition) == 0)
        for index, transition in enumerate(ordered)
    ]


def page_context(case, user) -> dict[str, object]:
    """What every tab shows around its content: the heading and the actions."""
    transitions = available_transitions(case.subtype_enum, case.state_enum, Role(user.role))
    names = {t.name for t in transitions}
    if "record_contact_time" in names and not services.wants_contact(case):
        # Offered only where the municipality asked for phone or virtual contact.
        transitions = [t for t in transitions if t.name != "record_contact_time"]
    return {
        "case": case,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "transitions": transitions,
        "actions": action_buttons(transitions),
        "tabs": TABS,
    }
