"""Every main page and API endpoint per role on the national data set, against the demo data.

Generates the national data set (``manage.py generate_national_data``) or reuses it, loads
the demo data into a second database, and renders each page in-process through Django's full
request stack (as ``benchmarks/pages.py`` does) for each role on both. Prints per page the
median and 95th percentile server time and the SQL query count on the national data, and the
ratio of its median to the same page on the demo data; then the API's case read against a bare
Django view on the same case in the same run (``benchmarks/api_case_read.py``).

    .venv/bin/python benchmarks/national.py                 # the `national` database
        [--database-url postgres://…/national] [--demo-database-url …] [--rounds 20]
    .venv/bin/python benchmarks/national.py --light         # CI: small temporary databases
    … --strict                                              # exit 1 when a target is missed

Targets: every page and list endpoint p95 < 300 ms (the API list with ``due_before``
< 150 ms); the API case read at least 60 % of the bare view's speed. Without ``--strict``
the figures are printed and the exit status is 0.

The full run reuses the database at ``--database-url`` (default: ``DATABASE_URL``, else
``postgres://postgres@127.0.0.1:5432/national``) and generates ten years at full volume into
it when it holds no cases (it must be migrated). The demo database is temporary unless
``--demo-database-url`` names one that already holds the demo data. ``--light`` generates one
year at 1 % into a temporary database beside a temporary demo database (PostgreSQL when
``DATABASE_URL`` names a PostgreSQL server, else SQLite files) and drops both afterwards.
Each database is measured in its own process, so both run with the same settings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_NATIONAL = "postgres://postgres@127.0.0.1:5432/national"
PAGE_TARGET_MS = 300
DUE_BEFORE_TARGET_MS = 150
CASE_READ_TARGET = 0.60

# The user names the generator shares with the demo (organisations/demo.py); the GP differs.
ROLE_USERS = [
    ("sagsbehandler", ["sagsbehandler.kbh"]),
    ("team", ["team.kbh"]),
    ("sekretariat", ["sekretariat.hovedstaden"]),
    ("koordinator", ["koordinator.hovedstaden"]),
    ("speciallæge", ["speciallaege.hovedstaden"]),
    ("læge", ["laege.kbh", "laege.noerrebro"]),
    ("admin", ["admin.kbh"]),
]


# --- measuring one database (a child process) -------------------------------------------------


def _measure_database(rounds: int) -> dict[str, Any]:
    """Runs inside a child process whose DATABASE_URL is the database to measure."""
    import warnings

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo")
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    django.setup()

    import datetime

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sagsbro.cases.models import Case
    from sagsbro.cases.rules.workflow import FINAL_STATES
    from sagsbro.cases.tabs import case_tabs
    from sagsbro.meetings.models import MeetingDay
    from sagsbro.organisations.models import Citizen, User
    from sagsbro.organisations.roles import Role

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    today = datetime.date.today()

    def measure(client: Client, method: str, url: str, data: dict | None) -> dict[str, Any]:
        call = client.post if method == "POST" else client.get
        first = call(url, data) if data is not None else call(url)
        status = first.status_code
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            call(url, data) if data is not None else call(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            call(url, data) if data is not None else call(url)
        times.sort()
        return {
            "status": status,
            "median": statistics.median(times),
            "p95": times[max(0, int(len(times) * 0.95 + 0.5) - 1)],
            "queries": len(captured.captured_queries),
            "bytes": len(first.content),
        }

    def next_page(client: Client, url: str) -> str | None:
        match = re.search(r"[?&;]efter=([^\"&<>\s]+)", client.get(url).content.decode())
        return f"{url}&efter={match.group(1)}" if match else None

    rows: list[dict[str, Any]] = []

    def add(role: str, key: str, client: Client, url: str | None, method="GET", data=None):
        if url is None:
            return
        result = measure(client, method, url, data)
        rows.append({"role": role, "key": key, "url": url, "method": method, **result})

    anonymous = Client()
    add("–", "log-ind (grundlinje)", anonymous, "/login/")
    soon = (today + datetime.timedelta(days=14)).isoformat()
    case_read: tuple[str, int] | None = None
    for role, candidates in ROLE_USERS:
        user = User.objects.filter(username__in=candidates).order_by("username").first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        label = f"{role} ({user.username})"
        visible = Case.objects.visible_to(user)
        case = (
            visible.exclude(state__in=[str(s) for s in FINAL_STATES]).order_by("-id").first()
            or visible.order_by("-id").first()
        )
        add(label, "arbejdsliste", client, "/")
        if user.role != Role.GENERAL_PRACTITIONER:
            add(label, "arbejdsliste alle, nyeste", client, "/?status=alle&sortering=nyeste")
            add(
                label,
                "arbejdsliste alle, nyeste, side 2",
                client,
                next_page(client, "/?status=alle&sortering=nyeste"),
            )
            add(label, "arbejdsliste løbende sager", client, "/?undertype=loebende_sag")
            add(label, "arbejdsliste efter sagsnummer", client, "/?sortering=sagsnummer")
        if user.role in (Role.SECRETARIAT, Role.COORDINATOR, Role.CLINICAL_SPECIALIST):
            add(label, "arbejdsliste tildelt, frist", client, "/?status=assigned&sortering=frist")
            add(label, "arbejdsliste sendt, mødedato", client, "/?status=sent&sortering=moede")
        if case is not None and user.role not in (Role.GENERAL_PRACTITIONER, Role.ADMINISTRATOR):
            add(label, "sag", client, f"/sager/{case.pk}/")
            # The tabs this user is shown on this case (some belong to one subtype or role).
            for tab in (tab.name for tab in case_tabs.visible(case, user)):
                add(label, f"sag, fanen {tab}", client, f"/sager/{case.pk}/{tab}/")
        if user.role == Role.CASEWORKER:
            add(label, "opret sag", client, "/sager/ny/")
            add(
                label,
                "borgersøgning, navn",
                client,
                "/sager/ny/borgersoegning/",
                "POST",
                {"q": "Niel"},
            )
            citizen = Citizen.objects.filter(municipality=user.municipality).first()
            if citizen is not None:
                add(
                    label,
                    "borgersøgning, CPR",
                    client,
                    "/sager/ny/borgersoegning/",
                    "POST",
                    {"q": citizen.cpr},
                )
            add(label, "API borgere", client, "/api/v1/citizens/")
        if user.role in (Role.CASEWORKER, Role.TEAM_MEMBER, Role.COORDINATOR, Role.SECRETARIAT):
            add(label, "møder", client, "/moeder/")
            days = MeetingDay.objects.filter(date__gte=today)
            if user.municipality_id:
                days = days.filter(municipality_id=user.municipality_id)
            elif user.role == Role.COORDINATOR:
                days = days.filter(coordinator=user)
            else:
                days = days.filter(municipality__region=user.region)
            day = days.order_by("date", "id").first()
            if day is not None:
                add(label, "mødedag", client, f"/moeder/{day.pk}/")
            add(label, "API mødedage", client, "/api/v1/meeting-days/")
        if user.role != Role.ADMINISTRATOR:
            add(label, "API sager", client, "/api/v1/cases/")
            add(label, "API sager due_before", client, f"/api/v1/cases/?due_before={soon}")
            add(label, "API sager tildelt", client, "/api/v1/cases/?state=assigned")
            add(label, "API dokumenter", client, "/api/v1/documents/")
            if case is not None and user.role != Role.GENERAL_PRACTITIONER:
                add(label, "API sag", client, f"/api/v1/cases/{case.pk}/")
                add(label, "API samtykker", client, "/api/v1/consents/")
        else:
            add(label, "API revisionslog", client, "/api/v1/audit-log/")
            add(label, "API revisionslog log-ind", client, "/api/v1/audit-log/?action=login")
        if user.role == Role.CASEWORKER and case is not None:
            case_read = (user.username, case.pk)
    compared: dict[str, Any] | None = None
    if case_read is not None:
        try:
            from benchmarks.api_case_read import compare_case_read
        except ImportError:
            compared = {"error": "not available"}
        else:
            try:
                compared = compare_case_read(*case_read, rounds=max(20, rounds * 5))
                compared.pop("api_sql", None)
                compared.pop("bare_sql", None)
            except Exception as exc:  # noqa: BLE001 - reported, not fatal for the page figures
                compared = {"error": f"{type(exc).__name__}: {exc}"}
    size = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "cases": Case.objects.count(),
        "size": size,
        "rows": rows,
        "case_read": compared,
    }


# --- databases -----------------------------------------------------------------------------


def _manage(url: str, *args: str, env: dict[str, str] | None = None, quiet=False) -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo"),
        "DATABASE_URL": url,
        **(env or {}),
    }
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=environment,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else None,
    )


class Scratch:
    """Temporary databases: on the PostgreSQL server of DATABASE_URL, else SQLite files."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="national-bench-"))
        server = os.environ.get("DATABASE_URL", "")
        self.server = server if server.startswith("postgres") else None
        self.made: list[str] = []

    def _admin(self):
        import psycopg

        assert self.server is not None
        parts = urlsplit(self.server)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    def database(self, name: str) -> str:
        if self.server is None:
            return f"sqlite:///{self.directory / name}.sqlite3"
        name = f"{name}_{os.getpid()}"
        server: str = self.server
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))

    def drop(self) -> None:
        if self.server is not None:
            with self._admin() as admin:
                for name in self.made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _has_cases(url: str) -> bool:
    code = (
        "import django, os, sys; django.setup(); from sagsbro.cases.models import Case; "
        "sys.exit(0 if Case.objects.exists() else 3)"
    )
    env = {**os.environ, "DATABASE_URL": url}
    env.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo")
    return subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT).returncode == 0


