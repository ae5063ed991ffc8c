"""The case page's Rehabiliteringsteam tab: the team meeting, the indstilling and the plan, and
who the team must include (EVAL ~4150). Registered in the cases tab registry from
``MeetingsConfig.ready``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.deadlines import STATE_LABELS, DeadlineKind, deadline_state
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import MEETING_SUBTYPES
from sagsbro.cases.services.contact import wants_contact
from sagsbro.cases.tabs import register_case_tab
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings.access import may_book
from sagsbro.meetings.rules.followup import due_for_genforelaeggelse
from sagsbro.meetings.services.booking import active_booking, is_contact_case, slot_start
from sagsbro.meetings.services.followup import follow_up_of, is_forloeb_case, may_record_forloeb
from sagsbro.organisations.models import User
from sagsbro.workdays.rules import WorkingDayCalendar

# Between Dokumenter (20) and Sundhedskoordinator (40).
TAB_ORDER = 30


@dataclass(frozen=True)
class ConclusionRow:
    """The written conclusion to the citizen after the meeting: its deadline and its state."""

    deadline: Deadline
    state_label: str


def team_context(
    case: Case, user: User, today: datetime.date, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    plan_documents = (
        Document.objects.visible_to(user)
        .filter(case=case, category__in=[Category.INDSTILLING, Category.INDSATSPLAN])
        .select_related("uploaded_by")
        .prefetch_related(Prefetch("shares"))
        .order_by("uploaded_at", "id")
    )
    held = (
        case.events.filter(kind=EventKind.HOLD_MEETING).order_by("-at").values_list("at", flat=True)
    )
    members = [
        "Beskæftigelsesområdet",
        "Sundhedsområdet",
        "Socialområdet",
        "Sundhedskoordinator fra regionen",
    ]
    if case.citizen.under_30_without_education:
        members.append("Uddannelsesområdet (borgeren er under 30 år uden uddannelse)")
    if case.citizen.has_children:
        members.append("Familieområdet (borgeren har børn)")
    conclusion = (
        case.deadlines.filter(kind=DeadlineKind.CITIZEN_CONCLUSION).order_by("due", "id").first()
    )
    # The ressourceforløb's follow-up (procedure 002): its dates and whether it is due.
    forloeb = follow_up_of(case) if is_forloeb_case(case) else None
    # A løbende sag with contact wanted: its phone/video slot on the region's contact day.
    contact_case = is_contact_case(case) and wants_contact(case)
    contact_booking = active_booking(case) if contact_case else None
    return {
        "forloeb": forloeb,
        "forloeb_due": forloeb is not None
        and due_for_genforelaeggelse(forloeb.started_on, forloeb.first_effort_started_on, today),
        "may_record_forloeb": may_record_forloeb(user, case),
        "team_case": case.subtype in MEETING_SUBTYPES,
        # The booking (meeting day) and whether the user may book or move it (slice A).
        "booking": active_booking(case) if case.subtype in MEETING_SUBTYPES else None,
        "may_book": case.subtype in MEETING_SUBTYPES and may_book(user, case),
        "contact_case": contact_case,
        "contact_booking": contact_booking,
        "contact_slot_start": slot_start(contact_booking) if contact_booking else None,
        "may_book_contact": contact_case and may_book(user, case),
        "plan_documents": plan_documents,
        "meeting_held_at": held.first(),
        "team_members": members,
        "conclusion": (
            ConclusionRow(
                conclusion,
                STATE_LABELS[deadline_state(conclusion.due, conclusion.fulfilled_on, today)],
            )
            if conclusion is not None
            else None
        ),
    }


def register_team_tab() -> None:
    register_case_tab(
        "rehabiliteringsteam",
        "Rehabiliteringsteam",
        "meetings/tabs/rehabiliteringsteam.html",
        team_context,
        order=TAB_ORDER,
    )
