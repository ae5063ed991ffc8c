"""What the case page shows, tab by tab. Read-only; the tabs load only what they show."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from sagsbro.cases import services
from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.advice import RECOMMENDATION_LABELS
from sagsbro.cases.rules.deadlines import DeadlineState, deadline_state
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    TEAM_SUBTYPES,
    Role,
    State,
    Transition,
    available_transitions,
)
from sagsbro.cases.worklist import DeadlineBadge, deadline_badge, masked_cpr
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
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


def case_for_page(user, pk) -> Case | None:
    """The case if the user may open its page; GPs see only what was sent to them (not here)."""
    if user.role == Role.GENERAL_PRACTITIONER:
        return None
    return (
        Case.objects.visible_to(user)
        .select_related(
            "citizen",
            "caseworker",
            "coordinator",
            "specialist",
            "municipality",
            "region",
            "parent",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class DeadlineRow:
    deadline: Deadline
    state: DeadlineState
    state_label: str
    badge: DeadlineBadge | None


def deadline_rows(case, today: datetime.date, calendar: WorkingDayCalendar) -> list[DeadlineRow]:
    rows = []
    for deadline in case.deadlines.order_by("due", "id"):
        state = deadline_state(deadline.due, deadline.fulfilled_on, today)
        is_open = deadline.fulfilled_on is None
        badge = deadline_badge(deadline.due, today, calendar) if is_open else None
        rows.append(DeadlineRow(deadline, state, DEADLINE_STATE_LABELS[state], badge))
    return rows


def tab_context(case, tab: str, user, today, calendar) -> dict[str, object]:
    """The rows a tab shows."""
    if tab == "overblik":
        missing = []
        if case.state in (State.DRAFT, State.RETURNED) and user.role == Role.CASEWORKER:
            missing = services.missing_requirements(case)
        return {"deadlines": deadline_rows(case, today, calendar), "missing": missing}
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
        return {"advice": advice}
    if tab == "historik":
        return {"events": case.events.select_related("actor").order_by("at", "id")}
    if tab == "noter":
        notes = case.notes.select_related("author").order_by("created_at", "id")
        return {"notes": notes, "can_add_note": case.state not in FINAL_STATES}
    return {}


def team_context(case, user, today, calendar) -> dict[str, object]:
    """The team meeting, the indstilling and the plan; who the team must include (EVAL ~4150)."""
    plan_documents = (
        Document.objects.visible_to(user)
        .filter(case=case, category__in=[Category.INDSTILLING, Category.INDSATSPLAN])
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("shares"))
        .order_by("uploaded_at", "id")
    )
    held = case.events.filter(kind="hold_meeting").order_by("-at").values_list("at", flat=True)
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
        "team_case": case.subtype in TEAM_SUBTYPES or case.subtype == "ret_til_sundhedskoordinator",
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
SECONDARY = frozenset({"postpone", "return_for_information", "notify_late_appointment"})


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
    return {
        "case": case,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "transitions": transitions,
        "actions": action_buttons(transitions),
        "tabs": TABS,
    }
