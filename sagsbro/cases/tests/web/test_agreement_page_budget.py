"""The collaboration agreement's page budget: the region's administrator sets it on the
agreement page and through the API (1-2000 pages), and the Dokumenter tab of a case received
under the new version warns by it."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.services.agreements import save_agreement
from sagsbro.conftest import api_client
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import CollaborationAgreement


def _url(side):
    return f"/samarbejdsaftaler/kommune/{side.municipality.pk}/"


def _form(**changes):
    return {
        "expected_cases_per_year": "400",
        "notice_months": "9",
        "page_budget": "80",
        "regel-TOTAL_FORMS": "1",
        "regel-INITIAL_FORMS": "0",
        "regel-0-unit": "working_days",
        **changes,
    }


def _versions():
    return list(
        CollaborationAgreement.objects.order_by("pk").values_list(
            "valid_from", "valid_to", "page_budget"
        )
    )


@pytest.mark.django_db
def test_the_region_admin_sets_the_page_budget_on_the_agreement_page(side_a):
    client = Client()
    client.force_login(side_a.regional_admin)
    page = client.get(_url(side_a)).content.decode()
    assert "Sidegrænse pr. sag" in page
    assert 'name="page_budget" value="50"' in page  # the default without an agreement

    response = client.post(_url(side_a), _form())
    assert response.status_code == 302, response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    version = CollaborationAgreement.objects.get(municipality=side_a.municipality)
    assert (version.valid_from, version.page_budget) == (tomorrow, 80)
    page = client.get(response["Location"]).content.decode()
    assert "sidegrænse 80 sider pr. sag" in page
    assert 'name="page_budget" value="80"' in page
    entry = AuditEntry.objects.filter(object_type="agreement").latest("id")
    assert "sidegrænse 80" in entry.detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Angiv en sidegrænse mellem 1 og 2000 sider."),
        ("2001", "Angiv en sidegrænse mellem 1 og 2000 sider."),
        ("mange", "Angiv et helt tal."),
        ("", "Angiv en sidegrænse."),
    ],
)
def test_a_page_budget_out_of_range_is_refused_in_danish_and_changes_nothing(
    side_a, value, message
):
    client = Client()
    client.force_login(side_a.regional_admin)
    before = _versions()
    response = client.post(_url(side_a), _form(page_budget=value))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Aftalen blev ikke gemt" in text
    assert message in text
    assert 'aria-invalid="true"' in text
    assert _versions() == before


@pytest.mark.django_db
def test_the_service_and_the_api_check_the_same_range(side_a):
    before = _versions()
    values: list[Any] = [0, 2001, True, "50"]
    for value in values:
        with pytest.raises(ServiceError) as refused:
            save_agreement(side_a.regional_admin, side_a.municipality, rules=[], page_budget=value)
        assert refused.value.fields == {
            "page_budget": ["Angiv en sidegrænse mellem 1 og 2000 sider."]
        }
    assert _versions() == before

    client = api_client(side_a.regional_admin)
    bad = client.post(
        "/api/v1/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [], "page_budget": 2001},
        format="json",
    )
    assert bad.status_code == 400
    assert "page_budget" in bad.json()
    assert _versions() == before

    good = client.post(
        "/api/v1/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [], "page_budget": 2000},
        format="json",
    )
    assert good.status_code == 201, good.json()
    assert good.json()["page_budget"] == 2000
    # A later change that leaves the budget out keeps it.
    again = client.post(
        "/api/v1/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [], "notice_months": 6},
        format="json",
    )
    assert again.json()["page_budget"] == 2000
