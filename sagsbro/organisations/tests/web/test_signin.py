"""Signing in on the page: throttling and lock-out per account and per address, audited."""

import datetime

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, override_settings

from sagsbro.audit.models import AuditEntry

PASSWORD = "test-password-1"
WRONG = "forkert-kode"
LOCKED = "For mange mislykkede forsøg. Prøv igen om 15 minutter."


def sign_in(client, username, password, address="127.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def pass_cool_off():
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))


def signed_in(client):
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_until_the_cool_off(side_a):
    client = Client()
    username = side_a.caseworker.username
    statuses = [sign_in(client, username, WRONG).status_code for _ in range(30)]
    # The fifth failure locks; every later attempt is refused without being counted.
    assert statuses == [200] * 4 + [429] * 26
    refused = sign_in(client, username, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert "Kunne ikke logge ind" not in refused.content.decode()
    assert not signed_in(client)

    pass_cool_off()
    assert sign_in(client, username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_locked_account_does_not_lock_other_accounts_or_addresses(side_a):
    for _ in range(5):
        sign_in(Client(), side_a.caseworker.username, WRONG)
    assert sign_in(Client(), side_a.caseworker.username, PASSWORD).status_code == 429
    # Another account from the same address, and the same account from another address.
    assert sign_in(Client(), side_a.secretariat.username, PASSWORD).status_code == 302
    assert sign_in(Client(), side_a.caseworker.username, PASSWORD, "10.1.2.3").status_code == 302


@override_settings(SAGSBRO_SIGNIN_ADDRESS_FAILURE_LIMIT=12)
def test_guessing_across_accounts_locks_the_address(side_a):
    for n in range(12):
        sign_in(Client(), f"gaet{n}", WRONG)
    refused = sign_in(Client(), side_a.secretariat.username, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert sign_in(Client(), side_a.secretariat.username, PASSWORD, "10.1.2.3").status_code == 302


def test_only_the_last_proxy_added_address_counts(side_a, settings):
    """Behind a proxy a client cannot dodge the address limit by forging X-Forwarded-For."""
    settings.SAGSBRO_PROXY_COUNT = 1
    settings.SAGSBRO_SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        Client().post(
            "/login/",
            {"username": f"gaet{n}", "password": WRONG},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7",
        )
    refused = Client().post(
        "/login/",
        {"username": side_a.secretariat.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7",
    )
    assert refused.status_code == 429


def test_sign_in_and_out_are_audited(side_a):
    client = Client()
    user = side_a.caseworker
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.post("/logout/")
    entries = list(
        AuditEntry.objects.filter(object_type="user")
        .order_by("id")
        .values_list("action", "user_id", "object_id", "channel")
    )
    assert entries == [
        (AuditEntry.Action.LOGIN, user.pk, str(user.pk), "web"),
        (AuditEntry.Action.LOGOUT, user.pk, str(user.pk), "web"),
    ]


def test_a_failed_sign_in_names_the_account_but_never_what_was_typed(side_a):
    sign_in(Client(), side_a.caseworker.username, WRONG)
    # A CPR number typed as the username must not reach the audit log.
    sign_in(Client(), "0101801234", WRONG)
    known, unknown = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).order_by("id")
    assert (known.user_id, known.object_id, known.channel) == (
        side_a.caseworker.pk,
        str(side_a.caseworker.pk),
        "web",
    )
    assert (unknown.user_id, unknown.username, unknown.object_id) == (None, "", "")
    assert unknown.detail.startswith("ukendt brugernavn")
    assert not AuditEntry.objects.filter(detail__contains="0101801234").exists()


def test_a_lock_out_is_audited(side_a):
    for _ in range(6):
        sign_in(Client(), side_a.caseworker.username, WRONG)
    entries = AuditEntry.objects.filter(user=side_a.caseworker)
    # The fifth failure locks; the sixth attempt is refused (and audited) while locked out.
    assert entries.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == 6
    assert entries.filter(action=AuditEntry.Action.LOCKED_OUT).count() == 2
    assert entries.count() == 8
