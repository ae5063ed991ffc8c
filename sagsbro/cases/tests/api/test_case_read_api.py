"""What a case read costs and what the case list gives: the detail's queries one by one, the
list's queries flat in the number of cases, `due_before` as a condition per case, and the
cursor pages' order and stability while cases are written."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from sagsbro.cases import services as case_services
from sagsbro.cases.api.serializers import CaseSerializer
from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case, sent_case

API = "/api/v1"


def logged_in(user):
    """A client with a real session, as a browser or the API's session users have."""
    client = Client()
    client.force_login(user)
    return client


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response, [query["sql"] for query in captured.captured_queries]


def a_full_case(side):
    """An assigned case with a coordinator, an agreed deadline and written consent to contact
    the GP: every part of the case body filled."""
    case = assigned_case(side, Subtype.LOEBENDE_SAG)
    case_services.register_consent(
        side.caseworker,
        side.citizen,
        scope=ConsentScope.CONTACT_GP,
        given_on=datetime.date(2026, 1, 5),
        written=True,
    )
    deadline = case.deadlines.exclude(due=None).first()
    case_services.agree_deadline(
        side.secretariat,
        case,
        deadline.kind,
        agreed_due=deadline.due + datetime.timedelta(days=14),
        reason="Borgeren er indlagt.",
    )
    return Case.objects.get(pk=case.pk)


# --- the case detail -----------------------------------------------------------------------


def test_a_case_read_costs_six_queries_each_for_a_reason(side_a):
    case = a_full_case(side_a)
    client = logged_in(side_a.secretariat)
    url = f"{API}/cases/{case.pk}/"
    client.get(url)
    response, sql = queries_of(client, url)
    assert response.json()["coordinator"]["id"] == side_a.coordinator.pk
    assert len(sql) == 6, "\n".join(sql)
    session, user, case_row, deadlines, consents, audit = sql
    # The middleware's: the session and the signed-in user (every request has them).
    assert "django_session" in session
    assert "organisations_user" in user
    # The access rule and the case with everything the body shows of one row: citizen,
    # caseworker, coordinator, specialist, municipality, region, in one query.
    assert "cases_case" in case_row and case_row.count("JOIN") == 6
    # The case's deadlines with who agreed one (one query for the list).
    assert "cases_deadline" in deadlines and "organisations_user" in deadlines
    # The citizen's consents, for whether the GP may be contacted.
    assert "cases_consent" in consents
    # The audit entry of the read; no lock, no read of the log.
    assert audit.startswith("INSERT INTO") and "audit_auditentry" in audit


def test_the_case_body_is_what_the_declared_fields_give(side_a):
    """The body is written out field by field for speed (serializers.case_body); DRF's
    generic serialization of CaseSerializer's declared fields, which the schema describes,
    gives the same."""
    case = a_full_case(side_a)
    child = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False, parent=case)
    for user, shown in ((side_a.secretariat, case), (side_a.caseworker, child)):
        body = api_client(user).get(f"{API}/cases/{shown.pk}/").json()
        loaded = Case.objects.select_related("citizen").get(pk=shown.pk)
        serializer = CaseSerializer(loaded, context={"today": timezone.localdate()})
        generic = serializers.ModelSerializer.to_representation(serializer, loaded)
        assert body == generic
        assert list(body) == list(generic)
    assert body["parent"] == case.pk
    full = api_client(side_a.secretariat).get(f"{API}/cases/{case.pk}/").json()
    assert any(d["agreed_by"] for d in full["deadlines"])
    assert full["gp_contact"]["allowed"] is True


def test_a_sub_route_does_not_read_the_case_body(side_a):
    """The notes read the case row and the notes, not the deadlines and consents the case
    body shows."""
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    client = logged_in(side_a.caseworker)
    _, sql = queries_of(client, f"{API}/cases/{case.pk}/notes/")
    assert not any("cases_deadline" in q or "cases_consent" in q for q in sql)


def test_a_detail_route_ignores_the_lists_filters(side_a):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    response = api_client(side_a.caseworker).get(f"{API}/cases/{case.pk}/", {"state": "closed"})
    assert response.status_code == 200


# --- the list ------------------------------------------------------------------------------


