"""The case list's filters, defined once: `GET /api/v1/cases/` filters through
`CaseListFilter` under its English parameter names, the worklist page through its subclass
`WorklistCaseFilter` under the page's Danish ones (`status`, `undertype`). Sorting and paging
stay the worklist's own."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from sagsbro.cases.models import UNFULFILLED_DEADLINE, Case, Deadline
from sagsbro.cases.rules.requirements import SUBTYPE_LABELS
from sagsbro.cases.rules.workflow import FINAL_STATES, OPEN_STATES, STATE_LABELS, State
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.roles import Role

SUBTYPE_CHOICES = [(str(subtype), label) for subtype, label in SUBTYPE_LABELS.items()]
STATE_CHOICES = [(str(state), label) for state, label in STATE_LABELS.items()]

# A coordinator's work on a case ends with the written answer or the team meeting; the
# case stays the municipality's to finish, so it leaves the coordinator's open list (the
# status filter "Alle sager" or the state's own filter still finds it).
ENDED_FOR_ROLE: dict[str, frozenset[State]] = {
    Role.COORDINATOR: frozenset({State.ANSWERED, State.MEETING_HELD}),
    # The specialist's part ends when the certificate is delivered.
    Role.CLINICAL_SPECIALIST: frozenset({State.ANSWERED}),
}


def ended_states(role: object) -> list[str]:
    """The states that are no longer open work for `role`: the final ones for everybody, and
    the ones where the role's part is done (ENDED_FOR_ROLE)."""
    ended = FINAL_STATES | ENDED_FOR_ROLE.get(str(role), frozenset())
    return sorted(str(state) for state in ended)


def open_states(role: object) -> list[str]:
    """The states that are still open work for `role`, as a positive set: `state IN (…)`
    lets the database use the partial indexes on open cases (cases/models.py) and read
    only the cases in flight, where `NOT IN (ended)` would read ten years of closed ones."""
    ended = FINAL_STATES | ENDED_FOR_ROLE.get(str(role), frozenset())
    return sorted(str(state) for state in OPEN_STATES - ended)


def open_for(queryset: QuerySet[Case], role: object) -> QuerySet[Case]:
    """The cases of `queryset` that are still open work for `role`."""
    return queryset.filter(state__in=open_states(role))


class CaseListFilter(django_filters.FilterSet):
    """Which cases a case list shows, under the API's parameter names."""

    subtype = django_filters.MultipleChoiceFilter(choices=SUBTYPE_CHOICES)
    state = django_filters.MultipleChoiceFilter(choices=STATE_CHOICES)
    municipality = IdFilter(field_name="municipality_id")
    due_before = django_filters.DateFilter(method="filter_due_before", label="Frist før")
    meeting_from = django_filters.DateFilter(field_name="meeting_date", lookup_expr="gte")
    meeting_to = django_filters.DateFilter(field_name="meeting_date", lookup_expr="lte")

    class Meta:
        model = Case
        fields = ["subtype", "state", "municipality", "due_before"]

    def filter_due_before(
        self, queryset: QuerySet[Case], name: str, value: datetime.date
    ) -> QuerySet[Case]:
        """Cases with a deadline not yet fulfilled that falls before the date. An EXISTS
        per case rather than a join: a case with several such deadlines is one row, with no
        DISTINCT over whole case rows, and the database reads the partial index on
        unfulfilled deadlines (cases/models.py)."""
        pending = Deadline.objects.filter(UNFULFILLED_DEADLINE, case=OuterRef("pk"), due__lt=value)
        return queryset.filter(Exists(pending))


# The worklist's status choices beside the states: the empty value, the default, is "the
# cases still open for the user's role".
ALL_OPEN = ""
ALL_STATES = "alle"


class WorklistCaseFilter(CaseListFilter):
    """The case list's filters under the worklist page's parameter names: one state or
    subtype at a time, and the status "Alle åbne sager" (the default, also for an invalid
    value) that depends on the user's role. The page offers only these two."""

    subtype = state = municipality = due_before = meeting_from = meeting_to = None  # type: ignore[assignment]

    status = django_filters.ChoiceFilter(
        field_name="state",
        label="Status",
        choices=[(ALL_STATES, "Alle sager"), *STATE_CHOICES],
        empty_label="Alle åbne sager",
        method="filter_status",
    )
    undertype = django_filters.ChoiceFilter(
        field_name="subtype",
        label="Undertype",
        choices=SUBTYPE_CHOICES,
        empty_label="Alle undertyper",
    )

    class Meta(CaseListFilter.Meta):
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, *, role: object, **kwargs: Any):
        super().__init__(data, queryset, **kwargs)
        self.role = role

    def filter_status(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == ALL_STATES:
            return queryset
        return queryset.filter(**{name: value})

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        queryset = super().filter_queryset(queryset)
        # The empty choice is not passed to filter_status, and an invalid value is dropped.
        if self.form.cleaned_data.get("status", ALL_OPEN) == ALL_OPEN:
            queryset = open_for(queryset, self.role)
        return queryset
