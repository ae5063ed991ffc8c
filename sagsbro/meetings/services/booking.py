"""Booking a case onto a meeting day, moving it to another, and which meetings a case may be
booked onto (rules.booking: the material deadline, BEK § 21, capacity, ...).

A case has at most one active booking. ``Case.meeting_date`` is kept equal to its date, so
the deadlines counted from the meeting (cases/rules/deadlines.py) are recomputed from it.
Moving a case ends the old booking (MOVED), makes a new one and writes an event.

A løbende sag whose municipality asked for contact before the written answer is booked the
same way onto one of the region's contact days (a 30-minute phone/video slot). Its
``meeting_date`` is left alone: that field is the team meeting's date and drives the team
deadlines, which a løbende sag does not have.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.deadlines import DeadlineKind
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import FINAL_STATES, MEETING_SUBTYPES
from sagsbro.cases.services import common
from sagsbro.cases.services.common import audit_case_write, locked
from sagsbro.cases.services.contact import wants_contact
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import access
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules import booking as rules
from sagsbro.meetings.rules.agenda import SLOT_MINUTES, ItemKind, slots
from sagsbro.meetings.services.meeting_days import lock_day
from sagsbro.organisations.models import User
from sagsbro.workdays.services import configured_calendar

ITEM_KINDS: dict[Subtype, ItemKind] = {
    Subtype.REHABILITERINGSTEAM: ItemKind.TEAM_CASE,
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: ItemKind.RET_TIL_SUNDHEDSKOORDINATOR,
    Subtype.GENFORELAEGGELSE: ItemKind.GENFORELAEGGELSE,
    Subtype.LOEBENDE_SAG: ItemKind.CONTACT,
}
# Cases that take a slot on a contact day instead of a place at a team meeting.
CONTACT_SUBTYPES = frozenset({Subtype.LOEBENDE_SAG})
BOOKABLE_SUBTYPES = MEETING_SUBTYPES | CONTACT_SUBTYPES
# How far ahead the candidate meetings are looked for: a year of meeting days.
HORIZON_DAYS = 366


@dataclass(frozen=True)
class BookingOption:
    """A meeting day for the case, with the reasons it is refused ([] = bookable)."""

    meeting: MeetingDay
    reasons: list[str]
    note: str | None = None


@dataclass(frozen=True)
class BookingOptions:
    suggested: list[BookingOption]
    others: list[BookingOption]


def active_booking(case: Case) -> Booking | None:
    return (
        Booking.objects.filter(case=case, state=Booking.State.BOOKED)
        .select_related("meeting")
        .first()
    )


def with_booked_count(days: QuerySet[MeetingDay]) -> QuerySet[MeetingDay]:
    """Each day with ``booked``: its active bookings (one query for any number of days).

    A correlated subquery on the bookings' (meeting, state) index rather than a join with
    GROUP BY: the database counts only the days a page shows (after its LIMIT), not every
    booking of every day the filter matches."""
    active = (
        Booking.objects.filter(meeting=OuterRef("pk"), state=Booking.State.BOOKED)
        .order_by()
        .values("meeting")
        .annotate(n=Count("*"))
        .values("n")
    )
    return days.annotate(booked=Coalesce(Subquery(active), 0))


def is_contact_case(case: Case) -> bool:
    """A løbende sag: booked onto the region's contact days, never onto a team meeting."""
    return Subtype(case.subtype) in CONTACT_SUBTYPES


def day_kind_for(case: Case) -> str:
    """The kind of meeting day the case is booked onto."""
    return MeetingDay.Kind.CONTACT if is_contact_case(case) else MeetingDay.Kind.TEAM


def _answer_due(case: Case) -> datetime.date | None:
    return (
        Deadline.objects.filter(case=case, kind=DeadlineKind.WRITTEN_ANSWER)
        .values_list("due", flat=True)
        .first()
    )


