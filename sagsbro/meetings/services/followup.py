"""The ressourceforløb's follow-up (procedure 002 Genforelæggelse; O-57): the municipality's
caseworker records when the forløb began and when its first effort started; 6 months after
the start without a started effort the case is due for genforelæggelse, and the caseworker's
worklist shows it (``due_follow_ups``) until the genforelæggelsessag is created through
``reopen_as_genforelaeggelse``."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import access as case_access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import Purpose
from sagsbro.cases.rules.workflow import TEAM_SUBTYPES, State
from sagsbro.cases.services import common
from sagsbro.cases.services.common import audit_case_write, locked
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.services import blob_files_atomic
from sagsbro.meetings.models import ForloebFollowUp, MeetingDay
from sagsbro.meetings.rules import followup as rules
from sagsbro.meetings.services.booking import active_booking, book_case, move_booking
from sagsbro.meetings.services.meeting import reopen_as_genforelaeggelse
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role
from sagsbro.workdays.services import configured_calendar

# The forløb begins after the team's meeting: its dates are recorded from then on.
FOLLOW_UP_STATES = frozenset({State.MEETING_HELD, State.CLOSED})
# A genforelæggelse is created at the latest 5 working days before its meeting (002).
GENFORELAEGGELSE_WORKING_DAYS = 5


def is_forloeb_case(case: Case) -> bool:
    """A team case (or an earlier genforelæggelse) about ressourceforløb."""
    return case.subtype in TEAM_SUBTYPES and case.purpose == Purpose.RESSOURCEFORLOEB


def may_record_forloeb(user: User, case: Case) -> bool:
    """The municipality's caseworker records the dates, once the meeting is held."""
    return (
        case_access.owns_case(user, case)
        and is_forloeb_case(case)
        and case.state in FOLLOW_UP_STATES
    )


def follow_up_of(case: Case) -> ForloebFollowUp | None:
    return ForloebFollowUp.objects.filter(case=case).first()


@transaction.atomic
def record_forloeb(
    user: User,
    case: Case,
    *,
    started_on: datetime.date | None,
    first_effort_started_on: datetime.date | None = None,
    channel: str = "api",
) -> ForloebFollowUp:
    """Record (or correct) when the ressourceforløb began and when its first effort started;
    one event for each date that changed, one audit entry."""
    case = locked(case)
    if not case_access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if not case_access.owns_case(user, case):
        raise PermissionRefused(
            "not_caseworker",
            "Kun kommunens sagsbehandler kan registrere ressourceforløbets datoer.",
        )
    if not is_forloeb_case(case):
        raise ServiceError(
            "not_ressourceforloeb",
            "Ressourceforløbets datoer registreres kun på sager i rehabiliteringsteamet om "
            "ressourceforløb (procedure Genforelæggelse).",
        )
    if case.state not in FOLLOW_UP_STATES:
        raise ServiceError(
            "invalid_state",
            "Ressourceforløbets datoer registreres, når rehabiliteringsteamets møde er holdt.",
        )
    errors = rules.check_dates(started_on, first_effort_started_on, common.local_today())
    if errors:
        first = next(iter(errors.values()))
        raise ServiceError(
            "invalid_date", first, fields={field: [msg] for field, msg in errors.items()}
        )
    assert started_on is not None  # check_dates refuses a missing start
    follow_up = ForloebFollowUp.objects.select_for_update().filter(case=case).first()
    old_start = follow_up.started_on if follow_up else None
    old_effort = follow_up.first_effort_started_on if follow_up else None
    if follow_up is not None and (old_start, old_effort) == (started_on, first_effort_started_on):
        return follow_up
    if follow_up is None:
        follow_up = ForloebFollowUp(case=case)
    follow_up.started_on = started_on
    follow_up.first_effort_started_on = first_effort_started_on
    follow_up.effort_deadline = rules.effort_deadline(started_on)
    follow_up.recorded_by = user
    follow_up.save()
    if started_on != old_start:
        record_event(
            case,
            user,
            EventKind.FORLOEB_STARTED,
            f"Ressourceforløbet begyndte {started_on:%d.%m.%Y}; første indsats skal være "
            f"startet senest {follow_up.effort_deadline:%d.%m.%Y}",
            from_state=case.state,
            data={
                "from": old_start.isoformat() if old_start else None,
                "to": started_on.isoformat(),
            },
        )
    if first_effort_started_on != old_effort:
        label = (
            f"Første indsats i ressourceforløbet startede {first_effort_started_on:%d.%m.%Y}"
            if first_effort_started_on
            else "Datoen for første indsats i ressourceforløbet er fjernet"
        )
        record_event(
            case,
            user,
            EventKind.FORLOEB_EFFORT_STARTED,
            label,
            from_state=case.state,
            data={
                "from": old_effort.isoformat() if old_effort else None,
                "to": first_effort_started_on.isoformat() if first_effort_started_on else None,
            },
        )
    action = AuditEntry.Action.UPDATE if old_start else AuditEntry.Action.CREATE
    audit_case_write(user, case, action, "ressourceforløbets datoer", channel)
    return follow_up


