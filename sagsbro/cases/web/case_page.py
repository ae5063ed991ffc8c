"""What the case page shows, tab by tab. Read-only; the tabs load only what they show."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sagsbro.cases import access, services
from sagsbro.cases.models import Case, CaseEvent, Deadline
from sagsbro.cases.rules.advice import RECOMMENDATION_LABELS
from sagsbro.cases.rules.deadlines import CASE_AGREEMENT_SOURCES, DeadlineState, deadline_state
from sagsbro.cases.rules.deadlines import STATE_LABELS as DEADLINE_STATE_LABELS
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    State,
    Transition,
    available_transitions,
)
from sagsbro.cases.tabs import CaseTab, case_tabs, register_case_tab
from sagsbro.cases.web.worklist import DeadlineBadge, deadline_badge
from sagsbro.core.pagination import sequence_page
from sagsbro.core.web import get_visible_or_404
from sagsbro.documents.case_file import case_file_entries
from sagsbro.documents.models import Document
from sagsbro.documents.rules import (
    DEFAULT_PAGE_BUDGET,
    case_file_plan,
    case_file_sort_key,
    case_page_total,
    page_budget_warning,
)
from sagsbro.organisations.models import CollaborationAgreement, User
from sagsbro.organisations.roles import Role
from sagsbro.organisations.rules import masked_cpr
from sagsbro.workdays.rules import WorkingDayCalendar

# Actions that end a case without an answer: never the highlighted button.
DESTRUCTIVE = frozenset({"withdraw", "discard_draft"})


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


def overview_context(case, user, today, calendar) -> dict[str, object]:
    missing = []
    if case.state in (State.DRAFT, State.RETURNED) and user.role == Role.CASEWORKER:
        missing = services.missing_requirements(case)
    return {
        "deadlines": deadline_rows(case, today, calendar, user),
        "missing": missing,
        "returned": return_event(case),
    }


# The Dokumenter tab shows this many documents a page ("Forrige" / "Næste").
DOCUMENTS_PER_PAGE = 50


@dataclass
class DocumentRow:
    """One document on the Dokumenter tab, with what the case file makes of it."""

    document: Document
    #: The title of the document this one duplicates (same bytes or same text), if any.
    duplicate_of: str | None = None


def _microseconds(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def documents_context(
    case, user, today, calendar, params: Mapping[str, Any] | None = None
) -> dict[str, object]:
    """The case's documents in the case file's order (by category, newest document date first;
    `documents.rules.case_file_order`), duplicates marked as the combined PDF leaves them out,
    then the ones the user's organisation has withdrawn, a page at a time (`params`' cursor,
    `core.pagination.sequence_page`). A constant number of queries, each through an index on
    the case or the primary key: the order and duplicates from the documents' keys, then the
    page's full rows."""
    plan = case_file_plan(case_file_entries(case.pk))
    visible = Document.objects.visible_to(user).filter(case=case)
    facts = {
        pk: (withdrawn, pages)
        for pk, withdrawn, pages in visible.order_by().values_list("id", "withdrawn_at", "pages")
    }
    keys: dict[int, tuple[int, ...]] = {
        e.document_id: (0, *case_file_sort_key(e)) for e in plan.ordered if e.document_id in facts
    }
    for pk, (at, _) in facts.items():
        if at is not None:
            keys[pk] = (1, _microseconds(at), pk, 0)
    page = sequence_page(
        sorted(keys, key=keys.__getitem__),
        keys.__getitem__,
        params or {},
        page_size=DOCUMENTS_PER_PAGE,
    )
    documents = {
        d.pk: d
        for d in Document.objects.filter(pk__in=page.rows)
        .order_by()
        .select_related("uploaded_by", "blob", "carried_over_from__case")
        .prefetch_related(Prefetch("shares"))
    }
    titles = {e.document_id: e.title for e in plan.ordered}
    rows = [
        DocumentRow(
            documents[pk],
            titles.get(plan.duplicates[pk]) if pk in plan.duplicates else None,
        )
        for pk in page.rows
        if pk in documents
    ]
    # The documents the user is offered to withdraw (Træk tilbage).
    withdrawable = {r.document.pk for r in rows if access.may_withdraw_document(user, r.document)}
    # The case's pages as the combined PDF has them: withdrawn documents and duplicates left
    # out (the same bytes attached twice, or the same text re-scanned).
    total_pages = case_page_total(
        [
            (e.sha256, facts[e.document_id][1])
            for e in plan.ordered
            if e.document_id in facts and e.document_id not in plan.duplicates
        ]
    )
    return {
        "document_rows": rows,
        "documents": [r.document for r in rows],
        "document_count": len(keys),
        "documents_page": page,
        "withdrawable": withdrawable,
        "total_pages": total_pages,
        "page_budget_warning": (
            page_budget_warning(total_pages, page_budget(case, today)) if total_pages else None
        ),
    }


