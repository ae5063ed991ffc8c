"""Klinisk funktion: the late appointment, inviting the citizen, the consultation and the
specialist's certificate (BEK §§ 13-15)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.services import common
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.transitions import begin, finish, target_of
from sagsbro.clinical.rules.invitation import appointment_is_late
from sagsbro.clinical.services.assessment import open_consultation_record
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import User


@assignee_act
@transaction.atomic
def notify_late_appointment(
    user: User, case: Case, appointment_date: date, channel: str = "api"
) -> Case:
    """The caseworker is told before the citizen is invited to a late appointment (EVAL ~6000)."""
    case, transition = begin(user, case, "notify_late_appointment")
    case.appointment_date = appointment_date
    case.late_appointment_notified_at = timezone.now()
    return finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"appointment_date": appointment_date.isoformat()},
        label=f"Sagsbehandler orienteret om tid {appointment_date:%d.%m.%Y}",
    )


@assignee_act
@transaction.atomic
def invite_citizen(user: User, case: Case, appointment_date: date, channel: str = "api") -> Case:
    case, transition = begin(user, case, "invite")
    received = timezone.localdate(case.received_at)
    late = appointment_is_late(received, appointment_date)
    notified_for_this = (
        case.late_appointment_notified_at is not None and case.appointment_date == appointment_date
    )
    if late and not notified_for_this:
        raise ServiceError(
            "late_appointment_not_notified",
            "Tiden ligger mere end 14 dage efter, at anmodningen blev modtaget. Orientér "
            "sagsbehandleren, før borgeren indkaldes.",
        )
    from_state = case.state
    case.appointment_date = appointment_date
    case.state = target_of(transition)
    return finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"appointment_date": appointment_date.isoformat()},
        label=f"Borgeren indkaldt til {appointment_date:%d.%m.%Y}",
    )


@assignee_act
@transaction.atomic
def hold_consultation(
    user: User, case: Case, consultation_date: date | None = None, channel: str = "api"
) -> Case:
    case, transition = begin(user, case, "hold_consultation")
    if case.specialist_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte speciallæge kan registrere.")
    consultation_date = consultation_date or common.local_today()
    problem = meeting_rules.consultation_date_problem(
        consultation_date, case.appointment_date, common.local_today()
    )
    if problem:
        raise ServiceError(
            "invalid_consultation_date", problem, fields={"consultation_date": [problem]}
        )
    from_state = case.state
    case.consultation_date = consultation_date
    case.state = target_of(transition)
    finish(user, case, transition, from_state, channel)
    # The specialist's note on the consultation is written on it afterwards.
    open_consultation_record(case, user)
    return case
