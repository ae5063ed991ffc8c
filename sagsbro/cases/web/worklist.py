"""What the web pages show of cases: the worklist per role and the deadline badges.

Read-only. Every query starts from `Case.objects.visible_to(user)`, and the number of SQL
queries does not grow with the number of cases: related rows are joined or prefetched.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TypedDict

from django import forms
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import QueryDict
from django.utils import timezone

from sagsbro.cases.filters import (
    ALL_OPEN,
    ALL_STATES,
    WorklistCaseFilter,
    ended_states,
    open_states,
)
from sagsbro.cases.models import (
    OPEN_STATE_VALUES,
    UNFULFILLED_DEADLINE,
    Case,
    CaseEvent,
    CaseNote,
    Deadline,
)
from sagsbro.cases.rules.deadlines import working_days_left
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import ContactPreference
from sagsbro.cases.rules.workflow import STATE_LABELS, State, available_transitions
from sagsbro.core.pagination import Key, KeysetPage, keyset_page
from sagsbro.core.worklist import awaiting_sources
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role
from sagsbro.organisations.rules import masked_cpr
from sagsbro.workdays.rules import WorkingDayCalendar

PAGE_SIZE = 25
BOX_SIZE = 10

# Deadlines within this many working days are flagged.
DUE_SOON_WORKING_DAYS = 2

# The table's orders, each ending in a unique key for keyset pagination. NULLs (no meeting,
# no open deadline) sort last (core.pagination.Key).
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "frist": ("Næste frist", ("next_due", "meeting_date", "id")),
    "moede": ("Mødedato", ("meeting_date", "next_due", "id")),
    "nyeste": ("Senest oprettet", ("-created_at", "-id")),
    "sagsnummer": ("Sagsnummer", ("reference",)),
}


def ordering(keys: tuple[str, ...]) -> list:
    """A sort's ORDER BY, NULLs last as in its keyset pages."""
    return [Key.of(key).order_by() for key in keys]


# What the municipality has to do next when a case waits for it.
AWAITING_MUNICIPALITY = {
    State.RETURNED: "Send sagen igen med de manglende oplysninger",
    State.ANSWERED: "Læs svaret, og afslut sagen",
    State.MEETING_HELD: "Send indstillingen til borgeren og egen læge",
}

# A delivered certificate waits in "Besvaret" for the caseworker to read it and close.
CERTIFICATE_NEXT_STEP = "Læs speciallægeattesten, og afslut sagen"

# How far back a coordinator sees the cases moved away from them.
MOVED_FROM_YOU_DAYS = 30

REGIONAL_LIST_ROLES = frozenset({Role.SECRETARIAT, Role.COORDINATOR, Role.CLINICAL_SPECIALIST})
MUNICIPAL_LIST_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_MEMBER})
ROLES_WITH_CASE_LIST = REGIONAL_LIST_ROLES | MUNICIPAL_LIST_ROLES


# --- deadline badges --------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineBadge:
    """How urgent a due date is, in working days, for a badge next to the date."""

    due: datetime.date
    days_left: int

    @property
    def level(self) -> str:
        if self.days_left < 0:
            return "overdue"
        if self.days_left == 0:
            return "today"
        if self.days_left <= DUE_SOON_WORKING_DAYS:
            return "soon"
        return ""

    @property
    def css_class(self) -> str:
        return {"overdue": "badge-error", "today": "badge-warning", "soon": "badge-info"}.get(
            self.level, ""
        )

    @property
    def text(self) -> str:
        days = abs(self.days_left)
        unit = "hverdag" if days == 1 else "hverdage"
        if self.level == "overdue":
            return f"Overskredet med {days} {unit}"
        if self.level == "today":
            return "Frist i dag"
        if self.level == "soon":
            return f"Frist om {days} {unit}"
        return ""


def deadline_badge(
    due: datetime.date | None, today: datetime.date, calendar: WorkingDayCalendar
) -> DeadlineBadge | None:
    if due is None:
        return None
    return DeadlineBadge(due=due, days_left=working_days_left(due, today, calendar))


