"""Mine API-nøgler: the user's own tokens on a page, each revocable."""

from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from sagsbro.audit.models import AuditEntry


def issue(user):
    return (
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": "test-password-1"},
            format="json",
        )
        .json()
    )


def test_the_page_lists_and_revokes_the_users_own_tokens(side_a):
    mine = issue(side_a.caseworker)
    theirs = issue(side_a.secretariat)
    client = Client()
    client.force_login(side_a.caseworker)
    page = client.get("/mine-api-noegler/").content.decode()
    assert "Mine API-nøgler" in page
    assert mine["id"] in page and theirs["id"] not in page
    assert mine["token"] not in page

    assert client.post("/mine-api-noegler/", {"token": theirs["id"]}).status_code == 404
    response = client.post("/mine-api-noegler/", {"token": mine["id"]}, follow=True)
    assert "API-nøglen er tilbagekaldt." in response.content.decode()
    assert not AuthToken.objects.filter(user=side_a.caseworker).exists()
    assert AuthToken.objects.filter(user=side_a.secretariat).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TOKEN_REVOKED)
    assert (entry.user_id, entry.object_id, entry.channel) == (
        side_a.caseworker.pk,
        mine["id"],
        "web",
    )


def test_the_header_links_to_the_page(side_a):
    client = Client()
    client.force_login(side_a.caseworker)
    assert 'href="/mine-api-noegler/"' in client.get("/mine-api-noegler/").content.decode()


def test_the_page_needs_a_log_in(db):
    response = Client().get("/mine-api-noegler/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
