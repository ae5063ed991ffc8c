"""The citizen's consents and refusals (BEK § 5, stk. 2; § 11, stk. 5), and the citizen's
agreement for one klinisk-funktion case that the coordinator also assesses (§ 13, stk. 3)."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules import consent as consent_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import Citizen, User
from sagsbro.organisations.roles import Role


def consent_records(
    citizen: Citizen, consents: Iterable[Consent] | None = None
) -> list[consent_rules.ConsentRecord]:
    """The citizen's general consents as the rules see them (``consents``: rows already
    fetched); an agreement given for one case only counts for that case (see
    ``assignment.same_person_agreed``), not here."""
    return [
        consent_rules.ConsentRecord(
            scope=consent_rules.ConsentScope(c.scope),
            given_on=c.given_on,
            written=c.written,
            withdrawn_on=c.withdrawn_on,
            valid_until=c.valid_until,
            refused=c.refused,
            registered=c.pk,
        )
        for c in (
            Consent.objects.filter(citizen=citizen, case__isnull=True)
            if consents is None
            else consents
        )
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


CASE_BOUND_SCOPES = frozenset({consent_rules.ConsentScope.SAME_PERSON_ASSESSMENT})
"""Scopes the citizen agrees to for one case only: the agreement that the person who has been
health coordinator in their case also does the assessment in klinisk funktion is given for
that klinisk-funktion case (BEK § 13 stk. 3), not in general."""


def may_register_consent(user: User, citizen: Citizen, scope: str, case: Case | None) -> bool:
    """The municipality's caseworker registers (and withdraws) the citizen's consents; the
    region's secretariat, which assigns the specialist, may record the citizen's agreement of
    § 13 stk. 3 on a klinisk-funktion case it receives."""
    if user.role == Role.CASEWORKER:
        return citizen.municipality_id == user.municipality_id
    return (
        user.role == Role.SECRETARIAT
        and scope in CASE_BOUND_SCOPES
        and case is not None
        and access.may_see(user, case)
    )


def _check_case(citizen: Citizen, scope: str, case: Case | None) -> None:
    if scope not in CASE_BOUND_SCOPES:
        if case is not None:
            message = "Samtykket gælder borgeren generelt og registreres ikke på en enkelt sag."
            raise ServiceError("case_not_allowed", message, fields={"case": [message]})
        return
    if case is None:
        message = (
            "Borgerens accept af, at sundhedskoordinatoren også foretager vurderingen, "
            "registreres på sagen i klinisk funktion (BEK § 13, stk. 3)."
        )
        raise ServiceError("case_required", message, fields={"case": [message]})
    if case.citizen_id != citizen.pk or case.subtype != Subtype.KLINISK_FUNKTION:
        message = (
            "Borgerens accept efter BEK § 13, stk. 3, registreres på borgerens sag i "
            "klinisk funktion."
        )
        raise ServiceError("invalid_case", message, fields={"case": [message]})


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
    case: Case | None = None,
    channel: str = "api",
) -> Consent:
    """A consent, or with ``refused`` the citizen's recorded refusal (given_on: the day the
    citizen said no); a refusal states the citizen's position but covers nothing. The
    agreement of BEK § 13 stk. 3 is registered on the klinisk-funktion case it is given for
    (``case``); the other consents on the citizen."""
    if case is not None and not access.may_see(user, case):
        message = "Sagen findes ikke."
        raise ServiceError("not_found", message, fields={"case": [message]}, status=404)
    if not may_register_consent(user, citizen, scope, case):
        raise PermissionRefused(
            "role_not_allowed", "Kun kommunens sagsbehandler kan registrere samtykke."
        )
    _check_case(citizen, scope, case)
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
        case=case,
        registered_by=user,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("consent", consent.pk, case.pk if case else None, citizen.pk),
        detail=f"{scope} afslået" if refused else str(scope),
        channel=channel,
    )
    kind, label = (
        (EventKind.CONSENT_REFUSED, "Borgerens afslag på samtykke registreret")
        if refused
        else (EventKind.CONSENT_REGISTERED, "Samtykke registreret")
    )
    for shown in [case] if case is not None else citizen.cases.open():
        record_event(shown, user, kind, label, data={"scope": scope})
    return consent


@transaction.atomic
def withdraw_consent(
    user: User, consent: Consent, withdrawn_on: date | None = None, channel: str = "api"
) -> Consent:
    if not may_register_consent(user, consent.citizen, consent.scope, consent.case):
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
        Subject("consent", consent.pk, consent.case_id, consent.citizen_id),
        detail="tilbagekaldt",
        channel=channel,
    )
    bound = consent.case
    for shown in [bound] if bound is not None else consent.citizen.cases.open():
        record_event(
            shown,
            user,
            EventKind.CONSENT_WITHDRAWN,
            "Samtykke tilbagekaldt",
            data={"scope": consent.scope},
        )
    return consent
