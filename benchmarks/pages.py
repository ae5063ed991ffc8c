"""Server time of the main pages with the demo data, per role.

Renders each page through Django's full request stack (middleware, sessions, templates,
database) in-process, so the figures are server time without the network. The log-in page
is the baseline: every page's median is also printed as a ratio to it, so a slower or faster
machine shows in the baseline rather than in the verdict.

    .venv/bin/python benchmarks/pages.py            # SQLite in a temporary file
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/pages.py [username …]

With DATABASE_URL the database is used as it is (it must be migrated; nothing is loaded
when it has cases, e.g. the national data set), and the users to measure as can be named.
"""

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo")
TEMPORARY = "DATABASE_URL" not in os.environ
if TEMPORARY:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/benchmark.sqlite3"

import warnings  # noqa: E402

import django  # noqa: E402

# The benchmark serves no static files; WhiteNoise's notice about the folder is noise here.
warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test import Client  # noqa: E402

from sagsbro.cases.models import Case  # noqa: E402
from sagsbro.cases.tabs import case_tabs  # noqa: E402
from sagsbro.organisations.models import User  # noqa: E402

TARGET_MS = 300
ROUNDS = 30
USERS = ("sagsbehandler.kbh", "sekretariat.hovedstaden", "koordinator.hovedstaden")


def measure(client, url):
    client.get(url)  # warm caches and template loading once
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    settings.DEBUG = True
    reset_queries()
    client.get(url)
    queries = len(connection.queries)
    settings.DEBUG = False
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def second_page(client, url):
    """The worklist's next page ("Næste", a keyset cursor) after `url`, if there is one."""
    html = client.get(url).content.decode()
    found = re.search(r'href="\?([^"]*efter=[^"]*)"', html)
    return f"/?{found.group(1).replace('&amp;', '&')}" if found else None


def main(usernames=USERS):
    settings.ALLOWED_HOSTS = ["testserver"]
    if TEMPORARY:
        call_command("migrate", verbosity=0)
    else:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            print("The database has unapplied migrations; run `manage.py migrate` first.")
            return 2
    if not Case.objects.exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))
    settings.DEBUG = False

    anonymous = Client()
    base_median, base_p95, base_queries = measure(anonymous, "/login/")
    rows = [("baseline", "/login/", base_median, base_p95, base_queries)]

    def case_of(user):
        return Case.objects.visible_to(user).order_by("pk").first()

    for username in usernames:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        case = case_of(user)
        # The worklist's own parameter names (cases/filters.py, cases/web/worklist.py).
        urls = [
            "/",
            "/?status=assigned&sortering=frist",
            "/?status=alle&sortering=nyeste",
            "/fristberegner/?startdato=2026-12-18&antal=10",
        ]
        second = second_page(client, "/?status=alle&sortering=nyeste")
        if second:
            urls.append(second)
        if case is not None:
            tabs = [tab.name for tab in case_tabs.visible(case, user)]
            urls += [f"/sager/{case.pk}/{tab}/" for tab in tabs]
        if user.role == "caseworker":
            urls.append("/sager/ny/")
            draft = Case.objects.visible_to(user).filter(state="draft").first()
            if draft is not None:
                urls.append(f"/sager/{draft.pk}/rediger/")
        for url in urls:
            median, p95, queries = measure(client, url)
            rows.append((username, url, median, p95, queries))

    print(
        f"Server time per page, {ROUNDS} rounds, {connection.vendor}; "
        f"{Case.objects.count()} cases in the database"
    )
    print(f"{'user':<26}{'page':<52}{'median ms':>10}{'p95 ms':>9}{'× login':>9}{'SQL':>6}")
    worst = 0.0
    for user, url, median, p95, queries in rows:
        worst = max(worst, p95) if user != "baseline" else worst
        page = url if len(url) < 52 else url[:50] + "…"
        ratio = median / base_median
        print(f"{user:<26}{page:<52}{median:>10.1f}{p95:>9.1f}{ratio:>9.1f}{queries:>6}")
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"slowest p95: {worst:.1f} ms — {verdict} the {TARGET_MS} ms target")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(tuple(sys.argv[1:]) or USERS))
