"""Load test of the production server: gunicorn with the repository's configuration and two
workers, the task worker, and locust in its own process driving a mixed workload of every
role's worklist, case pages, API reads and notes, with 10 s think time, ramping to 500
users. Loopback only; bounded in time; every process it starts is stopped at the end, also on
Ctrl-C or an error.

    .venv/bin/python benchmarks/load_test.py                  # 500 users on the national data
    .venv/bin/python benchmarks/load_test.py --light          # 10 users for 20 s (CI)
    .venv/bin/python benchmarks/load_test.py --database-url postgres://…/name --users 200

The database is DATABASE_URL (or --database-url), by default the PostgreSQL database
`national` that `manage.py generate_national_data` fills. It must hold data and accounts;
`--demo` first migrates and loads the demo data into an empty database. The virtual users
sign in with the accounts of the database (as many distinct ones per role as there are, spread
over the municipalities and regions) and the password --password (default the demo's). The
test writes only what users write through the product: notes, audit entries, sessions.

It prints throughput, median and p95 per request type and overall, and the errors. If the
peak misses the target (p95 < 500 ms, no errors), it searches, in steps of --step users, for
the largest number of users that meets it, and prints what a request costs in CPU (web
workers and their database sessions, measured from the processes) and the cores a
production machine needs for the peak at this think time. The server, the database and
the load generator share this machine's cores, so locust's own CPU is printed too.

The server runs with the production settings (`sagsbro.settings.production`: JSON request
logs, collected and compressed static files, HTTPS assumed): the runner gives them a fresh
secret key, the audit keys the database's entries are written with (SAGSBRO_AUDIT_KEYS, or
the development key the demo and national data use), and the virtual users talk to gunicorn
as the load balancer would, saying HTTPS ended there (X-Forwarded-Proto) and from which
address (X-Forwarded-For, one per user). `--settings sagsbro.settings.demo` serves plain HTTP.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "benchmarks" / "load" / "locustfile.py"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))

import workload  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/national"
PRODUCTION_SETTINGS = "sagsbro.settings.production"
# The runner itself reads the database (accounts, counts) with the demo settings, which need
# no secrets; the server runs with --settings.
RUNNER_SETTINGS = "sagsbro.settings.demo"
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
DEMO_PASSWORD = "demo1234"
TARGET_P95_MS = 500
# Spare capacity a production machine keeps at the peak (CPU busy at most 70 %).
HEADROOM = 0.7


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--light", action="store_true", help="10 users for 20 s (CI)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--settings", default=PRODUCTION_SETTINGS, help="the server's settings")
    parser.add_argument(
        "--password", default=os.environ.get("SAGSBRO_LOAD_PASSWORD", DEMO_PASSWORD)
    )
    parser.add_argument("--users", type=int, help="peak users (500; light: 10)")
    parser.add_argument("--spawn-rate", type=float, help="users signing in per second (2.5)")
    parser.add_argument("--hold", type=float, help="seconds measured at the peak (90; light 20)")
    parser.add_argument(
        "--search-hold", type=float, default=60, help="seconds measured per search step (60)"
    )
    parser.add_argument("--settle", type=float, help="seconds before measuring (20; light 0)")
    parser.add_argument("--step", type=int, default=25, help="search granularity in users (25)")
    parser.add_argument("--think", help='think time "low,high" in seconds (8,12; light 2,4)')
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--max-minutes", type=float, help="hard limit for the load (15; light 1)")
    parser.add_argument("--no-search", action="store_true", help="measure the peak only")
    parser.add_argument(
        "--sealer",
        action="store_true",
        help="also run the audit sealer (seal_audit_log --loop); set SAGSBRO_AUDIT_CHECKPOINT_DIR "
        "to the database's checkpoint folder",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="create the database if missing, migrate and load the demo data when it is empty",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when the peak misses")
    parser.add_argument("--keep", help="keep logs and results in this folder")
    args = parser.parse_args(argv)
    light = args.light
    args.users = args.users or (10 if light else 500)
    args.spawn_rate = args.spawn_rate or (5.0 if light else 2.5)
    args.hold = args.hold or (20.0 if light else 90.0)
    args.settle = args.settle if args.settle is not None else (0.0 if light else 20.0)
    args.think = args.think or ("2,4" if light else "8,12")
    args.max_minutes = args.max_minutes or (1.0 if light else 15.0)
    args.search = not (light or args.no_search)
    return args


# --- the database: accounts to sign in with -------------------------------------------------


def create_database_if_missing(url: str) -> None:
    """For --demo: create the PostgreSQL database the URL names when it does not exist."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    server = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def prepare_database(args: argparse.Namespace) -> dict:
    """Set up Django against the database; load the demo data when asked; return a summary
    (case count, vendor) and the user pool."""
    import django

    if args.demo:
        create_database_if_missing(args.database_url)
    django.setup()
    from django.contrib.auth.hashers import check_password
    from django.core.management import call_command
    from django.db import connection

    from sagsbro.cases.models import Case
    from sagsbro.organisations.models import User

    if args.demo and (
        "cases_case" not in connection.introspection.table_names() or not Case.objects.exists()
    ):
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))
    cases = Case.objects.count()
    if not cases:
        raise SystemExit(
            "The database holds no cases: fill it first (manage.py generate_national_data, or "
            "--demo for the demo data)."
        )
    total_weight = sum(workload.ROLE_WEIGHTS.values())
    accounts: dict[str, list[str]] = {}
    organisations: dict[str, int] = {}
    hashes: set[str] = set()
    for role, weight in workload.ROLE_WEIGHTS.items():
        needed = math.ceil(args.users * weight / total_weight)
        by_org: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
        rows = (
            User.objects.filter(role=role, is_active=True)
            .order_by("id")
            .values_list("username", "password", "municipality_id", "region_id")
        )
        for username, password, municipality, region in rows:
            by_org[(municipality, region)].append((username, password))
        # In turn across the organisations, so few virtual users still cover many of them.
        spread = [
            person
            for group in zip_longest(*by_org.values())
            for person in group
            if person is not None
        ][:needed]
        if spread:
            accounts[role] = [username for username, _ in spread]
            chosen = set(accounts[role])
            organisations[role] = sum(
                1 for people in by_org.values() if chosen & {name for name, _ in people}
            )
            hashes.update(password for _, password in spread)
    if not accounts:
        raise SystemExit("The database has no accounts in the roles the load test uses.")
    # Every distinct stored hash is checked here (a handful: generated accounts share one),
    # so a wrong password never reaches the log-in page, whose throttling would lock the
    # loopback address out.
    checked = sorted(hashes)[:5]
    if not all(check_password(args.password, encoded) for encoded in checked):
        raise SystemExit("The password does not open the accounts (--password).")
    connection.close()
    return {
        "cases": cases,
        "vendor": connection.vendor,
        "database": connection.settings_dict.get("NAME"),
        "pool": workload.UserPool(password=args.password, accounts=accounts),
        "organisations": organisations,
        "hashes_checked": (len(checked), len(hashes)),
    }


