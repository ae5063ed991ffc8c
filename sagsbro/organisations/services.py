"""Citizens: registration; collaboration agreements; API tokens. Who may see them:
`access.py`."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import (
    Citizen,
    CollaborationAgreement,
    Municipality,
    User,
)
from sagsbro.organisations.roles import Role
from sagsbro.organisations.rules import CprError, parse_cpr


@transaction.atomic
def register_citizen(
    user: User,
    *,
    cpr: str,
    name: str,
    general_practitioner: User | None = None,
    has_children: bool = False,
    under_30_without_education: bool = False,
    channel: str = "api",
) -> Citizen:
    if user.role != Role.CASEWORKER:
        raise PermissionRefused("role_not_allowed", "Kun sagsbehandlere kan oprette borgere.")
    try:
        parsed = parse_cpr(cpr)
    except CprError as exc:
        raise ServiceError("invalid_cpr", exc.message, fields={"cpr": [exc.message]}) from exc
    # A caseworker always has a municipality (the stubs cannot know).
    if Citizen.objects.filter(  # type: ignore[misc]
        municipality_id=user.municipality_id, cpr=parsed.digits
    ).exists():
        message = "Borgeren er allerede oprettet i kommunen."
        raise ServiceError("duplicate_citizen", message, fields={"cpr": [message]})
    if general_practitioner is not None and general_practitioner.role != Role.GENERAL_PRACTITIONER:
        message = "Den valgte person er ikke praktiserende læge."
        raise ServiceError("invalid_gp", message, fields={"general_practitioner": [message]})
    citizen = Citizen.objects.create(
        cpr=parsed.digits,
        birth_date=parsed.birth_date,
        name=name,
        municipality_id=user.municipality_id,  # type: ignore[misc]
        general_practitioner=general_practitioner,
        has_children=has_children,
        under_30_without_education=under_30_without_education,
    )
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("citizen", citizen.pk, None, citizen.pk),
        channel=channel,
    )
    return citizen


KLINISK_FUNKTION_NAMES = {
    "1084": "Klinisk Funktion, Region Hovedstaden",
    "1085": "Klinisk Funktion, Region Sjælland",
    "1083": "Klinisk Funktion, Region Syddanmark",
    "1082": "Klinisk Funktion, Region Midtjylland",
    "1081": "Klinisk Funktion, Region Nordjylland",
}


@transaction.atomic
def load_reference_data() -> None:
    """Create the five regions and 98 municipalities, or bring existing rows up to date."""
    from sagsbro.organisations.models import Municipality, Region
    from sagsbro.organisations.reference_data import MUNICIPALITIES, REGIONS

    existing = {r.code: r for r in Region.objects.all()}
    for data in REGIONS:
        region = existing.get(data.code) or Region(code=data.code)
        region.name = data.name
        region.inhabitants = data.inhabitants_2014
        region.klinisk_funktion_name = KLINISK_FUNKTION_NAMES[data.code]
        region.designated_inbox = f"klinisk.funktion.{data.code}@sagsbro.dk"
        existing[data.code] = region
    Region.objects.bulk_create([r for r in existing.values() if r.pk is None])
    Region.objects.bulk_update(
        [r for r in existing.values() if r.pk is not None],
        ["name", "inhabitants", "klinisk_funktion_name", "designated_inbox"],
    )
    regions = {r.code: r for r in Region.objects.all()}
    municipalities = {m.code: m for m in Municipality.objects.all()}
    new: list[Municipality] = []
    changed: list[Municipality] = []
    for municipality_data in MUNICIPALITIES:
        municipality = municipalities.get(municipality_data.code)
        region = regions[municipality_data.region_code]
        if municipality is None:
            new.append(
                Municipality(
                    code=municipality_data.code, name=municipality_data.name, region=region
                )
            )
        elif (municipality.name, municipality.region_id) != (municipality_data.name, region.pk):
            municipality.name = municipality_data.name
            municipality.region = region
            changed.append(municipality)
    Municipality.objects.bulk_create(new)
    Municipality.objects.bulk_update(changed, ["name", "region"])


# --- collaboration agreements (samarbejdsaftaler) -------------------------------------------


def agreement_in_force(
    municipality: Municipality, on: datetime.date
) -> CollaborationAgreement | None:
    """The agreement version in force for the municipality on the day ``on``, or None (the
    executive order's deadlines apply)."""
    return (
        CollaborationAgreement.objects.filter(
            municipality=municipality, region_id=municipality.region_id, valid_from__lte=on
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from", "-id")
        .first()
    )


def pending_agreement(
    municipality: Municipality, today: datetime.date
) -> CollaborationAgreement | None:
    """A version that takes effect after today and so governs no case yet."""
    return (
        CollaborationAgreement.objects.filter(
            municipality=municipality, region_id=municipality.region_id, valid_from__gt=today
        )
        .order_by("-valid_from", "-id")
        .first()
    )


# API tokens (django-rest-knox) ---------------------------------------------------------------
# Only a hash of a token is stored. A token is named by the start of that hash (never by the
# token itself): `api_token_id`.

API_TOKEN_ID_LENGTH = 16


def api_token_id(token: AuthToken) -> str:
    return str(token.digest[:API_TOKEN_ID_LENGTH])


def live_api_tokens(user: User) -> QuerySet[AuthToken]:
    tokens: QuerySet[AuthToken] = AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
    return tokens.order_by("-created")


@transaction.atomic
def issue_api_token(user: User) -> tuple[AuthToken, str]:
    """A new token for each sign-in at the token endpoint; earlier ones stay valid until they
    expire or are revoked, except that the oldest give way beyond SAGSBRO_API_TOKENS_PER_USER.
    Returns the stored token and the token's value, which is shown only this once."""
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    instance, value = AuthToken.objects.create(
        user=user, expiry=settings.SAGSBRO_API_TOKEN_LIFETIME
    )
    record(user, AuditEntry.Action.TOKEN_ISSUED, Subject("api_token", api_token_id(instance)))
    for old in live_api_tokens(user)[settings.SAGSBRO_API_TOKENS_PER_USER :]:
        _revoke(user, old, detail="afløst af en nyere nøgle", channel="api")
    return instance, value


@transaction.atomic
def revoke_api_token(user: User, token: AuthToken, *, channel: str = "api") -> None:
    """A user revokes one of their own tokens."""
    if token.user_id != user.pk:
        raise PermissionRefused("not_your_token", "Du kan kun tilbagekalde dine egne API-nøgler.")
    _revoke(user, token, detail="tilbagekaldt af brugeren", channel=channel)


@transaction.atomic
def revoke_all_api_tokens(user: User, *, reason: str, channel: str = "web") -> int:
    """Every token of the user, when their password changes or the account is deactivated."""
    tokens = list(AuthToken.objects.filter(user=user))
    for token in tokens:
        _revoke(user, token, detail=reason, channel=channel)
    return len(tokens)


def _revoke(user: User, token: AuthToken, *, detail: str, channel: str) -> None:
    token_id = api_token_id(token)
    AuthToken.objects.filter(digest=token.digest).delete()
    record(
        user,
        AuditEntry.Action.TOKEN_REVOKED,
        Subject("api_token", token_id),
        detail=detail,
        channel=channel,
    )
