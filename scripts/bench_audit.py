"""Benchmark: audited reads per second with 1 and with 4 writer processes, and the time a
concurrent reader spends appending its own audit entry, on PostgreSQL.

Each writer process signs in as a caseworker and requests the case list in the API over and
over (every row shown is an audit entry); a reader process meanwhile reads single cases and
times its audit append. The audit sealer runs beside them, as in production. The figures of
the same run are compared: 4 writers against 1, and the reader's append time alone against
beside 4 writers.

    .venv/bin/python scripts/bench_audit.py [--seconds 15] [--admin-url postgres://...]

It creates (and at the end drops) the database `sagsbro_bench_audit`.
"""

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "sagsbro_bench_audit"
CASEWORKER = "sagsbehandler.kbh"


# The benchmark's checkpoints go to a directory of its own, not the demo's.
CHECKPOINTS = tempfile.mkdtemp(prefix="sagsbro-bench-checkpoints-")


def _django(db_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sagsbro.settings.demo"
    os.environ["DATABASE_URL"] = db_url
    os.environ["SAGSBRO_AUDIT_CHECKPOINT_DIR"] = CHECKPOINTS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _client(db_url: str):
    _django(db_url)
    from django.test import Client

    from sagsbro.organisations.models import User

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username=CASEWORKER))
    return client


def writer(db_url: str, seconds: float, counts, index: int) -> None:
    client = _client(db_url)
    done = rows = 0
    page = 1
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        response = client.get(f"/api/v1/cases/?page={page}")
        if response.status_code == 404:
            page = 1
            continue
        assert response.status_code == 200, response.status_code
        rows += len(response.json()["results"])
        done += 1
        page = page + 1 if response.json()["next"] else 1
    counts[index] = (done, rows)


def reader(db_url: str, seconds: float, results) -> None:
    client = _client(db_url)
    from sagsbro.audit import services
    from sagsbro.cases.models import Case

    appends: list[float] = []
    original = services.record_many

    def timed_record_many(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            appends.append(time.perf_counter() - start)

    services.record_many = timed_record_many
    import sagsbro.audit.api.mixins as mixins

    mixins.record_many = timed_record_many
    ids = list(Case.objects.filter(municipality__code="101").values_list("pk", flat=True)[:50])
    requests: list[float] = []
    end = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < end:
        start = time.perf_counter()
        response = client.get(f"/api/v1/cases/{ids[i % len(ids)]}/")
        requests.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        i += 1
    results["appends"] = appends
    results["requests"] = requests


def sealer(db_url: str, stop) -> None:
    _django(db_url)
    from sagsbro.audit.services import seal_all

    while not stop.is_set():
        seal_all()
        stop.wait(1)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000 if len(values) > 1 else 0.0


def phase(db_url: str, writers: int, seconds: float, with_reader: bool = True):
    manager = multiprocessing.Manager()
    counts = manager.dict()
    results = manager.dict()
    processes = [
        multiprocessing.Process(target=writer, args=(db_url, seconds, counts, i))
        for i in range(writers)
    ]
    if with_reader:
        processes.append(multiprocessing.Process(target=reader, args=(db_url, seconds, results)))
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a benchmark process failed (exit {process.exitcode})")
    requests = sum(c[0] for c in counts.values())
    rows = sum(c[1] for c in counts.values())
    return requests / seconds, rows / seconds, dict(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    base = args.admin_url.rsplit("/", 1)[0]
    db_url = f"{base}/{DB_NAME}"
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sagsbro.settings.demo",
        "DATABASE_URL": db_url,
        "SAGSBRO_AUDIT_CHECKPOINT_DIR": CHECKPOINTS,
    }
    python = sys.executable
    print("Preparing the database (migrate, demo data)…", flush=True)
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run(
            [python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    stop = multiprocessing.Event()
    seal_process = multiprocessing.Process(target=sealer, args=(db_url, stop))
    seal_process.start()
    try:
        _, _, alone = phase(db_url, 0, args.seconds)
        one_req, one_rows, beside_one = phase(db_url, 1, args.seconds)
        four_req, four_rows, beside_four = phase(db_url, 4, args.seconds)
    finally:
        stop.set()
        seal_process.join()
    # The log must still verify after all that.
    _django(db_url)
    from sagsbro.audit.services import seal_all, verify_chain

    seal_all()
    report = verify_chain()
    print()
    print(
        f"Audited list requests per second, 1 writer:  {one_req:8.1f}  ({one_rows:.0f} entries/s)"
    )
    print(
        f"Audited list requests per second, 4 writers: {four_req:8.1f}  ({four_rows:.0f} entries/s)"
    )
    print(f"Ratio 4 writers / 1 writer: {four_req / one_req:.2f}x  (target >= 1.5x)")
    for label, results in (
        ("alone", alone),
        ("beside 1 writer", beside_one),
        ("beside 4 writers", beside_four),
    ):
        print(
            f"Reader {label:>16}: audit append p95 {p95(results['appends']):6.1f} ms, "
            f"whole request p95 {p95(results['requests']):6.1f} ms, "
            f"{len(results['requests'])} requests"
        )
    wait = p95(beside_four["appends"])
    print(f"Reader's audit append p95 beside 4 writers: {wait:.1f} ms (target < 50 ms)")
    print(
        f"Audit log verifies afterwards: {report.ok} "
        f"({report.entries_checked} entries, {report.blocks_checked} blocks)"
    )
    from django.db import connections

    connections.close_all()
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
