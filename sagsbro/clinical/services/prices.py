"""The price of assessments (BEK § 18): each case's costs, the yearly price index and the
running average per region and year against the cap, and the cases under a price agreed with
their municipality against that price (rules in `clinical.rules.prices`).

Who may do what:

* the region's secretariat records a cost on a klinisk-funktion case it can see and reads
  the region's costs;
* the national administrator (an administrator of neither a region nor a municipality)
  keeps the yearly price index: one national table, since the cap follows the one national
  price development of medical certificates (stk. 2) and a region bound by the cap must not
  set the figure its own average is held against;
* the regions' secretariats and administrators and the municipalities' administrators read
  the index (reference data, no personal data);
* the region's secretariat and administrator read the region's averages. The administrator
  sees the figures but not the cases behind them. The national administrator sees no
  region's figures and no citizen data.

The agreed price itself is set on the collaboration agreement (`cases.services.agreements`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record, record_many
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import AssessmentCost, PriceIndex
from sagsbro.clinical.rules import prices as price_rules
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.organisations.models import CollaborationAgreement, Municipality, User
from sagsbro.organisations.roles import Role

__all__ = [
    "READ_INDEX_REFUSED",
    "SET_INDEX_REFUSED",
    "PriceOverview",
    "agreed_price_figures",
    "agreements_of_region",
    "audit_cost_reads",
    "cost_cases_visible_to",
    "costs_visible_to",
    "index_rows_visible_to",
    "index_table",
    "is_national_administrator",
    "may_read_index",
    "may_record_costs",
    "may_see_prices",
    "may_set_index",
    "municipality_names",
    "price_figures",
    "price_overview",
    "record_cost",
    "set_price_index",
]


def may_record_costs(user: User) -> bool:
    """The region's secretariat records and reads the costs of its cases."""
    return user.is_authenticated and user.role == Role.SECRETARIAT and bool(user.region_id)


def may_see_prices(user: User) -> bool:
    """The region's secretariat and administrator follow the average against the cap."""
    return (
        user.is_authenticated
        and user.role in (Role.SECRETARIAT, Role.ADMINISTRATOR)
        and bool(user.region_id)
    )


#: Why anyone but the national administrator may not set the index (pages and API).
SET_INDEX_REFUSED = (
    "Kun den nationale systemansvarlige kan vedligeholde prisindekset. "
    "Regionerne og kommunerne kan se det."
)
#: Why someone may not read the index.
READ_INDEX_REFUSED = (
    "Kun regionernes sekretariater og administratorer, kommunernes administratorer og den "
    "nationale systemansvarlige kan se prisindekset."
)


def is_national_administrator(user: User) -> bool:
    """An administrator of neither a region nor a municipality: keeps the national reference
    data (the price index) and sees no citizen data."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.ADMINISTRATOR
        and user.region_id is None
        and user.municipality_id is None
    )


def may_set_index(user: User) -> bool:
    """Only the national administrator keeps the yearly price index (BEK § 18, stk. 2: one
    national price development, not a figure each region sets for itself)."""
    return is_national_administrator(user)


def may_read_index(user: User) -> bool:
    """The index is reference data: the national administrator, the regions' secretariats
    and administrators and the municipalities' administrators read it."""
    if not user.is_authenticated:
        return False
    if is_national_administrator(user):
        return True
    if user.role in (Role.SECRETARIAT, Role.ADMINISTRATOR) and user.region_id is not None:
        return True
    return user.role == Role.ADMINISTRATOR and user.municipality_id is not None


def index_rows_visible_to(user: User) -> QuerySet[PriceIndex]:
    """The national price index rows, for those who may read them; none for anyone else."""
    if not may_read_index(user):
        return PriceIndex.objects.none()
    return PriceIndex.objects.all()


def cost_cases_visible_to(user: User) -> QuerySet[Case]:
    """The klinisk-funktion cases the user may record a cost on."""
    if not may_record_costs(user):
        return Case.objects.none()
    return Case.objects.visible_to(user).filter(subtype=Subtype.KLINISK_FUNKTION)


