"""What the load test's virtual users do, without locust: the URLs they visit, the share of
each role, how their sessions are handed out, and the few things they read from the pages
(CSRF token, case links, tab links, the next-page link, the filter choices).

Kept apart from the locustfile so the tests can check it against the real pages without
importing locust (which patches the standard library with gevent when imported).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# --- the URLs the virtual users visit (checked against the URL configuration by a test) ----

LOGIN = "/login/"
WORKLIST = "/"
CASE = "/sager/{pk}/"
CASE_TAB = "/sager/{pk}/{tab}/"
ADD_NOTE = "/sager/{pk}/noter/ny/"
CREATE_CASE = "/sager/ny/"
MEETINGS = "/moeder/"
API_CASES = "/api/v1/cases/"
API_CASE = "/api/v1/cases/{pk}/"
API_CASE_EVENTS = "/api/v1/cases/{pk}/events/"
API_ME = "/api/v1/me/"

# The view each URL must reach: (URL with sample arguments, URL name in its namespace).
ROUTES: dict[str, tuple[str, str]] = {
    "login": (LOGIN, "login"),
    "worklist": (WORKLIST, "cases:worklist"),
    "case": (CASE.format(pk=1), "cases:detail"),
    "case_tab": (CASE_TAB.format(pk=1, tab="noter"), "cases:detail-tab"),
    "add_note": (ADD_NOTE.format(pk=1), "cases:add-note"),
    "create_case": (CREATE_CASE, "cases:create"),
    "meetings": (MEETINGS, "meetings:list"),
    "api_cases": (API_CASES, "case-list"),
    "api_case": (API_CASE.format(pk=1), "case-detail"),
    "api_case_events": (API_CASE_EVENTS.format(pk=1), "case-events"),
    "api_me": (API_ME, "me"),
}

# --- who uses the system ------------------------------------------------------------------

# Share of the virtual users per role, as weights. Caseworkers in the 98 municipalities are
# by far the most; each region's klinisk funktion has a few secretaries, a handful of
# health coordinators and a few clinical specialists; rehabilitation-team members look in
# around their meetings.
ROLE_WEIGHTS: dict[str, int] = {
    "caseworker": 15,
    "team_member": 1,
    "secretariat": 1,
    "coordinator": 2,
    "clinical_specialist": 1,
}

DEFAULT_THINK_SECONDS = (8.0, 12.0)


def think_seconds() -> tuple[float, float]:
    """The pause between two actions of one user, from SAGSBRO_LOAD_THINK ("8,12")."""
    raw = os.environ.get("SAGSBRO_LOAD_THINK", "")
    if not raw:
        return DEFAULT_THINK_SECONDS
    low, high = (float(part) for part in raw.split(","))
    return low, high


@dataclass
class UserPool:
    """The accounts the virtual users sign in as, per role, and their password. Handed out
    in turn, so with enough accounts every virtual user has its own (sign-in throttling
    counts failures per account and address; distinct accounts also spread the cases)."""

    password: str
    accounts: dict[str, list[str]]
    _next: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> UserPool:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(password=data["password"], accounts=data["accounts"])

    def to_json(self) -> str:
        return json.dumps({"password": self.password, "accounts": self.accounts}, indent=1)

    def take(self, role: str) -> str | None:
        names = self.accounts.get(role) or []
        if not names:
            return None
        index = self._next.get(role, 0)
        self._next[role] = index + 1
        return names[index % len(names)]

    def roles(self) -> list[str]:
        return [role for role in ROLE_WEIGHTS if self.accounts.get(role)]


# --- what the users read from the pages ---------------------------------------------------

_CSRF = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
_CASE_LINK = re.compile(r'href="/sager/(\d+)/"')
_TAB_LINK = re.compile(r'href="/sager/(\d+)/([a-z0-9-]+)/"')
_NEXT_LINK = re.compile(r'<a class="[^"]*button-next[^"]*" href="([^"]+)"')
_SELECT = r'<select[^>]*\sname="{name}"[^>]*>(.*?)</select>'
_OPTION = re.compile(r'<option value="([^"]+)"')
# Case-page links of one path segment that are not tabs.
NOT_TABS = frozenset({"rediger"})


def csrf_token(page: str) -> str | None:
    found = _CSRF.search(page)
    return found.group(1) if found else None


def case_ids(page: str) -> list[int]:
    """The cases a page links to, in order, once each."""
    return list(dict.fromkeys(int(pk) for pk in _CASE_LINK.findall(page)))


def case_tabs(page: str, pk: int) -> list[str]:
    """The tabs the case page offers for case `pk` (the links of its tab bar)."""
    tabs = []
    for found_pk, name in _TAB_LINK.findall(page):
        if int(found_pk) == pk and name not in NOT_TABS and name not in tabs:
            tabs.append(name)
    return tabs


def next_page(page: str) -> str | None:
    """The worklist's "Næste" link, as the page gives it (page number or keyset)."""
    found = _NEXT_LINK.search(page)
    return html.unescape(found.group(1)) if found else None


def select_options(page: str, name: str) -> list[str]:
    """The non-empty choices of the <select name=`name`> on a page."""
    found = re.search(_SELECT.format(name=re.escape(name)), page, re.DOTALL)
    if not found:
        return []
    return [value for value in _OPTION.findall(found.group(1)) if value]


def note_form(token: str, number: int) -> dict[str, str]:
    """A note's fields as the Noter tab's form posts them."""
    return {
        "csrfmiddlewaretoken": token,
        "text": f"Belastningstest: opfølgning nr. {number}.",
        "contact_preference": "",
        "contact_times": "",
    }


def percentile(sorted_values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank); 0 for none."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(share * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(times: Iterable[float]) -> tuple[int, float, float]:
    """(count, median, p95) of response times in ms."""
    values = sorted(times)
    return len(values), percentile(values, 0.5), percentile(values, 0.95)


# --- the search for the largest load that meets the target --------------------------------


def next_user_count(
    history: list[tuple[int, bool]],
    peak: int,
    step: int,
    *,
    estimate: int | None = None,
) -> int | None:
    """The next number of users to hold, or None when done.

    `history` holds (users, met the target) per stage so far. The first stage is the peak;
    if it meets the target the search is over. Otherwise the search bisects between the
    largest count that met it (0 before any) and the smallest that did not, in multiples of
    `step`; `estimate` (from the throughput the server reached at the peak) is tried first
    when it lies strictly between them."""
    if not history:
        return peak
    passed = [users for users, ok in history if ok]
    failed = [users for users, ok in history if not ok]
    if not failed:
        return None
    low = max(passed, default=0)
    high = min(failed)
    if high - low <= step:
        return None
    candidate = None
    if estimate is not None and len(history) == 1:
        candidate = (estimate // step) * step
    if candidate is None or not low < candidate < high:
        candidate = ((low + high) // 2 // step) * step
    if not low < candidate < high:
        return None
    return candidate
