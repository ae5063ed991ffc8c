"""A meeting day's agenda as a PDF for printing: the day, the coordinator, the team with its
areas and roles, and the items in their time slots (formøde, the cases, afrunding), each case
with its reference, kind, the citizen's name and masked CPR number (DDMMÅÅ-XXXX) and the
coordinator's screening verdict - never the full CPR number and no health text (the
screening's reason stays on the case). A case the reader may not know of is an anonymous
slot, as on the page. Rendered with WeasyPrint in the shared frame of generated documents
(`core.pdf.render_document`) with the municipality as the issuer, fetching nothing from
outside."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.core.pdf import render_document
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.agenda import CLOSING_ITEM_MINUTES, ITEM_LABELS, ItemKind, slots
from sagsbro.meetings.rules.team import AREA_LABELS, Area, CompositionWarning
from sagsbro.organisations.letterhead import municipality_issuer
from sagsbro.organisations.models import User
from sagsbro.organisations.rules import masked_cpr

STYLESHEET = Path(__file__).resolve().parent / "agenda.css"
TEMPLATE = "meetings/pdf/agenda.html"


@dataclass(frozen=True)
class PrintedItem:
    start: datetime.time
    end: datetime.time
    title: str
    reference: str = ""
    citizen: str = ""
    screening: str = ""


def filename_for(day: MeetingDay) -> str:
    return f"dagsorden-{day.date:%Y-%m-%d}-{day.pk}.pdf"


def _plus(time: datetime.time, minutes: int) -> datetime.time:
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), time)
    return (moment + datetime.timedelta(minutes=minutes)).time()


def printed_bookings(day: MeetingDay) -> list[Booking]:
    return list(
        day.bookings.filter(state__in=[Booking.State.BOOKED, Booking.State.HELD])
        .select_related("case__citizen")
        .order_by("position", "id")
    )


def items(day: MeetingDay, bookings: list[Booking], visible: set[int]) -> list[PrintedItem]:
    rows = []
    if day.pre_meeting_minutes:
        rows.append(
            PrintedItem(
                day.start_time,
                _plus(day.start_time, day.pre_meeting_minutes),
                "Formøde (uden borgeren)",
            )
        )
    times = slots(day.start_time, day.pre_meeting_minutes, [b.minutes for b in bookings])
    for booking, slot in zip(bookings, times, strict=True):
        title = ITEM_LABELS.get(ItemKind(booking.kind), booking.kind)
        if booking.case_id in visible:
            citizen = booking.case.citizen
            rows.append(
                PrintedItem(
                    slot.start,
                    slot.end,
                    title,
                    reference=booking.case.reference,
                    citizen=f"{citizen.name} ({masked_cpr(citizen.cpr)})",
                    screening=booking.get_screening_display() if booking.screening else "",
                )
            )
        else:
            rows.append(PrintedItem(slot.start, slot.end, title, citizen="Sag uden adgang"))
    last = rows[-1].end if rows else day.start_time
    rows.append(PrintedItem(last, _plus(last, CLOSING_ITEM_MINUTES), "Afrunding"))
    return rows


def context_for(
    day: MeetingDay, user: User, bookings: list[Booking], warnings: list[CompositionWarning]
) -> dict[str, Any]:
    visible = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[b.case_id for b in bookings])
        .values_list("pk", flat=True)
    )
    attendees = [
        {
            "name": a.name,
            "area": AREA_LABELS.get(Area(a.area), a.area),
            "roles": ", ".join(
                role for role, on in (("mødeleder", a.chair), ("referent", a.minute_taker)) if on
            ),
        }
        for a in day.attendees.all()
    ]
    coordinator = day.coordinator
    return {
        "title": f"Dagsorden {day.date:%d.%m.%Y}",
        "issuer": municipality_issuer(day.municipality, day.get_kind_display()),
        "printed_on": timezone.localdate(),
        "day": day,
        "municipality": day.municipality.name,
        "coordinator": (coordinator.get_full_name() or coordinator.username) if coordinator else "",
        "attendees": attendees,
        "items": items(day, bookings, visible),
        # Only the warnings not naming a case the reader may not know of.
        "warnings": [
            w
            for w in warnings
            if not w.case_reference
            or w.case_reference in {b.case.reference for b in bookings if b.case_id in visible}
        ],
    }


def render_pdf(context: dict[str, Any]) -> bytes:
    return render_document(
        TEMPLATE,
        context,
        STYLESHEET,
        issuer=context["issuer"],
        title=context["title"],
        dated=context["printed_on"],
        date_label="Udskrevet",
    )
