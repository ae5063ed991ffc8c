"""The coordinator for a meeting day, and cancelling the day when none can come.

The region's secretariat assigns the health coordinator the region provides for the meeting
(BEK § 21, stk. 1): a coordinator of that region, free at that time, and without a conflict
of interest in any case on the agenda (BEK § 12, stk. 2). When the coordinator drops out and
no other can come, the meeting is cancelled (a meeting is not held without one, O-56): its
cases lose their booking and their meeting date, their deadlines are recomputed, and each
case waits for its caseworker to choose a new meeting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import record
from sagsbro.cases.events import record_event
from sagsbro.cases.filters import open_states
from sagsbro.cases.models import OPEN_CASE, Case
from sagsbro.cases.rules import conflict as conflict_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.services.common import audit_case_write, require_text
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules import coordination as rules
from sagsbro.meetings.services.meeting_days import lock_day, meeting_day_subject, require_planned
from sagsbro.organisations.models import Citizen, TreatmentRelation, User
from sagsbro.organisations.roles import MUNICIPAL_ROLES, Role


def _doctor_ref(user: User) -> conflict_rules.DoctorRef:
    return conflict_rules.DoctorRef(authorisation_id=user.authorisation_id or None, user_id=user.pk)


def _region_id(meeting: MeetingDay) -> int:
    return int(meeting.municipality.region_id)


def may_assign_coordinator(user: User, meeting: MeetingDay) -> bool:
    """The secretariat of the region of the meeting's municipality."""
    return user.role == Role.SECRETARIAT and user.region_id == _region_id(meeting)


def may_cancel(user: User, meeting: MeetingDay) -> bool:
    """The region's secretariat, or the municipality whose meeting it is."""
    if may_assign_coordinator(user, meeting):
        return True
    return user.role in MUNICIPAL_ROLES and user.municipality_id == meeting.municipality_id


def _active_bookings(meeting: MeetingDay) -> list[Booking]:
    return list(
        Booking.objects.filter(meeting=meeting, state=Booking.State.BOOKED)
        .select_related("case__citizen__general_practitioner", "case__caseworker")
        .order_by("position", "id")
    )


def _relations_by_citizen(
    citizens: Iterable[Citizen],
) -> dict[int, list[conflict_rules.TreatmentRelation]]:
    """The citizens' treatment relations (BEK § 12 stk. 2) in one query, built as the case
    assignment builds them (cases.services.assignment.treatment_relations): every registered
    relation, and the current GP."""
    citizens = list(citizens)
    relations: dict[int, list[conflict_rules.TreatmentRelation]] = defaultdict(list)
    rows = TreatmentRelation.objects.filter(citizen__in=[c.pk for c in citizens]).select_related(
        "doctor"
    )
    for row in rows:
        relations[row.citizen_id].append(
            conflict_rules.TreatmentRelation(
                _doctor_ref(row.doctor), conflict_rules.RelationKind(row.kind)
            )
        )
    for citizen in citizens:
        gp = citizen.general_practitioner if citizen.general_practitioner_id else None
        if gp is not None:
            relations[citizen.pk].append(
                conflict_rules.TreatmentRelation(
                    _doctor_ref(gp),
                    conflict_rules.RelationKind.CURRENT_GP,
                )
            )
    return relations


def conflicts_of(person: User, bookings: list[Booking]) -> dict[int, str]:
    """case id -> case reference of each booked case ``person`` may not advise in."""
    relations = _relations_by_citizen(
        {b.case.citizen_id: b.case.citizen for b in bookings}.values()
    )
    me = _doctor_ref(person)
    return {
        b.case_id: b.case.reference
        for b in bookings
        if conflict_rules.find_conflict(me, relations.get(b.case.citizen_id, [])) is not None
    }


def day_coordinator_conflicts(meeting: MeetingDay) -> dict[int, str]:
    """case id -> case reference of each case on the agenda in which the day's coordinator
    has a conflict of interest (BEK § 12, stk. 2); empty without a coordinator. The booking
    page and the agenda warn the secretariat with it."""
    if meeting.coordinator_id is None:
        return {}
    coordinator = meeting.coordinator
    assert coordinator is not None
    return conflicts_of(coordinator, _active_bookings(meeting))


