"""The load test's virtual users and its load shape, for locust.

Started by `benchmarks/load_test.py`, which hands over, in environment variables:

- SAGSBRO_LOAD_USERS: a JSON file with the accounts per role and their password;
- SAGSBRO_LOAD_PLAN: a JSON file with the shape (peak users, spawn rate, settle and hold
  seconds, the search step, the p95 target, the time limit);
- SAGSBRO_LOAD_RESULTS: where to write the measured windows (JSON);
- SAGSBRO_LOAD_THINK: the think time between two actions, "low,high" seconds.

Each virtual user signs in once through the log-in page (with its CSRF token), then loops,
pausing the think time between actions, over what its role does: the worklist (with the
filters, sorting and next page the page offers, fetched as the page's HTMX requests), a case
and its tabs, the API's case list and a case, and a note on an open case.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import sys
import time
from collections import defaultdict
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, LoadTestShape, between, events
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload as w  # noqa: E402

HTMX = {"HX-Request": "true"}
NOTE_NUMBERS = itertools.count(1)
ADDRESSES = itertools.count(1)
# Behind the load balancer production expects (SAGSBRO_LOAD_PROXY=1): HTTPS ended there, so
# each request says so and names its client's address, and the session and CSRF cookies,
# marked Secure, still travel over the loopback.
BEHIND_PROXY = os.environ.get("SAGSBRO_LOAD_PROXY") == "1"
# More than this many refused sign-ins stop the test: the accounts or the password are
# wrong, and sign-in throttling must not lock the address out.
MAX_SIGNIN_FAILURES = 3


def _load_json(variable: str) -> dict:
    path = os.environ.get(variable)
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else {}


POOL = (
    w.UserPool.from_file(os.environ["SAGSBRO_LOAD_USERS"])
    if os.environ.get("SAGSBRO_LOAD_USERS")
    else w.UserPool(password="demo1234", accounts={"caseworker": ["sagsbehandler.kbh"]})
)
PLAN = _load_json("SAGSBRO_LOAD_PLAN")
RESULTS = os.environ.get("SAGSBRO_LOAD_RESULTS")


# --- what the requests took, per measured window --------------------------------------------


class Recorder:
    """Response times and errors per request name, for the window being measured, and the
    errors of the whole run (ramps included)."""

    def __init__(self) -> None:
        self.windows: list[dict] = []
        self.current: dict | None = None
        self.run_errors: dict[str, int] = defaultdict(int)
        self.run_requests = 0
        self.signin_failures = 0
        # Virtual users signed in and working (a new user counts once its sign-in is done).
        self.working = 0

    def on_request(self, request_type, name, response_time, response_length, exception, **kw):
        self.run_requests += 1
        error = _error_text(exception) if exception else None
        if error:
            self.run_errors[f"{name}: {error}"] += 1
        window = self.current
        if window is None:
            return
        window["times"][name].append(response_time)
        if error:
            window["errors"][f"{name}: {error}"] += 1

    def open(self, label: str, users: int) -> None:
        self.current = {
            "label": label,
            "users": users,
            "start": time.time(),
            "times": defaultdict(list),
            "errors": defaultdict(int),
        }

    def close(self) -> dict:
        window = self.current
        assert window is not None
        self.current = None
        window["end"] = time.time()
        everything: list[float] = []
        by_name = {}
        for name, times in sorted(window.pop("times").items()):
            count, median, p95 = w.summarise(times)
            by_name[name] = {"count": count, "median_ms": median, "p95_ms": p95}
            everything += times
        count, median, p95 = w.summarise(everything)
        window["by_name"] = by_name
        window["overall"] = {"count": count, "median_ms": median, "p95_ms": p95}
        window["errors"] = dict(window["errors"])
        window["error_count"] = sum(window["errors"].values())
        window["passed"] = (
            count > 0 and p95 < PLAN.get("p95_ms", 500) and window["error_count"] == 0
        )
        self.windows.append(window)
        self.save()
        return window

    def save(self, reason: str = "") -> None:
        if not RESULTS:
            return
        data = {
            "windows": self.windows,
            "run_requests": self.run_requests,
            "run_errors": dict(self.run_errors),
            "signin_failures": self.signin_failures,
            "stopped": reason,
        }
        Path(RESULTS).write_text(json.dumps(data, indent=1), encoding="utf-8")


def _error_text(exception: BaseException) -> str:
    text = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
    return f"{type(exception).__name__}: {text}"[:200]


RECORDER = Recorder()
events.request.add_listener(RECORDER.on_request)


@events.quitting.add_listener
def _save_on_quit(environment, **kw):
    RECORDER.save(reason="quit")


# --- the virtual users ----------------------------------------------------------------------


class Person(FastHttpUser):
    """One person of a role: signs in once, then works. Abstract; one subclass per role."""

    abstract = True
    role = ""
    # A slow answer counts, a hung one fails; the server's own timeout is shorter.
    network_timeout = 60.0
    connection_timeout = 10.0
    wait_time = between(*w.think_seconds())

    def on_start(self) -> None:
        self.signed_in = False
        self.username = POOL.take(self.role)
        if self.username is None:
            raise StopUser()
        self.headers: dict[str, str] = {}
        self.post_headers: dict[str, str] = {}
        if BEHIND_PROXY:
            n = next(ADDRESSES)
            self.headers = {
                "X-Forwarded-Proto": "https",
                # Each person at their own address (sign-in throttling counts per address).
                "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            }
            # HTTPS makes Django check the origin of a POST.
            self.post_headers = {"Origin": self.host.replace("http://", "https://", 1)}
            self.client.cookiejar.set_policy(
                DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
            )
        self.token: str | None = None
        self.open_cases: list[int] = []
        self.seen_cases: list[int] = []
        self.case: int | None = None
        self.tabs: list[str] = []
        self.next_link: str | None = None
        self.statuses: list[str] = []
        self.subtypes: list[str] = []
        self.sorts: list[str] = []
        self.sign_in()

    # -- shared steps --

    def _page(self, url: str, name: str, *, headers: dict | None = None) -> str | None:
        """GET a page; its text when 200, else the request is marked failed."""
        sent = {**self.headers, **(headers or {})}
        with self.client.get(url, name=name, headers=sent, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            text = response.text or ""
            token = w.csrf_token(text)
            if token:
                self.token = token
            return text

    def sign_in(self) -> None:
        """The log-in page, then its form. A refusal (the form again, or locked out) stops
        the user and, after a few, the test; an overloaded server's failure is retried."""
        for attempt in range(3):
            if attempt:
                gevent.sleep(5)
            page = self._page(w.LOGIN, "log-in page")
            token = w.csrf_token(page or "")
            if not token:
                continue
            form = {
                "username": self.username,
                "password": POOL.password,
                "csrfmiddlewaretoken": token,
            }
            with self.client.post(
                w.LOGIN,
                data=form,
                name="log in",
                headers={**self.headers, **self.post_headers},
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    self.signed_in = True
                    RECORDER.working += 1
                    return
                if response.status_code in (200, 429):
                    response.failure(f"HTTP {response.status_code} (sign-in refused)")
                    RECORDER.signin_failures += 1
                    if RECORDER.signin_failures >= MAX_SIGNIN_FAILURES:
                        self.environment.runner.quit()
                    raise StopUser()
                response.failure(f"HTTP {response.status_code}")
        raise StopUser()

    def on_stop(self) -> None:
        if getattr(self, "signed_in", False):
            self.signed_in = False
            RECORDER.working -= 1

    def read_worklist(self, page: str, *, full: bool) -> None:
        cases = w.case_ids(page)
        if cases:
            self.seen_cases = cases
        if full:
            # The default list holds the role's open cases: a note can be written on them.
            self.open_cases = cases
            self.statuses = self.statuses or w.select_options(page, "status")
            self.subtypes = self.subtypes or w.select_options(page, "undertype")
            self.sorts = self.sorts or w.select_options(page, "sortering")
        self.next_link = w.next_page(page)

    def pick_case(self) -> int | None:
        cases = self.seen_cases or self.open_cases
        if not cases:
            self.worklist()
            cases = self.seen_cases
        return random.choice(cases) if cases else None

    # -- the actions --

    def worklist(self) -> None:
        page = self._page(w.WORKLIST, "worklist")
        if page is not None:
            self.read_worklist(page, full=True)

    def worklist_filter(self) -> None:
        """Change one of the worklist's filters, as the filter form does (an HTMX request)."""
        if not (self.statuses or self.subtypes or self.sorts):
            return self.worklist()
        choices = [("status", v) for v in self.statuses]
        choices += [("undertype", v) for v in self.subtypes]
        choices += [("sortering", v) for v in self.sorts]
        field, value = random.choice(choices)
        page = self._page(f"{w.WORKLIST}?{field}={value}", f"worklist ?{field}=", headers=HTMX)
        if page is not None:
            self.read_worklist(page, full=False)

    def worklist_next_page(self) -> None:
        if not self.next_link:
            return self.worklist_filter()
        page = self._page(f"{w.WORKLIST}{self.next_link}", "worklist next page", headers=HTMX)
        if page is not None:
            self.read_worklist(page, full=False)

    def case_page(self) -> None:
        pk = self.pick_case()
        if pk is None:
            return
        page = self._page(w.CASE.format(pk=pk), "case page")
        if page is not None:
            self.case = pk
            self.tabs = w.case_tabs(page, pk)

    def case_tab(self) -> None:
        if self.case is None or not self.tabs:
            return self.case_page()
        tab = random.choice(self.tabs)
        self._page(w.CASE_TAB.format(pk=self.case, tab=tab), f"case tab {tab}")

    def note(self) -> None:
        """Write a note on one of the role's open cases (the Noter tab's form)."""
        if not self.open_cases:
            return self.worklist()
        pk = random.choice(self.open_cases)
        if not self.token:
            return self.worklist()
        form = w.note_form(self.token, next(NOTE_NUMBERS))
        with self.client.post(
            w.ADD_NOTE.format(pk=pk),
            data=form,
            name="write note",
            headers={**self.headers, **self.post_headers},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")

    def create_page(self) -> None:
        self._page(w.CREATE_CASE, "create page")

    def meetings(self) -> None:
        self._page(w.MEETINGS, "meetings")

    def _api(self, url: str, name: str) -> dict | None:
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                return response.json()
            except ValueError:
                response.failure("not JSON")
                return None

    def api_list(self) -> None:
        """The API's case list, plain or with one of its filters (session-authenticated)."""
        soon = datetime.date.today() + datetime.timedelta(days=14)
        query, name = random.choice(
            [
                ("", "api cases"),
                ("?state=sent", "api cases ?state="),
                (f"?due_before={soon.isoformat()}", "api cases ?due_before="),
            ]
        )
        body = self._api(f"{w.API_CASES}{query}", name)
        results = (body or {}).get("results") or []
        found = [item["id"] for item in results if isinstance(item, dict) and "id" in item]
        if found:
            self.seen_cases = found[:25]

    def api_case(self) -> None:
        pk = self.pick_case()
        if pk is not None:
            self._api(w.API_CASE.format(pk=pk), "api case")


def _role_class(role: str, weight: int, tasks: dict) -> type[Person]:
    name = "".join(part.title() for part in role.split("_"))
    return type(name, (Person,), {"role": role, "weight": weight, "tasks": tasks})


# What each role does, as task weights: mostly reading its worklist and cases.
ROLE_TASKS = {
    "caseworker": {
        Person.worklist: 4,
        Person.worklist_filter: 2,
        Person.worklist_next_page: 1,
        Person.case_page: 3,
        Person.case_tab: 3,
        Person.api_list: 1,
        Person.api_case: 1,
        Person.note: 1,
        Person.create_page: 1,
    },
    "team_member": {
        Person.worklist: 4,
        Person.worklist_filter: 1,
        Person.case_page: 3,
        Person.case_tab: 2,
        Person.meetings: 1,
    },
    "secretariat": {
        Person.worklist: 5,
        Person.worklist_filter: 2,
        Person.worklist_next_page: 1,
        Person.case_page: 3,
        Person.case_tab: 2,
        Person.api_list: 1,
        Person.api_case: 1,
        Person.note: 1,
        Person.meetings: 1,
    },
    "coordinator": {
        Person.worklist: 4,
        Person.worklist_filter: 1,
        Person.case_page: 3,
        Person.case_tab: 3,
        Person.api_case: 1,
        Person.note: 1,
        Person.meetings: 1,
    },
    "clinical_specialist": {
        Person.worklist: 4,
        Person.case_page: 3,
        Person.case_tab: 3,
        Person.api_case: 1,
        Person.note: 1,
    },
}

# One user class per role that has accounts.
for _role in POOL.roles():
    _cls = _role_class(_role, w.ROLE_WEIGHTS[_role], ROLE_TASKS[_role])
    globals()[_cls.__name__] = _cls
del _role, _cls


# --- the load shape -------------------------------------------------------------------------


class RampHoldSearch(LoadTestShape):
    """Ramp to the peak and measure it; if the peak misses the target (p95, no errors),
    search for the largest number of users that meets it. Each stage: reach the count (new
    users sign in at the spawn rate, extra ones stop at once), settle, then measure for
    the hold time. Stops by itself at the plan's time limit."""

    def __init__(self) -> None:
        super().__init__()
        self.peak = int(PLAN.get("peak", 10))
        self.spawn_rate = float(PLAN.get("spawn_rate", 5))
        self.settle = float(PLAN.get("settle", 0))
        self.hold = float(PLAN.get("hold", 20))
        self.search_hold = float(PLAN.get("search_hold", self.hold))
        self.step = int(PLAN.get("step", 25))
        self.search = bool(PLAN.get("search", False))
        self.limit = float(PLAN.get("time_limit", 120))
        self.history: list[tuple[int, bool]] = []
        self.target = self.peak
        self.phase = "reach"
        self.phase_end = self._reach_time(0, self.peak)

    def _reach_time(self, now: float, users: int) -> float:
        current = self.runner.user_count if self.runner else 0
        return now + max(0, users - current) / self.spawn_rate + 90

    def _stop(self, reason: str):
        RECORDER.save(reason=reason)
        return None

    def tick(self):
        now = self.get_run_time()
        if now > self.limit:
            return self._stop("time limit")
        if self.phase == "reach":
            # Measured once every user has signed in (sign-ins are slow by design).
            reached = (
                self.runner is not None
                and self.runner.user_count == self.target
                and RECORDER.working == self.target
            )
            if reached or now > self.phase_end:
                self.phase, self.phase_end = "settle", now + self.settle
        if self.phase == "settle" and now >= self.phase_end:
            label = "peak" if not self.history else f"search {len(self.history)}"
            RECORDER.open(label, RECORDER.working)
            hold = self.hold if not self.history else self.search_hold
            self.phase, self.phase_end = "measure", now + hold
        if self.phase == "measure" and now >= self.phase_end:
            window = RECORDER.close()
            self.history.append((self.target, window["passed"]))
            if not self.search:
                return self._stop("done")
            duration = window["end"] - window["start"]
            rate = window["overall"]["count"] / duration if duration else 0
            estimate = int(rate * (sum(w.think_seconds()) / 2 + PLAN.get("p95_ms", 500) / 2000))
            following = w.next_user_count(self.history, self.peak, self.step, estimate=estimate)
            needed = (
                following is not None
                and now + self._reach_time(0, following) - 90 + self.settle + self.search_hold
                > self.limit
            )
            if following is None or needed:
                return self._stop("done" if following is None else "time limit")
            self.target = following
            self.phase, self.phase_end = "reach", self._reach_time(now, following)
        return self.target, self.spawn_rate