# --- the processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_config() -> Path | None:
    for candidate in (ROOT / "gunicorn.conf.py", ROOT / "deploy" / "gunicorn.conf.py"):
        if candidate.exists():
            return candidate
    return None


@dataclass
class Processes:
    """The processes this run started, each in its own process group, stopped in reverse."""

    folder: Path
    started: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process))
        return process

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is not None:
                continue
            # TERM: gunicorn finishes the requests in progress (graceful_timeout), the task
            # worker its task, locust writes its results.
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 40
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.folder / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            request = urllib.request.Request(url, headers=PROXY_HEADERS)
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def production_environment(folder: Path) -> dict[str, str]:
    """What the production settings require, for a server on the loopback."""
    import secrets

    from django.conf import settings

    keys = os.environ.get("SAGSBRO_AUDIT_KEYS") or ",".join(
        f"{key_id}:{secret.hex()}" for key_id, secret in settings.SAGSBRO_AUDIT_KEYS.items()
    )
    return {
        "SAGSBRO_SECRET_KEY": os.environ.get("SAGSBRO_SECRET_KEY") or secrets.token_urlsafe(50),
        "SAGSBRO_AUDIT_KEYS": keys,
        "SAGSBRO_AUDIT_CHECKPOINT_DIR": os.environ.get("SAGSBRO_AUDIT_CHECKPOINT_DIR")
        or str(folder / "audit-checkpoints"),
        "SAGSBRO_ALLOWED_HOSTS": "127.0.0.1",
        "SAGSBRO_STATIC_ROOT": os.environ.get("SAGSBRO_STATIC_ROOT")
        # The folder scripts/smoke_production collects into, so CI collects once.
        or str(ROOT / "var" / "smoke-static"),
    }


