"""The meeting day's agenda printed as a PDF: made on request for a reader who may see the
day, and audited as a download of the day and of each case it names."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record, record_many
from sagsbro.core.errors import ServiceError
from sagsbro.meetings.access import meeting_days_visible_to
from sagsbro.meetings.models import MeetingDay
from sagsbro.meetings.pdf import agenda as pdf
from sagsbro.meetings.services.team import citizens_on_agenda, warnings_for
from sagsbro.organisations.models import User


@dataclass(frozen=True)
class AgendaPdf:
    filename: str
    content: bytes


@transaction.atomic
def agenda_pdf(user: User, day: MeetingDay, *, channel: str = "api") -> AgendaPdf:
    day_row = (
        meeting_days_visible_to(user)
        .select_related("municipality", "coordinator")
        .filter(pk=day.pk)
        .first()
    )
    if day_row is None:
        raise ServiceError("not_found", "Mødet findes ikke.", status=404)
    bookings = pdf.printed_bookings(day_row)
    warnings = warnings_for(list(day_row.attendees.all()), citizens_on_agenda(day_row))
    context = pdf.context_for(day_row, user, bookings, warnings)
    content = pdf.render_pdf(context)
    named = {item.reference for item in context["items"] if item.reference}
    record(
        user,
        AuditEntry.Action.DOWNLOAD,
        Subject("meeting_day", day_row.pk),
        detail="dagsorden pdf",
        channel=channel,
    )
    record_many(
        user,
        AuditEntry.Action.DOWNLOAD,
        [case_subject(b.case) for b in bookings if b.case.reference in named],
        detail=f"dagsorden {day_row.pk}",
        channel=channel,
    )
    return AgendaPdf(pdf.filename_for(day_row), content)
