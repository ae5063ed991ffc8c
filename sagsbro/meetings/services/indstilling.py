"""The team's indstilling as a structured record, written at the meeting (BEK § 8): saved by
the municipality's people with a version that goes up on every save (the projector view
follows it), the coordinator's advice written by the day's coordinator (BEK § 8, stk. 1;
O-11), and finalised into a PDF on the case that ``send_indstilling`` then sends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.tasks import TaskResult
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access as cases_access
from sagsbro.cases.events import record_event
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.services import common
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.models import Booking, Indstilling, MeetingDay
from sagsbro.meetings.rules.indstilling import TEAM_FIELDS, vague_goal_hint
from sagsbro.meetings.services.holding import TREATED, is_municipality_staff, visible_meeting
from sagsbro.meetings.tasks import build_indstilling_pdf
from sagsbro.organisations.models import User

MAX_FIELD_LENGTH = 10_000


def indstilling_subject(indstilling: Indstilling) -> Subject:
    return Subject("indstilling", indstilling.pk, indstilling.case_id, indstilling.case.citizen_id)


def visible_booking(user: User, booking: Booking, *, lock: bool = False) -> Booking:
    """The booking, when the user may know of both its meeting day and its case; 404
    otherwise."""
    visible_meeting(user, booking.meeting)
    rows = Booking.objects.select_related("meeting", "case", "case__citizen")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(pk=booking.pk).first()
    # The day's coordinator sits at the table for every case on the agenda (BEK § 8).
    at_the_table = found is not None and found.meeting.coordinator_id == user.pk
    if found is None or not (at_the_table or cases_access.may_see(user, found.case)):
        raise ServiceError("not_found", "Punktet på dagsordenen findes ikke.", status=404)
    return found


def indstilling_of(booking: Booking) -> Indstilling:
    """The booking's indstilling, or a new, unsaved one (version 0)."""
    found = Indstilling.objects.filter(booking=booking).first()
    return found or Indstilling(booking=booking, case=booking.case)


def writing_refusal(booking: Booking, today: Any) -> str | None:
    """Why the indstilling cannot be written now, or None: only on the meeting's date or
    after it was held, for a case that is (or was treated) on the agenda."""
    meeting = booking.meeting
    if meeting.state == MeetingDay.State.CANCELLED:
        return "Mødet er aflyst; der skrives ingen indstilling."
    if booking.state not in (Booking.State.BOOKED, Booking.State.HELD) or (
        booking.state == Booking.State.HELD and booking.outcome not in TREATED
    ):
        return "Sagen blev ikke behandlet på mødet; der skrives ingen indstilling."
    if meeting.state != MeetingDay.State.HELD and today != meeting.date:
        return (
            f"Indstillingen skrives på mødet den {meeting.date:%d.%m.%Y} eller efter, "
            "at mødet er registreret som holdt."
        )
    return None


def _writable(booking: Booking, expected_version: int | None) -> Indstilling:
    refusal = writing_refusal(booking, common.local_today())
    if refusal:
        raise ServiceError("not_writable", refusal)
    indstilling = Indstilling.objects.select_for_update().filter(booking=booking).first()
    if indstilling is None:
        indstilling = Indstilling(booking=booking, case=booking.case)
    if indstilling.finalised_at is not None:
        raise ServiceError(
            "finalised", "Indstillingen er afsluttet og dannet som PDF; den kan ikke ændres."
        )
    if expected_version is not None and expected_version != indstilling.version:
        raise ServiceError(
            "version_conflict",
            "Indstillingen er ændret af en anden, siden du åbnede den. Hent den igen og "
            "skriv dine ændringer ind.",
            status=409,
        )
    return indstilling


def _store(
    user: User,
    indstilling: Indstilling,
    changes: Mapping[str, str],
    channel: str,
    label: str,
) -> Indstilling:
    created = indstilling.pk is None
    for name, value in changes.items():
        setattr(indstilling, name, value)
    indstilling.version += 1
    indstilling.save()
    case = indstilling.case
    record_event(
        case,
        user,
        EventKind.INDSTILLING_SAVED,
        f"{label} (version {indstilling.version})",
        from_state=case.state,
        data={
            "indstilling_id": indstilling.pk,
            "version": indstilling.version,
            "fields": sorted(changes),
        },
    )
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        indstilling_subject(indstilling),
        detail=",".join(sorted(changes)),
        channel=channel,
    )
    return indstilling