def decorate(cases, today: datetime.date, calendar: WorkingDayCalendar) -> list[Case]:
    """Attach the next open deadline and its badge to each case (from prefetched rows)."""
    rows = list(cases)
    for case in rows:
        open_deadlines = getattr(case, "open_deadlines", [])
        case.next_deadline = open_deadlines[0] if open_deadlines else None
        case.badge = deadline_badge(
            case.next_deadline.due if case.next_deadline else None, today, calendar
        )
        case.masked_cpr = masked_cpr(case.citizen.cpr)
    return rows


def _open_deadlines():
    # Exactly the partial index deadline_unfulfilled_case's condition and order.
    return Deadline.objects.filter(UNFULFILLED_DEADLINE).order_by("due", "id")


def cases_for(user):
    """The user's visible cases with everything a list row shows, joined or prefetched."""
    next_due = _open_deadlines().filter(case=OuterRef("pk")).values("due")[:1]
    return (
        Case.objects.visible_to(user)
        .select_related("citizen", "caseworker", "coordinator", "specialist", "municipality")
        .annotate(next_due=Subquery(next_due))
        .prefetch_related(
            Prefetch("deadlines", queryset=_open_deadlines(), to_attr="open_deadlines")
        )
    )


# --- filters ----------------------------------------------------------------------------------


class WorklistOrder(forms.Form):
    """The worklist's own order beside the case list's filters (WorklistCaseFilter). The
    page is a keyset cursor (`efter`/`foer`, core.pagination), read by case_table."""

    sortering = forms.ChoiceField(
        label="Sortér efter",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )


class WorklistFilters(TypedDict):
    status: str
    undertype: str
    sortering: str


