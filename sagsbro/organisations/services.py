"""Citizens: registration and the tenancy helper for them."""

from django.db import transaction

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import Citizen, Role
from sagsbro.organisations.rules import CprError, parse_cpr


def citizens_visible_to(user):
    """Citizens a user may know of: the municipality's own; for the region and GPs only those
    with a case they can see."""
    from sagsbro.cases.models import Case

    if not user.is_authenticated:
        return Citizen.objects.none()
    if user.role in (Role.CASEWORKER, Role.TEAM_MEMBER):
        return Citizen.objects.filter(municipality_id=user.municipality_id)
    if user.role in (
        Role.SECRETARIAT,
        Role.COORDINATOR,
        Role.CLINICAL_SPECIALIST,
        Role.GENERAL_PRACTITIONER,
    ):
        return Citizen.objects.filter(pk__in=Case.objects.visible_to(user).values("citizen_id"))
    return Citizen.objects.none()


@transaction.atomic
def register_citizen(
    user,
    *,
    cpr,
    name,
    general_practitioner=None,
    has_children=False,
    under_30_without_education=False,
    channel="api",
) -> Citizen:
    if user.role != Role.CASEWORKER:
        raise PermissionRefused("role_not_allowed", "Kun sagsbehandlere kan oprette borgere.")
    try:
        parsed = parse_cpr(cpr)
    except CprError as exc:
        raise ServiceError("invalid_cpr", exc.message, fields={"cpr": [exc.message]}) from exc
    if Citizen.objects.filter(municipality_id=user.municipality_id, cpr=parsed.digits).exists():
        message = "Borgeren er allerede oprettet i kommunen."
        raise ServiceError("duplicate_citizen", message, fields={"cpr": [message]})
    if general_practitioner is not None and general_practitioner.role != Role.GENERAL_PRACTITIONER:
        message = "Den valgte person er ikke praktiserende læge."
        raise ServiceError("invalid_gp", message, fields={"general_practitioner": [message]})
    citizen = Citizen.objects.create(
        cpr=parsed.digits,
        birth_date=parsed.birth_date,
        name=name,
        municipality_id=user.municipality_id,
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
    new, changed = [], []
    for data in MUNICIPALITIES:
        municipality = municipalities.get(data.code)
        if municipality is None:
            new.append(
                Municipality(code=data.code, name=data.name, region=regions[data.region_code])
            )
        elif (municipality.name, municipality.region_id) != (
            data.name,
            regions[data.region_code].pk,
        ):
            municipality.name = data.name
            municipality.region = regions[data.region_code]
            changed.append(municipality)
    Municipality.objects.bulk_create(new)
    Municipality.objects.bulk_update(changed, ["name", "region"])
