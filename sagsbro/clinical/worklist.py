"""What the clinical app adds to the caseworker's "Afventer dig": a clinical case whose late
appointment klinisk funktion told the caseworker of and that waits for the caseworker's
acceptance before the citizen is invited (EVAL table 8 step 2.2). Registered from
``ClinicalConfig.ready`` (core.worklist), so the cases app's worklist does not import clinical."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.core.worklist import AwaitingSource, register_awaiting_source
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


def accept_next_step(day: Any) -> str:
    if day is None:
        return "Klinisk funktion har orienteret om en sen tid – acceptér tiden"
    return f"Klinisk funktion kan først tilbyde tid den {day:%d.%m.%Y} – acceptér tiden"


class LateAppointmentAwaiting:
    def annotations(self) -> Mapping[str, Any]:
        return {}

    def condition(self) -> Q:
        return Q(
            subtype=str(Subtype.KLINISK_FUNKTION),
            state=str(State.ASSIGNED),
            late_appointment_notified_at__isnull=False,
            late_appointment_accepted_at__isnull=True,
        )

    def next_step(self, case: Any) -> str | None:
        waiting = (
            case.subtype == Subtype.KLINISK_FUNKTION
            and case.state == State.ASSIGNED
            and case.late_appointment_notified_at is not None
            and case.late_appointment_accepted_at is None
        )
        return accept_next_step(case.appointment_date) if waiting else None


def _for_caseworker(user: User) -> AwaitingSource | None:
    return LateAppointmentAwaiting() if user.role == Role.CASEWORKER else None


def register_late_appointment_awaiting() -> None:
    register_awaiting_source(_for_caseworker)
