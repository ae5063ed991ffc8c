"""Træk tilbage on the case's Dokumenter tab: a confirmation page with the reason, then the
document stays on the municipality's tab struck through and leaves the region's."""

import pytest
from django.test import Client

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, attach
from sagsbro.documents.rules import Category


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_withdrawing_from_the_documents_tab(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    document = attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION, "Forkert")
    tab_url = f"/sager/{case.pk}/dokumenter/"
    confirm_url = f"/sager/{case.pk}/dokumenter/{document.pk}/traek-tilbage/"
    caseworker = client_for(side_a.caseworker)

    tab = caseworker.get(tab_url).content.decode()
    assert f'href="{confirm_url}"' in tab
    # The region sees the document but is not offered to withdraw it.
    region_tab = client_for(side_a.secretariat).get(tab_url).content.decode()
    assert f"/api/v1/documents/{document.pk}/content/" in region_tab
    assert confirm_url not in region_tab
    assert client_for(side_a.secretariat).get(confirm_url).status_code == 403

    page = caseworker.get(confirm_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Træk dokument tilbage</h1>" in html
    assert "Dokumentet bliver ikke slettet." in html
    assert "Træk dokumentet tilbage</button>" in html

    missing = caseworker.post(confirm_url, {"reason": ""})
    assert missing.status_code == 400
    assert "Skriv hvorfor dokumentet trækkes tilbage." in missing.content.decode()

    done = caseworker.post(confirm_url, {"reason": "Vedhæftet på den forkerte sag."}, follow=True)
    assert done.redirect_chain == [(tab_url, 302)]
    html = done.content.decode()
    assert "er trukket tilbage." in html
    assert f'<s><a href="/api/v1/documents/{document.pk}/content/">' in html
    assert "Trukket tilbage</span>" in html
    assert "Vedhæftet på den forkerte sag." in html
    assert confirm_url not in html

    # Gone from the region's tab; the history of both sides shows the withdrawal.
    region_tab = client_for(side_a.secretariat).get(tab_url).content.decode()
    assert f"/api/v1/documents/{document.pk}/content/" not in region_tab
    history = client_for(side_a.secretariat).get(f"/sager/{case.pk}/historik/").content.decode()
    assert "Dokument trukket tilbage: Nye helbredsoplysninger" in history
    assert "forkerte sag" not in history


def test_once_the_region_opened_it_the_tab_offers_no_withdrawal(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    document = attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION)
    confirm_url = f"/sager/{case.pk}/dokumenter/{document.pk}/traek-tilbage/"
    assert (
        client_for(side_a.coordinator).get(f"/api/v1/documents/{document.pk}/content/").status_code
        == 200
    )
    caseworker = client_for(side_a.caseworker)
    assert confirm_url not in caseworker.get(f"/sager/{case.pk}/dokumenter/").content.decode()
    page = caseworker.get(confirm_url).content.decode()
    assert "Modparten har åbnet dokumentet" in page
    refused = caseworker.post(confirm_url, {"reason": "For sent"})
    assert refused.status_code == 400
    assert "kan ikke længere trækkes tilbage" in refused.content.decode()
