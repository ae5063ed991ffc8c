"""The worklist's table a page at a time (keyset pagination): "Næste" and "Forrige" walk
every case once, a later page costs the same queries as the first, and the counts stay
exact."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sagsbro.cases.models import Case
from sagsbro.cases.web.worklist import PAGE_SIZE

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _drafts(side, n):
    """n draft cases of the side's municipality, written directly (paging needs many rows,
    not the workflow)."""
    start = Case.objects.count()
    Case.objects.bulk_create(
        Case(
            reference=f"PG-{side.municipality.code}-{start + i:05d}",
            subtype="loebende_sag",
            municipality=side.municipality,
            region=side.region,
            citizen=side.citizen,
            caseworker=side.caseworker,
        )
        for i in range(n)
    )


def _references(html):
    table = html.split('id="case-results"')[1]
    return re.findall(r">(PG-\d+-\d+)</a>", table)


def _link(html, label):
    nav = html.split('aria-label="Sider i sagslisten"')[1].split("</nav>")[0]
    match = re.search(rf'href="([^"]+)"[^>]*>(?:(?!</a>).)*{label}', nav, re.S)
    return match.group(1).replace("&amp;", "&") if match else None


def test_next_and_previous_walk_every_case_once(side_a):
    _drafts(side_a, PAGE_SIZE + 7)
    client = client_for(side_a.caseworker)
    first = client.get("/?sortering=sagsnummer").content.decode()
    assert len(_references(first)) == PAGE_SIZE
    assert f"Viser 1–{PAGE_SIZE} af {PAGE_SIZE + 7} sager" in first
    assert _link(first, "Forrige") is None

    second = client.get("/" + _link(first, "Næste")).content.decode()
    assert _references(second) == sorted(_references(second))
    assert f"Viser {PAGE_SIZE + 1}–{PAGE_SIZE + 7} af {PAGE_SIZE + 7} sager" in second
    assert _link(second, "Næste") is None
    every = _references(first) + _references(second)
    assert every == sorted(every) and len(set(every)) == PAGE_SIZE + 7
    # The cursor keeps the filters and sort; the URL holds no names or CPR numbers.
    assert "sortering=sagsnummer" in _link(first, "Næste")

    back = client.get("/" + _link(second, "Forrige")).content.decode()
    assert _references(back) == _references(first)


def test_a_later_page_costs_the_queries_of_the_first(side_a):
    _drafts(side_a, 3 * PAGE_SIZE)
    client = client_for(side_a.caseworker)
    first = client.get("/?sortering=nyeste")
    url = "/" + _link(first.content.decode(), "Næste")
    second = _link(client.get(url).content.decode(), "Næste")

    def count(path):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    assert count("/?sortering=nyeste") == count(url) == count("/" + second)


def test_a_bad_cursor_shows_the_first_page(side_a):
    _drafts(side_a, PAGE_SIZE + 1)
    client = client_for(side_a.caseworker)
    first = _references(client.get("/?sortering=sagsnummer").content.decode())
    for cursor in ("x", "eyJ2IjpbMV0sIm4iOjF9", "%00"):
        html = client.get(f"/?sortering=sagsnummer&efter={cursor}").content.decode()
        assert _references(html) == first
