"""Contact outside the case's documents: the phone or virtual contact the municipality asked
for, and the coordinator's contact with the citizen's GP."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.requirements import ContactPreference
from sagsbro.cases.rules.workflow import (
    State,
)
from sagsbro.cases.services import common
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.common import audit_case_write, locked, require_text
from sagsbro.cases.services.consents import consent_records, require_consent_for_action
from sagsbro.cases.services.transitions import begin, finish
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

# How the agreed contact takes place (procedure Løbende sag: telefonisk eller virtuel kontakt).
CONTACT_HOW_LABELS = {"phone": "Telefonisk", "virtual": "Virtuel"}


def wants_contact(case: Case) -> bool:
    """The municipality asked for phone or virtual contact, on the case or in a note."""
    wanted = str(ContactPreference.CONTACT_FIRST)
    return (
        case.contact_preference == wanted or case.notes.filter(contact_preference=wanted).exists()
    )


@transaction.atomic
def record_contact_appointment(
    user: User, case: Case, at: datetime | None, how: str, channel: str = "api"
) -> Case:
    """The secretariat records the agreed time for the phone or virtual contact the
    municipality asked for; the case then leaves the list of cases wanting contact."""
    case, transition = begin(user, case, "record_contact_time")
    if how not in CONTACT_HOW_LABELS:
        message = "Vælg, om kontakten er telefonisk eller virtuel."
        raise ServiceError("invalid_choice", message, fields={"how": [message]})
    if at is None:
        message = "Angiv dato og klokkeslæt for kontakten."
        raise ServiceError("required", message, fields={"at": [message]})
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    local = timezone.localtime(at)
    if local.date() < common.local_today():
        message = "Tidspunktet for kontakten ligger før i dag."
        raise ServiceError("past_date", message, fields={"at": [message]})
    if not wants_contact(case):
        raise ServiceError(
            "contact_not_wanted",
            "Kommunen har ikke bedt om telefonisk eller virtuel kontakt i denne sag.",
        )
    label = f"{CONTACT_HOW_LABELS[how]} kontakt aftalt {local:%d.%m.%Y} kl. {local:%H.%M}"
    return finish(
        user,
        case,
        transition,
        case.state,
        channel,
        data={"at": at.isoformat(), "how": how},
        label=label,
    )


# States in which the assigned coordinator works on the case and may contact the GP.
GP_CONTACT_STATES = frozenset({State.ASSIGNED, State.SCREENED})


@assignee_act
@transaction.atomic
def record_gp_contact(
    user: User, case: Case, *, contacted_on: date | None, summary: str, channel: str = "api"
) -> CaseEvent:
    """The coordinator records a contact with the citizen's GP. Refused without the citizen's
    written consent covering the day of the contact (BEK § 5 stk. 2, § 11 stk. 5), e.g. when
    the municipality recorded that the citizen refused."""
    require_text(summary, "summary", "Skriv kort, hvad kontakten drejede sig om.")
    case = locked(case)
    if not access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    if user.role != Role.COORDINATOR or case.coordinator_id != user.pk:
        raise PermissionRefused(
            "not_assignee", "Kun sagens sundhedskoordinator kan registrere kontakt med egen læge."
        )
    if case.state_enum not in GP_CONTACT_STATES:
        raise ServiceError(
            "invalid_state",
            "Kontakt med egen læge kan kun registreres, mens sagen er hos sundhedskoordinatoren.",
        )
    if contacted_on is None or contacted_on > common.local_today():
        message = "Datoen for kontakten må ikke ligge i fremtiden."
        raise ServiceError("future_date", message, fields={"contacted_on": [message]})
    if contacted_on < timezone.localdate(case.received_at):
        message = "Kontakten kan ikke ligge før, sagen kom til regionen."
        raise ServiceError("invalid_date", message, fields={"contacted_on": [message]})
    records = consent_records(case.citizen)
    scope = consent_rules.ConsentScope.CONTACT_GP
    if consent_rules.consent_status(records, scope, contacted_on) == (
        consent_rules.ConsentStatus.REFUSED
    ):
        raise ServiceError(
            "consent_refused",
            "Må ikke kontakte egen læge: borgeren har ikke givet samtykke til, at "
            "sundhedskoordinatoren kontakter den praktiserende læge (BEK § 5, stk. 2).",
        )
    require_consent_for_action(case, "contact_gp", contacted_on)
    event = record_event(
        case,
        user,
        EventKind.GP_CONTACT,
        f"Kontakt med egen læge {contacted_on:%d.%m.%Y}",
        from_state=case.state,
        comment=summary,
        data={"contacted_on": contacted_on.isoformat()},
    )
    audit_case_write(user, case, AuditEntry.Action.CREATE, "kontakt egen læge", channel)
    return event
