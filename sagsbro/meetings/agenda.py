"""A meeting day's agenda as rows in time order: the pre-meeting (formøde), the cases booked
on the day in their slots (rules.agenda.slots), and the closing item. Shared by the meeting
day's page and the API. A row names the case by its reference, kind and screening status:
no CPR number and no health text.

A case the reader may not know of (e.g. a coordinator not assigned to it) is shown as an
anonymous slot, so the times stay right without naming the case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import case_subject, record_many
from sagsbro.cases.models import Case
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.agenda import CLOSING_ITEM_MINUTES, ITEM_LABELS, ItemKind, slots
from sagsbro.organisations.models import User


@dataclass(frozen=True)
class AgendaRow:
    kind: str  # "pre_meeting", "case" or "closing"
    start: datetime.time
    end: datetime.time
    title: str
    booking: Booking | None = None
    case_id: int | None = None
    reference: str = ""
    screening: str = ""


def _plus(time: datetime.time, minutes: int) -> datetime.time:
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), time)
    return (moment + datetime.timedelta(minutes=minutes)).time()


def active_bookings(day: MeetingDay) -> list[Booking]:
    return list(
        day.bookings.filter(state__in=[Booking.State.BOOKED, Booking.State.HELD])
        .select_related("case")
        .order_by("position", "id")
    )


def agenda_rows(day: MeetingDay, user: User, *, channel: str = "web") -> list[AgendaRow]:
    """The agenda, each case the user may see audited as LIST (they name cases)."""
    bookings = active_bookings(day)
    visible = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[b.case_id for b in bookings])
        .values_list("pk", flat=True)
    )
    rows: list[AgendaRow] = []
    if day.pre_meeting_minutes:
        rows.append(
            AgendaRow(
                "pre_meeting",
                day.start_time,
                _plus(day.start_time, day.pre_meeting_minutes),
                "Formøde (uden borgeren)",
            )
        )
    if day.kind == MeetingDay.Kind.CONTACT:
        # A contact slot keeps its half hour when an earlier one is freed: a phone time
        # agreed with the caseworker does not move.
        times = [
            slots(day.start_time, day.pre_meeting_minutes, [b.minutes] * (b.position + 1))[-1]
            for b in bookings
        ]
    else:
        times = slots(day.start_time, day.pre_meeting_minutes, [b.minutes for b in bookings])
    for booking, slot in zip(bookings, times, strict=True):
        shown = booking.case_id in visible
        rows.append(
            AgendaRow(
                "case",
                slot.start,
                slot.end,
                ITEM_LABELS.get(ItemKind(booking.kind), booking.kind),
                booking=booking,
                case_id=booking.case_id if shown else None,
                reference=booking.case.reference if shown else "",
                screening=booking.get_screening_display() if shown else "",
            )
        )
    if day.kind != MeetingDay.Kind.CONTACT:
        last = rows[-1].end if rows else day.start_time
        rows.append(AgendaRow("closing", last, _plus(last, CLOSING_ITEM_MINUTES), "Afrunding"))
    record_many(
        user,
        AuditEntry.Action.LIST,
        [case_subject(b.case) for b in bookings if b.case_id in visible],
        detail=f"dagsorden {day.pk}",
        channel=channel,
    )
    return rows
