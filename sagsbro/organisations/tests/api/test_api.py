"""Authentication by token and by session; reference data behind log-in."""

from django.http import HttpRequest
from rest_framework.test import APIClient


def test_token_authentication(side_a):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": side_a.caseworker.username, "password": "test-password-1"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/me/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert (me["username"], me["role"]) == (side_a.caseworker.username, "caseworker")


def test_wrong_password_gets_a_danish_message(side_a):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": side_a.caseworker.username, "password": "forkert"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Kunne ikke logge ind med den angivne legitimation.",
        "code": "invalid_credentials",
    }


def test_session_authentication(side_a):
    client = APIClient()
    # Sign-in throttling needs the request (axes), which Client.login does not build.
    assert client.login(
        request=HttpRequest(), username=side_a.secretariat.username, password="test-password-1"
    )
    assert client.get("/api/v1/me/").json()["role"] == "secretariat"


def test_reference_data_needs_log_in_and_lists_all_municipalities(side_a):
    assert APIClient().get("/api/v1/municipalities/").status_code in (401, 403)
    client = APIClient()
    client.force_authenticate(side_a.caseworker)
    assert client.get("/api/v1/municipalities/").json()["count"] == 98
    regions = client.get("/api/v1/regions/").json()["results"]
    assert sorted(r["name"] for r in regions) == [
        "Region Hovedstaden",
        "Region Midtjylland",
        "Region Nordjylland",
        "Region Sjælland",
        "Region Syddanmark",
    ]
    assert sum(r["inhabitants"] for r in regions) == 5_602_536


def test_reference_data_loads_idempotently(db):
    from sagsbro.organisations.models import Municipality, Region
    from sagsbro.organisations.services import load_reference_data

    load_reference_data()
    Municipality.objects.filter(code="101").update(name="Forkert navn")
    load_reference_data()
    assert Region.objects.count() == 5
    assert Municipality.objects.count() == 98
    assert Municipality.objects.get(code="101").name == "Københavns Kommune"
