"""The worklist's queries read the cases in flight through their indexes, not ten years of
history: on PostgreSQL, with many closed cases and few open ones (the shape of real data)
and fresh statistics, no query of a worklist page scans the cases, deadlines or notes
tables sequentially, and the open-case queries use the partial indexes."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sagsbro.cases.models import Case, CaseEvent, CaseNote, Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, sent_case

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]

BIG_TABLES = ("cases_case", "cases_deadline", "cases_casenote", "cases_caseevent")
CLOSED = 4000


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _history(side):
    """Ten years in small: CLOSED closed cases of the side's municipality, sent to its
    region, each with fulfilled deadlines, events, and notes (some asking for contact)."""
    received = datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    cases = Case.objects.bulk_create(
        Case(
            reference=f"H{side.municipality.code}-{i:06d}",
            subtype=Subtype.LOEBENDE_SAG,
            state="closed" if i % 10 else "withdrawn",
            municipality=side.municipality,
            region=side.region,
            citizen=side.citizen,
            caseworker=side.caseworker,
            coordinator=side.coordinator,
            received_at=received + datetime.timedelta(hours=i),
            meeting_date=datetime.date(2018, 1, 1) + datetime.timedelta(days=i // 3),
            contact_preference="contact_first" if i % 7 == 0 else "",
        )
        for i in range(CLOSED)
    )
    Deadline.objects.bulk_create(
        Deadline(
            case=case,
            kind=kind,
            label="Frist",
            due=datetime.date(2018, 1, 10) + datetime.timedelta(days=n),
            source="test",
            state="met",
            fulfilled_on=datetime.date(2018, 1, 9) + datetime.timedelta(days=n),
        )
        for n, case in enumerate(cases)
        for kind in ("written_answer", "screening")
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=kind, label=kind, actor=side.caseworker)
        for case in cases
        for kind in ("send", "assign", "record_contact_time", "close")
    )
    CaseNote.objects.bulk_create(
        CaseNote(case=case, author=side.caseworker, text="Note", contact_preference=pref)
        for n, case in enumerate(cases)
        for pref in (("contact_first",) if n % 5 == 0 else ("", ""))
    )


def _plans(user, url="/"):
    client = client_for(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "cases_" not in sql:
                continue
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


@pytest.fixture
def national_shape(side_a, side_b):
    _history(side_a)
    _history(side_b)
    for _ in range(4):
        assigned_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
        sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return side_a


PAGES = [
    ("secretariat", "/"),
    ("secretariat", "/?sortering=nyeste"),
    ("secretariat", "/?status=alle&sortering=nyeste"),
    ("coordinator", "/"),
    ("caseworker", "/"),
    ("caseworker", "/?sortering=moede"),
]


def test_worklist_queries_read_the_cases_in_flight_through_indexes(national_shape):
    """One data set for every page (building ten years in small takes a while)."""
    for role, url in PAGES:
        plans = _plans(getattr(national_shape, role), url)
        assert plans, url
        for sql, plan in plans:
            for table in BIG_TABLES:
                assert not re.search(rf"Seq Scan on {table}\b", plan), f"{url}\n{sql}\n{plan}"
            # "Open" is a positive state set: `NOT (state IN …)` reads every closed case.
            assert not re.search(r'NOT \(\S*"state" IN', sql), sql
    # The notes asking for contact come from their partial index.
    plans = "\n".join(plan for _, plan in _plans(national_shape.secretariat))
    assert "casenote_contact_first" in plans


@pytest.mark.parametrize("role", ["secretariat", "coordinator", "caseworker"])
def test_the_default_page_of_cases_reads_the_partial_indexes(national_shape, role):
    """The table's page (LIMIT 26) reads the open cases from a partial index on open cases
    (which of them the planner picks for a coordinator, whose cases are also the region's,
    depends on the statistics) and their next deadlines from the unfulfilled ones."""
    (plan,) = [p for sql, p in _plans(getattr(national_shape, role)) if "LIMIT 26" in sql]
    assert re.search(r"Index Scan using case_open_\w+ on cases_case", plan), plan
    assert "deadline_unfulfilled_case" in plan, plan