def collect_static(env: dict[str, str], folder: Path) -> None:
    """Collect (and compress) the static files for the production settings, unless the
    collected set is newer than every source."""
    manifest = Path(env["SAGSBRO_STATIC_ROOT"]) / "staticfiles.json"
    sources = [*ROOT.glob("sagsbro/**/static/**/*"), ROOT / "node_modules" / ".package-lock.json"]
    newest = max((path.stat().st_mtime for path in sources if path.is_file()), default=0.0)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    print("Collecting the static files for the production settings …")
    with open(folder / "collectstatic.log", "wb") as log:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=600,
        )


# --- CPU of the processes, sampled every second ---------------------------------------------


_CLIENT_PORT = re.compile(r"\((\d+)\)")


class CpuSampler:
    """Cumulative CPU seconds per group of processes: the web workers, their database
    sessions, the task worker (with its session), locust, and the machine as a whole. A
    process that ends keeps the CPU it was last seen with, so restarted workers count."""

    def __init__(self, gunicorn: int, others: dict[str, int], db_port: int | None) -> None:
        import psutil

        self.psutil = psutil
        self.gunicorn = gunicorn
        self.others = others
        self.db_port = db_port
        self.seen: dict[str, dict[int, float]] = defaultdict(dict)
        self.samples: list[tuple[float, dict[str, float]]] = []

    def _cpu(self, process) -> float | None:
        try:
            times = process.cpu_times()
        except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
            return None
        return float(times.user + times.system)

    def _db_ports(self, process) -> set[int]:
        if self.db_port is None:
            return set()
        try:
            connections = process.net_connections(kind="tcp")
        except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
            return set()
        return {c.laddr.port for c in connections if c.raddr and c.raddr.port == self.db_port}

    def sample(self) -> None:
        psutil = self.psutil
        groups: dict[str, list] = defaultdict(list)
        ports: dict[str, set[int]] = defaultdict(set)
        try:
            workers = psutil.Process(self.gunicorn).children(recursive=True)
        except psutil.NoSuchProcess:
            workers = []
        for worker in workers:
            groups["web"].append(worker)
            ports["db"] |= self._db_ports(worker)
        for name, pid in self.others.items():
            try:
                process = psutil.Process(pid)
            except psutil.NoSuchProcess:
                continue
            family = [process, *process.children(recursive=True)]
            groups[name] += family
            if name == "tasks":
                for member in family:
                    ports["tasks db"] |= self._db_ports(member)
        if any(ports.values()):
            for process in psutil.process_iter(["name", "cmdline"]):
                if not (process.info["name"] or "").startswith("postgres"):
                    continue
                title = " ".join(process.info["cmdline"] or [])
                found = _CLIENT_PORT.search(title)
                if not found:
                    continue
                for group, wanted in ports.items():
                    if int(found.group(1)) in wanted:
                        groups[group].append(process)
        for group, members in groups.items():
            for process in members:
                cpu = self._cpu(process)
                if cpu is not None:
                    self.seen[group][process.pid] = cpu
        totals = {group: sum(values.values()) for group, values in self.seen.items()}
        machine = psutil.cpu_times()
        idle = machine.idle + getattr(machine, "iowait", 0.0)
        totals["machine busy"] = sum(machine) - idle
        totals["machine"] = sum(machine)
        self.samples.append((time.time(), totals))

    def between(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds per group from the first sample at or after `start` to the last at or
        before `end`, scaled to the window's length."""
        inside = [(t, totals) for t, totals in self.samples if start <= t <= end]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        scale = (end - start) / (t1 - t0) if t1 > t0 else 1.0
        return {group: (last.get(group, 0.0) - first.get(group, 0.0)) * scale for group in last}


# --- the report ---------------------------------------------------------------------------


def print_window(window: dict, cpu: dict[str, float], cores: int, workers: int) -> None:
    seconds = window["end"] - window["start"]
    overall = window["overall"]
    rate = overall["count"] / seconds if seconds else 0.0
    verdict = "meets" if window["passed"] else "MISSES"
    print(
        f"\n{window['label']}: {window['users']} users, {seconds:.0f} s measured: "
        f"{rate:.1f} requests/s, median {overall['median_ms']:.0f} ms, "
        f"p95 {overall['p95_ms']:.0f} ms, {window['error_count']} errors — {verdict} the "
        f"target (p95 < {TARGET_P95_MS} ms, 0 errors)"
    )
    print(f"  {'request':<34}{'count':>7}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}")
    for name, row in window["by_name"].items():
        print(
            f"  {name:<34}{row['count']:>7}{row['count'] / seconds:>8.1f}"
            f"{row['median_ms']:>11.0f}{row['p95_ms']:>9.0f}"
        )
    for error, count in sorted(window["errors"].items(), key=lambda item: -item[1]):
        print(f"  error ×{count}: {error}")
    if not cpu or not overall["count"]:
        return
    per_request = cpu_per_request(window, cpu)
    machine = cpu.get("machine", 0.0) or 1.0
    share = {group: 100 * cpu.get(group, 0.0) / machine for group in cpu}
    ours = sum(cpu.get(g, 0.0) for g in ("web", "db", "tasks", "tasks db", "locust", "sealer"))
    other = 100 * max(0.0, cpu.get("machine busy", 0.0) - ours) / machine
    print(
        f"  CPU per request: web workers {per_request['web'] * 1000:.1f} ms + their PostgreSQL "
        f"sessions {per_request['db'] * 1000:.1f} ms = {per_request['total'] * 1000:.1f} ms"
    )
    print(
        f"  the web workers used {cpu.get('web', 0) / seconds:.2f} cores and their sessions "
        f"{cpu.get('db', 0) / seconds:.2f} (the workers could use {workers} when not waiting "
        "for the CPU, the database or the network)"
    )
    print(
        f"  machine ({cores} cores) busy {share.get('machine busy', 0):.0f} %: web "
        f"{share.get('web', 0):.0f} %, PostgreSQL sessions {share.get('db', 0):.0f} %, task "
        f"worker {share.get('tasks', 0) + share.get('tasks db', 0):.0f} %, locust "
        f"{share.get('locust', 0):.0f} % ({cpu.get('locust', 0) / seconds:.2f} cores), "
        f"other processes {other:.0f} %"
    )


def cpu_per_request(window: dict, cpu: dict[str, float]) -> dict[str, float]:
    count = window["overall"]["count"] or 1
    web = cpu.get("web", 0.0) / count
    db = cpu.get("db", 0.0) / count
    return {"web": web, "db": db, "total": web + db}


def server_times(log: Path) -> list[tuple[float, float]]:
    """(time, server milliseconds) of every request in the server's JSON request log."""
    import datetime

    rows = []
    if not log.exists():
        return rows
    for line in log.read_text(errors="replace").splitlines():
        if '"duration_ms"' not in line:
            continue
        try:
            entry = json.loads(line)
            at = datetime.datetime.fromisoformat(entry["time"]).timestamp()
            rows.append((at, float(entry["duration_ms"])))
        except (ValueError, KeyError, TypeError):
            continue
    return rows


def worker_occupancy(window: dict, times: list[tuple[float, float]]) -> tuple[float, float]:
    """(mean server ms per request, busy workers on average) in the window, from the log:
    a sync worker is held for the whole server time of a request."""
    inside = [ms for at, ms in times if window["start"] <= at <= window["end"]]
    if not inside:
        return 0.0, 0.0
    seconds = window["end"] - window["start"]
    return sum(inside) / len(inside), sum(inside) / 1000 / seconds


def print_sizing(
    best: dict, cpu: dict[str, float], peak: int, think: tuple[float, float], server_ms: float
) -> None:
    """What the peak needs in cores and workers, from the CPU a request costs in a window
    that met the target and the rate each user sends requests at this think time."""
    seconds = best["end"] - best["start"]
    per_user = best["overall"]["count"] / seconds / best["users"]
    rate = per_user * peak
    cost = cpu_per_request(best, cpu)
    busy = rate * cost["total"]
    web, db = rate * cost["web"], rate * cost["db"]
    print(
        f"\nWhat {peak} users need: each sends a request every {1 / per_user:.1f} s (think time "
        f"{think[0]:g}–{think[1]:g} s plus the answer), so {peak} users send {rate:.0f} "
        f"requests/s × {cost['total'] * 1000:.1f} ms CPU = {busy:.2f} cores busy (web workers "
        f"{web:.2f}, PostgreSQL {db:.2f}). Kept at most {HEADROOM:.0%} busy: "
        f"{math.ceil(busy / HEADROOM)} cores with web and PostgreSQL on one machine (or "
        f"{math.ceil(web / HEADROOM)} for web and {max(1, math.ceil(db / HEADROOM))} for "
        "PostgreSQL apart)."
    )
    if server_ms:
        workers = rate * server_ms / 1000
        print(
            f"A sync worker is held for a request's whole server time ({server_ms:.0f} ms on "
            f"average here, CPU and database waits): {peak} users keep {workers:.2f} workers "
            f"busy, so at most {HEADROOM:.0%} busy needs {math.ceil(workers / HEADROOM)} "
            "workers (gunicorn.conf.py's default is 2 × cores + 1)."
        )


def report(args, info, results, sampler, cores, times) -> bool:
    think = workload.think_seconds()
    pool: workload.UserPool = info["pool"]
    config = gunicorn_config()
    print(
        f"\nLoad test: gunicorn, {args.workers} sync workers "
        f"({config.name if config else 'plain flags'}), {args.settings}, {info['vendor']} "
        f"database {info['database']} with {info['cases']:,} cases; think time "
        f"{think[0]:g}–{think[1]:g} s; sign-ins at {args.spawn_rate:g}/s."
    )
    accounts = ", ".join(
        f"{role} {len(names)} accounts in {info['organisations'][role]} organisations"
        for role, names in pool.accounts.items()
    )
    print(f"Accounts: {accounts}.")
    print(
        "The server, PostgreSQL and locust share this machine's "
        f"{cores} cores; locust's own CPU is shown so it can be told apart."
    )
    windows = results.get("windows", [])
    for window in windows:
        cpu = sampler.between(window["start"], window["end"])
        print_window(window, cpu, cores, args.workers)
        server_ms, busy_workers = worker_occupancy(window, times)
        if server_ms:
            print(
                f"  server time per request {server_ms:.0f} ms on average (request log): the "
                f"{args.workers} workers were busy {busy_workers:.2f} of {args.workers} on average"
            )
    run_errors = results.get("run_errors", {})
    print(
        f"\nWhole run (ramps included): {results.get('run_requests', 0)} requests, "
        f"{sum(run_errors.values())} errors"
        + (
            f", {results.get('signin_failures')} refused sign-ins"
            if results.get("signin_failures")
            else ""
        )
    )
    for error, count in sorted(run_errors.items(), key=lambda item: -item[1])[:10]:
        print(f"  error ×{count}: {error}")
    if not windows:
        print("No window was measured (stopped early).")
        return False
    peak = windows[0]
    passing = [window for window in windows if window["passed"]]
    if peak["passed"]:
        print(f"\n{peak['users']} users meet the target: p95 {peak['overall']['p95_ms']:.0f} ms.")
    elif passing:
        best = max(passing, key=lambda window: window["users"])
        print(
            f"\nLargest number of users measured that meets p95 < {TARGET_P95_MS} ms with 0 "
            f"errors: {best['users']} (search step {args.step}; {args.users} miss it)."
        )
    elif not args.light:
        print(f"\nNo user count measured meets p95 < {TARGET_P95_MS} ms with 0 errors.")
    if not args.light:
        best = max(passing, key=lambda window: window["users"]) if passing else peak
        cpu = sampler.between(best["start"], best["end"])
        if cpu:
            print_sizing(best, cpu, args.users, think, worker_occupancy(best, times)[0])
    return bool(peak["passed"]) and not results.get("signin_failures")


def server_errors(log: Path) -> None:
    """The server's own error lines (its log is JSON lines in production), counted by
    message, so an error the users saw can be traced to its cause."""
    if not log.exists():
        return
    messages: dict[str, int] = defaultdict(int)
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            if "Traceback" in line or line.startswith(("ERROR", "CRITICAL")):
                messages[line[:160]] += 1
            continue
        if isinstance(entry, dict) and entry.get("level") in ("ERROR", "CRITICAL"):
            messages[str(entry.get("message", ""))[:160]] += 1
    if messages:
        print(f"\nThe server logged {sum(messages.values())} errors:")
        for message, count in sorted(messages.items(), key=lambda item: -item[1])[:8]:
            print(f"  ×{count}: {message}")


# --- the run ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    production = args.settings == PRODUCTION_SETTINGS
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": RUNNER_SETTINGS if production else args.settings,
        "PYTHONUNBUFFERED": "1",
        "SAGSBRO_LOAD_THINK": args.think,
    }
    os.environ.update(env)
    info = prepare_database(args)

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sagsbro-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    users_file, plan_file, results_file = (
        folder / "users.json",
        folder / "plan.json",
        folder / "results.json",
    )
    users_file.write_text(info["pool"].to_json(), encoding="utf-8")
    time_limit = args.max_minutes * 60
    plan = {
        "peak": args.users,
        "spawn_rate": args.spawn_rate,
        "settle": args.settle,
        "hold": args.hold,
        "search_hold": args.search_hold,
        "step": args.step,
        "search": args.search,
        "p95_ms": TARGET_P95_MS,
        "time_limit": time_limit,
    }
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    results_file.unlink(missing_ok=True)

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "SAGSBRO_WEB_BIND": f"127.0.0.1:{port}",
        "SAGSBRO_WEB_WORKERS": str(args.workers),
    }
    if production:
        server_env.update(production_environment(folder))
        collect_static(server_env, folder)
    config = gunicorn_config()
    gunicorn_command = [sys.executable, "-m", "gunicorn"]
    if config:
        gunicorn_command += ["-c", str(config)]
    gunicorn_command += ["--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
    if not config:
        gunicorn_command += ["--timeout", "60", "sagsbro.wsgi:application"]

    processes = Processes(folder)
    cores = os.cpu_count() or 1
    met = False

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        server = processes.start("gunicorn", gunicorn_command, server_env)
        manage = [sys.executable, str(ROOT / "manage.py")]
        tasks = processes.start("tasks", [*manage, "db_worker"], server_env)
        others = {"tasks": tasks.pid}
        if args.sealer:
            sealer = processes.start("sealer", [*manage, "seal_audit_log", "--loop"], server_env)
            others["sealer"] = sealer.pid
        wait_until_serving(f"{host}/login/", server)
        print(
            f"Serving on {host} (pid {server.pid}); logs in {folder}. Ramping to {args.users} "
            f"users, at most {args.max_minutes:g} minutes of load."
        )
        locust_env = {
            **env,
            "SAGSBRO_LOAD_USERS": str(users_file),
            "SAGSBRO_LOAD_PLAN": str(plan_file),
            "SAGSBRO_LOAD_RESULTS": str(results_file),
            "SAGSBRO_LOAD_PROXY": "1" if production else "0",
        }
        locust = processes.start(
            "locust",
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--host",
                host,
                "--csv",
                str(folder / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            locust_env,
        )
        others["locust"] = locust.pid
        db_port = None
        if args.database_url.startswith(("postgres://", "postgresql://")):
            import dj_database_url

            db_port = int(dj_database_url.parse(args.database_url).get("PORT") or 5432)
        sampler = CpuSampler(server.pid, others, db_port)
        hard_stop = time.monotonic() + time_limit + 60
        last_note = time.monotonic()
        while locust.poll() is None:
            sampler.sample()
            if time.monotonic() > hard_stop:
                print("The load ran past its time limit: stopping locust.")
                break
            if server.poll() is not None:
                print("gunicorn stopped during the load:\n" + processes.tail("gunicorn"))
                break
            if time.monotonic() - last_note > 60:
                last_note = time.monotonic()
                done = json.loads(results_file.read_text()) if results_file.exists() else {}
                print(f"  … {len(done.get('windows', []))} windows measured so far")
            time.sleep(1)
        sampler.sample()
    except KeyboardInterrupt:
        print("Interrupted: stopping the processes.")
        processes.stop_all()
        return 130
    finally:
        processes.stop_all()

    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    if not results:
        print("locust wrote no results:\n" + processes.tail("locust", 30))
        return 1
    times = server_times(folder / "gunicorn.log")
    met = report(args, info, results, sampler, cores, times)
    server_errors(folder / "gunicorn.log")
    print(f"\nLogs, locust's CSV and the measured windows (results.json) are in {folder}.")
    if args.light:
        windows = results.get("windows", [])
        errors = sum(results.get("run_errors", {}).values())
        ok = bool(windows) and windows[0]["overall"]["count"] > 0 and errors == 0
        return 0 if ok else 1
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