def due_follow_ups(user: User, today: datetime.date | None = None) -> QuerySet[ForloebFollowUp]:
    """The caseworker's ressourceforløb cases due for genforelæggelse: 6 months after the
    start without an effort started in time, and no genforelæggelse made from them yet (a
    withdrawn one does not count). Empty for every other role."""
    if user.role != Role.CASEWORKER:
        return ForloebFollowUp.objects.none()
    today = today or common.local_today()
    reopened = Case.objects.filter(
        parent=OuterRef("case"), subtype=Subtype.GENFORELAEGGELSE
    ).exclude(state=State.WITHDRAWN)
    # The rule in SQL: past the deadline, and no effort on or before it (rules/followup.py).
    return (
        ForloebFollowUp.objects.filter(
            case__in=Case.objects.visible_to(user).filter(caseworker=user),
            effort_deadline__lt=today,
        )
        .exclude(first_effort_started_on__lte=F("effort_deadline"))
        .exclude(Exists(reopened))
        .select_related("case", "case__citizen")
        .order_by("effort_deadline", "id")
    )


def genforelaeggelse_meetings(
    case: Case, today: datetime.date | None = None, limit: int = 8
) -> list[MeetingDay]:
    """The municipality's planned team meetings a genforelæggelse made today can go to: at
    least 5 working days ahead (procedure Genforelæggelse), earliest first."""
    today = today or common.local_today()
    earliest = configured_calendar().add_working_days(today, GENFORELAEGGELSE_WORKING_DAYS)
    return list(
        MeetingDay.objects.filter(
            municipality_id=case.municipality_id,
            kind=MeetingDay.Kind.TEAM,
            state=MeetingDay.State.PLANNED,
            date__gte=earliest,
        ).order_by("date", "start_time", "id")[:limit]
    )


@blob_files_atomic
def reopen_for_meeting(user: User, case: Case, meeting: MeetingDay, channel: str = "api") -> Case:
    """The genforelæggelsessag onto one of the municipality's meeting days, in one
    transaction: the earlier case reopened with its documents and advice, and booked onto the
    day (a refused booking undoes the reopening)."""
    if (
        meeting.municipality_id != case.municipality_id
        or meeting.kind != MeetingDay.Kind.TEAM
        or meeting.state != MeetingDay.State.PLANNED
    ):
        message = "Vælg et planlagt møde i kommunens rehabiliteringsteam."
        raise ServiceError("invalid_meeting", message, fields={"meeting": [message]})
    new = reopen_as_genforelaeggelse(user, case, meeting.date, channel)
    # Creating the case with the day's date books it through the meeting-date hook (every
    # booking rule checked); book it here when the hook did not (another day that date).
    booking = active_booking(new)
    if booking is None or booking.meeting_id != meeting.pk:
        if booking is None:
            book_case(user, new, meeting, channel=channel)
        else:
            move_booking(
                user, new, meeting, reason="Genforelæggelse til det valgte møde", channel=channel
            )
    return Case.objects.get(pk=new.pk)
