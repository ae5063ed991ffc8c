"""What the clinical app adds to the caseworker's "Afventer dig": a clinical case whose late
appointment klinisk funktion told the caseworker of and that waits for the caseworker's
acceptance before the citizen is invited (EVAL table 8 step 2.2), and a clinical case whose
citizen did not come to the consultation (the `record_no_show` transition) and that has no
new time yet. Registered from ``ClinicalConfig.ready`` (core.worklist), so the cases app's
worklist does not import clinical."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from sagsbro.cases.models import CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.core.worklist import AwaitingSource, register_awaiting_source
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


def accept_next_step(day: Any) -> str:
    if day is None:
        return "Klinisk funktion har orienteret om en sen tid – acceptér tiden"
    return f"Klinisk funktion kan først tilbyde tid den {day:%d.%m.%Y} – acceptér tiden"


def _late_notice_waiting(case: Any) -> bool:
    return (
        case.subtype == Subtype.KLINISK_FUNKTION
        and case.state == State.ASSIGNED
        and case.late_appointment_notified_at is not None
        and case.late_appointment_accepted_at is None
    )


# The transitions that bring a clinical case into ASSIGNED from another state
# (`cases/rules/workflow.py`): assigned from the inbox, sent again after a return, or back
# after a no-show.
_INTO_ASSIGNED = (EventKind.ASSIGN_SPECIALIST, EventKind.RESEND, EventKind.RECORD_NO_SHOW)


class LateAppointmentAwaiting:
    """The late time waiting for the caseworker's acceptance, and the no-show: the case came
    back to ASSIGNED last by `record_no_show` (the event's sentence, "Borgeren udeblev fra
    konsultationen dd.mm.åååå", is the next step) until the citizen is invited again."""

    def annotations(self) -> Mapping[str, Any]:
        # How the case last came into ASSIGNED from another state: the latest of the
        # transitions that lead there (read through the index on case, kind and time).
        entry = CaseEvent.objects.filter(
            case=OuterRef("pk"), kind__in=[str(kind) for kind in _INTO_ASSIGNED]
        ).order_by("-at", "-id")
        return {
            "clinical_entry_kind": Subquery(entry.values("kind")[:1]),
            "clinical_entry_label": Subquery(entry.values("label")[:1]),
        }

    def condition(self) -> Q:
        clinical_assigned = Q(subtype=str(Subtype.KLINISK_FUNKTION), state=str(State.ASSIGNED))
        late = Q(
            late_appointment_notified_at__isnull=False, late_appointment_accepted_at__isnull=True
        )
        no_show = Q(clinical_entry_kind=str(EventKind.RECORD_NO_SHOW))
        return clinical_assigned & (late | no_show)

    def next_step(self, case: Any) -> str | None:
        if _late_notice_waiting(case):
            return accept_next_step(case.appointment_date)
        if (
            case.subtype == Subtype.KLINISK_FUNKTION
            and case.state == State.ASSIGNED
            and getattr(case, "clinical_entry_kind", None) == EventKind.RECORD_NO_SHOW
        ):
            return str(case.clinical_entry_label)
        return None


def _for_caseworker(user: User) -> AwaitingSource | None:
    return LateAppointmentAwaiting() if user.role == Role.CASEWORKER else None


def register_late_appointment_awaiting() -> None:
    register_awaiting_source(_for_caseworker)