def costs_visible_to(user: User) -> QuerySet[AssessmentCost]:
    """The costs the user may read: those of the cases the secretariat can see."""
    if not may_record_costs(user) or user.region_id is None:
        return AssessmentCost.objects.none()
    region_id = user.region_id
    return AssessmentCost.objects.filter(region_id=region_id, case__in=cost_cases_visible_to(user))


def _refused(exc: price_rules.PriceInputInvalid) -> ServiceError:
    return ServiceError(exc.code, exc.message, fields={exc.field: [exc.message]})


def _decimal(value: object, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        message = "Angiv et tal, fx 14000,00."
        raise ServiceError("invalid_number", message, fields={field: [message]})
    return number


@transaction.atomic
def record_cost(
    user: User,
    case: Case | None,
    *,
    kind: str,
    amount: object,
    incurred_on: datetime.date,
    description: str = "",
    channel: str = "api",
) -> AssessmentCost:
    """Record what one assessment cost, the region's own or a certificate bought outside
    klinisk funktion (BEK § 18, stk. 2: both count in the price per case)."""
    if not may_record_costs(user):
        raise PermissionRefused(
            "role_not_allowed", "Kun regionens sekretariat kan registrere udgifter."
        )
    if case is None or not cost_cases_visible_to(user).filter(pk=case.pk).exists():
        raise ServiceError(
            "not_found",
            "Sagen findes ikke, eller den er ikke en sag i klinisk funktion i din region.",
            fields={"case": ["Vælg en sag i klinisk funktion i din region."]},
            status=404,
        )
    if kind not in AssessmentCost.Kind.values:
        message = "Vælg, om udgiften er en egen udredning eller en købt attest."
        raise ServiceError("invalid_kind", message, fields={"kind": [message]})
    number = _decimal(amount, "amount")
    try:
        price_rules.check_cost(number, incurred_on, timezone.localdate())
    except price_rules.PriceInputInvalid as exc:
        raise _refused(exc) from exc
    description = description.strip()
    if len(description) > 250:
        message = "Beskrivelsen må højst have 250 tegn."
        raise ServiceError("too_long", message, fields={"description": [message]})
    cost = AssessmentCost.objects.create(
        case=case,
        region_id=case.region_id,
        kind=kind,
        amount=number,
        incurred_on=incurred_on,
        description=description,
        recorded_by=user,
    )
    # The amount is no health information; the description may be, so it stays out.
    record(
        user,
        AuditEntry.Action.CREATE,
        Subject("assessment_cost", cost.pk, case.pk, case.citizen_id),
        detail=f"udgift {kind} {number} kr. {incurred_on.isoformat()}",
        channel=channel,
    )
    return cost


def index_table() -> dict[int, Decimal]:
    """The national price index by year (2011 = 100); a handful of rows."""
    return dict(PriceIndex.objects.order_by().values_list("year", "index"))


@transaction.atomic
def set_price_index(user: User, year: object, index: object, channel: str = "api") -> PriceIndex:
    """Set (or correct) one year's national price index (BEK § 18, stk. 2: the cap follows
    the yearly price development of medical certificates). The national administrator only."""
    if not may_set_index(user):
        raise PermissionRefused("role_not_allowed", SET_INDEX_REFUSED)
    if isinstance(year, bool) or not isinstance(year, int):
        message = "Angiv året som et helt tal."
        raise ServiceError("invalid_year", message, fields={"year": [message]})
    number = _decimal(index, "index")
    try:
        price_rules.check_index(year, number)
    except price_rules.PriceInputInvalid as exc:
        raise _refused(exc) from exc
    same_year = PriceIndex.objects.select_for_update().filter(year=year)
    row = same_year.first()
    created = row is None
    if row is None:
        try:
            with transaction.atomic():
                row = PriceIndex.objects.create(year=year, index=number, set_by=user)
        except IntegrityError:
            # Another national administrator set the year at the same moment: correct it.
            row = same_year.get()
            created = False
    if not created:
        row.index = number
        row.set_by = user
        row.save(update_fields=["index", "set_by", "set_at"])
    record(
        user,
        AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        Subject("price_index", row.pk),
        detail=f"prisindeks {year}: {number}",
        channel=channel,
    )
    return row


def _region_of_viewer(user: User) -> int:
    region_id = user.region_id
    if not may_see_prices(user) or region_id is None:
        raise PermissionRefused(
            "role_not_allowed",
            "Kun regionens sekretariat og administrator kan se gennemsnitsprisen.",
        )
    return region_id


def _cost_lines(region_id: int) -> list[price_rules.CostLine]:
    """Every cost of the region, read once: on the (region, incurred_on) index, in no order
    (the rules group them by case), with the case's municipality through its primary key."""
    return [
        price_rules.CostLine(case_id, region, incurred_on, amount, municipality_id)
        for case_id, region, incurred_on, amount, municipality_id in AssessmentCost.objects.filter(
            region_id=region_id
        )
        .order_by()
        .values_list("case_id", "region_id", "incurred_on", "amount", "case__municipality_id")
    ]


def agreements_of_region(region_id: int) -> list[price_rules.AgreedPrice]:
    """Every version of the region's collaboration agreements, with its agreed price or none
    (BEK § 18, stk. 1); the rules pick the version in force on a case's first cost."""
    return [
        price_rules.AgreedPrice(region, municipality_id, valid_from, valid_to, price)
        for region, municipality_id, valid_from, valid_to, price in (
            CollaborationAgreement.objects.filter(region_id=region_id)
            .order_by()
            .values_list(
                "region_id", "municipality_id", "valid_from", "valid_to", "certificate_price"
            )
        )
    ]


@dataclass(frozen=True)
class PriceOverview:
    """The region's figures from one read of its costs and agreements: the average against
    the cap (BEK § 18, stk. 2) and the cases under an agreed price (stk. 1)."""

    figures: list[price_rules.PriceFigure]
    agreed: list[price_rules.AgreedPriceFigure]


def price_overview(user: User, index: Mapping[int, Decimal] | None = None) -> PriceOverview:
    """Both kinds of figure for the user's region, reading its costs and agreements once;
    ``index``: the national index when the caller has read it already."""
    region_id = _region_of_viewer(user)
    costs = _cost_lines(region_id)
    agreements = agreements_of_region(region_id)
    table = index_table() if index is None else index
    return PriceOverview(
        figures=price_rules.average_prices(costs, table, agreements),
        agreed=price_rules.agreed_price_averages(costs, agreements),
    )


def price_figures(user: User) -> list[price_rules.PriceFigure]:
    """The running average per year for the user's region against the cap (BEK § 18,
    stk. 2), over the cases whose municipality has agreed no price."""
    region_id = _region_of_viewer(user)
    return price_rules.average_prices(
        _cost_lines(region_id), index_table(), agreements_of_region(region_id)
    )


def agreed_price_figures(user: User) -> list[price_rules.AgreedPriceFigure]:
    """The average per case of the user's region's cases under an agreed price, per
    municipality, year and price, against that price (BEK § 18, stk. 1)."""
    region_id = _region_of_viewer(user)
    return price_rules.agreed_price_averages(
        _cost_lines(region_id), agreements_of_region(region_id)
    )


def municipality_names(figures: list[price_rules.AgreedPriceFigure]) -> dict[int, str]:
    ids = {f.municipality_id for f in figures}
    return dict(Municipality.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def audit_cost_reads(user: User, costs: list[AssessmentCost], channel: str) -> None:
    """One LIST entry per case whose costs were shown."""
    seen: dict[int, Case] = {}
    for cost in costs:
        seen.setdefault(cost.case_id, cost.case)
    record_many(
        user, AuditEntry.Action.LIST, [case_subject(c) for c in seen.values()], channel=channel
    )
