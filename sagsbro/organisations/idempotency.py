"""The stored answers to API create requests sent with an ``Idempotency-Key`` header: finding
the earlier answer for a key, claiming a key, and deleting expired answers. The HTTP side (the
header, the replay, the schema) is ``organisations.api.idempotency``."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sagsbro.organisations.models import IdempotencyRecord, User

# How long a retry gets the first answer. Clients retry within minutes; a day covers a
# client that retries after an outage, and the stored answers do not stay longer.
DEFAULT_TTL = timedelta(hours=24)


class KeyTaken(Exception):
    """Another request with the same key claimed it first (and has committed by now on
    PostgreSQL, or is still running)."""


def ttl() -> timedelta:
    value = getattr(settings, "IDEMPOTENCY_KEY_TTL", DEFAULT_TTL)
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def key_hash(key: str) -> str:
    """Only the key's hash is stored: a key is the client's secret for the request."""
    return hashlib.sha256(key.encode()).hexdigest()


def _cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - ttl()


def earlier_answer(user: User, hashed_key: str) -> IdempotencyRecord | None:
    """The unexpired answer to an earlier request of `user` with the key."""
    return IdempotencyRecord.objects.filter(
        user=user, key_hash=hashed_key, created_at__gte=_cutoff()
    ).first()


def claim(user: User, hashed_key: str, method: str, path: str, request_hash: str) -> int:
    """Reserve the key for this request; call inside the request's transaction, so the claim
    and the object it makes are committed together or not at all. A simultaneous request
    with the same key waits for this one's transaction (the unique constraint) and then gets
    :class:`KeyTaken`. Returns the record's id, for :func:`remember`."""
    IdempotencyRecord.objects.filter(
        user=user, key_hash=hashed_key, created_at__lt=_cutoff()
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user,
                key_hash=hashed_key,
                method=method,
                path=path[:500],
                request_hash=request_hash,
                response_status=0,
                response_body=None,
            )
    except IntegrityError as exc:
        raise KeyTaken from exc
    return record.pk


def remember(record_id: int, status: int, body: object) -> None:
    """Keep the answer the request got, for its retries."""
    IdempotencyRecord.objects.filter(pk=record_id).update(
        response_status=status, response_body=body
    )


def forget(record_id: int) -> None:
    """An answer not worth replaying (the request was refused): a retry runs again."""
    IdempotencyRecord.objects.filter(pk=record_id).delete()


def purge_expired(now: datetime | None = None) -> int:
    """Delete the answers older than the time to live; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_cutoff(now)).delete()
    return deleted
