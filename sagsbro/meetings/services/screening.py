"""The coordinator's screening of each case on the agenda: "tilstrækkeligt belyst" or
"anbefaler udsættelse" with a reason (the evaluation, the meeting's preparation).

When the case still waits for its screening feedback (state "assigned") and the screener is
its coordinator, the one act is the case's existing screening transition
(meeting.record_screening), which also marks the booking. Otherwise (a screening given again,
e.g. a changed verdict) only the booking is marked, with an event on the case. Either way
the caseworker sees it at once: on the case's history, on the
agenda, and, when postponement is recommended, in "Afventer dig" (meetings.worklist)."""

from __future__ import annotations

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import TEAM_SUBTYPES, State
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.common import audit_case_write
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.services.coordination import conflicts_of
from sagsbro.meetings.services.meeting import mark_booking_screened, record_screening
from sagsbro.organisations.models import User

CLARIFIED_TEXT = "Sagen er tilstrækkeligt belyst til mødet."


def may_screen(user: User, booking: Booking) -> bool:
    """The case's coordinator; or the day's coordinator when they may see the case (its
    material is what they screen)."""
    if user.pk is None:
        return False
    if booking.case.coordinator_id == user.pk:
        return True
    return (
        booking.meeting.coordinator_id == user.pk
        and Case.objects.visible_to(user).filter(pk=booking.case_id).exists()
    )


def _takes_transition(user: User, booking: Booking) -> bool:
    case = booking.case
    return (
        case.state == State.ASSIGNED
        and case.coordinator_id == user.pk
        and case.subtype_enum in TEAM_SUBTYPES
    )


def screen_booking(
    user: User, booking: Booking, *, clarified: bool, reason: str = "", channel: str = "api"
) -> Booking:
    booking = Booking.objects.select_related("meeting", "case__citizen").get(pk=booking.pk)
    if not may_screen(user, booking):
        raise PermissionRefused(
            "permission_denied",
            "Kun sagens sundhedskoordinator kan screene sagen.",
        )
    if booking.state != Booking.State.BOOKED or booking.meeting.state != MeetingDay.State.PLANNED:
        raise ServiceError("not_booked", "Sagen er ikke længere på et planlagt mødes dagsorden.")
    reason = (reason or "").strip()
    if not clarified and not reason:
        message = "Skriv, hvorfor du anbefaler udsættelse."
        raise ServiceError("required", message, fields={"reason": [message]})
    if _takes_transition(user, booking):
        # Its own transaction, checked for § 12 stk. 2 by the transition (assignee_act).
        record_screening(
            user,
            booking.case,
            text=reason or CLARIFIED_TEXT,
            medically_clarified=clarified,
            treatment_exhausted=None,
            channel=channel,
        )
        return Booking.objects.get(pk=booking.pk)
    return _screen_assigned_case(
        user, booking.case, booking=booking, clarified=clarified, reason=reason, channel=channel
    )


@assignee_act
def _screen_assigned_case(
    user: User, case: Case, *, booking: Booking, clarified: bool, reason: str, channel: str
) -> Booking:
    # assignee_act: the case's coordinator with a conflict registered since assignment is
    # refused and the case goes back to the secretariat, as at the case's other acts.
    return _screen_booking_only(user, booking, clarified, reason, channel)


@transaction.atomic
def _screen_booking_only(
    user: User, booking: Booking, clarified: bool, reason: str, channel: str
) -> Booking:
    booking = Booking.objects.select_for_update().select_related("case__citizen").get(pk=booking.pk)
    if booking.state != Booking.State.BOOKED:
        raise ServiceError("not_booked", "Sagen er ikke længere på mødets dagsorden.")
    if conflicts_of(user, [booking]):
        raise ServiceError(
            "conflict_of_interest",
            f"Du er inhabil i sag {booking.case.reference} (BEK § 12, stk. 2) og kan ikke "
            "screene den.",
        )
    mark_booking_screened(booking.case, clarified, reason)
    label = (
        "Sundhedskoordinatoren: sagen er tilstrækkeligt belyst"
        if clarified
        else "Sundhedskoordinatoren anbefaler udsættelse"
    )
    record_event(
        booking.case,
        user,
        EventKind.BOOKING_SCREENED,
        label,
        comment=reason,
        data={"booking": booking.pk, "clarified": clarified},
    )
    audit_case_write(
        user, booking.case, AuditEntry.Action.UPDATE, EventKind.BOOKING_SCREENED, channel
    )
    return Booking.objects.get(pk=booking.pk)
