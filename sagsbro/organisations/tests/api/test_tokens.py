"""API tokens: throttled sign-in at the token endpoint, a lifetime, a new token per sign-in,
revoked on password change and deactivation, listed and revoked by their owner."""

import datetime

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from sagsbro.audit.models import AuditEntry

PASSWORD = "test-password-1"
URL = "/api/v1/auth/token/"


def get_token(username, password=PASSWORD, **extra):
    return APIClient().post(
        URL, {"username": username, "password": password}, format="json", **extra
    )


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token):
    return client_with(token).get("/api/v1/me/").status_code == 200


def test_thirty_wrong_passwords_lock_the_token_endpoint_until_the_cool_off(side_a):
    username = side_a.caseworker.username
    responses = [get_token(username, "forkert") for _ in range(30)]
    assert [r.status_code for r in responses] == [400] * 4 + [429] * 26
    refused = get_token(username)
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "For mange mislykkede forsøg. Prøv igen om 15 minutter.",
        "code": "locked_out",
    }
    assert not AuthToken.objects.exists()

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    assert get_token(username).status_code == 200


def test_the_page_and_the_endpoint_count_together(side_a):
    username = side_a.caseworker.username
    for _ in range(3):
        Client().post("/login/", {"username": username, "password": "forkert"})
    for _ in range(2):
        get_token(username, "forkert")
    assert get_token(username).status_code == 429


def test_a_token_has_a_lifetime_and_each_sign_in_issues_a_new_one(side_a):
    before = timezone.now()
    first = get_token(side_a.caseworker.username).json()
    second = get_token(side_a.caseworker.username).json()
    assert set(first) == {"token", "expiry", "id"}
    assert first["token"] != second["token"]
    expiry = datetime.datetime.fromisoformat(first["expiry"])
    assert before + datetime.timedelta(hours=10) <= expiry
    assert expiry <= timezone.now() + datetime.timedelta(hours=10)
    assert works(first["token"]) and works(second["token"])

    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert not works(first["token"])
    assert not works(second["token"])


def test_the_token_endpoint_takes_form_data(side_a):
    response = APIClient().post(URL, {"username": side_a.caseworker.username, "password": PASSWORD})
    assert response.status_code == 200
    assert works(response.json()["token"])


def test_only_the_newest_tokens_stay_valid_beyond_the_limit(side_a, settings):
    settings.SAGSBRO_API_TOKENS_PER_USER = 2
    tokens = [get_token(side_a.caseworker.username).json()["token"] for _ in range(3)]
    assert [works(t) for t in tokens] == [False, True, True]


def test_a_password_change_revokes_every_token(side_a):
    user = side_a.caseworker
    tokens = [get_token(user.username).json()["token"] for _ in range(2)]
    user.set_password("ny-adgangskode-2")
    user.save()
    assert not any(works(t) for t in tokens)
    revoked = AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN_REVOKED, user=user)
    assert [e.detail for e in revoked] == ["adgangskoden er skiftet"] * 2
    assert works(get_token(user.username, "ny-adgangskode-2").json()["token"])


def test_deactivation_revokes_every_token(side_a):
    user = side_a.caseworker
    token = get_token(user.username).json()["token"]
    user.is_active = False
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    assert not works(token)
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.TOKEN_REVOKED, user=user, detail="kontoen er deaktiveret"
    ).exists()


def test_other_saves_of_the_user_keep_the_tokens(side_a):
    user = side_a.caseworker
    token = get_token(user.username).json()["token"]
    user.first_name = "Annette"
    user.save()
    user.refresh_from_db()
    user.save(update_fields=["last_login"])
    assert works(token)


def test_a_user_lists_their_own_tokens_without_their_values(side_a):
    first = get_token(side_a.caseworker.username).json()
    second = get_token(side_a.caseworker.username).json()
    get_token(side_a.secretariat.username)
    listed = client_with(second["token"]).get("/api/v1/auth/tokens/").json()["results"]
    assert [t["id"] for t in listed] == [second["id"], first["id"]]
    assert [t["current"] for t in listed] == [True, False]
    assert set(listed[0]) == {"id", "created", "expiry", "current"}
    body = str(listed)
    assert first["token"] not in body and first["token"][:15] not in body


def test_a_user_revokes_their_own_token_but_not_anothers(side_a):
    mine = get_token(side_a.caseworker.username).json()
    other = get_token(side_a.caseworker.username).json()
    theirs = get_token(side_a.secretariat.username).json()
    client = client_with(mine["token"])
    assert client.delete(f"/api/v1/auth/tokens/{theirs['id']}/").status_code == 404
    assert works(theirs["token"])
    assert client.delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 204
    assert not works(other["token"])
    assert works(mine["token"])
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TOKEN_REVOKED)
    assert (entry.user_id, entry.object_type, entry.object_id) == (
        side_a.caseworker.pk,
        "api_token",
        other["id"],
    )


def test_issuing_a_token_is_audited_as_a_sign_in(side_a):
    issued = get_token(side_a.caseworker.username).json()
    entries = AuditEntry.objects.filter(user=side_a.caseworker, channel="api")
    assert set(entries.values_list("action", "object_type", "object_id")) == {
        (AuditEntry.Action.LOGIN, "user", str(side_a.caseworker.pk)),
        (AuditEntry.Action.TOKEN_ISSUED, "api_token", issued["id"]),
    }
    assert issued["token"][:15] not in str(list(AuditEntry.objects.values()))


def test_api_answers_are_not_stored_by_caches(side_a):
    response = get_token(side_a.caseworker.username)
    assert "no-store" in response["Cache-Control"]
    me = client_with(response.json()["token"]).get("/api/v1/me/")
    assert "no-store" in me["Cache-Control"]
