"""The web server and the task worker side by side on one database, as the demo runs them.

`manage.py runserver` (threaded) and `manage.py db_worker` run as separate processes against
a real database: a SQLite file (the demo's database) or, when the tests run on PostgreSQL,
the test database itself. Several coordinators answer løbende sager through the pages at the
same time, each answer queueing its PDF, while the worker builds the PDFs and every page view
writes its audit entry. No request may fail, no lock error may appear in either process,
every task must end SUCCESSFUL and every answer must have its PDF on the case. (On SQLite
this needs WAL, a busy timeout and immediate transactions; on PostgreSQL it caught the PDF
task locking the author's user row, which deadlocked with requests writing audit entries.)

Everything is bounded in time: each process is stopped when the test ends, and the test
gives up (and fails) when the PDFs have not appeared within `PDF_WAIT` seconds.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.conf import settings
from django.db import connection

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]
SETTINGS_MODULE = "sagsbro.settings.test"
PASSWORD = "test-password-1"
CASES_PER_COORDINATOR = 5
PDF_WAIT = 150  # seconds
COMMAND_TIMEOUT = 120  # seconds for each management command run to completion
LOCK_ERROR = re.compile(r"database is locked|database table is locked|deadlock", re.I)

# Run by `manage.py shell`: two municipalities with their regions; each region's two
# coordinators get CASES_PER_COORDINATOR assigned løbende sager.
SETUP = """
import json
from sagsbro.cases import services
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_side, sent_case
from sagsbro.organisations.services import load_reference_data

load_reference_data()
work = {}
for prefix, code, cpr in (("sbsa", "101", "0101801234"), ("sbsb", "751", "0202802345")):
    side = make_side(prefix, code, cpr)
    for coordinator in (side.coordinator, side.coordinator_2):
        pks = []
        for _ in range(%(per)d):
            case = sent_case(side, Subtype.LOEBENDE_SAG)
            case = services.assign_coordinator(side.secretariat, case, coordinator)
            pks.append(case.pk)
        work[coordinator.username] = pks
print("WORK=" + json.dumps(work))
"""

# Run by `manage.py shell`: what the worker did.
REPORT = """
import json
from django_tasks_db.models import DBTaskResult
from sagsbro.cases.models import Advice, CaseEvent
from sagsbro.documents.models import Document

tasks = list(DBTaskResult.objects.values_list("status", "traceback"))
answers = list(Advice.objects.filter(kind="written_answer").values_list("case_id", flat=True))
print("REPORT=" + json.dumps({
    "statuses": [status for status, _ in tasks],
    "tracebacks": [tb[-400:] for _, tb in tasks if tb],
    "answered_cases": sorted(answers),
    "pdf_cases": sorted(
        Document.objects.filter(category="written_answer").values_list("case_id", flat=True)
    ),
    "pdf_events": CaseEvent.objects.filter(kind="written_answer_pdf").count(),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_command(env, *args) -> str:
    done = subprocess.run(
        [*MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def shell_json(env, code, marker) -> dict:
    out = run_command(env, "shell", "--no-imports", "-c", code)
    line = next(x for x in out.splitlines() if x.startswith(marker))
    return json.loads(line[len(marker) :])


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A logged-in user on the running server (cookies, CSRF token), over plain HTTP."""

    def __init__(self, base, username):
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect())
        self.statuses: list[tuple[str, int]] = []
        self.get("/login/")
        status = self.post("/login/", {"username": username, "password": PASSWORD})
        assert status == 302, f"log-in as {username} answered {status}"

    def _csrf(self) -> str:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        assert token is not None
        return token

    def _open(self, request) -> int:
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                status = response.status
        except HTTPError as error:
            status = error.code
        self.statuses.append((request.full_url, status))
        return status

    def get(self, path) -> int:
        return self._open(Request(self.base + path))

    def post(self, path, data) -> int:
        body = urlencode({**data, "csrfmiddlewaretoken": self._csrf()}, doseq=True).encode()
        request = Request(self.base + path, data=body, method="POST")
        request.add_header("Referer", self.base + path)
        return self._open(request)


def answer_cases(base, username, pks):
    """One coordinator works through their cases: open, answer, look at the documents."""
    browser = Browser(base, username)
    for pk in pks:
        browser.get(f"/sager/{pk}/")
        browser.post(
            f"/sager/{pk}/handling/answer/",
            {
                "text": f"Skriftligt svar på sag {pk}: borgeren kan fortsætte planen.",
                "recommendations": ["continue_plan"],
            },
        )
        browser.get(f"/sager/{pk}/dokumenter/")
    return browser.statuses


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """Environment for processes that share one database with each other (and the test)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE}
    if connection.vendor == "sqlite":
        # The in-memory test database cannot be shared between processes: a file, as the demo.
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'side-by-side.sqlite3'}"
        run_command(env, "migrate", "--no-input", "-v0")
    else:
        # The test database, committed to (transactional_db empties it afterwards).
        db = connection.settings_dict
        user = db["USER"] or "postgres"
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        port = f":{db['PORT']}" if db["PORT"] else ""
        host = db["HOST"] or "127.0.0.1"
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}{port}/{db['NAME']}"
        connection.close()
    return env


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []

    def start(env, *args, log):
        process = subprocess.Popen(
            [*MANAGE, *args], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_for_server(base, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log_path.read_text()[-3000:]
        try:
            with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), 1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not start within 60 s")


def test_pages_and_worker_side_by_side_build_every_pdf(shared_database, processes, tmp_path):
    env = shared_database
    work = shell_json(env, SETUP % {"per": CASES_PER_COORDINATOR}, "WORK=")
    assert sum(len(pks) for pks in work.values()) == 4 * CASES_PER_COORDINATOR

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = tmp_path / "server.log"
    worker_log = tmp_path / "worker.log"
    with server_log.open("w") as slog, worker_log.open("w") as wlog:
        server = processes(env, "runserver", "--noreload", f"127.0.0.1:{port}", log=slog)
        worker = processes(
            env, "db_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload", log=wlog
        )
        wait_for_server(base, server, server_log)

        with ThreadPoolExecutor(max_workers=len(work)) as pool:
            futures = [pool.submit(answer_cases, base, user, pks) for user, pks in work.items()]
            statuses = [status for future in futures for status in future.result(timeout=300)]

        expected = sorted(pk for pks in work.values() for pk in pks)
        deadline = time.monotonic() + PDF_WAIT
        report = shell_json(env, REPORT, "REPORT=")
        while report["pdf_cases"] != expected and time.monotonic() < deadline:
            assert worker.poll() is None, worker_log.read_text()[-3000:]
            time.sleep(2)
            report = shell_json(env, REPORT, "REPORT=")

    server_output = server_log.read_text()
    worker_output = worker_log.read_text()
    failed = [(url, status) for url, status in statuses if status not in (200, 302)]
    assert not failed, (failed, server_output[-3000:])
    assert not LOCK_ERROR.search(server_output), server_output[-3000:]
    assert not re.search(r'" 5\d\d ', server_output), server_output[-3000:]
    assert not LOCK_ERROR.search(worker_output), worker_output[-3000:]
    assert report["answered_cases"] == expected
    assert report["pdf_cases"] == expected, report
    assert report["pdf_events"] == len(expected)
    assert report["statuses"], report
    assert set(report["statuses"]) == {"SUCCESSFUL"}, report["tracebacks"]
