"""The API's case read against a bare Django view returning the same case as JSON.

Both answer through the same middleware stack, for the same logged-in session, in the same
process (django.test.Client), alternating request by request so the machine's load falls on
both alike. The bare view is a plain function view defined here and routed through a URL
configuration of this module (the product's URLs plus the one bare route), never through the
product's own: it checks access the same way (``Case.objects.visible_to``), reads the case
with the fields the API shows and returns a JsonResponse whose body must equal the API's.
What it leaves out is what the API adds: DRF's request handling, the serializers and the
audit entry of the read.

    .venv/bin/python benchmarks/api_case_read.py [--user sagsbehandler.kbh] [--case ID]
        [--rounds 200]

Without DATABASE_URL it loads the demo data into a temporary SQLite database. From another
benchmark (Django already set up):

    from benchmarks.api_case_read import compare_case_read
    compare_case_read("sagsbehandler.kbh", case_id, rounds=200)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The bare route, and the URL configuration of this module (filled in by compare_case_read:
# the bare route in front of the product's URLs).
BARE_PREFIX = "bench-bare/cases/"
urlpatterns: list[Any] = []


def _datetime(value):
    """A time as DRF writes it: in the current time zone, ISO 8601, UTC as Z."""
    from django.utils import timezone

    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value):
    return value.isoformat() if value is not None else None


def _person(user):
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name(), "role": user.role, "title": user.title}


def bare_case_view(request, pk):
    """The case as JSON with no framework between the URL and the database: the same access
    rule, the same rows and fields as the API's case detail, no audit entry."""
    from django.db.models import Prefetch
    from django.http import Http404, JsonResponse
    from django.utils import timezone

    from sagsbro.cases.api.serializers import GP_CONTACT_LABELS
    from sagsbro.cases.models import Case, Deadline
    from sagsbro.cases.rules.consent import ConsentStatus
    from sagsbro.cases.rules.deadlines import DeadlineState, deadline_state
    from sagsbro.cases.rules.requirements import PURPOSE_LABELS, SUBTYPE_LABELS
    from sagsbro.cases.rules.workflow import STATE_LABELS
    from sagsbro.cases.services import gp_contact_status
    from sagsbro.organisations.roles import Role

    if not request.user.is_authenticated:
        raise Http404
    visible = Case.objects.visible_to(request.user)
    if request.user.role == Role.GENERAL_PRACTITIONER:
        case = visible.select_related("citizen", "municipality").filter(pk=pk).first()
        if case is None:
            raise Http404
        return JsonResponse(
            {
                "id": case.pk,
                "reference": case.reference,
                "subtype": case.subtype,
                "subtype_label": SUBTYPE_LABELS[case.subtype_enum],
                "citizen": case.citizen.name,
                "municipality": case.municipality.name,
            }
        )
    case = (
        visible.select_related(
            "citizen", "caseworker", "coordinator", "specialist", "municipality", "region"
        )
        .prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.select_related("agreed_by")),
            "citizen__consents",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    today = timezone.localdate()
    citizen = case.citizen
    status = gp_contact_status(case, consents=citizen.consents.all())
    body = {
        "id": case.pk,
        "reference": case.reference,
        "subtype": case.subtype,
        "subtype_label": SUBTYPE_LABELS[case.subtype_enum],
        "purpose": case.purpose,
        "purpose_label": PURPOSE_LABELS.get(case.purpose, "") if case.purpose else "",
        "state": case.state,
        "state_label": STATE_LABELS[case.state_enum],
        "municipality": case.municipality.name,
        "region": case.region.name,
        "citizen": {
            "id": citizen.pk,
            "name": citizen.name,
            "cpr": citizen.cpr,
            "birth_date": _date(citizen.birth_date),
            "has_children": citizen.has_children,
            "under_30_without_education": citizen.under_30_without_education,
        },
        "caseworker": _person(case.caseworker),
        "coordinator": _person(case.coordinator),
        "specialist": _person(case.specialist),
        "parent": case.parent_id,
        "question": case.question,
        "meeting_date": _date(case.meeting_date),
        "urgent": case.urgent,
        "contact_preference": case.contact_preference,
        "contact_times": case.contact_times,
        "employment_offer": case.employment_offer,
        "citizen_statement": case.citizen_statement,
        "citizen_informed_of_right": case.citizen_informed_of_right,
        "latest_job": case.latest_job,
        "received_at": _datetime(case.received_at),
        "received_in_designated_inbox": case.received_in_designated_inbox,
        "appointment_date": _date(case.appointment_date),
        "consultation_date": _date(case.consultation_date),
        "created_at": _datetime(case.created_at),
        "updated_at": _datetime(case.updated_at),
        "deadlines": [
            {
                "kind": d.kind,
                "label": d.label,
                "due": _date(d.due),
                "source": d.source,
                "state": str(deadline_state(d.due, d.fulfilled_on, today))
                if d.due
                else str(DeadlineState.OPEN),
                "fulfilled_on": _date(d.fulfilled_on),
                "binding": d.binding,
                "agreed_due": _date(d.agreed_due),
                "agreed_reason": d.agreed_reason,
                "agreed_by": _person(d.agreed_by),
                "agreed_at": _datetime(d.agreed_at),
            }
            for d in case.deadlines.all()
        ],
        "gp_contact": {
            "allowed": status == ConsentStatus.GIVEN,
            "consent": str(status),
            "label": GP_CONTACT_LABELS[status],
        },
    }
    return JsonResponse(body)


