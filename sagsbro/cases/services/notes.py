"""Notes between the parties on a case."""

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, CaseNote
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
)
from sagsbro.cases.services.common import require_text
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


@transaction.atomic
def add_note(
    user: User,
    case: Case,
    *,
    text: str,
    contact_preference: str = "",
    contact_times: str = "",
    channel: str = "api",
) -> CaseNote:
    require_text(text, "text", "Skriv en note.")
    if user.role == Role.GENERAL_PRACTITIONER or not access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if case.state in FINAL_STATES:
        raise ServiceError("invalid_state", "Der kan ikke skrives noter på en afsluttet sag.")
    note = CaseNote.objects.create(
        case=case,
        author=user,
        text=text,
        contact_preference=contact_preference,
        contact_times=contact_times,
    )
    record_event(case, user, EventKind.NOTE_ADDED, "Note tilføjet")
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("note", note.pk, case.pk, case.citizen_id),
        channel=channel,
    )
    return note