def parse_filters(params: QueryDict, user) -> WorklistFilters:
    """The worklist's filters from GET parameters; an invalid value falls back to its default."""
    chosen = {}
    for form in (WorklistCaseFilter(params, role=user.role).form, WorklistOrder(params)):
        form.is_valid()
        chosen.update(
            {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        )
    return WorklistFilters(
        status=chosen.get("status", ALL_OPEN),
        undertype=chosen.get("undertype", ""),
        sortering=chosen.get("sortering", default_sort_for(user)),
    )


def default_sort_for(user) -> str:
    return "moede" if user.role in REGIONAL_LIST_ROLES else "frist"


# --- the pieces of the worklist ---------------------------------------------------------------


@dataclass
class StateCount:
    state: str
    label: str
    count: int


@dataclass
class CaseTable:
    rows: list[Case]
    page: KeysetPage[Case]
    total: int
    state_counts: list[StateCount]
    open_total: int
    filters: WorklistFilters


@dataclass
class Box:
    rows: list[Case]
    total: int


@dataclass
class WorkloadRow:
    coordinator: User
    open_cases: int


@dataclass
class Worklist:
    table: CaseTable | None = None
    awaiting: Box | None = None
    inbox: Box | None = None
    contact: Box | None = None
    workload: list[WorkloadRow] = field(default_factory=list)
    moved: list[MovedCase] = field(default_factory=list)

    def shown_cases(self) -> list[Case]:
        """Every case row on the page, once each (for the audit log)."""
        seen: dict[int, Case] = {}
        parts = [self.table, self.awaiting, self.inbox, self.contact]
        for part in parts:
            if part is not None:
                for case in part.rows:
                    seen.setdefault(case.pk, case)
        return list(seen.values())


def case_filter_for(user, filters: WorklistFilters, *, queryset=None) -> WorklistCaseFilter:
    """The case list's filter of the worklist, bound to the chosen status and subtype."""
    data = {"status": filters["status"], "undertype": filters["undertype"]}
    return WorklistCaseFilter(data, queryset, role=user.role)


def case_table(user, filters: WorklistFilters, today, calendar, params=None) -> CaseTable:
    """The table of the user's cases: one keyset page (``params``' cursor) in the chosen
    order, and the counts per state (one grouped count, read from the (organisation, state)
    indexes) that also give the total, so the page is never counted twice."""
    # The counts per state cover every state of the chosen subtype.
    every_state: WorklistFilters = {**filters, "status": ALL_STATES}
    counts = dict(
        case_filter_for(user, every_state, queryset=Case.objects.visible_to(user))
        .qs.values_list("state")
        .annotate(n=Count("*"))
        .values_list("state", "n")
    )
    state_counts = [
        StateCount(str(state), label, counts.get(str(state), 0))
        for state, label in STATE_LABELS.items()
        if counts.get(str(state))
    ]
    ended = ended_states(user.role)
    open_total = sum(c.count for c in state_counts if c.state not in ended)
    status = filters["status"]
    total = (
        open_total
        if status == ALL_OPEN
        else sum(c.count for c in state_counts if status == ALL_STATES or c.state == status)
    )

    visible = case_filter_for(user, filters, queryset=cases_for(user)).qs
    keys = SORTS[filters["sortering"]][1]
    # Sorted by the next deadline, the cases with an open deadline (an EXISTS on the
    # deadline_unfulfilled_case index) and those without are read apart: the next deadline
    # is then looked up for the first only, not for every case of ten years.
    has_deadline = Exists(_open_deadlines().filter(case=OuterRef("pk")))
    present = Q(has_deadline) if keys[0] == "next_due" else None
    page = keyset_page(visible, keys, params or {}, page_size=PAGE_SIZE, present=present)
    rows = decorate(page.rows, today, calendar)
    return CaseTable(
        rows=rows,
        page=page,
        total=total,
        state_counts=state_counts,
        open_total=open_total,
        filters=filters,
    )


def _box(queryset, today, calendar) -> Box:
    # Always counted, so the number of queries does not depend on how many cases there are.
    return Box(rows=decorate(queryset[:BOX_SIZE], today, calendar), total=queryset.count())


def actionable_for(role) -> Q:
    """The waiting cases a user in `role` can act on: the (state, subtype) pairs where the
    workflow gives the role a transition. A team member sends the indstilling after the
    meeting but does not resend a returned case or close a written answer (the caseworker
    does), so those do not wait for them."""
    condition = Q(pk__in=[])
    for state in AWAITING_MUNICIPALITY:
        subtypes = [
            str(subtype)
            for subtype in Subtype
            if available_transitions(subtype, State(state), Role(str(role)))
        ]
        if subtypes:
            condition |= Q(state=str(state), subtype__in=subtypes)
    return condition


def awaiting_municipality(user, today, calendar) -> Box:
    condition = Q(state__in=[str(s) for s in AWAITING_MUNICIPALITY])
    if user.role == Role.TEAM_MEMBER:
        condition &= actionable_for(user.role)
    # Every waiting case is open (the sources' conditions say so too): reading the open cases
    # first keeps the sources' per-case subqueries to the cases in flight.
    queryset = cases_for(user).filter(state__in=OPEN_STATE_VALUES)
    # Other apps' waiting cases (core.worklist.register_awaiting_source), in the same query.
    sources = awaiting_sources(user)
    for source in sources:
        queryset = queryset.annotate(**source.annotations())
        condition |= source.condition()
    queryset = queryset.filter(condition)
    queryset = queryset.order_by(*ordering(("next_due", "updated_at", "id")))
    box = _box(queryset, today, calendar)
    for case in box.rows:
        steps = (source.next_step(case) for source in sources)
        case.next_step = next((step for step in steps if step), "")
        if not case.next_step and State(case.state) in AWAITING_MUNICIPALITY:
            case.next_step = AWAITING_MUNICIPALITY[State(case.state)]
            if case.state == State.ANSWERED and case.subtype == Subtype.KLINISK_FUNKTION:
                case.next_step = CERTIFICATE_NEXT_STEP
    return box


def secretariat_inbox(user, today, calendar) -> Box:
    queryset = (
        cases_for(user)
        .filter(state=State.SENT)
        .order_by(*ordering(("next_due", "received_at", "id")))
    )
    return _box(queryset, today, calendar)


def contact_wanted(user, today, calendar) -> Box:
    """Open cases where the municipality asks for a phone or virtual contact first."""
    wanted = str(ContactPreference.CONTACT_FIRST)
    open_cases = cases_for(user).filter(state__in=OPEN_STATE_VALUES)
    # The open cases that ask on the case itself, and those a note asks for (the notes
    # asking, through their partial index casenote_contact_first): a union of ids, not an
    # OR over every note of the region.
    asked_on_case = open_cases.filter(contact_preference=wanted).values("pk")
    asked_in_note = CaseNote.objects.filter(
        contact_preference=wanted, case__in=open_cases.values("pk")
    ).values("case_id")
    # A case leaves the box when the secretariat has recorded the agreed contact time, until
    # a later note asks for contact again.
    agreed_at = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.RECORD_CONTACT_TIME)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    asks_again = CaseNote.objects.filter(
        case=OuterRef("pk"), contact_preference=wanted, created_at__gt=OuterRef("contact_agreed_at")
    )
    queryset = (
        open_cases.filter(pk__in=asked_on_case.union(asked_in_note))
        .annotate(contact_agreed_at=Subquery(agreed_at))
        .filter(Q(contact_agreed_at__isnull=True) | Exists(asks_again))
        .prefetch_related(
            Prefetch(
                "notes",
                queryset=CaseNote.objects.filter(contact_preference=wanted).order_by(
                    "-created_at", "-id"
                ),
                to_attr="contact_notes",
            )
        )
        .order_by(*ordering(("next_due", "id")))
    )
    box = _box(queryset, today, calendar)
    for case in box.rows:
        latest = case.contact_notes[0] if case.contact_notes else None
        case.wanted_contact_times = (latest.contact_times if latest else "") or case.contact_times
    return box