def _run_child(url: str, rounds: int) -> dict[str, Any]:
    out = Path(tempfile.mkstemp(prefix="national-bench-", suffix=".json")[1])
    env = {**os.environ, "DATABASE_URL": url}
    env.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo")
    subprocess.run(
        [PYTHON, __file__, "--measure", str(out), "--rounds", str(rounds)],
        env=env,
        check=True,
        cwd=ROOT,
    )
    data = json.loads(out.read_text())
    out.unlink()
    return data


# --- the report ------------------------------------------------------------------------------


def _target(key: str) -> int:
    return DUE_BEFORE_TARGET_MS if "due_before" in key else PAGE_TARGET_MS


def report(national: dict[str, Any], demo: dict[str, Any] | None) -> list[str]:
    """Prints the table; returns the targets missed."""
    missed: list[str] = []
    size = f", {national['size'] / 2**30:.1f} GB" if national.get("size") else ""
    print(
        f"\nNational data: {national['cases']} cases ({national['vendor']}{size}); demo data: "
        + (f"{demo['cases']} cases ({demo['vendor']})" if demo else "not available")
    )
    demo_rows = {(r["role"].split(" ")[0], r["key"]): r for r in (demo or {}).get("rows", [])}
    header = (
        f"{'role (user)':<36}{'page':<36}{'median':>8}{'p95':>8}{'SQL':>5}"
        f"{'demo':>8}{'× demo':>8}{'demo SQL':>9}  target"
    )
    print(header)
    print("-" * len(header))
    for row in national["rows"]:
        role = row["role"].split(" ")[0]
        other = demo_rows.get((role, row["key"]))
        target = _target(row["key"])
        ok = row["status"] < 400 and row["p95"] < target
        if row["role"] != "–" and not ok:
            missed.append(
                f"{row['role']} {row['key']}: p95 {row['p95']:.0f} ms (status {row['status']})"
            )
        verdict = "ok" if ok else (f"status {row['status']}" if row["status"] >= 400 else "OVER")
        demo_median = f"{other['median']:8.1f}" if other else f"{'–':>8}"
        ratio = (
            f"{row['median'] / other['median']:8.1f}" if other and other["median"] else f"{'–':>8}"
        )
        demo_sql = f"{other['queries']:9d}" if other else f"{'–':>9}"
        print(
            f"{row['role'][:35]:<36}{row['key'][:35]:<36}{row['median']:8.1f}{row['p95']:8.1f}"
            f"{row['queries']:5d}{demo_median}{ratio}{demo_sql}  <{target} {verdict}"
        )
    print("\n(times in ms, server time in-process; × demo = national median / demo median)")
    for name, data in (("national", national), ("demo", demo)):
        read = (data or {}).get("case_read")
        if read is None:
            continue
        if "error" in read:
            print(f"API case read vs bare view ({name}): {read['error']}")
            if name == "national":
                missed.append(f"API case read: {read['error']}")
            continue
        verdict = "ok" if read["ratio"] >= CASE_READ_TARGET else "UNDER"
        print(
            f"API case read vs bare view ({name}, {read['username']}, case {read['case_id']}, "
            f"{read['rounds']} rounds): API {read['api_median_ms']:.1f} ms "
            f"({read['api_queries']} SQL), bare {read['bare_median_ms']:.1f} ms "
            f"({read['bare_queries']} SQL): {read['ratio']:.0%} of the bare view's speed "
            f"(target ≥ {CASE_READ_TARGET:.0%}) {verdict}"
        )
        if name == "national" and read["ratio"] < CASE_READ_TARGET:
            missed.append(f"API case read at {read['ratio']:.0%} of the bare view")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--light", action="store_true", help="small temporary data sets (CI)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--database-url", help="the national database (full run)")
    parser.add_argument("--demo-database-url", help="a database that holds the demo data")
    parser.add_argument("--rounds", type=int, help="requests per page (20; light 3)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.light else 20)
    if args.measure:
        Path(args.measure).write_text(json.dumps(_measure_database(rounds), default=str))
        return 0

    started = time.monotonic()
    scratch = Scratch()
    try:
        if args.light:
            national_url = scratch.database("bench_national")
            _manage(national_url, "migrate", "-v0")
            checkpoints = str(scratch.directory / "checkpoints")
            _manage(
                national_url,
                "generate_national_data",
                "--years=1",
                "--fraction=0.01",
                "--seed=1",
                "-v0",
                env={"SAGSBRO_AUDIT_CHECKPOINT_DIR": checkpoints},
            )
            _manage(
                national_url, "verify_audit_log", env={"SAGSBRO_AUDIT_CHECKPOINT_DIR": checkpoints}
            )
        else:
            national_url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_NATIONAL
            if not _has_cases(national_url):
                print("Generating the national data set (10 years, full volume) …")
                _manage(national_url, "generate_national_data", "--years=10", "--reuse")
        demo_url = args.demo_database_url
        demo_note = ""
        if demo_url is None:
            demo_url = scratch.database("bench_demo")
            _manage(demo_url, "migrate", "-v0")
            try:
                _manage(demo_url, "load_demo", quiet=True)
            except subprocess.CalledProcessError as exc:
                demo_url, demo_note = None, f"load_demo failed ({exc.returncode})"
        national = _run_child(national_url, rounds)
        demo = _run_child(demo_url, rounds) if demo_url else None
        missed = report(national, demo)
        if demo_note:
            print(f"Demo data not available: {demo_note}; no ratios.")
    finally:
        scratch.drop()
    print(f"\n{len(missed)} targets missed; run took {time.monotonic() - started:.0f} s.")
    for line in missed:
        print(f"  missed: {line}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
