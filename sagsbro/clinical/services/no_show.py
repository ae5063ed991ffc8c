"""The citizen did not come to the consultation (udeblivelse): the `record_no_show`
transition takes the case from INVITED back to ASSIGNED, so a new time can be booked.

In one transaction: the booked time is freed (by the release listener, `slot_release`, which
the transition's change reaches), the appointment day and any late-appointment notice and
acceptance of it are cleared (a new late time needs a new notice and acceptance; the 14 days
still count from the receipt), and the case's history tells the caseworker, whose
»Afventer dig« shows the no-show until the case is booked again (`clinical.worklist`). The
deadlines are unchanged: the § 23 pair runs from the receipt, not from the consultation
time."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.transitions import begin, finish, target_of
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.rules.no_show import no_show_comment_problem, no_show_problem
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

__all__ = ["no_show_label", "record_no_show"]


def _now() -> datetime:
    """The moment of recording, in local time: the services' one clock (`common.local_now`),
    which the consultation's own check reads too."""
    return common.local_now()


def no_show_label(day: object) -> str:
    """The history's and the worklist's sentence for a no-show on ``day`` (or no known day)."""
    if day is None:
        return "Borgeren udeblev fra konsultationen"
    return f"Borgeren udeblev fra konsultationen {day:%d.%m.%Y}"


@assignee_act
@transaction.atomic
def record_no_show(user: User, case: Case, comment: str = "", channel: str = "api") -> Case:
    """Record that the citizen did not come to the consultation they were invited to: at or
    after the booked time only; by the secretariat or the case's own specialist. ``comment``
    is a short practical note (no health information), at most
    ``NO_SHOW_COMMENT_MAX_CHARS`` characters."""
    case, transition = begin(user, case, "record_no_show")
    if case.subtype != Subtype.KLINISK_FUNKTION:  # the rule says so too
        raise ServiceError("invalid_case", "Kun sager til klinisk funktion har konsultationer.")
    if user.role == Role.CLINICAL_SPECIALIST and case.specialist_id != user.pk:
        raise PermissionRefused("not_assignee", "Kun den tildelte speciallæge kan registrere.")
    comment = (comment or "").strip()
    problem = no_show_comment_problem(comment)
    if problem:
        raise ServiceError("invalid_comment", problem, fields={"comment": [problem]})
    slot = ConsultationSlot.objects.filter(case_id=case.pk).first()
    starts = timezone.localtime(slot.starts_at) if slot is not None else None
    problem = no_show_problem(starts, case.appointment_date, _now())
    if problem:
        raise ServiceError("no_show_too_early", problem)

    day = starts.date() if starts is not None else case.appointment_date
    from_state = case.state
    case.state = target_of(transition)
    # The case goes on without a time; a new late time needs a new notice and acceptance.
    case.appointment_date = None
    case.late_appointment_notified_at = None
    case.late_appointment_accepted_at = None
    case.late_appointment_accepted_by = None
    data: dict[str, object] = {"appointment_date": day.isoformat() if day else None}
    if slot is not None:
        data["slot"] = slot.pk
    # The listener frees the booked time inside this transaction (slot_release).
    return finish(
        user,
        case,
        transition,
        from_state,
        channel,
        comment=comment,
        data=data,
        label=no_show_label(day),
    )
