"""What the meetings app adds to the caseworker's "Afventer dig": a booked case whose
screening recommends postponement, and a case whose meeting day was cancelled and that has
no new booking yet. Registered from ``MeetingsConfig.ready`` (core.worklist), so the cases
app's worklist does not import meetings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from sagsbro.cases.models import OPEN_STATE_VALUES
from sagsbro.cases.rules.workflow import FINAL_STATES
from sagsbro.core.worklist import AwaitingSource, register_awaiting_source
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

POSTPONE_NEXT_STEP = (
    "Sundhedskoordinatoren anbefaler udsættelse – læs begrundelsen, og vælg et nyt møde"
)


def cancelled_next_step(date: Any) -> str:
    return f"Mødet den {date:%d.%m.%Y} er aflyst – vælg et nyt møde"


class MeetingsAwaiting:
    def annotations(self) -> Mapping[str, Any]:
        active = Booking.objects.filter(case=OuterRef("pk"), state=Booking.State.BOOKED)
        # The case's latest booking: when it ended with its meeting day cancelled, the case
        # waits for a new meeting (until it is booked again).
        last = Booking.objects.filter(case=OuterRef("pk")).order_by("-booked_at", "-id")
        return {
            "screening_postpone": Exists(active.filter(screening=Booking.Screening.POSTPONE)),
            "last_booking_state": Subquery(last.values("state")[:1]),
            "last_meeting_state": Subquery(last.values("meeting__state")[:1]),
            "last_meeting_date": Subquery(last.values("meeting__date")[:1]),
        }

    def condition(self) -> Q:
        # A positive state set, so the query reads only the open cases (partial indexes).
        open_case = Q(state__in=OPEN_STATE_VALUES)
        cancelled = Q(
            last_booking_state=Booking.State.CANCELLED,
            last_meeting_state=MeetingDay.State.CANCELLED,
        )
        return open_case & (Q(screening_postpone=True) | cancelled)

    def next_step(self, case: Any) -> str | None:
        if str(case.state) in {str(s) for s in FINAL_STATES}:
            return None
        if getattr(case, "screening_postpone", False):
            return POSTPONE_NEXT_STEP
        if (
            getattr(case, "last_booking_state", None) == Booking.State.CANCELLED
            and case.last_meeting_state == MeetingDay.State.CANCELLED
        ):
            return cancelled_next_step(case.last_meeting_date)
        return None


def _for_caseworker(user: User) -> AwaitingSource | None:
    return MeetingsAwaiting() if user.role == Role.CASEWORKER else None


def register_meetings_awaiting() -> None:
    register_awaiting_source(_for_caseworker)