def booking_conflict_warning(meeting: MeetingDay, case: Case) -> str:
    """The warning to show when ``case`` is (to be) booked onto ``meeting`` and the day's
    coordinator has a conflict with it; "" when there is none."""
    if meeting.coordinator_id is None:
        return ""
    coordinator = meeting.coordinator
    assert coordinator is not None
    citizen = case.citizen
    relations = _relations_by_citizen([citizen]).get(citizen.pk, [])
    if conflict_rules.find_conflict(_doctor_ref(coordinator), relations) is None:
        return ""
    return (
        f"Mødedagens sundhedskoordinator er inhabil i sag {case.reference} (BEK § 12, stk. 2). "
        "Sekretariatet skal finde en anden sundhedskoordinator til mødet."
    )


def _busy_coordinators(meeting: MeetingDay, people: list[int]) -> set[int]:
    others = MeetingDay.objects.filter(
        coordinator_id__in=people, date=meeting.date, state=MeetingDay.State.PLANNED
    ).exclude(pk=meeting.pk)
    span = rules.TimeSpan(meeting.date, meeting.start_time, meeting.end_time)
    return {
        day.coordinator_id
        for day in others
        if day.coordinator_id is not None
        and rules.overlaps(span, rules.TimeSpan(day.date, day.start_time, day.end_time))
    }


@dataclass
class Candidate:
    """A coordinator of the region as a candidate for the day, with what the page shows."""

    user: User
    workload: rules.Workload
    available: bool
    conflicts: dict[int, str] = field(default_factory=dict)

    @property
    def conflict_references(self) -> list[str]:
        return sorted(self.conflicts.values())

    @property
    def assignable(self) -> bool:
        return self.available and not self.conflicts


def coordinator_candidates(meeting: MeetingDay) -> list[Candidate]:
    """The region's active coordinators with their workload that week, whether they are free
    at the meeting's time and the cases on the agenda they may not advise in. A fixed number
    of queries, however many coordinators and cases."""
    coordinators = list(
        User.objects.filter(
            region_id=_region_id(meeting), role=Role.COORDINATOR, is_active=True
        ).order_by("first_name", "last_name", "id")
    )
    ids = [c.pk for c in coordinators]
    monday, sunday = rules.week_of(meeting.date)
    days = dict(
        MeetingDay.objects.filter(
            coordinator_id__in=ids,
            date__range=(monday, sunday),
            state__in=[MeetingDay.State.PLANNED, MeetingDay.State.HELD],
        )
        .values_list("coordinator")
        .annotate(n=Count("id"))
        .values_list("coordinator", "n")
    )
    open_cases = dict(
        # The coordinator's open work as a positive state set within the open cases, so
        # the partial index on open cases per coordinator answers it (not ten years of
        # closed cases).
        Case.objects.filter(OPEN_CASE, coordinator_id__in=ids)
        .filter(state__in=open_states(Role.COORDINATOR))
        .values_list("coordinator")
        .annotate(n=Count("id"))
        .values_list("coordinator", "n")
    )
    busy = _busy_coordinators(meeting, ids)
    bookings = _active_bookings(meeting)
    relations = _relations_by_citizen(
        {b.case.citizen_id: b.case.citizen for b in bookings}.values()
    )
    result = []
    for person in coordinators:
        me = _doctor_ref(person)
        conflicts = {
            b.case_id: b.case.reference
            for b in bookings
            if conflict_rules.find_conflict(me, relations.get(b.case.citizen_id, [])) is not None
        }
        result.append(
            Candidate(
                user=person,
                workload=rules.Workload(days.get(person.pk, 0), open_cases.get(person.pk, 0)),
                available=person.pk not in busy,
                conflicts=conflicts,
            )
        )
    return result


class CoordinatorConflict(ServiceError):
    """The refusal of a coordinator with a conflict of interest: the body lists the case
    references (never CPR numbers or health text) so a client can show them."""

    def __init__(self, message: str, references: list[str]) -> None:
        super().__init__("conflict_of_interest", message, fields={"coordinator": [message]})
        self.references = references

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "conflicts": self.references}


