"""Citizens: registration; collaboration agreements. Who may see them: `access.py`."""

import datetime

from django.db import transaction
from django.db.models import Q

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
