"""The citizen's consents and refusals (BEK § 5, stk. 2; § 11, stk. 5)."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.services import common
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import Citizen, User
from sagsbro.organisations.roles import Role


def consent_records(
    citizen: Citizen, consents: Iterable[Consent] | None = None
) -> list[consent_rules.ConsentRecord]:
    """The citizen's consents as the rules see them (``consents``: rows already fetched)."""
    return [
        consent_rules.ConsentRecord(
            scope=consent_rules.ConsentScope(c.scope),
            given_on=c.given_on,
            written=c.written,
            withdrawn_on=c.withdrawn_on,
            valid_until=c.valid_until,
            refused=c.refused,
        )
        for c in (Consent.objects.filter(citizen=citizen) if consents is None else consents)
    ]


def gp_contact_status(
    case: Case, consents: Iterable[Consent] | None = None
) -> consent_rules.ConsentStatus:
    """Whether the coordinator may contact the citizen's GP today (BEK § 5 stk. 2): GIVEN
    with covering written consent; REFUSED or MISSING: "Må ikke kontakte egen læge"."""
    return consent_rules.consent_status(
        consent_records(case.citizen, consents),
        consent_rules.ConsentScope.CONTACT_GP,
        common.local_today(),
    )


def require_consent_for_action(
    case: Case, action_key: str, on: date | None = None
) -> consent_rules.ConsentRecord:
    """Refuse an action the citizen's consents do not cover (BEK § 5 stk. 2, § 11 stk. 5)."""
    try:
        return consent_rules.require_consent_for_action(
            action_key, consent_records(case.citizen), on or common.local_today()
        )
    except consent_rules.ConsentMissing as exc:
        raise ServiceError(exc.code, exc.message) from exc


@transaction.atomic
def register_consent(
    user: User,
    citizen: Citizen,
    *,
    scope: str,
    given_on: date,
    written: bool = True,
    valid_until: date | None = None,
    refused: bool = False,
    channel: str = "api",
) -> Consent:
    """A consent, or with ``refused`` the citizen's recorded refusal (given_on: the day the
    citizen said no); a refusal states the citizen's position but covers nothing."""
    if user.role != Role.CASEWORKER or citizen.municipality_id != user.municipality_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun kommunens sagsbehandler kan registrere samtykke."
        )
    if given_on > common.local_today():
        raise ServiceError(
            "future_date",
            "Samtykket kan ikke være givet i fremtiden.",
            fields={"given_on": ["Datoen må ikke ligge i fremtiden."]},
        )
    if valid_until is not None and valid_until < given_on:
        raise ServiceError(
            "invalid_period",
            "Gyldighedsdatoen ligger før samtykket blev givet.",
            fields={"valid_until": ["Skal ligge efter datoen for samtykket."]},
        )
    consent = Consent.objects.create(
        citizen=citizen,
        scope=scope,
        given_on=given_on,
        written=written,
        valid_until=valid_until,
        refused=refused,
        registered_by=user,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("consent", consent.pk, None, citizen.pk),
        detail=f"{scope} afslået" if refused else str(scope),
        channel=channel,
    )
    kind, label = (
        (EventKind.CONSENT_REFUSED, "Borgerens afslag på samtykke registreret")
        if refused
        else (EventKind.CONSENT_REGISTERED, "Samtykke registreret")
    )
    for case in citizen.cases.open():
        record_event(case, user, kind, label, data={"scope": scope})
    return consent


@transaction.atomic
def withdraw_consent(
    user: User, consent: Consent, withdrawn_on: date | None = None, channel: str = "api"
) -> Consent:
    if user.role != Role.CASEWORKER or consent.citizen.municipality_id != user.municipality_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun kommunens sagsbehandler kan tilbagekalde samtykke."
        )
    if consent.withdrawn_on is not None:
        raise ServiceError("already_withdrawn", "Samtykket er allerede tilbagekaldt.")
    consent.withdrawn_on = withdrawn_on or common.local_today()
    consent.save(update_fields=["withdrawn_on"])
    record(
        user,
        AuditEntry.Action.UPDATE,
        Subject("consent", consent.pk, None, consent.citizen_id),
        detail="tilbagekaldt",
        channel=channel,
    )
    for case in consent.citizen.cases.open():
        record_event(
            case,
            user,
            EventKind.CONSENT_WITHDRAWN,
            "Samtykke tilbagekaldt",
            data={"scope": consent.scope},
        )
    return consent