def _case_facts(case: Case, current: Booking | None) -> rules.CaseFacts:
    contact = is_contact_case(case)
    return rules.CaseFacts(
        item_kind=ITEM_KINDS.get(Subtype(case.subtype), ItemKind.TEAM_CASE),
        municipality_id=case.municipality_id,
        received_on=timezone.localdate(case.received_at) if case.received_at else None,
        urgent=case.urgent,
        current_meeting_id=current.meeting_id if current else None,
        contact_wanted=contact and wants_contact(case),
        answer_due=_answer_due(case) if contact else None,
    )


def _meeting_facts(day: MeetingDay, current: Booking | None) -> rules.MeetingFacts:
    booked = int(getattr(day, "booked", 0))
    if current is not None and current.meeting_id == day.pk:
        booked -= 1  # the case's own place is not taken from it
    return rules.MeetingFacts(
        id=day.pk,
        date=day.date,
        municipality_id=day.municipality_id,
        kind=day.kind,
        state=day.state,
        capacity=day.capacity,
        booked=booked,
    )


def _candidates(case: Case, today: datetime.date) -> list[MeetingDay]:
    """The case's municipality's planned days of the case's kind (team meetings, or contact
    days for a løbende sag) from today, a year ahead."""
    days = MeetingDay.objects.filter(
        municipality_id=case.municipality_id,
        kind=day_kind_for(case),
        state=MeetingDay.State.PLANNED,
        date__gte=today,
        date__lte=today + datetime.timedelta(days=HORIZON_DAYS),
    ).select_related("coordinator")
    return list(with_booked_count(days).order_by("date", "start_time", "id"))


def _case_reasons(case: Case) -> list[str]:
    if Subtype(case.subtype) not in BOOKABLE_SUBTYPES:
        return ["Sagen behandles ikke på et møde i rehabiliteringsteamet."]
    if case.state in FINAL_STATES:
        return ["Sagen er afsluttet eller trukket tilbage og bookes ikke på et møde."]
    return []


def booking_options(case: Case, *, today: datetime.date | None = None) -> BookingOptions:
    """The earliest feasible meetings (suggested) and every other upcoming meeting of the
    case's municipality with the reasons it is refused."""
    today = today or common.local_today()
    current = active_booking(case)
    facts = _case_facts(case, current)
    days = _candidates(case, today)
    meeting_facts = {day.pk: _meeting_facts(day, current) for day in days}
    case_reasons = _case_reasons(case)
    reasons = rules.all_refusals(
        facts, meeting_facts.values(), today=today, calendar=configured_calendar()
    )
    suggested: list[BookingOption] = []
    others: list[BookingOption] = []
    for day in days:
        found = case_reasons + reasons[day.pk]
        if found:
            others.append(BookingOption(day, found))
        else:
            note = rules.section_21_note(facts, meeting_facts[day.pk], today)
            suggested.append(BookingOption(day, [], note))
    return BookingOptions(suggested, others)


def feasible_meetings(
    case: Case, *, today: datetime.date | None = None, limit: int = 5
) -> list[MeetingDay]:
    """The earliest meetings the case may be booked onto, earliest first."""
    today = today or common.local_today()
    if _case_reasons(case):
        return []
    current = active_booking(case)
    days = _candidates(case, today)
    by_id = {day.pk: day for day in days}
    found = rules.earliest_feasible(
        _case_facts(case, current),
        [_meeting_facts(day, current) for day in days],
        today=today,
        calendar=configured_calendar(),
        limit=limit,
    )
    return [by_id[m.id] for m in found]


def booking_refusals(
    case: Case, meeting: MeetingDay, *, today: datetime.date | None = None
) -> list[str]:
    """Every Danish reason why the case cannot be booked onto the meeting; [] = it can."""
    today = today or common.local_today()
    current = active_booking(case)
    day = with_booked_count(MeetingDay.objects.filter(pk=meeting.pk)).get()
    others = [d for d in _candidates(case, today) if d.pk != day.pk]
    return _case_reasons(case) + rules.refusals(
        _case_facts(case, current),
        _meeting_facts(day, current),
        [_meeting_facts(d, current) for d in others],
        today=today,
        calendar=configured_calendar(),
    )


def _refuse_if_any(reasons: list[str], field: str = "meeting") -> None:
    if reasons:
        raise ServiceError("booking_refused", " ".join(reasons), fields={field: reasons})