@transaction.atomic
def assign_day_coordinator(
    user: User, meeting: MeetingDay, coordinator: User | None, *, channel: str = "api"
) -> MeetingDay:
    """The secretariat assigns (or changes) the day's coordinator. Refused, with the reason
    in Danish, for someone who is not a coordinator of the region, who sits at another
    meeting at the same time, or who has a conflict of interest in a case on the agenda (the
    refusal lists the case references only)."""
    meeting = lock_day(meeting)
    if not may_assign_coordinator(user, meeting):
        raise PermissionRefused(
            "permission_denied",
            "Kun regionens sekretariat kan tildele mødets sundhedskoordinator.",
        )
    require_planned(meeting, "det kan ikke få ny sundhedskoordinator.")
    if (
        coordinator is None
        or coordinator.role != Role.COORDINATOR
        or coordinator.region_id != _region_id(meeting)
        or not coordinator.is_active
    ):
        message = "Vælg en sundhedskoordinator fra regionen."
        raise ServiceError(
            "invalid_assignee",
            "Den valgte person er ikke sundhedskoordinator i regionen.",
            fields={"coordinator": [message]},
        )
    if coordinator.pk in _busy_coordinators(meeting, [coordinator.pk]):
        message = (
            f"Sundhedskoordinatoren er allerede tildelt et andet møde den "
            f"{meeting.date:%d.%m.%Y} på samme tid."
        )
        raise ServiceError("coordinator_busy", message, fields={"coordinator": [message]})
    conflicts = conflicts_of(coordinator, _active_bookings(meeting))
    if conflicts:
        references = ", ".join(sorted(conflicts.values()))
        message = (
            "Sundhedskoordinatoren er inhabil i sager på dagsordenen (BEK § 12, stk. 2): "
            f"{references}. Vælg en anden sundhedskoordinator."
        )
        raise CoordinatorConflict(message, sorted(conflicts.values()))
    previous = meeting.coordinator_id
    meeting.coordinator = coordinator
    meeting.save(update_fields=["coordinator"])
    record(
        user,
        AuditEntry.Action.UPDATE,
        meeting_day_subject(meeting),
        detail=f"coordinator {previous or '-'} -> {coordinator.pk}",
        channel=channel,
    )
    return meeting


@transaction.atomic
def cancel_meeting_day(
    user: User, meeting: MeetingDay, reason: str, *, channel: str = "api"
) -> MeetingDay:
    """Cancel a planned meeting day (e.g. the coordinator dropped out and no other can
    come): every active booking is cancelled, each case gets an event, loses its meeting date
    and has its deadlines recomputed, and waits on its caseworker's worklist for a new
    meeting (meetings.worklist)."""
    meeting = lock_day(meeting)
    if not may_cancel(user, meeting):
        raise PermissionRefused(
            "permission_denied",
            "Kun regionens sekretariat eller kommunen kan aflyse mødet.",
        )
    require_planned(meeting, "det kan ikke aflyses.")
    require_text(reason, "reason", "Skriv årsagen til aflysningen.")
    meeting.state = MeetingDay.State.CANCELLED
    meeting.cancelled_reason = reason.strip()[:300]
    meeting.save(update_fields=["state", "cancelled_reason"])
    bookings = list(
        Booking.objects.select_for_update()
        .filter(meeting=meeting, state=Booking.State.BOOKED)
        .order_by("position", "id")
    )
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(state=Booking.State.CANCELLED)
    label = f"Mødet den {meeting.date:%d.%m.%Y} er aflyst – vælg et nyt møde"
    cases = Case.objects.select_for_update().filter(pk__in=[b.case_id for b in bookings])
    for case in cases.order_by("id"):
        if case.meeting_date == meeting.date:
            case.meeting_date = None
            case.save(update_fields=["meeting_date", "updated_at"])
        record_event(
            case,
            user,
            EventKind.MEETING_CANCELLED,
            label,
            comment=meeting.cancelled_reason,
            data={"meeting": meeting.pk, "date": meeting.date.isoformat()},
        )
        audit_case_write(user, case, AuditEntry.Action.UPDATE, EventKind.MEETING_CANCELLED, channel)
        recompute_deadlines(case)
    record(
        user,
        AuditEntry.Action.TRANSITION,
        meeting_day_subject(meeting),
        detail=f"cancelled, {len(bookings)} bookings",
        channel=channel,
    )
    return meeting
