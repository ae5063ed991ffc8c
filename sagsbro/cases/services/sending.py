"""The exchange between municipality and region: sending, returning for more information,
sending again, withdrawing and closing the case."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import (
    target_after_resend,
)
from sagsbro.cases.services import common
from sagsbro.cases.services.common import require_text
from sagsbro.cases.services.deadlines import agreement_overrides
from sagsbro.cases.services.drafting import missing_requirements
from sagsbro.cases.services.transitions import begin, finish, move, target_of
from sagsbro.core.errors import ConfirmationRequired, ServiceError
from sagsbro.organisations.models import User
from sagsbro.workdays.services import configured_calendar


def _require_complete(case: Case) -> None:
    """Refuse to send a case that lacks what its subtype requires, listing all of it."""
    missing = missing_requirements(case)
    if missing:
        raise ServiceError(
            "incomplete",
            "Sagen kan ikke sendes, fordi der mangler: "
            + "; ".join(m.label for m in missing)
            + ".",
            missing=[{"key": m.key, "label": m.label} for m in missing],
        )


@transaction.atomic
def send_case(user: User, case: Case, channel: str = "api", *, confirm_late: bool = False) -> Case:
    case, transition = begin(user, case, "send")
    _require_complete(case)
    late = late_for_meeting(case)
    if late is not None and not confirm_late:
        raise ConfirmationRequired(
            "late_for_meeting",
            late.message,
            warning={
                "deadline": late.deadline.isoformat(),
                "meeting_date": late.meeting_date.isoformat(),
                "working_days_late": late.working_days_late,
                "source": late.source,
            },
            confirm_field="confirm_late",
        )
    from_state = case.state
    case.state = target_of(transition)
    case.received_at = timezone.now()
    case.received_in_designated_inbox = True
    data = None
    if late is not None:
        # The caseworker saw the warning and chose to send anyway.
        data = {
            "confirmed_late": True,
            "working_days_late": late.working_days_late,
            "deadline": late.deadline.isoformat(),
            "meeting_date": late.meeting_date.isoformat(),
        }
    return finish(user, case, transition, from_state, channel, data=data)


# The deadline before the meeting that the municipality's sending must meet, most specific
# first: the municipality's own deadline for material to the region where the rules hold
# one, else the deadline for the case to be with the coordinator (procedures 001/002).
_SEND_DEADLINE_KINDS = ("material_to_region", "send_to_coordinator")


def late_for_meeting(case: Case, today: date | None = None) -> meeting_rules.LateForMeeting | None:
    """Whether sending the case now misses the deadline before its meeting, and by how much."""
    if case.meeting_date is None:
        return None
    rules = {
        str(rule.kind): rule
        for rule in deadline_rules.rules_for(case.subtype_enum, agreement_overrides(case))
        if rule.anchor == deadline_rules.Anchor.MEETING
        and rule.direction == deadline_rules.Direction.BEFORE
    }
    rule = next((rules[k] for k in _SEND_DEADLINE_KINDS if k in rules), None)
    if rule is None:
        return None
    calendar = configured_calendar()
    deadline = deadline_rules.due_date(rule, case.meeting_date, calendar)
    days = meeting_rules.days_late_for_meeting(deadline, today or common.local_today(), calendar)
    if days == 0:
        return None
    return meeting_rules.LateForMeeting(
        deadline=deadline,
        meeting_date=case.meeting_date,
        working_days_late=days,
        source=rule.source,
    )


@transaction.atomic
def resend_case(user: User, case: Case, comment: str = "", channel: str = "api") -> Case:
    case, transition = begin(user, case, "resend")
    _require_complete(case)
    from_state = case.state
    assignee = (
        case.specialist_id if case.subtype == Subtype.KLINISK_FUNKTION else case.coordinator_id
    )
    case.state = target_after_resend(assignee is not None)
    # A returned case is received anew when it comes back complete (BEK § 21 stk. 2).
    case.received_at = timezone.now()
    return finish(user, case, transition, from_state, channel, comment=comment)


@transaction.atomic
def return_for_information(user: User, case: Case, reason: str, channel: str = "api") -> Case:
    require_text(reason, "reason", "Skriv, hvilke oplysninger der mangler.")
    return move(user, case, "return_for_information", channel, comment=reason)


@transaction.atomic
def withdraw_case(user: User, case: Case, reason: str, channel: str = "api") -> Case:
    require_text(reason, "reason", "Skriv, hvorfor sagen trækkes tilbage.")
    return move(user, case, "withdraw", channel, comment=reason)


@transaction.atomic
def close_case(user: User, case: Case, channel: str = "api") -> Case:
    return move(user, case, "close", channel)
