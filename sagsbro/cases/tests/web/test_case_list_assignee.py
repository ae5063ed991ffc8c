"""The municipality's case list names who has each case: the health coordinator, or for a
klinisk-funktion case the specialist; the names are joined, so more rows add no queries."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, sent_case


def assignee_cells(html: str) -> dict[str, str]:
    """The case table's last column by case reference, as plain text."""
    table = re.search(r'<table class="table case-table.*?</table>', html, re.S)
    assert table is not None
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S):
        reference = re.search(r">(SB-\d{4}-\d+)<", row)
        if reference:
            last = re.findall(r"<td>(.*?)</td>", row, re.S)[-1]
            cells[reference.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", last)).strip()
    return cells


def caseworker_page(side) -> str:
    client = Client()
    client.force_login(side.caseworker)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_clinical_case_shows_its_specialist(side_a):
    clinical = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    waiting = sent_case(side_a, Subtype.KLINISK_FUNKTION)
    running = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    html = caseworker_page(side_a)
    assert '<th scope="col">Sundhedskoordinator / speciallæge</th>' in html
    cells = assignee_cells(html)
    assert cells[clinical.reference] == f"{side_a.specialist.get_full_name()} Speciallæge"
    assert cells[waiting.reference] == "Ikke tildelt"
    assert cells[running.reference] == side_a.coordinator.get_full_name()


def test_the_list_queries_do_not_grow_with_clinical_cases(side_a):
    assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = Client()
    client.force_login(side_a.caseworker)
    client.get("/")  # the first request warms per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    few = count()
    for _ in range(3):
        assigned_case(side_a, Subtype.KLINISK_FUNKTION)
        assigned_case(side_a, Subtype.LOEBENDE_SAG)
    assert count() == few
