"""The price agreed for a specialist certificate (BEK § 18, stk. 1: "Kommunen og regionen
aftaler prisen for lægeattester"): the region's administrator sets it on the collaboration
agreement's page and through the API; empty means none agreed, so the § 18 stk. 2 cap applies.
Like the deadlines it takes effect with the new version, and a later change keeps it unless
it is changed."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.services.agreements import check_certificate_price, save_agreement
from sagsbro.conftest import api_client
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import CollaborationAgreement


def _url(side):
    return f"/samarbejdsaftaler/kommune/{side.municipality.pk}/"


def _form(**changes):
    return {
        "expected_cases_per_year": "400",
        "notice_months": "9",
        "page_budget": "50",
        "certificate_price": "15.250,50",
        "regel-TOTAL_FORMS": "1",
        "regel-INITIAL_FORMS": "0",
        "regel-0-unit": "working_days",
        **changes,
    }


def _prices():
    return list(
        CollaborationAgreement.objects.order_by("pk").values_list("valid_from", "certificate_price")
    )


@pytest.mark.parametrize(
    ("value", "price"),
    [
        (None, None),
        ("", None),
        ("15000", Decimal("15000")),
        (Decimal("15000.50"), Decimal("15000.50")),
        ("1000000.00", Decimal("1000000.00")),
    ],
)
def test_price_check_accepts(value, price):
    assert check_certificate_price(value) == price


@pytest.mark.parametrize("value", ["0", "-1", "1000000.01", "12.345", "NaN", "mange", True, 1.5])
def test_price_check_refuses(value):
    with pytest.raises(ServiceError) as refused:
        check_certificate_price(value)
    assert refused.value.fields == {
        "certificate_price": ["Angiv prisen som et beløb over 0 kr. og højst 1.000.000 kr."]
    }


@pytest.mark.django_db
def test_the_service_sets_keeps_and_clears_the_price(side_a, side_b):
    version = save_agreement(
        side_a.regional_admin, side_a.municipality, rules=[], certificate_price="15000.00"
    )
    assert version.certificate_price == Decimal("15000.00")
    entry = AuditEntry.objects.filter(object_type="agreement").latest("id")
    assert "attestpris 15000.00" in entry.detail
    # A later change that does not name the price keeps it; None clears it.
    save_agreement(side_a.regional_admin, side_a.municipality, rules=[], page_budget=70)
    version.refresh_from_db()
    assert (version.page_budget, version.certificate_price) == (70, Decimal("15000.00"))
    save_agreement(side_a.regional_admin, side_a.municipality, rules=[], certificate_price=None)
    version.refresh_from_db()
    assert version.certificate_price is None
    # Only the region's own administrator.
    with pytest.raises(PermissionRefused):
        save_agreement(side_a.secretariat, side_a.municipality, rules=[], certificate_price="1.00")
    with pytest.raises(ServiceError) as refused:
        save_agreement(
            side_b.regional_admin, side_a.municipality, rules=[], certificate_price="1.00"
        )
    assert refused.value.status == 404
    version.refresh_from_db()
    assert version.certificate_price is None


@pytest.mark.django_db
def test_a_new_version_takes_the_price_of_the_one_in_force(side_a):
    today = timezone.localdate()
    current = CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=today - datetime.timedelta(days=30),
        certificate_price=Decimal("14500.00"),
    )
    version = save_agreement(side_a.regional_admin, side_a.municipality, rules=[], page_budget=60)
    current.refresh_from_db()
    assert (current.valid_to, current.certificate_price) == (today, Decimal("14500.00"))
    assert (version.valid_from, version.certificate_price) == (
        today + datetime.timedelta(days=1),
        Decimal("14500.00"),
    )


@pytest.mark.django_db
def test_the_region_admin_sets_the_price_on_the_agreement_page(side_a):
    client = Client()
    client.force_login(side_a.regional_admin)
    page = client.get(_url(side_a)).content.decode()
    assert "Aftalt pris pr. speciallægeattest (kr.)" in page
    assert 'name="certificate_price" value=""' in page

    response = client.post(_url(side_a), _form())
    assert response.status_code == 302, response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _prices() == [(tomorrow, Decimal("15250.50"))]
    page = client.get(response["Location"]).content.decode()
    assert "aftalt pris pr. speciallægeattest 15.250,50 kr." in page
    assert 'name="certificate_price" value="15.250,50"' in page

    # Emptying the field: no price agreed, the cap applies.
    assert client.post(_url(side_a), _form(certificate_price="")).status_code == 302
    assert _prices() == [(tomorrow, None)]
    assert "ingen aftalt pris for speciallægeattester" in client.get(_url(side_a)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0", "mange", "2.000.000,00", "1,005"])
def test_a_bad_price_is_refused_in_danish_and_changes_nothing(side_a, value):
    client = Client()
    client.force_login(side_a.regional_admin)
    response = client.post(_url(side_a), _form(certificate_price=value))
    assert response.status_code == 400
    assert "Angiv prisen som et beløb over 0 kr. og højst 1.000.000 kr." in (
        response.content.decode()
    )
    assert _prices() == []


@pytest.mark.django_db
def test_the_api_sets_and_shows_the_price(side_a, side_b):
    admin = api_client(side_a.regional_admin)
    body = {"municipality": side_a.municipality.pk, "rules": [], "certificate_price": "15000.00"}
    response = admin.post("/api/v1/agreements/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["certificate_price"] == "15000.00"
    # Left out: kept; null: cleared.
    response = admin.post(
        "/api/v1/agreements/", {"municipality": side_a.municipality.pk, "rules": []}, format="json"
    )
    assert response.json()["certificate_price"] == "15000.00"
    response = admin.post(
        "/api/v1/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [], "certificate_price": None},
        format="json",
    )
    assert response.json()["certificate_price"] is None
    response = admin.post(
        "/api/v1/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [], "certificate_price": "-5.00"},
        format="json",
    )
    assert response.status_code == 400
    assert "certificate_price" in response.json()["fields"]
    # Another region's administrator cannot set it.
    response = api_client(side_b.regional_admin).post(
        "/api/v1/agreements/",
        {"municipality": side_a.municipality.pk, "rules": [], "certificate_price": "1.00"},
        format="json",
    )
    assert response.status_code == 404
    assert CollaborationAgreement.objects.get().certificate_price is None


def test_the_agreement_says_whether_the_municipality_obtains_status(side_a):
    """BEK § 3 stk. 2: the page's checkbox and the API's flag, kept by a later change that
    leaves it out; it is what lets the municipality add a psychologist's status."""
    client = Client()
    client.force_login(side_a.regional_admin)
    assert "BEK § 3, stk. 2" in client.get(_url(side_a)).content.decode()
    response = client.post(_url(side_a), _form(municipality_requests_status="on"))
    assert response.status_code == 302, response.content.decode()
    assert CollaborationAgreement.objects.get().municipality_requests_status is True
    page = client.get(_url(side_a)).content.decode()
    assert "kommunen rekvirerer status fra psykolog" in page
    # The box left unticked on the page: no longer agreed.
    assert client.post(_url(side_a), _form()).status_code == 302
    assert CollaborationAgreement.objects.get().municipality_requests_status is False

    admin = api_client(side_a.regional_admin)
    body = {"municipality": side_a.municipality.pk, "rules": []}
    response = admin.post(
        "/api/v1/agreements/", {**body, "municipality_requests_status": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["municipality_requests_status"] is True
    # Left out: kept.
    response = admin.post("/api/v1/agreements/", body, format="json")
    assert response.json()["municipality_requests_status"] is True
    entry = AuditEntry.objects.filter(object_type="agreement").last()
    assert entry is not None and "kommunen rekvirerer status ja" in entry.detail
