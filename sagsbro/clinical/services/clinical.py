"""Klinisk funktion: the late appointment notice and the caseworker's acceptance of it, and the
consultation (BEK § 13, EVAL table 8 step 2.2). Inviting the citizen is booking a slot
(`booking.invite_citizen`); the specialist's certificate is in `certificate`."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.services import common
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.transitions import begin, finish, target_of
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.rules.invitation import late_notice_problem
from sagsbro.clinical.rules.no_show import consultation_too_early_problem
from sagsbro.clinical.services.assessment import open_consultation_record
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import User


@assignee_act
@transaction.atomic
def notify_late_appointment(
    user: User, case: Case, appointment_date: date, channel: str = "api"
) -> Case:
    """The caseworker is told of the late time before the citizen is invited (EVAL table 8
    step 2.2). A notice of another day takes back the caseworker's acceptance of the earlier
    one: the caseworker accepts the day the citizen will be invited to. Refused for a day
    that is not late, has passed or lies more than a year ahead (`late_notice_problem`)."""
    case, transition = begin(user, case, "notify_late_appointment")
    if case.received_at is not None:
        problem = late_notice_problem(
            timezone.localdate(case.received_at), appointment_date, common.local_today()
        )
        if problem is not None:
            raise _refuse(problem.code, problem.message)
    if case.appointment_date != appointment_date:
        case.late_appointment_accepted_at = None
        case.late_appointment_accepted_by = None
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


def _refuse(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, fields={"appointment_date": [message]})


@transaction.atomic
def accept_late_appointment(
    user: User, case: Case, appointment_date: date, channel: str = "api"
) -> Case:
    """The caseworker accepts the late time klinisk funktion told them of (EVAL table 8 step
    2.2); only then may the citizen be invited to it. The day is given again, so an acceptance
    never covers a day the caseworker was not told of (a newer notice, say)."""
    case, transition = begin(user, case, "accept_late_appointment")
    if case.late_appointment_notified_at is None or case.appointment_date is None:
        raise _refuse(
            "no_late_notice", "Klinisk funktion har ikke orienteret om en sen konsultationstid."
        )
    if case.appointment_date != appointment_date:
        raise _refuse(
            "late_notice_other_date",
            f"Klinisk funktion har orienteret om tiden {case.appointment_date:%d.%m.%Y}, ikke "
            f"{appointment_date:%d.%m.%Y}.",
        )
    if case.late_appointment_accepted_at is not None:
        raise _refuse(
            "late_appointment_already_accepted",
            f"Tiden {appointment_date:%d.%m.%Y} er allerede accepteret.",
        )
    case.late_appointment_accepted_at = timezone.now()
    case.late_appointment_accepted_by = user
    return finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"appointment_date": appointment_date.isoformat()},
        label=f"Sagsbehandler har accepteret tid {appointment_date:%d.%m.%Y}",
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
        consultation_date,
        case.appointment_date,
        common.local_today(),
        timezone.localdate(case.received_at) if case.received_at else None,
    )
    if problem:
        raise ServiceError(
            "invalid_consultation_date", problem, fields={"consultation_date": [problem]}
        )
    slot = ConsultationSlot.objects.filter(case_id=case.pk).first()
    problem = consultation_too_early_problem(
        timezone.localtime(slot.starts_at) if slot is not None else None, common.local_now()
    )
    if problem:
        raise ServiceError("consultation_too_early", problem)
    from_state = case.state
    case.consultation_date = consultation_date
    case.state = target_of(transition)
    finish(user, case, transition, from_state, channel)
    # The specialist's note on the consultation is written on it afterwards.
    open_consultation_record(case, user)
    return case
