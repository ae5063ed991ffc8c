"""Citizens: registration and the tenancy helper for them; collaboration agreements."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    Citizen,
    CollaborationAgreement,
    Municipality,
    User,
)
from sagsbro.organisations.roles import Role
from sagsbro.organisations.rules import CprError, parse_cpr


def citizens_visible_to(user: User | AnonymousUser) -> QuerySet[Citizen]:
    """Citizens a user may know of: the municipality's own; for the region and GPs only those
    with a case they can see."""
    from sagsbro.cases.models import Case

    if not isinstance(user, User) or not user.is_authenticated:
        return Citizen.objects.none()
    if user.role in (Role.CASEWORKER, Role.TEAM_MEMBER):
        # A municipal role always has a municipality (the stubs cannot know).
        return Citizen.objects.filter(municipality_id=user.municipality_id)  # type: ignore[misc]
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


def agreements_visible_to(user: User | AnonymousUser) -> QuerySet[CollaborationAgreement]:
    """Agreement versions a user may see: the region's administrator sees the region's."""
    if (
        not isinstance(user, User)
        or not user.is_authenticated
        or user.role != Role.ADMINISTRATOR
        or not user.region_id
    ):
        return CollaborationAgreement.objects.none()
    return CollaborationAgreement.objects.filter(region_id=user.region_id)


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


@transaction.atomic
def save_agreement(
    user: User,
    municipality: Municipality | None,
    *,
    # As entered: check_agreement_rules refuses what is not a valid rule.
    rules: Iterable[Mapping[str, Any]],
    expected_cases_per_year: int | None = None,
    notice_months: int | None = None,
    channel: str = "api",
) -> CollaborationAgreement:
    """The region's administrator sets the agreement's deadlines with a municipality (BEK § 20).

    A change never reaches a case already received: the deadlines of a case come from the
    agreement version in force on the day the region received it. So a change is a new version
    that takes effect the next day, and the version in force ends today; while that new version
    has not taken effect, further changes edit it in place. Without any rule for a subtype, the
    executive order's deadlines apply (§§ 21-23).
    """
    if user.role != Role.ADMINISTRATOR or not user.region_id:
        raise PermissionRefused(
            "role_not_allowed", "Kun regionens administrator kan ændre samarbejdsaftaler."
        )
    if municipality is None or municipality.region_id != user.region_id:
        raise ServiceError("not_found", "Kommunen findes ikke i din region.", status=404)
    inputs = [
        deadline_rules.AgreementRuleInput(
            subtype=str(r.get("subtype", "")),
            kind=str(r.get("kind", "")),
            # Unchecked input: check_agreement_rules refuses a count that is not an int.
            count=cast(int, r.get("count")),
            unit=str(r.get("unit", "")),
            source=str(r.get("source", "")),
        )
        for r in rules
    ]
    try:
        deadline_rules.check_agreement_rules(inputs)
    except deadline_rules.AgreementRuleInvalid as exc:
        raise ServiceError(exc.code, exc.message, fields={"rules": [exc.message]}) from exc
    for name, value in (
        ("expected_cases_per_year", expected_cases_per_year),
        ("notice_months", notice_months),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            message = "Angiv et helt tal, der ikke er negativt."
            raise ServiceError("invalid_number", message, fields={name: [message]})

    # One change at a time per municipality.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    current = agreement_in_force(municipality, today)
    version = pending_agreement(municipality, today)
    created = version is None
    if version is None:
        base = current
        version = CollaborationAgreement(
            region_id=municipality.region_id,
            municipality=municipality,
            valid_from=tomorrow,
            valid_to=None,
            expected_cases_per_year=base.expected_cases_per_year if base else 0,
            notice_months=base.notice_months if base else 9,
        )
        if current is not None and (current.valid_to is None or current.valid_to > today):
            current.valid_to = today
            current.save(update_fields=["valid_to"])
    if expected_cases_per_year is not None:
        version.expected_cases_per_year = expected_cases_per_year
    if notice_months is not None:
        version.notice_months = notice_months
    version.save()
    version.deadline_rules.all().delete()
    AgreementDeadlineRule.objects.bulk_create(
        [
            AgreementDeadlineRule(
                agreement=version,
                subtype=r.subtype,
                kind=r.kind,
                count=r.count,
                unit=r.unit,
                source=r.source.strip(),
            )
            for r in inputs
        ]
    )
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        Subject("agreement", version.pk, None, None),
        detail=f"samarbejdsaftale {municipality.code} fra {version.valid_from.isoformat()}: "
        f"{len(inputs)} frister",
        channel=channel,
    )
    return version