def _clean(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, str]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ServiceError(
            "unknown_field",
            "Indstillingen har ikke feltet " + ", ".join(unknown) + ".",
            fields={name: ["Ukendt felt."] for name in unknown},
        )
    cleaned = {}
    for name, value in fields.items():
        text = "" if value is None else str(value)
        if len(text) > MAX_FIELD_LENGTH:
            message = f"Højst {MAX_FIELD_LENGTH} tegn."
            raise ServiceError("too_long", message, fields={name: [message]})
        cleaned[name] = text.replace("\r\n", "\n")
    return cleaned


@transaction.atomic
def save_indstilling(
    user: User,
    booking: Booking,
    fields: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    channel: str = "api",
) -> Indstilling:
    """Save the team's fields of the indstilling (those given); the version goes up by one."""
    booking = visible_booking(user, booking, lock=True)
    if not is_municipality_staff(user, booking.meeting):
        raise PermissionRefused(
            "role_not_allowed",
            "Kun kommunens rehabiliteringsteam og sagsbehandlere kan skrive indstillingen.",
        )
    changes = _clean(fields, TEAM_FIELDS)
    indstilling = _writable(booking, expected_version)
    return _store(user, indstilling, changes, channel, "Indstilling gemt")


@transaction.atomic
def save_coordinator_advice(
    user: User,
    booking: Booking,
    text: str,
    *,
    expected_version: int | None = None,
    channel: str = "api",
) -> Indstilling:
    """The day's coordinator writes the advice given at the meeting into the indstilling
    (BEK § 8, stk. 1: the coordinator's advice is part of it; O-11)."""
    booking = visible_booking(user, booking, lock=True)
    if booking.meeting.coordinator_id != user.pk:
        raise PermissionRefused(
            "role_not_allowed",
            "Kun mødets sundhedskoordinator kan skrive sundhedskoordinatorens rådgivning.",
        )
    changes = _clean({"coordinator_advice": text}, ("coordinator_advice",))
    indstilling = _writable(booking, expected_version)
    return _store(user, indstilling, changes, channel, "Sundhedskoordinatorens rådgivning gemt")


def goal_hint(indstilling: Indstilling) -> str | None:
    """The hint shown while writing when the employment goal is vague."""
    return vague_goal_hint(indstilling.employment_goal)


@transaction.atomic
def finalise_indstilling(
    user: User, booking: Booking, *, channel: str = "api"
) -> tuple[Indstilling, TaskResult[..., Any]]:
    """Close the indstilling for changes and queue its PDF on the case (in this
    transaction: committed with it or not at all). Only after the meeting was held."""
    booking = visible_booking(user, booking, lock=True)
    if not is_municipality_staff(user, booking.meeting):
        raise PermissionRefused(
            "role_not_allowed",
            "Kun kommunens rehabiliteringsteam og sagsbehandlere kan afslutte indstillingen.",
        )
    if booking.meeting.state != MeetingDay.State.HELD or booking.outcome not in TREATED:
        raise ServiceError(
            "meeting_not_held",
            "Indstillingen afsluttes, når mødet er registreret som holdt og sagen er behandlet.",
        )
    indstilling = _writable(booking, None)
    if indstilling.pk is None or not indstilling.employment_goal.strip():
        message = "Skriv beskæftigelses- eller uddannelsesmålet, før indstillingen afsluttes."
        raise ServiceError("required", message, fields={"employment_goal": [message]})
    indstilling.finalised_at = timezone.now()
    indstilling.save(update_fields=["finalised_at"])
    case = indstilling.case
    record_event(
        case,
        user,
        EventKind.INDSTILLING_FINALISED,
        "Indstilling afsluttet; PDF dannes",
        from_state=case.state,
        data={"indstilling_id": indstilling.pk, "version": indstilling.version},
    )
    record(
        user,
        AuditEntry.Action.UPDATE,
        indstilling_subject(indstilling),
        detail="finalised",
        channel=channel,
    )
    task = build_indstilling_pdf.enqueue(indstilling.pk, user.pk)
    return indstilling, task
