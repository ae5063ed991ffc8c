"""The audit log list in the API: an administrator's colleagues' entries, newest first, paged
by a cursor without repeats or gaps, filtered by actor, case, citizen, object, action and
time, and a constant number of SQL queries however long the log is."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.conftest import api_client
from sagsbro.organisations.api import audit_log

URL = "/api/v1/audit-log/"


def _log(user, count, *, action="read", case_id=None, citizen_id=None, object_type="case"):
    return [
        record(user, action, Subject(object_type, n + 1, case_id, citizen_id)).pk
        for n in range(count)
    ]


def _all_pages(client, url):
    """The ids on every page, following `next`; and the pages' sizes."""
    ids, sizes = [], []
    while url:
        body = client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        sizes.append(len(body["results"]))
        url = body["next"]
    return ids, sizes


@pytest.mark.parametrize("few", [2000, 2], ids=["read by ids", "read by time"])
def test_the_log_is_paged_newest_first_by_a_cursor_without_repeats(
    side_a, side_b, few, monkeypatch
):
    # An organisation with few entries is read by their ids, one with many on the time
    # index: the same rows in the same order either way.
    monkeypatch.setattr(audit_log, "FEW_ENTRIES", few)
    mine = _log(side_a.caseworker, 4) + _log(side_a.team_member, 3)
    _log(side_b.caseworker, 5)  # another municipality's: never shown
    client = api_client(side_a.municipal_admin)
    first = client.get(URL, {"page_size": 3}).json()
    assert set(first) == {"next", "previous", "results"}  # no count of millions of rows
    assert first["previous"] is None
    ids, sizes = _all_pages(client, first["next"])
    ids = [row["id"] for row in first["results"]] + ids
    shown = [i for i in ids if i in mine]
    assert shown == sorted(mine, reverse=True)  # newest first, each once
    assert len(ids) == len(set(ids))
    assert {e.user_id for e in AuditEntry.objects.filter(pk__in=ids)} <= {
        u.pk for u in side_a.users() if u.municipality_id == side_a.municipality.pk
    }
    assert sizes[-1] <= 3 and all(size == 3 for size in sizes[:-1])
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert back["results"] == first["results"]


def test_filters_by_actor_case_citizen_object_action_and_time(side_a):
    case, citizen = side_a.citizen.pk + 1000, side_a.citizen.pk
    earlier = timezone.now() - datetime.timedelta(days=400)
    with mock.patch("django.utils.timezone.now", return_value=earlier):
        old = _log(side_a.caseworker, 2, case_id=case)
    by_team = _log(side_a.team_member, 2, citizen_id=citizen)
    denied = _log(side_a.caseworker, 1, action="denied", object_type="document")
    client = api_client(side_a.municipal_admin)

    def ids(**query):
        return [row["id"] for row in client.get(URL, query).json()["results"]]

    assert ids(user=side_a.team_member.pk)[:2] == sorted(by_team, reverse=True)
    assert set(ids(username=side_a.team_member.username)) >= set(by_team)
    assert not set(ids(username=side_a.team_member.username)) & set(old + denied)
    assert ids(case_id=case) == sorted(old, reverse=True)
    assert ids(citizen_id=citizen)[:2] == sorted(by_team, reverse=True)
    assert ids(action="denied") == denied
    assert ids(object_type="document", object_id="1") == denied
    cut = (earlier + datetime.timedelta(days=1)).isoformat()
    assert ids(at_to=cut) == sorted(old, reverse=True)
    assert not set(ids(at_from=cut)) & set(old)
    assert client.get(URL, {"case_id": "x"}).status_code == 400


def test_only_an_administrator_reads_the_log_of_their_own_organisation(side_a, side_b):
    _log(side_a.caseworker, 2)
    theirs = _log(side_b.caseworker, 2)
    assert api_client(side_a.caseworker).get(URL).json()["results"] == []
    shown = [row["id"] for row in api_client(side_a.municipal_admin).get(URL).json()["results"]]
    assert shown and not set(shown) & set(theirs)
    regional = api_client(side_a.regional_admin).get(URL, {"user": side_b.caseworker.pk})
    assert regional.json()["results"] == []


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_list_makes_the_same_queries_for_a_short_and_a_long_log(side_a):
    client = api_client(side_a.municipal_admin)
    _log(side_a.caseworker, 3)
    urls = [URL, f"{URL}?action=read", f"{URL}?username={side_a.caseworker.username}"]
    short = [_queries(client, url) for url in urls]
    _log(side_a.caseworker, 120)
    _log(side_a.team_member, 60)
    long = [_queries(client, url) for url in urls]
    second_page = client.get(URL).json()["next"]
    assert long == short
    assert _queries(client, second_page) == short[0]
