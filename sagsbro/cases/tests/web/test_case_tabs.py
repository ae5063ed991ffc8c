"""The case page's tabs come from the tab registry (``cases/tabs.py``): the cases app's own and
the meetings app's Rehabiliteringsteam in their order, and a tab another app registers appears
on the page at its URL without a change in cases."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tabs import case_tabs, register_case_tab
from sagsbro.conftest import assigned_case


def test_the_tabs_keep_their_names_labels_and_order():
    assert [(tab.name, tab.label) for tab in case_tabs] == [
        ("overblik", "Overblik"),
        ("dokumenter", "Dokumenter"),
        ("rehabiliteringsteam", "Rehabiliteringsteam"),
        ("sundhedskoordinator", "Sundhedskoordinator"),
        # Klinisk funktion (clinical): the clinical case's consultation and certificate, and
        # the originating case's referrals.
        ("vurdering", "Konsultation og attest"),
        ("henvisninger", "Klinisk funktion"),
        ("historik", "Historik"),
        ("noter", "Noter"),
    ]
    team_tab = case_tabs.get("rehabiliteringsteam")
    assert team_tab is not None
    assert team_tab.template.startswith("meetings/")


def test_a_registered_tab_appears_on_the_case_page(side_a, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client.force_login(side_a.caseworker)
    assert client.get(f"/sager/{case.pk}/proeve/").status_code == 404

    register_case_tab(
        "proeve",
        "Prøvefane",
        "cases/tabs/historik.html",
        lambda case, user, today, calendar: {"events": []},
        order=55,
        visible_for=lambda case, user: user.role == "caseworker",
    )
    try:
        response = client.get(f"/sager/{case.pk}/proeve/")
        assert response.status_code == 200
        page = response.content.decode()
        assert f'href="/sager/{case.pk}/proeve/"' in page
        assert page.index("Historik</span>") < page.index("Prøvefane") < page.index("Noter</span>")
        # Not shown to whom it is not visible.
        client.force_login(side_a.secretariat)
        assert "Prøvefane" not in client.get(f"/sager/{case.pk}/").content.decode()
        assert client.get(f"/sager/{case.pk}/proeve/").status_code == 404
    finally:
        case_tabs.unregister("proeve")


def test_a_tab_name_or_order_is_taken_once():
    with pytest.raises(ImproperlyConfigured):
        register_case_tab("noter", "Noter", "cases/tabs/noter.html", lambda *a: {}, order=99)
    with pytest.raises(ImproperlyConfigured):
        register_case_tab("ny", "Ny", "cases/tabs/noter.html", lambda *a: {}, order=10)