def page_budget(case, today) -> int:
    """The page budget of the collaboration agreement between the case's region and
    municipality in force on the day the region received the case (today while a draft)."""
    on = timezone.localdate(case.received_at) if case.received_at else today
    budget = (
        CollaborationAgreement.objects.filter(
            region_id=case.region_id, municipality_id=case.municipality_id, valid_from__lte=on
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from", "-id")
        .values_list("page_budget", flat=True)
        .first()
    )
    return DEFAULT_PAGE_BUDGET if budget is None else budget


def coordinator_context(case, user, today, calendar) -> dict[str, object]:
    advice = list(case.advice.select_related("author").order_by("created_at", "id"))
    for item in advice:
        item.recommendation_labels = [RECOMMENDATION_LABELS.get(r, r) for r in item.recommendations]
    return {"advice": advice, **gp_contact_context(case, user)}


def history_context(case, user, today, calendar) -> dict[str, object]:
    return {"events": case.events.select_related("actor").order_by("at", "id")}


def notes_context(case, user, today, calendar) -> dict[str, object]:
    notes = case.notes.select_related("author").order_by("created_at", "id")
    return {"notes": notes, "can_add_note": case.state not in FINAL_STATES}


def register_cases_tabs() -> None:
    """The cases app's own tabs (once, from ``CasesConfig.ready``). The orders leave room
    between them: the meetings app registers Rehabiliteringsteam at 30."""
    register_case_tab(
        "overblik", "Overblik", "cases/tabs/overblik.html", overview_context, order=10
    )
    register_case_tab(
        "dokumenter",
        "Dokumenter",
        "cases/tabs/dokumenter.html",
        documents_context,
        order=20,
        paged=True,
    )
    register_case_tab(
        "sundhedskoordinator",
        "Sundhedskoordinator",
        "cases/tabs/sundhedskoordinator.html",
        coordinator_context,
        order=40,
    )
    register_case_tab("historik", "Historik", "cases/tabs/historik.html", history_context, order=50)
    register_case_tab("noter", "Noter", "cases/tabs/noter.html", notes_context, order=60)


def tab_context(
    case, tab: CaseTab, user, today, calendar, params: Mapping[str, Any] | None = None
) -> dict[str, object]:
    """The rows a tab shows (a paged tab's page from `params`, the request's query), and the
    template that shows them."""
    return {**tab.context(case, user, today, calendar, params), "tab_template": tab.template}


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


def offered_transitions(case: Case, user: User) -> list[Transition]:
    """The actions the case page offers `user` now."""
    transitions = available_transitions(case.subtype_enum, case.state_enum, Role(user.role))
    names = {t.name for t in transitions}
    if "record_contact_time" in names and not services.wants_contact(case):
        # Offered only where the municipality asked for phone or virtual contact.
        transitions = [t for t in transitions if t.name != "record_contact_time"]
    if "accept_late_appointment" in names and not (
        case.late_appointment_notified_at is not None and case.late_appointment_accepted_at is None
    ):
        # Offered only while a late time klinisk funktion told of waits for the acceptance.
        transitions = [t for t in transitions if t.name != "accept_late_appointment"]
    return transitions


def page_context(case, user) -> dict[str, object]:
    """What every tab shows around its content: the heading and the actions."""
    transitions = offered_transitions(case, user)
    return {
        "case": case,
        "citizen_cpr": masked_cpr(case.citizen.cpr),
        "transitions": transitions,
        "actions": action_buttons(transitions),
        "tabs": [(tab.name, tab.label) for tab in case_tabs.visible(case, user)],
    }