def _require_booker(user: User, case: Case) -> None:
    if not access.may_book(user, case):
        raise PermissionRefused("role_not_allowed", "Du kan ikke booke denne sag på et møde.")


def _place(case: Case, meeting: MeetingDay, user: User) -> Booking:
    last = (
        Booking.objects.filter(meeting=meeting, state=Booking.State.BOOKED)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    kind = ITEM_KINDS[Subtype(case.subtype)]
    if meeting.kind == MeetingDay.Kind.CONTACT:
        # A slot freed by a cancelled or moved booking is offered again: the first free one.
        taken = set(
            Booking.objects.filter(meeting=meeting, state=Booking.State.BOOKED).values_list(
                "position", flat=True
            )
        )
        position = next(p for p in range(len(taken) + 1) if p not in taken)
        return Booking.objects.create(
            meeting=meeting,
            case=case,
            kind=kind,
            position=position,
            minutes=SLOT_MINUTES[kind],
            booked_by=user,
        )
    return Booking.objects.create(
        meeting=meeting,
        case=case,
        kind=kind,
        position=0 if last is None else last + 1,
        minutes=SLOT_MINUTES[kind],
        booked_by=user,
    )


@transaction.atomic
def book_case(user: User, case: Case, meeting: MeetingDay, *, channel: str = "api") -> Booking:
    """Put the case on the meeting's agenda (every rule checked, every reason given)."""
    case = locked(case)
    _require_booker(user, case)
    meeting = lock_day(meeting)
    if active_booking(case) is not None:
        raise ServiceError(
            "already_booked",
            "Sagen er allerede booket på et møde. Flyt den i stedet, og angiv hvorfor.",
        )
    _refuse_if_any(booking_refusals(case, meeting))
    booking = _place(case, meeting, user)
    if is_contact_case(case):
        # A contact slot leaves meeting_date (the team meeting's) and the deadlines alone.
        record_event(
            case,
            user,
            EventKind.BOOKED,
            f"Telefon-/videotid booket {meeting.date:%d.%m.%Y} kl. {slot_start(booking):%H.%M}",
            data={"meeting": meeting.pk, "date": meeting.date.isoformat(), "contact": True},
        )
        audit_case_write(
            user, case, AuditEntry.Action.UPDATE, f"booket kontakttid {meeting.pk}", channel
        )
        return booking
    case.meeting_date = meeting.date
    case.save(update_fields=["meeting_date", "updated_at"])
    record_event(
        case,
        user,
        EventKind.BOOKED,
        f"Booket på møde {meeting.date:%d.%m.%Y} kl. {meeting.start_time:%H.%M}",
        data={"meeting": meeting.pk, "date": meeting.date.isoformat()},
    )
    audit_case_write(user, case, AuditEntry.Action.UPDATE, f"booket møde {meeting.pk}", channel)
    recompute_deadlines(case)
    return booking


def slot_start(booking: Booking) -> datetime.time:
    """When a contact slot begins: the day's start, the pre-meeting, then 30 minutes each."""
    meeting = booking.meeting
    found = slots(
        meeting.start_time, meeting.pre_meeting_minutes, [booking.minutes] * (booking.position + 1)
    )
    return found[-1].start


@transaction.atomic
def move_booking(
    user: User, case: Case, meeting: MeetingDay, *, reason: str = "", channel: str = "api"
) -> Booking:
    """Move the case to another meeting: the old booking becomes MOVED, an event records
    the move and its reason, and every deadline is recomputed from the new date."""
    case = locked(case)
    _require_booker(user, case)
    meeting = lock_day(meeting)
    old = active_booking(case)
    if old is None:
        raise ServiceError("not_booked", "Sagen er ikke booket på et møde endnu. Book den først.")
    common.require_text(reason, "reason", "Angiv, hvorfor sagen flyttes til et andet møde.")
    _refuse_if_any(booking_refusals(case, meeting))
    booking = move_active_booking(user, case, old, meeting)
    record_event(
        case,
        user,
        EventKind.BOOKING_MOVED,
        f"Flyttet fra møde {old.meeting.date:%d.%m.%Y} til møde {meeting.date:%d.%m.%Y}",
        comment=reason,
        data={
            "from": old.meeting.date.isoformat(),
            "to": meeting.date.isoformat(),
            "from_meeting": old.meeting_id,
            "meeting": meeting.pk,
        },
    )
    audit_case_write(
        user, case, AuditEntry.Action.UPDATE, f"flyttet til møde {meeting.pk}", channel
    )
    recompute_deadlines(case)
    return booking


def move_active_booking(user: User, case: Case, old: Booking, meeting: MeetingDay) -> Booking:
    """The bookkeeping of a move (no event, no deadlines): the caller records those.
    Shared with the postponement transition, whose own event is the move's."""
    old.state = Booking.State.MOVED
    old.save(update_fields=["state"])
    booking = _place(case, meeting, user)
    if not is_contact_case(case):
        case.meeting_date = meeting.date
        case.save(update_fields=["meeting_date", "updated_at"])
    return booking


def team_meeting_on(case: Case, day: datetime.date) -> MeetingDay | None:
    """The municipality's planned team meeting on ``day`` (the earliest if several)."""
    return (
        MeetingDay.objects.filter(
            municipality_id=case.municipality_id,
            kind=MeetingDay.Kind.TEAM,
            state=MeetingDay.State.PLANNED,
            date=day,
        )
        .order_by("start_time", "id")
        .first()
    )


def municipality_plans_meetings(case: Case, today: datetime.date) -> bool:
    """The municipality has planned team meetings from today on: then a meeting is chosen
    by booking, not by typing a date."""
    return MeetingDay.objects.filter(
        municipality_id=case.municipality_id,
        kind=MeetingDay.Kind.TEAM,
        state=MeetingDay.State.PLANNED,
        date__gte=today,
    ).exists()


def sync_booking_to_date(
    user: User, case: Case, new_date: datetime.date | None, *, record: bool = False
) -> Booking | None:
    """Keep the booking in step when a team case's meeting date is given as a date (the
    postponement transition, a draft's meeting date). With a planned team meeting of the
    municipality on that date the case is booked (or moved) onto it, every booking rule
    checked. A municipality with no meeting days in the system keeps the date-only way; one
    that has them must choose one of its meetings. ``record`` writes the BOOKED event (the
    postponement writes its own)."""
    if Subtype(case.subtype) not in MEETING_SUBTYPES:
        return None
    current = active_booking(case)
    if new_date is None:
        if current is not None:
            current.state = Booking.State.CANCELLED
            current.save(update_fields=["state"])
        return None
    if current is not None and current.meeting.date == new_date:
        return current
    today = common.local_today()
    day = team_meeting_on(case, new_date)
    if day is None:
        if current is None and not municipality_plans_meetings(case, today):
            return None
        suggestions = ", ".join(f"{d.date:%d.%m.%Y}" for d in feasible_meetings(case, limit=3))
        message = (
            f"Kommunen har ingen planlagt mødedag for rehabiliteringsteamet den "
            f"{new_date:%d.%m.%Y}. Vælg et af kommunens møder"
            + (f", fx {suggestions}." if suggestions else ".")
        )
        raise ServiceError("no_meeting_day", message, fields={"meeting_date": [message]})
    day = lock_day(day)
    _refuse_if_any(booking_refusals(case, day), field="meeting_date")
    if current is None:
        booking = _place(case, day, user)
        case.meeting_date = day.date
        case.save(update_fields=["meeting_date", "updated_at"])
    else:
        booking = move_active_booking(user, case, current, day)
    if record:
        record_event(
            case,
            user,
            EventKind.BOOKED,
            f"Booket på møde {day.date:%d.%m.%Y} kl. {day.start_time:%H.%M}",
            data={"meeting": day.pk, "date": day.date.isoformat()},
        )
    return booking


def sync_draft_meeting_date(user: User, case: Case) -> None:
    """The cases app's hook after a draft's meeting date is set or changed."""
    sync_booking_to_date(user, case, case.meeting_date, record=True)