def test_the_case_list_costs_the_same_queries_for_few_and_many_cases(side_a):
    client = logged_in(side_a.caseworker)

    def list_queries():
        client.get(f"{API}/cases/")
        response, sql = queries_of(client, f"{API}/cases/")
        return len(response.json()["results"]), sql

    make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    sent_case(side_a, Subtype.LOEBENDE_SAG)
    few, few_sql = list_queries()
    for _ in range(4):
        sent_case(side_a, Subtype.LOEBENDE_SAG)
    many, many_sql = list_queries()
    assert (few, many) == (2, 6)
    assert len(few_sql) == len(many_sql) == 7, "\n".join(many_sql)
    session, user, page, rows, deadlines, consents, audit = many_sql
    assert "django_session" in session and "organisations_user" in user
    # The page: the ids in the list's order from the case table alone (no joins, no count).
    assert "cases_case" in page and "JOIN" not in page and "LIMIT 51" in page
    # Those cases by id with the people and organisations they show.
    assert "cases_case" in rows and rows.count("JOIN") == 6
    # Their deadlines and their citizens' consents, one query each for the whole page.
    assert "cases_deadline" in deadlines and "cases_consent" in consents
    # One INSERT of the audit entries of every row shown.
    assert audit.startswith("INSERT INTO") and "audit_auditentry" in audit
    assert not any("COUNT(" in q for q in many_sql)


def _cases_due_before(side, value):
    response = api_client(side.secretariat).get(f"{API}/cases/", {"due_before": value})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_due_before_lists_a_case_once_for_its_unfulfilled_deadlines(side_a):
    two = sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    fulfilled = sent_case(side_a, Subtype.LOEBENDE_SAG)
    later = sent_case(side_a, Subtype.LOEBENDE_SAG)
    cutoff = datetime.date(2099, 1, 1)
    # Every deadline of the first case open and before the date (a case for the
    # rehabiliteringsteam has several; some not yet dated).
    Deadline.objects.filter(case=two).update(due=datetime.date(2098, 1, 1), fulfilled_on=None)
    assert Deadline.objects.filter(case=two, due__lt=cutoff, fulfilled_on=None).count() >= 2
    Deadline.objects.filter(case=fulfilled).update(fulfilled_on=datetime.date(2026, 1, 2))
    Deadline.objects.filter(case=later).update(due=datetime.date(2099, 6, 1))
    assert _cases_due_before(side_a, "2099-01-01") == [two.pk]
    # The day itself is not before it.
    Deadline.objects.filter(case=later).update(due=cutoff)
    assert _cases_due_before(side_a, "2099-01-01") == [two.pk]
    assert _cases_due_before(side_a, "2099-01-02") == [later.pk, two.pk]


def test_due_before_needs_no_distinct(side_a):
    sent_case(side_a, Subtype.LOEBENDE_SAG)
    client = logged_in(side_a.secretariat)
    _, sql = queries_of(client, f"{API}/cases/?due_before=2099-01-01")
    [listing] = [q for q in sql if "cases_deadline" in q and "LIMIT 51" in q]
    assert "DISTINCT" not in listing and "EXISTS" in listing


# --- cursor pages ----------------------------------------------------------------------------


def _page(client, url):
    body = client.get(url).json()
    return [row["id"] for row in body["results"]], body["next"], body["previous"]


def test_cursor_pages_go_newest_first_and_stay_put_when_a_case_is_added(side_a):
    for _ in range(5):
        make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    newest_first = list(
        Case.objects.filter(municipality=side_a.municipality)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    client = api_client(side_a.caseworker)
    first, next_url, previous = _page(client, f"{API}/cases/?page_size=2")
    assert first == newest_first[:2] and previous is None
    # A case written while the client pages goes to the front, not into the next pages.
    added = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    second, next_url, previous = _page(client, next_url)
    third, last_next, _ = _page(client, next_url)
    assert second == newest_first[2:4] and third == newest_first[4:]
    assert last_next is None
    assert added.pk not in first + second + third
    back, _, _ = _page(client, previous)
    assert back == newest_first[:2]
    # From the top again, the new case comes first.
    assert _page(client, f"{API}/cases/?page_size=2")[0] == [added.pk, newest_first[0]]


def test_a_cursor_that_does_not_parse_gives_the_first_page(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = api_client(side_a.caseworker)
    for cursor in ("n.not-base64!", "x.abc", "n.eyJ2IjpbMV0sIm4iOjB9", ""):
        response = client.get(f"{API}/cases/", {"cursor": cursor})
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [case.pk]


@pytest.mark.parametrize(("asked", "given"), [("500", 200), ("0", 50), ("x", 50), ("3", 3)])
def test_the_page_size_is_bounded(side_a, asked, given):
    from sagsbro.core.api import CursorPage

    request = type("R", (), {"query_params": {"page_size": asked}})()
    assert CursorPage().get_page_size(request) == given
