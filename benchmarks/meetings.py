"""Server time of the meeting pages with a municipality holding a year of meetings.

København (the demo's municipality 101) gets ≈150 meeting days, half held and half ahead,
with ≈800 cases booked onto them (made in bulk: `sagsbro/meetings/tests/bulk.py`), on top of
the demo data. Then the meeting day's page (the agenda, `/moeder/<pk>/`) and the booking page
(`/sager/<pk>/rehabiliteringsteam/booking/`) are timed per role through Django's full
request stack in-process, like `benchmarks/pages.py`: median and p95 server time against the
300 ms target, and the median as a ratio to the log-in page.

    .venv/bin/python benchmarks/meetings.py            # SQLite in a temporary file
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/meetings.py
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/benchmark.sqlite3"

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.pages import ROUNDS, TARGET_MS, measure  # noqa: E402
from sagsbro.cases.models import Case  # noqa: E402
from sagsbro.cases.rules.workflow import State  # noqa: E402
from sagsbro.meetings.models import Booking, MeetingDay  # noqa: E402
from sagsbro.meetings.tests.bulk import generate  # noqa: E402
from sagsbro.organisations.models import Municipality, User  # noqa: E402

MUNICIPALITY = "101"
MEETING_DAYS = 150
CASES_PER_DAY = 5  # 150 × 5 = 750 booked cases, ≈800 with the demo's own


def load() -> None:
    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))
    if Case.objects.filter(reference__startswith="YEAR-").exists():
        return
    municipality = Municipality.objects.get(code=MUNICIPALITY)
    start = time.perf_counter()
    with transaction.atomic():
        generate(
            municipality,
            caseworker=User.objects.get(username="sagsbehandler.kbh"),
            coordinator=User.objects.get(username="koordinator.hovedstaden"),
            days=MEETING_DAYS,
            cases_per_day=CASES_PER_DAY,
            prefix="YEAR",
            # The demo's own series meets at 9; the year's history at 13.
            start_time=datetime.time(13),
        )
    print(f"generated {MEETING_DAYS} meeting days in {time.perf_counter() - start:.1f} s")


def main() -> int:
    settings.ALLOWED_HOSTS = ["testserver"]
    load()
    settings.DEBUG = False
    municipality = Municipality.objects.get(code=MUNICIPALITY)
    days = MeetingDay.objects.filter(municipality=municipality)
    upcoming = (
        days.filter(state=MeetingDay.State.PLANNED, bookings__state=Booking.State.BOOKED)
        .distinct()
        .order_by("date", "start_time")
        .first()
    )
    held = days.filter(state=MeetingDay.State.HELD).order_by("-date").first()
    first_booking = (
        Booking.objects.filter(meeting=upcoming, state=Booking.State.BOOKED)
        .select_related("case")
        .first()
    )
    assert upcoming is not None and held is not None and first_booking is not None
    booked = first_booking.case
    unbooked = (
        Case.objects.filter(
            municipality=municipality,
            subtype="rehabiliteringsteam",
            state__in=[State.SENT, State.ASSIGNED, State.SCREENED],
        )
        .exclude(bookings__state=Booking.State.BOOKED)
        .first()
    )

    base_median, base_p95, base_queries = measure(Client(), "/login/")
    rows = [("baseline", "/login/", base_median, base_p95, base_queries)]
    agenda = [
        ("agenda, next meeting", reverse("meetings:day", args=[upcoming.pk])),
        ("agenda, held meeting", reverse("meetings:day", args=[held.pk])),
    ]
    booking = [("booking, booked case", reverse("meetings:booking", args=[booked.pk]))]
    if unbooked is not None:
        booking.append(("booking, unbooked case", reverse("meetings:booking", args=[unbooked.pk])))
    roles = [
        ("sagsbehandler.kbh", agenda + booking),
        ("team.kbh", agenda),
        ("sekretariat.hovedstaden", agenda + booking),
        ("koordinator.hovedstaden", agenda),
    ]
    for username, pages in roles:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, url in pages:
            median, p95, queries = measure(client, url)
            rows.append((username, f"{label} {url}", median, p95, queries))

    print(
        f"Server time per page, {ROUNDS} rounds, {connection.vendor}; "
        f"{days.count()} meeting days and "
        f"{Case.objects.filter(municipality=municipality).count()} cases in København, "
        f"{Booking.objects.filter(meeting__municipality=municipality).count()} bookings"
    )
    print(f"{'user':<26}{'page':<64}{'median ms':>10}{'p95 ms':>9}{'× login':>9}{'SQL':>6}")
    worst = 0.0
    for user, page, median, p95, queries in rows:
        worst = max(worst, p95) if user != "baseline" else worst
        print(
            f"{user:<26}{page:<64}{median:>10.1f}{p95:>9.1f}{median / base_median:>9.1f}"
            f"{queries:>6}"
        )
    verdict = "within" if worst < TARGET_MS else "OVER"
    print(f"slowest p95: {worst:.1f} ms — {verdict} the {TARGET_MS} ms target")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
