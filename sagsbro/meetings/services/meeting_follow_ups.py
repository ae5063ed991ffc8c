"""Follow-ups agreed at the meeting (e.g. "the coordinator contacts the GP by <date>", O-55):
each has an owner and a due date, is on the owner's worklist while open, and is marked done."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.services import common
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.models import Attendee, Booking, FollowUp, MeetingDay
from sagsbro.meetings.services.holding import is_municipality_staff
from sagsbro.meetings.services.indstilling import visible_booking
from sagsbro.organisations.models import User

MAX_TEXT = 300


def follow_up_subject(follow_up: FollowUp) -> Subject:
    return Subject("follow_up", follow_up.pk, follow_up.case_id, follow_up.case.citizen_id)


def may_agree_follow_ups(user: User, meeting: MeetingDay) -> bool:
    """The municipality's people and the day's coordinator write down what was agreed."""
    return is_municipality_staff(user, meeting) or meeting.coordinator_id == user.pk


def possible_owners(booking: Booking) -> list[User]:
    """Who can own a follow-up: the day's coordinator, the team at the meeting (with a login),
    and the case's caseworker."""
    meeting = booking.meeting
    ids: list[int] = []
    if meeting.coordinator_id:
        ids.append(meeting.coordinator_id)
    ids += [
        pk
        for pk in Attendee.objects.filter(meeting=meeting, user__isnull=False).values_list(
            "user_id", flat=True
        )
        if pk is not None
    ]
    caseworker_id = getattr(booking.case, "caseworker_id", None)
    if caseworker_id:
        ids.append(caseworker_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    seen: list[User] = []
    for pk in ids:
        if pk in users and users[pk] not in seen:
            seen.append(users[pk])
    return seen


@transaction.atomic
def add_follow_up(
    user: User,
    booking: Booking,
    *,
    owner: User | None,
    text: str,
    due: datetime.date | None,
    channel: str = "api",
) -> FollowUp:
    booking = visible_booking(user, booking, lock=True)
    meeting = booking.meeting
    if not may_agree_follow_ups(user, meeting):
        raise PermissionRefused(
            "role_not_allowed",
            "Kun kommunens folk og mødets sundhedskoordinator kan skrive aftaler fra mødet.",
        )
    if meeting.state != MeetingDay.State.HELD and common.local_today() != meeting.date:
        raise ServiceError(
            "not_writable",
            f"Aftaler fra mødet skrives på mødet den {meeting.date:%d.%m.%Y} eller efter det.",
        )
    text = " ".join((text or "").split())
    if not text:
        message = "Skriv, hvad der er aftalt."
        raise ServiceError("required", message, fields={"text": [message]})
    if len(text) > MAX_TEXT:
        message = f"Højst {MAX_TEXT} tegn."
        raise ServiceError("too_long", message, fields={"text": [message]})
    if due is None:
        message = "Angiv, hvornår det senest skal være gjort."
        raise ServiceError("required", message, fields={"due": [message]})
    if due < meeting.date:
        message = "Fristen kan ikke ligge før mødet."
        raise ServiceError("date_in_past", message, fields={"due": [message]})
    if owner is None or owner not in possible_owners(booking):
        message = (
            "Vælg en ansvarlig blandt mødets sundhedskoordinator, teamets deltagere og "
            "sagsbehandleren."
        )
        raise ServiceError("invalid_owner", message, fields={"owner": [message]})
    follow_up = FollowUp.objects.create(
        case=booking.case, booking=booking, owner=owner, text=text, due=due, created_by=user
    )
    case = booking.case
    record_event(
        case,
        user,
        EventKind.FOLLOW_UP_ADDED,
        f"Aftale fra mødet: {owner.get_full_name() or owner.username} senest {due:%d.%m.%Y}",
        from_state=case.state,
        data={"follow_up_id": follow_up.pk, "owner": owner.pk, "due": due.isoformat()},
    )
    record(user, AuditEntry.Action.CREATE, follow_up_subject(follow_up), channel=channel)
    return follow_up


def may_complete(user: User, follow_up: FollowUp) -> bool:
    meeting = follow_up.booking.meeting if follow_up.booking else None
    return follow_up.owner_id == user.pk or (
        meeting is not None and is_municipality_staff(user, meeting)
    )


@transaction.atomic
def mark_follow_up_done(user: User, follow_up: FollowUp, *, channel: str = "api") -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("case__citizen", "booking__meeting")
        .get(pk=follow_up.pk)
    )
    # The owner always sees their own task; anyone else must know of the meeting and case.
    if follow_up.owner_id != user.pk and follow_up.booking is not None:
        visible_booking(user, follow_up.booking)
    if not may_complete(user, follow_up):
        raise PermissionRefused(
            "not_owner", "Kun den ansvarlige eller kommunens folk kan markere aftalen som gjort."
        )
    if follow_up.done_at is not None:
        raise ServiceError(
            "already_done", f"Aftalen blev markeret som gjort {follow_up.done_at:%d.%m.%Y}."
        )
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["done_at"])
    case = follow_up.case
    record_event(
        case,
        user,
        EventKind.FOLLOW_UP_DONE,
        "Aftale fra mødet gjort",
        from_state=case.state,
        data={"follow_up_id": follow_up.pk},
    )
    record(
        user,
        AuditEntry.Action.UPDATE,
        follow_up_subject(follow_up),
        detail="done",
        channel=channel,
    )
    return follow_up


def open_follow_ups_query(user: User) -> QuerySet[FollowUp]:
    """The user's own open follow-ups, soonest due first (the API pages through them)."""
    return (
        FollowUp.objects.filter(owner=user, done_at__isnull=True)
        .select_related("case", "case__citizen", "booking__meeting")
        .order_by("due", "id")
    )


def open_follow_ups_for(user: User) -> list[FollowUp]:
    """The first 100 of the user's open follow-ups (the worklist's section)."""
    return list(open_follow_ups_query(user)[:100])
