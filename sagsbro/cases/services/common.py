"""Helpers every kind of write shares: today's date, the row lock, the audit entry of a
case write, and the checks on free text and meeting days."""

from datetime import date, datetime

from django.utils import timezone

from sagsbro.audit.services import case_subject, record
from sagsbro.cases.models import Case
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.rules.workflow import (
    TransitionRefused,
)
from sagsbro.core.errors import ServiceError
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.organisations.models import User
from sagsbro.workdays.services import configured_calendar


def local_today() -> date:
    """Today in the configured time zone, as every service sees it. The services call it as
    ``common.local_today()``, so a test can move the date in one place."""
    return timezone.localdate()


def local_now() -> datetime:
    """This moment in the configured time zone, as the services that compare it with a booked
    time see it (``common.local_now()``, so a test can move the clock in one place)."""
    return timezone.localtime()


def refusal(exc: TransitionRefused) -> ServiceError:
    status = 403 if exc.code == "role_not_allowed" else 400
    return ServiceError(exc.code, exc.message, status=status)


def audit_case_write(user: User, case: Case, action: str, detail: str, channel: str) -> None:
    record(user, action, case_subject(case), detail=detail, channel=channel)


def locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def require_text(value: str | None, field: str, message: str) -> None:
    if not (value or "").strip():
        raise ServiceError("required", message, fields={field: [message]})


def require_meeting_day(meeting_date: date | None, field: str = "meeting_date") -> None:
    """A meeting is held on a working day (rules.meetings.meeting_day_problem)."""
    if meeting_date is None:
        return
    problem = meeting_rules.meeting_day_problem(meeting_date, configured_calendar())
    if problem:
        raise ServiceError("not_a_working_day", problem, fields={field: [problem]})


def share_with_gp(case: Case, document: Document, reason: str) -> DocumentShare | None:
    gp = case.citizen.general_practitioner
    if gp is None:
        return None
    share, _ = DocumentShare.objects.get_or_create(
        document=document, recipient=gp, defaults={"reason": reason}
    )
    return share
