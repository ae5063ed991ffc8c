"""Sign-in throttling (django-axes), the audit entries of signing in and out, and revoking
API tokens when a password changes or an account is deactivated.

Failed sign-ins on the log-in page and at the API token endpoint are counted under two keys:
an account from one address (SAGSBRO_SIGNIN_ACCOUNT_FAILURE_LIMIT) and an address across all
accounts (SAGSBRO_SIGNIN_ADDRESS_FAILURE_LIMIT, higher because a municipality's staff share an
address). Reaching either refuses every sign-in under that key, the right password too, for
SAGSBRO_SIGNIN_COOLOFF."""

import datetime
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet, Sum
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest, HttpResponse

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.organisations.models import User
from sagsbro.organisations.services import revoke_all_api_tokens

UNKNOWN_USERNAME = "ukendt brugernavn"


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(settings.SAGSBRO_SIGNIN_ACCOUNT_FAILURE_LIMIT)


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    cool_off: datetime.timedelta = settings.SAGSBRO_SIGNIN_COOLOFF
    return cool_off


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind proxies only the entries they added to X-Forwarded-For
    are trusted; the client can write anything before them."""
    proxies = int(settings.SAGSBRO_PROXY_COUNT)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def lockout_message() -> str:
    minutes = math.ceil(cool_off().total_seconds() / 60)
    return f"For mange mislykkede forsøg. Prøv igen om {minutes} minutter."


def is_locked_out(request: Any) -> bool:
    """Whether axes refused (or just locked) this request's sign-in."""
    return bool(getattr(request, "axes_locked_out", False))


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler with a limit per key. Axes compares one failure count with
    one limit (the account limit), so the address's count is scaled to reach that limit
    exactly when it reaches its own."""

    def filter_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> list[QuerySet[AccessAttempt]]:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address  # type: ignore[attr-defined]
        return [
            AccessAttempt.objects.filter(username=username, ip_address=address),
            AccessAttempt.objects.filter(ip_address=address),
        ]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        account, address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = failure_limit()
        address_limit = int(settings.SAGSBRO_SIGNIN_ADDRESS_FAILURE_LIMIT)
        return max(account, address * account_limit // address_limit)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The log-in page and the token endpoint answer a lock-out themselves (the Danish
    message on the page, a structured 429 in the API); anything else gets the message."""
    if original_response is not None:
        return original_response
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")


# The audit trail of signing in and out ------------------------------------------------------


def _channel(request: Any) -> str:
    path = getattr(request, "path", "") or ""
    return "api" if path.startswith("/api/") else "web"


def _address(request: Any) -> str:
    address = getattr(request, "axes_ip_address", None) or getattr(request, "META", {}).get(
        "REMOTE_ADDR", ""
    )
    return f"fra {address}" if address else ""


def _account(username: object) -> User | None:
    """The account a typed username names. What was typed is never stored: it might be a
    CPR number or a password typed in the wrong field."""
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


def _subject(user: User | None) -> Subject:
    return Subject("user", user.pk if user is not None else "")


def _on_logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record(user, AuditEntry.Action.LOGIN, _subject(user), channel=_channel(request))


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    user = _account(credentials.get("username"))
    detail = "; ".join(
        part for part in (UNKNOWN_USERNAME if user is None else "", _address(request)) if part
    )
    record(
        user,
        AuditEntry.Action.LOGIN_FAILED,
        _subject(user),
        detail=detail,
        channel=_channel(request),
    )


def _on_locked_out(sender: Any, request: Any, username: object = None, **kwargs: Any) -> None:
    user = _account(username)
    detail = "; ".join(
        part for part in (UNKNOWN_USERNAME if user is None else "", _address(request)) if part
    )
    record(
        user, AuditEntry.Action.LOCKED_OUT, _subject(user), detail=detail, channel=_channel(request)
    )


def _on_logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None:  # logging out without being logged in
        return
    record(user, AuditEntry.Action.LOGOUT, _subject(user), channel=_channel(request))


def connect_signals() -> None:
    user_logged_in.connect(_on_logged_in, dispatch_uid="sagsbro-audit-login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="sagsbro-audit-login-failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="sagsbro-audit-locked-out")
    user_logged_out.connect(_on_logged_out, dispatch_uid="sagsbro-audit-logout")
    pre_save.connect(_note_credential_change, sender=User, dispatch_uid="sagsbro-token-note")
    post_save.connect(
        _revoke_on_credential_change, sender=User, dispatch_uid="sagsbro-token-revoke"
    )


# A password change or deactivation revokes the user's API tokens ----------------------------

_REASON = "_sagsbro_revoke_api_tokens"


def _note_credential_change(
    sender: Any, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    setattr(instance, _REASON, "")
    if raw or instance.pk is None:
        return
    fields = set(update_fields) if update_fields is not None else None
    if fields is not None and not fields & {"password", "is_active"}:
        return
    # Signing in re-hashes a password whose hasher settings changed (the same password,
    # saved with update_fields=["password"] and no new raw password): not a change.
    if fields == {"password"} and instance._password is None:  # type: ignore[attr-defined]
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    if old["is_active"] and not instance.is_active:
        setattr(instance, _REASON, "kontoen er deaktiveret")
    elif old["password"] != instance.password:
        setattr(instance, _REASON, "adgangskoden er skiftet")


def _revoke_on_credential_change(sender: Any, instance: User, **kwargs: Any) -> None:
    reason = getattr(instance, _REASON, "")
    if reason:
        setattr(instance, _REASON, "")
        revoke_all_api_tokens(instance, reason=reason)
