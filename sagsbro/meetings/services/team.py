"""The team at a meeting day: who attends, the area each represents, the chair and the
minute-taker; and the composition warnings shown before the meeting (O-53)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import record
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.models import Attendee, Booking, MeetingDay
from sagsbro.meetings.rules import team as rules
from sagsbro.meetings.services.meeting_days import lock_day, meeting_day_subject, require_planned
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import MUNICIPAL_ROLES, Role


@dataclass(frozen=True)
class AttendeeInput:
    name: str
    area: str
    user_id: int | None = None
    chair: bool = False
    minute_taker: bool = False


def may_set_team(user: User, meeting: MeetingDay) -> bool:
    """The municipality whose team meets, or the region's secretariat (which places the
    coordinator at the table)."""
    if user.role in MUNICIPAL_ROLES and user.municipality_id == meeting.municipality_id:
        return True
    return user.role == Role.SECRETARIAT and user.region_id == meeting.municipality.region_id


def _member(attendee: Attendee | AttendeeInput) -> rules.Member:
    # The same user entered twice is one person whatever the name typed; without a user the
    # name (case-insensitive) identifies them.
    person = f"#{attendee.user_id}" if attendee.user_id else attendee.name.strip().casefold()
    return rules.Member(
        person=person,
        area=rules.Area(attendee.area),
        chair=attendee.chair,
        minute_taker=attendee.minute_taker,
    )


def _named(members: Sequence[rules.Member], names: dict[str, str]) -> list[rules.Member]:
    """The members with the person shown by name in warnings (not an internal id)."""
    return [
        rules.Member(names.get(m.person, m.person), m.area, m.chair, m.minute_taker)
        for m in members
    ]


def citizens_on_agenda(meeting: MeetingDay) -> list[rules.CitizenOnAgenda]:
    rows = (
        Booking.objects.filter(meeting=meeting, state=Booking.State.BOOKED)
        .order_by("position", "id")
        .values_list(
            "case__reference",
            "case__citizen__under_30_without_education",
            "case__citizen__has_children",
        )
    )
    return [rules.CitizenOnAgenda(ref, under_30, children) for ref, under_30, children in rows]


def warnings_for(
    attendees: Sequence[Attendee | AttendeeInput], citizens: Sequence[rules.CitizenOnAgenda]
) -> list[rules.CompositionWarning]:
    members = [_member(a) for a in attendees]
    names: dict[str, str] = {}
    for member, attendee in zip(members, attendees, strict=True):
        names.setdefault(member.person, attendee.name.strip())  # as first entered
    return rules.composition_warnings(_named(members, names), citizens)


def team_warnings(meeting: MeetingDay) -> list[rules.CompositionWarning]:
    """The composition warnings of the day's team against the cases on its agenda."""
    return warnings_for(list(meeting.attendees.all()), citizens_on_agenda(meeting))


@transaction.atomic
def set_attendees(
    user: User, meeting: MeetingDay, attendees: Sequence[AttendeeInput], *, channel: str = "api"
) -> list[Attendee]:
    """Replace the day's attendee list. Refused: an unknown area, a missing name, more than
    one chair or minute-taker, a user from outside the municipality and its region. The
    composition is warned about (team_warnings), not refused."""
    meeting = lock_day(meeting)
    if not may_set_team(user, meeting):
        raise PermissionRefused(
            "permission_denied", "Kun kommunen eller regionens sekretariat kan sætte holdet."
        )
    require_planned(meeting, "holdet kan ikke ændres.")
    areas = {str(a) for a in rules.Area}
    for row in attendees:
        if not row.name.strip():
            raise ServiceError(
                "required", "Skriv deltagerens navn.", fields={"name": ["Skriv navnet."]}
            )
        if row.area not in areas:
            raise ServiceError(
                "invalid_area", "Vælg et område.", fields={"area": ["Vælg et gyldigt område."]}
            )
    errors = rules.role_errors([_member(a) for a in attendees])
    if errors:
        raise ServiceError("invalid_roles", " ".join(errors), fields={"roles": errors})
    user_ids = {a.user_id for a in attendees if a.user_id}
    allowed = set(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .filter(municipality_id=meeting.municipality_id)
        .values_list("pk", flat=True)
    ) | set(
        User.objects.filter(
            pk__in=user_ids, is_active=True, region_id=meeting.municipality.region_id
        ).values_list("pk", flat=True)
    )
    if user_ids - allowed:
        raise ServiceError(
            "invalid_attendee",
            "En deltager hører ikke til kommunen eller regionen.",
            fields={"user": ["Vælg en person fra kommunen eller regionen."]},
        )
    meeting.attendees.all().delete()
    rows = Attendee.objects.bulk_create(
        [
            Attendee(
                meeting=meeting,
                user_id=a.user_id,
                name=a.name.strip()[:200],
                area=a.area,
                chair=a.chair,
                minute_taker=a.minute_taker,
            )
            for a in attendees
        ]
    )
    record(
        user,
        AuditEntry.Action.UPDATE,
        meeting_day_subject(meeting),
        detail=f"attendees: {len(rows)}",
        channel=channel,
    )
    return rows
