"""The case page's tabs, registered by the apps that contribute them (after NetBox's
``register_model_view`` / ``ViewTab``), so ``cases`` does not import the apps that extend its
page. The cases app registers its own tabs the same way, from ``CasesConfig.ready``.

A tab has a name (its URL: ``/sager/<pk>/<name>/``), a label, a template included in the case
page, a context builder (the rows the tab shows), an order among the tabs and who sees it. It
lives outside ``cases/web`` so that another app may register a tab without importing the cases
web layer."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured

from sagsbro.cases.models import Case
from sagsbro.organisations.models import User
from sagsbro.workdays.rules import WorkingDayCalendar

# (case, user, today, calendar) -> what the tab's template shows.
TabContextBuilder = Callable[[Case, User, datetime.date, WorkingDayCalendar], dict[str, Any]]
# The same with the request's query parameters last, for a tab that pages its list.
PagedTabContextBuilder = Callable[
    [Case, User, datetime.date, WorkingDayCalendar, Mapping[str, Any]], dict[str, Any]
]
TabVisibility = Callable[[Case, User], bool]


def _always(case: Case, user: User) -> bool:
    return True


@dataclass(frozen=True)
class CaseTab:
    name: str
    label: str
    template: str
    context_builder: TabContextBuilder | PagedTabContextBuilder
    order: int
    visible_for: TabVisibility = _always
    # The builder takes the request's query parameters (a page cursor) too.
    paged: bool = False

    def context(
        self,
        case: Case,
        user: User,
        today: datetime.date,
        calendar: WorkingDayCalendar,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        if self.paged:
            paged = cast(PagedTabContextBuilder, self.context_builder)
            return paged(case, user, today, calendar, params or {})
        return cast(TabContextBuilder, self.context_builder)(case, user, today, calendar)


class CaseTabRegistry:
    def __init__(self) -> None:
        self._tabs: dict[str, CaseTab] = {}

    def register(self, tab: CaseTab) -> CaseTab:
        if tab.name in self._tabs:
            raise ImproperlyConfigured(f"The case tab {tab.name!r} is registered already.")
        if any(other.order == tab.order for other in self._tabs.values()):
            raise ImproperlyConfigured(f"Two case tabs have the order {tab.order}.")
        self._tabs[tab.name] = tab
        return tab

    def unregister(self, name: str) -> None:
        """Take a tab out again (tests that register a tab of their own)."""
        del self._tabs[name]

    def get(self, name: str) -> CaseTab | None:
        return self._tabs.get(name)

    def __iter__(self) -> Iterator[CaseTab]:
        return iter(sorted(self._tabs.values(), key=lambda tab: tab.order))

    def names(self) -> list[str]:
        return [tab.name for tab in self]

    def visible(self, case: Case, user: User) -> list[CaseTab]:
        """The tabs the user sees on the case's page, in their order."""
        return [tab for tab in self if tab.visible_for(case, user)]


case_tabs = CaseTabRegistry()


def register_case_tab(
    name: str,
    label: str,
    template: str,
    context_builder: TabContextBuilder | PagedTabContextBuilder,
    *,
    order: int,
    visible_for: TabVisibility | None = None,
    paged: bool = False,
) -> CaseTab:
    """Add a tab to the case page; see the module's docstring. A `paged` tab's builder gets
    the request's query parameters as a fifth argument."""
    return case_tabs.register(
        CaseTab(name, label, template, context_builder, order, visible_for or _always, paged)
    )