def _install_urls() -> str:
    """Route the bare view in front of the product's URLs; the module path to override
    ROOT_URLCONF with."""
    from django.conf import settings
    from django.urls import include, path

    if not urlpatterns:
        urlpatterns.extend(
            [
                path(f"{BARE_PREFIX}<int:pk>/", bare_case_view),
                path("", include(settings.ROOT_URLCONF)),
            ]
        )
    return __name__


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]


def compare_case_read(username: str, case_id: int, rounds: int = 200) -> dict[str, Any]:
    """Read one case `rounds` times through the API and through the bare view, alternating,
    as `username` in one logged-in session. Times are server time in milliseconds; `ratio`
    is the API's speed as a share of the bare view's (bare median / API median)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from sagsbro.organisations.models import User

    urlconf = _install_urls()
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    api_url = f"/api/v1/cases/{case_id}/"
    bare_url = f"/{BARE_PREFIX}{case_id}/"
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ROOT_URLCONF=urlconf, ALLOWED_HOSTS=hosts):
        api_first = client.get(api_url)
        bare_first = client.get(bare_url)
        for name, response in (("API", api_first), ("bare view", bare_first)):
            if response.status_code != 200:
                raise RuntimeError(f"{name} answered {response.status_code} for case {case_id}")
        if api_first.json() != bare_first.json():
            raise RuntimeError("The bare view's body differs from the API's.")
        # The captured list is read at once: the next request resets the connection's log.
        with CaptureQueriesContext(connection) as captured:
            client.get(api_url)
        api_sql = [query["sql"] for query in captured.captured_queries]
        with CaptureQueriesContext(connection) as captured:
            client.get(bare_url)
        bare_sql = [query["sql"] for query in captured.captured_queries]
        api_times: list[float] = []
        bare_times: list[float] = []
        for index in range(rounds):
            # Alternate which goes first, so neither always follows the other.
            order = ((api_url, api_times), (bare_url, bare_times))
            for url, times in order if index % 2 == 0 else order[::-1]:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
    api_median = statistics.median(api_times)
    bare_median = statistics.median(bare_times)
    return {
        "username": username,
        "case_id": case_id,
        "rounds": rounds,
        "api_median_ms": api_median,
        "api_p95_ms": _percentile(api_times, 0.95),
        "bare_median_ms": bare_median,
        "bare_p95_ms": _percentile(bare_times, 0.95),
        "ratio": bare_median / api_median,
        "api_queries": len(api_sql),
        "bare_queries": len(bare_sql),
        "api_sql": api_sql,
        "bare_sql": bare_sql,
    }


TARGET_RATIO = 0.60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", action="append", help="log-in name (repeatable)")
    parser.add_argument("--case", type=int, help="case id (default: the user's first case)")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--sql", action="store_true", help="print the queries of each")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.demo")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/benchmark.sqlite3"
    import warnings

    import django

    # The benchmark serves no static files; WhiteNoise's notice about the folder is noise.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from sagsbro.cases.models import Case
    from sagsbro.organisations.models import User

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        if not Case.objects.exists():
            call_command("load_demo", stdout=open(os.devnull, "w"))

    usernames = args.user or ["sagsbehandler.kbh", "sekretariat.hovedstaden"]
    print(
        f"API case read vs a bare Django view, {args.rounds} rounds each, alternating, "
        f"{connection.vendor}, {Case.objects.count()} cases"
    )
    print(
        f"{'user':<28}{'case':>8}{'API med':>9}{'API p95':>9}{'bare med':>10}{'bare p95':>10}"
        f"{'ratio':>7}{'SQL API/bare':>14}"
    )
    worst = 1.0
    for username in usernames:
        user = User.objects.get(username=username)
        case_id = args.case
        if case_id is None:
            case = Case.objects.visible_to(user).order_by("pk").first()
            if case is None:
                print(f"{username}: no case visible")
                continue
            case_id = case.pk
        result = compare_case_read(username, case_id, rounds=args.rounds)
        worst = min(worst, result["ratio"])
        print(
            f"{username:<28}{case_id:>8}{result['api_median_ms']:>9.2f}"
            f"{result['api_p95_ms']:>9.2f}{result['bare_median_ms']:>10.2f}"
            f"{result['bare_p95_ms']:>10.2f}{result['ratio']:>7.2f}"
            f"{result['api_queries']:>8}/{result['bare_queries']}"
        )
        if args.sql:
            for label in ("api_sql", "bare_sql"):
                print(f"  {label}:")
                for sql in result[label]:
                    print(f"    {sql[:160]}")
    verdict = "meets" if worst >= TARGET_RATIO else "MISSES"
    print(f"lowest ratio {worst:.2f} — {verdict} the target of {TARGET_RATIO:.2f}")
    return 0 if worst >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
