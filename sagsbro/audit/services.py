"""Writing the audit log. Reads are recorded where objects are fetched for a user (API and
views), writes in the service layer, both through `record`."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditChainHead, AuditEntry

# Whoever acts: a signed-in user, an anonymous visitor, or the system itself (None).
Actor = AbstractBaseUser | AnonymousUser | None


class CaseLike(Protocol):
    """What the audit log needs of a case; the audit app sits below the cases app."""

    @property
    def pk(self) -> Any: ...

    @property
    def citizen_id(self) -> int: ...


@dataclass(frozen=True)
class Subject:
    """What an entry is about: an object, and the case and citizen it belongs to."""

    object_type: str
    object_id: object
    case_id: int | None = None
    citizen_id: int | None = None


def _entry_hash(previous: str, fields: dict[str, object]) -> str:
    payload = json.dumps(fields, sort_keys=True, default=str)
    return hashlib.sha256((previous + payload).encode()).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, object]:
    return {
        "at": entry.at.isoformat(),
        "user_id": entry.user_id,
        "username": entry.username,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "case_id": entry.case_id,
        "citizen_id": entry.citizen_id,
        "detail": entry.detail,
        "channel": entry.channel,
    }


def record_many(
    user: Actor, action: str, subjects: Iterable[Subject], *, detail: str = "", channel: str = "api"
) -> list[AuditEntry]:
    """Append one entry per subject, chained to the one before, in the caller's transaction."""
    subjects = list(subjects)
    if not subjects:
        return []
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        previous = head.last_hash
        now = timezone.now()
        entries = []
        for subject in subjects:
            entry = AuditEntry(
                at=now,
                user_id=user.pk if user is not None and user.is_authenticated else None,
                username=getattr(user, "username", "") or "",
                role=getattr(user, "role", "") or "",
                action=action,
                object_type=subject.object_type,
                object_id=str(subject.object_id),
                case_id=subject.case_id,
                citizen_id=subject.citizen_id,
                detail=detail[:200],
                channel=channel,
            )
            entry.previous_hash = previous
            entry.entry_hash = previous = _entry_hash(previous, _fields(entry))
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        AuditChainHead.objects.filter(id=1).update(last_hash=previous)
    return entries


def record(
    user: Actor, action: str, subject: Subject, *, detail: str = "", channel: str = "api"
) -> AuditEntry:
    return record_many(user, action, [subject], detail=detail, channel=channel)[0]


def case_subject(case: CaseLike) -> Subject:
    return Subject("case", case.pk, case_id=case.pk, citizen_id=case.citizen_id)


def verify_chain() -> int | None:
    """Return the id of the first entry whose hash does not follow, or None if all hold."""
    previous = "0" * 64
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.previous_hash != previous or entry.entry_hash != _entry_hash(
            previous, _fields(entry)
        ):
            return entry.pk
        previous = entry.entry_hash
    return None