@dataclass(frozen=True)
class MovedCase:
    """A case moved away from the coordinator: its reference and when, nothing more (the
    coordinator no longer has access to the case)."""

    reference: str
    moved_on: datetime.date


def moved_from_you(user, today) -> list[MovedCase]:
    """Cases the secretariat moved from `user` to someone else in the last
    MOVED_FROM_YOU_DAYS days, newest first. Reference and date only: no health data."""
    since = today - datetime.timedelta(days=MOVED_FROM_YOU_DAYS)
    rows = (
        CaseEvent.objects.filter(
            kind=EventKind.REASSIGN,
            data__from=user.pk,
            at__date__gte=since,
            case__region_id=user.region_id,
        )
        .exclude(case__in=Case.objects.visible_to(user))
        .order_by("-at", "-id")
        .values_list("case__reference", "at")[:BOX_SIZE]
    )
    return [MovedCase(reference, timezone.localdate(at)) for reference, at in rows]


def coordinator_workload(user) -> list[WorkloadRow]:
    """Open cases per coordinator of the secretariat's region, the idle ones included."""
    counts = dict(
        Case.objects.visible_to(user)
        .filter(state__in=open_states(Role.COORDINATOR), coordinator__isnull=False)
        .values_list("coordinator")
        .annotate(n=Count("id"))
        .values_list("coordinator", "n")
    )
    coordinators = User.objects.filter(
        region_id=user.region_id, role=Role.COORDINATOR, is_active=True
    ).order_by("first_name", "last_name", "id")
    return [WorkloadRow(person, counts.get(person.pk, 0)) for person in coordinators]


def build_worklist(
    user, filters: WorklistFilters, today, calendar, *, table_only=False, params=None
) -> Worklist:
    """The user's worklist; ``params`` (the request's GET) carry the table's page cursor."""
    worklist = Worklist()
    if user.role not in ROLES_WITH_CASE_LIST:
        return worklist
    worklist.table = case_table(user, filters, today, calendar, params)
    if table_only:
        return worklist
    if user.role in MUNICIPAL_LIST_ROLES:
        worklist.awaiting = awaiting_municipality(user, today, calendar)
    elif user.role == Role.SECRETARIAT:
        worklist.inbox = secretariat_inbox(user, today, calendar)
        worklist.contact = contact_wanted(user, today, calendar)
        worklist.workload = coordinator_workload(user)
    elif user.role in (Role.COORDINATOR, Role.CLINICAL_SPECIALIST):
        worklist.moved = moved_from_you(user, today)
    return worklist
