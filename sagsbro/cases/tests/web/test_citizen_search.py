"""Finding the citizen on Opret sag: a search by CPR number or name that shows, and audits,
only the matches (never the municipality's register), with the CPR number in a POST body and
never in a URL, with HTMX or without script."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case
from sagsbro.cases.web.create_flow import CITIZEN_SEARCH_LIMIT
from sagsbro.organisations.models import Citizen

SEARCH_URL = "/sager/ny/borgersoegning/"
SEARCH_DETAIL = "opret sag – søgning"
RADIO = re.compile(r'<input type="radio" class="form-radio" id="id_citizen_\d+" name="citizen"')


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def search(client, text, **extra):
    return client.post(SEARCH_URL, {"q": text, **extra}, HTTP_HX_REQUEST="true")


def citizen_entries(user):
    return AuditEntry.objects.filter(user=user, action="list", object_type="citizen")


def add_citizens(municipality, count, surname="Hansen", first_cpr=100000):
    """`count` citizens named "<surname> NN", each with their own CPR number."""
    return Citizen.objects.bulk_create(
        Citizen(
            cpr=f"0505{first_cpr + n:06d}",
            birth_date=datetime.date(1990, 5, 5),
            name=f"{surname} {n:02d}",
            municipality=municipality,
        )
        for n in range(count)
    )


def test_the_page_shows_and_audits_no_citizen_before_a_search(side_a, side_b):
    add_citizens(side_a.municipality, 30)
    response = client_for(side_a.caseworker).get("/sager/ny/")
    html = response.content.decode()
    assert response.status_code == 200
    assert side_a.citizen.name not in html and "Hansen" not in html
    assert not RADIO.search(html)
    assert "<select" not in html
    assert not citizen_entries(side_a.caseworker).exists()
    # The search field, its label, the live region for the results and the way on.
    assert '<label class="form-label" for="id_citizen">Borger</label>' in html
    assert 'id="citizen-search-announcement" class="sr-only" aria-live="polite"' in html
    assert 'id="citizen-results"' in html
    assert 'autocomplete="off"' in html


def test_cpr_search_with_or_without_hyphen_shows_and_audits_that_one_citizen(side_a, side_b):
    add_citizens(side_a.municipality, 5)
    client = client_for(side_a.caseworker)
    for typed in ("010180-1234", "0101801234", " 010180 1234 "):
        response = search(client, typed)
        html = response.content.decode()
        assert response.status_code == 200
        assert len(RADIO.findall(html)) == 1
        assert f'value="{side_a.citizen.pk}" checked' in html
        assert "Borger Anna (CPR 010180-XXXX)" in html
        assert "1 borger fundet." in html
        assert "1234" not in html
        # A fragment: no page around it, and the fieldset names the choice.
        assert "<html" not in html
        assert "<legend" in html and "Vælg borger" in html
    entries = citizen_entries(side_a.caseworker)
    assert (
        list(entries.values_list("citizen_id", "detail"))
        == [(side_a.citizen.pk, SEARCH_DETAIL)] * 3
    )


def test_name_search_shows_and_audits_at_most_twenty_of_the_own_municipality(side_a, side_b):
    own = add_citizens(side_a.municipality, CITIZEN_SEARCH_LIMIT + 5)
    add_citizens(side_b.municipality, 3, first_cpr=200000)
    client = client_for(side_a.caseworker)
    html = search(client, "hans").content.decode()
    assert len(RADIO.findall(html)) == CITIZEN_SEARCH_LIMIT
    assert "Viser de første 20 borgere" in html
    shown = [int(pk) for pk in re.findall(r'name="citizen" value="(\d+)"', html)]
    expected = [c.pk for c in sorted(own, key=lambda c: c.name)[:CITIZEN_SEARCH_LIMIT]]
    assert shown == expected
    assert " checked" not in html
    entries = citizen_entries(side_a.caseworker)
    assert sorted(entries.values_list("citizen_id", flat=True)) == sorted(expected)
    assert set(entries.values_list("detail", flat=True)) == {SEARCH_DETAIL}
    foreign = Citizen.objects.filter(municipality=side_b.municipality).values("pk")
    assert not AuditEntry.objects.filter(citizen_id__in=foreign).exists()

    # A narrower search shows fewer; "Borger" finds only the own municipality's Borger Anna.
    html = search(client, "Hansen 0").content.decode()
    assert len(RADIO.findall(html)) == 10 and "10 borgere fundet." in html
    html = search(client, "borger").content.decode()
    assert len(RADIO.findall(html)) == 1 and side_b.citizen.name not in html


def test_searches_that_cannot_find_anyone_show_why_and_audit_nothing(side_a, side_b):
    client = client_for(side_a.caseworker)
    cases = {
        "": "Skriv borgerens CPR-nummer eller navn.",
        "B": "Skriv mindst 2 bogstaver af navnet eller hele CPR-nummeret.",
        "010180": "Skriv alle 10 cifre i CPR-nummeret",
        "0202802345": "Ingen borger i din kommune har det CPR-nummer.",
        "Zzz": "Ingen borgere i din kommune har et navn, der begynder med det søgte.",
        "%o": "Ingen borgere i din kommune har et navn",
    }
    for typed, message in cases.items():
        response = search(client, typed)
        html = response.content.decode()
        assert response.status_code == 200, typed
        assert message in html, typed
        assert not RADIO.search(html), typed
        assert "0202802345" not in html
    assert not citizen_entries(side_a.caseworker).exists()


def test_search_is_a_post_with_csrf_for_caseworkers_only(side_a):
    caseworker = client_for(side_a.caseworker)
    assert caseworker.get(SEARCH_URL, {"q": "0101801234"}).status_code == 405
    for user in (side_a.coordinator, side_a.secretariat, side_a.team_member, side_a.gp):
        assert search(client_for(user), "0101801234").status_code == 403, user
    anonymous = Client().post(SEARCH_URL, {"q": "0101801234"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(side_a.caseworker)
    assert strict.post(SEARCH_URL, {"q": "0101801234"}).status_code == 403
    # The page's own token lets the search through.
    page = strict.get("/sager/ny/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    token = found.group(1)
    response = strict.post(SEARCH_URL, {"q": "0101801234", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert citizen_entries(side_a.caseworker).count() == 1


def test_without_script_the_search_posts_to_the_page_and_keeps_the_choices(side_a):
    add_citizens(side_a.municipality, 3)
    client = client_for(side_a.caseworker)
    response = client.post(
        "/sager/ny/", {"handling": "soeg", "q": "Hansen", "subtype": "loebende_sag"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "3 borgere fundet." in html
    assert len(RADIO.findall(html)) == 3
    assert 'value="loebende_sag" aria-describedby="id_subtype_1-hint" checked' in html
    assert 'name="q" value="Hansen"' in html
    assert "Sagen blev ikke oprettet" not in html
    assert not Case.objects.exists()
    assert citizen_entries(side_a.caseworker).count() == 3

    # A CPR number is searched but never written back into the page.
    html = client.post("/sager/ny/", {"handling": "soeg", "q": "010180-1234"}).content.decode()
    assert f'value="{side_a.citizen.pk}" checked' in html
    assert 'name="q" value=""' in html and "1234" not in html

    chosen = Citizen.objects.get(name="Hansen 01")
    response = client.post("/sager/ny/", {"subtype": "loebende_sag", "citizen": chosen.pk})
    assert response.status_code == 302
    assert Case.objects.get().citizen == chosen


def test_a_chosen_citizen_stays_chosen_when_the_case_is_refused(side_a, side_b):
    client = client_for(side_a.caseworker)
    response = client.post("/sager/ny/", {"citizen": side_a.citizen.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg sagens type." in html
    assert f'value="{side_a.citizen.pk}" checked' in html
    assert len(RADIO.findall(html)) == 1
    assert list(citizen_entries(side_a.caseworker).values_list("citizen_id", "detail")) == [
        (side_a.citizen.pk, "opret sag")
    ]


def test_preselected_citizen_is_shown_chosen_and_a_foreign_one_is_not(side_a, side_b):
    client = client_for(side_a.caseworker)
    html = client.get(f"/sager/ny/?borger={side_a.citizen.pk}").content.decode()
    assert len(RADIO.findall(html)) == 1
    assert f'value="{side_a.citizen.pk}" checked' in html
    assert citizen_entries(side_a.caseworker).count() == 1
    for value in (side_b.citizen.pk, "x", "999999"):
        html = client.get(f"/sager/ny/?borger={value}").content.decode()
        assert not RADIO.search(html) and side_b.citizen.name not in html
    assert citizen_entries(side_a.caseworker).count() == 1


@pytest.mark.parametrize("value", ["x", "999999", "-1", "1.5"])
def test_an_unknown_citizen_id_is_a_field_error_and_creates_nothing(side_a, value):
    response = client_for(side_a.caseworker).post(
        "/sager/ny/", {"subtype": "loebende_sag", "citizen": value}
    )
    assert response.status_code == 400
    assert "Vælg en borger fra listen." in response.content.decode()
    assert not Case.objects.exists()


def test_another_municipalitys_citizen_id_is_refused_and_not_audited(side_a, side_b):
    client = client_for(side_a.caseworker)
    response = client.post("/sager/ny/", {"subtype": "loebende_sag", "citizen": side_b.citizen.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg en borger fra listen." in html
    assert side_b.citizen.name not in html and "020280" not in html
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(citizen_id=side_b.citizen.pk).exists()
    # Nor is it shown when carried along with a search.
    html = search(client, "borger", citizen=side_b.citizen.pk).content.decode()
    assert side_b.citizen.name not in html
    assert not AuditEntry.objects.filter(citizen_id=side_b.citizen.pk).exists()


def test_name_search_is_served_by_the_municipality_name_index(side_a):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Citizen._meta.db_table)
    assert constraints["citizen_name_search"]["index"]
    if connection.vendor == "postgresql":
        # A register of some size, with statistics, so the planner weighs the indexes.
        for n, surname in enumerate(("Andersen", "Berg", "Christensen", "Dahl", "Hansen")):
            add_citizens(side_a.municipality, 400, surname, first_cpr=100000 + 1000 * n)
        query = Citizen.objects.filter(
            municipality=side_a.municipality, name__istartswith="Bo"
        ).order_by("name", "pk")[:21]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Citizen._meta.db_table}")
            sql, params = query.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "citizen_name_search" in plan, plan
        assert "~>=~" in plan, plan  # the LIKE prefix became an index range
