"""Holding a meeting day: who attended, whether each citizen was there, and the outcome of each
case on the agenda. One transaction: every treated case moves through the existing
``hold_meeting`` transition (its state, event, audit entry and deadlines), or nothing is
written at all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import TRANSITIONS
from sagsbro.cases.services import common
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.access import meeting_days_visible_to
from sagsbro.meetings.models import Attendee, Booking, MeetingDay
from sagsbro.meetings.services.meeting import hold_meeting
from sagsbro.meetings.services.meeting_days import meeting_day_subject
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import MUNICIPAL_ROLES

# Outcomes after which the case was treated at the meeting (moved to "møde holdt").
TREATED = frozenset({Booking.Outcome.INDSTILLING, Booking.Outcome.ADVICE})
OUTCOMES = frozenset(o for o in Booking.Outcome if o != Booking.Outcome.NONE)


@dataclass(frozen=True)
class BookingResult:
    """What happened to one case at the meeting."""

    outcome: str
    citizen_present: bool | None = None


def visible_meeting(user: User, meeting: MeetingDay, *, lock: bool = False) -> MeetingDay:
    """The meeting day, when the user may know of it; 404 otherwise."""
    days = meeting_days_visible_to(user)
    if lock:
        days = days.select_for_update(of=("self",))
    found = days.filter(pk=meeting.pk).first()
    if found is None:
        raise ServiceError("not_found", "Mødedagen findes ikke.", status=404)
    return found


def is_municipality_staff(user: User, meeting: MeetingDay) -> bool:
    """The municipality's team member or caseworker (the roles of the hold_meeting rule)."""
    return user.role in MUNICIPAL_ROLES and user.municipality_id == meeting.municipality_id


def may_hold(user: User, meeting: MeetingDay) -> bool:
    return is_municipality_staff(user, meeting)


def _refuse(code: str, message: str, field: str | None = None) -> ServiceError:
    return ServiceError(code, message, fields={field: [message]} if field else None)


@transaction.atomic
def hold_meeting_day(
    user: User,
    meeting: MeetingDay,
    *,
    attendance: Mapping[int, bool],
    bookings: Mapping[int, BookingResult],
    channel: str = "api",
) -> MeetingDay:
    """Record the meeting day as held (BEK § 8: on or after its date; O-56: with the
    coordinator). ``attendance`` maps attendee ids to present; an attendee not named did not
    attend. ``bookings`` gives the outcome of every case on the agenda."""
    meeting = visible_meeting(user, meeting, lock=True)
    if not may_hold(user, meeting):
        raise PermissionRefused(
            "role_not_allowed",
            "Kun kommunens rehabiliteringsteam og sagsbehandlere kan registrere mødet som holdt.",
        )
    if meeting.state == MeetingDay.State.HELD:
        raise _refuse("already_held", "Mødet er allerede registreret som holdt.")
    if meeting.state == MeetingDay.State.CANCELLED:
        raise _refuse("cancelled", "Mødet er aflyst og kan ikke registreres som holdt.")
    today = common.local_today()
    if meeting_rules.meeting_held_too_early(meeting.date, today):
        raise _refuse(
            "meeting_not_reached",
            f"Mødet kan ikke registreres som holdt før mødedatoen {meeting.date:%d.%m.%Y}.",
        )
    if meeting.kind == MeetingDay.Kind.TEAM and meeting.coordinator_id is None:
        raise _refuse(
            "coordinator_missing",
            "Mødet kan ikke holdes uden sundhedskoordinator (evalueringen, afsnit om mødet).",
        )

    attendees = {a.pk: a for a in Attendee.objects.filter(meeting=meeting)}
    unknown = [pk for pk in attendance if pk not in attendees]
    if unknown:
        raise _refuse(
            "unknown_attendee", "En af deltagerne hører ikke til denne mødedag.", "attendance"
        )
    active = {
        b.pk: b
        for b in Booking.objects.filter(meeting=meeting, state=Booking.State.BOOKED)
        .select_related("case")
        .order_by("position", "id")
    }
    if any(pk not in active for pk in bookings):
        raise _refuse(
            "unknown_booking", "En af sagerne er ikke på dagsordenen for denne mødedag.", "bookings"
        )
    missing = [b.case.reference for pk, b in active.items() if pk not in bookings]
    if missing:
        raise _refuse(
            "outcome_missing",
            "Angiv udfaldet for hver sag på dagsordenen; det mangler for "
            + ", ".join(missing)
            + ".",
            "bookings",
        )
    for pk, result in bookings.items():
        if result.outcome not in OUTCOMES:
            raise _refuse(
                "invalid_outcome",
                f"Ukendt udfald for sag {active[pk].case.reference}.",
                "bookings",
            )

    for pk, attendee in attendees.items():
        attendee.present = bool(attendance.get(pk, False))
    Attendee.objects.bulk_update(list(attendees.values()), ["present"])

    hold_rule = TRANSITIONS["hold_meeting"]
    for pk, booking in active.items():
        result = bookings[pk]
        case = booking.case
        if result.outcome in TREATED and case.subtype in hold_rule.subtypes:
            try:
                hold_meeting(user, case, channel)
            except ServiceError as exc:
                # Say which case stopped it: the whole day is left as it was.
                raise ServiceError(
                    exc.code, f"Sag {case.reference}: {exc.message}", status=exc.status
                ) from exc
            case = Case.objects.get(pk=case.pk)
        booking.outcome = result.outcome
        booking.citizen_present = result.citizen_present
        # A case not treated leaves the agenda, so it can be booked onto another meeting.
        booking.state = Booking.State.HELD if result.outcome in TREATED else Booking.State.CANCELLED
        booking.save(update_fields=["outcome", "citizen_present", "state"])
        record_event(
            case,
            user,
            EventKind.MEETING_OUTCOME,
            f"Møde {meeting.date:%d.%m.%Y}: {Booking.Outcome(result.outcome).label}",
            from_state=case.state,
            data={
                "meeting_day": meeting.pk,
                "booking": booking.pk,
                "outcome": result.outcome,
                "citizen_present": result.citizen_present,
            },
        )

    meeting.state = MeetingDay.State.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["state", "held_at"])
    record(
        user,
        AuditEntry.Action.TRANSITION,
        meeting_day_subject(meeting),
        detail="held",
        channel=channel,
    )
    return meeting
