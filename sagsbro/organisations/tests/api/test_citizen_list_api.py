"""The citizen list in the API: a municipality's thousands of citizens a page at a time by
a cursor that holds no name, each citizen shown audited once, and a constant number of SQL
queries however many citizens there are."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sagsbro.audit.models import AuditEntry
from sagsbro.conftest import api_client
from sagsbro.organisations.models import Citizen

URL = "/api/v1/citizens/"


def _citizens(side, count, prefix):
    return [
        Citizen.objects.create(
            cpr=f"01019{n:05d}"[:10],
            birth_date=datetime.date(1990, 1, 1),
            name=f"{prefix} {n}",
            municipality=side.municipality,
        ).pk
        for n in range(count)
    ]


def test_citizens_are_paged_by_a_cursor_without_names_in_the_links(side_a, side_b):
    mine = [side_a.citizen.pk, *_citizens(side_a, 6, "Borger")]
    _citizens(side_b, 3, "Anden")
    client = api_client(side_a.caseworker)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    url, shown = f"{URL}?page_size=3", []
    while url:
        body = client.get(url).json()
        assert "count" not in body
        shown += [row["id"] for row in body["results"]]
        url = body["next"]
        assert url is None or "Borger" not in url
    assert shown == sorted(mine)
    listed = AuditEntry.objects.filter(id__gt=mark, action="list")
    assert list(listed.order_by("citizen_id").values_list("citizen_id", flat=True)) == sorted(mine)


def test_the_list_makes_the_same_queries_for_few_and_many_citizens(side_a):
    client = api_client(side_a.caseworker)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries(URL)
    _citizens(side_a, 120, "Mange")
    many = queries(URL)
    second = client.get(URL).json()["next"]
    assert many == few
    assert queries(second) == few
