"""The average price per assessment against the § 18 cap, and against a price agreed instead.

BEK § 18, stk. 1: "Kommunen og regionen aftaler prisen for lægeattester."
BEK § 18, stk. 2: "Hvis ikke andet er aftalt, forpligtes regionen til at levere vurderingen
fra klinisk funktion efter § 13 til en gennemsnitspris på op til 14.000 kr. pr. sag
(2011-niveau), jf. bilag 1. Prisen er inklusiv lægeattester, der er rekvireret uden for
klinisk funktion. Beløbet reguleres med den årlige prisudvikling på lægeattester."
Bilag 1 adds: "inklusiv alle nødvendige lægeattester vedr. den enkelte borger, herunder
eksternt indhentede lægeattester".

How the figure is computed:

* The unit is the case ("pr. sag"): a case's price is the sum of all its costs, the
  region's own assessments and the certificates bought outside klinisk funktion.
* The cap is in 2011 prices and follows a yearly index of the price of medical
  certificates (2011 = 100). "Den årlige prisudvikling på lægeattester" is one national
  development, so there is one national index for every region, kept by a national
  administrator; no region sets the figure its own average is held against. Each cost is
  brought to 2011 prices with the index of the year it was incurred (amount x 100 / index),
  so a case whose costs span the turn of a year is still summed in one price level.
* A case counts in the year of its first cost (when its assessment began), in the region
  that did it. The average per region and year is compared with 14,000 kr.; it is also
  shown in that year's prices (x index / 100) next to the cap in that year's prices.
* The cap applies "Hvis ikke andet er aftalt" (stk. 2). A municipality and the region may
  agree a price for a specialist certificate (stk. 1; the collaboration agreement's
  ``certificate_price``). A case whose municipality had an agreement with an agreed price in
  force on the date of the case's first cost (when its assessment began, the same date that
  gives its year) is left out of the cap average; those cases are shown per municipality,
  year and agreed price: their average per case, in the amounts recorded, against the
  agreed price. The cap average is over the other cases. The agreement version in force on a
  day is the one with the latest start among those covering it (as for the deadlines); one
  without a price means nothing else is agreed, so the cap applies.
* The level is ``ok`` below :data:`WARNING_SHARE` of the cap, ``warning`` from there up to
  and including the cap, ``over`` above it and ``index_missing`` when a year's index is
  not set yet, since no figure can then be given.

Amounts are :class:`~decimal.Decimal`; only the figures shown are rounded to øre (half up).

This module has no Django dependency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "AGREED_LEVEL_LABELS",
    "BASE_INDEX",
    "BASE_YEAR",
    "CAP_2011",
    "MAX_COST",
    "WARNING_SHARE",
    "AgreedPrice",
    "AgreedPriceFigure",
    "CostLine",
    "Level",
    "PriceFigure",
    "PriceInputInvalid",
    "agreed_price_averages",
    "agreement_for_case",
    "average_prices",
    "cap_for_year",
    "check_cost",
    "check_index",
]

#: BEK § 18, stk. 2: average price per case in 2011 prices.
CAP_2011 = Decimal("14000.00")
#: The cap's price level; its index is 100 by definition.
BASE_YEAR = 2011
BASE_INDEX = Decimal("100.00")
#: From this share of the cap the secretariat is warned.
WARNING_SHARE = Decimal("0.90")
#: A single cost above this is taken as a typing error.
MAX_COST = Decimal("1000000.00")
#: Highest accepted index (the index has not reached 200 since 2011; 1000 leaves room).
MAX_INDEX = Decimal("1000.00")
LAST_YEAR = 2100

_ORE = Decimal("0.01")


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    OVER = "over"
    INDEX_MISSING = "index_missing"


LEVEL_LABELS = {
    Level.OK: "Under loftet",
    Level.WARNING: "Nærmer sig loftet",
    Level.OVER: "Over loftet",
    Level.INDEX_MISSING: "Prisindeks mangler",
}


AGREED_LEVEL_LABELS = {
    Level.OK: "Under den aftalte pris",
    Level.WARNING: "Nærmer sig den aftalte pris",
    Level.OVER: "Over den aftalte pris",
}


class PriceInputInvalid(Exception):
    """A cost or index that cannot be recorded; ``message`` is Danish."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CostLine:
    """One recorded cost of an assessment (own or bought certificate)."""

    case_id: int
    region_id: int
    incurred_on: date
    amount: Decimal
    #: The case's municipality, for the price it may have agreed (BEK § 18, stk. 1).
    municipality_id: int | None = None


@dataclass(frozen=True)
class AgreedPrice:
    """One version of a municipality's collaboration agreement with the region: in force from
    ``valid_from`` to ``valid_to`` (inclusive; ``None``: until further notice), with the price
    agreed for a specialist certificate or ``None`` when none is agreed (BEK § 18, stk. 1)."""

    region_id: int
    municipality_id: int
    valid_from: date
    valid_to: date | None
    price: Decimal | None


@dataclass(frozen=True)
class AgreedPriceFigure:
    """The average price of a municipality's cases under one agreed price, counted in one year
    (BEK § 18, stk. 1), in the amounts recorded."""

    region_id: int
    municipality_id: int
    year: int
    agreed_price: Decimal
    cases: int
    total_recorded: Decimal
    average: Decimal
    #: Average as a percentage of the agreed price, one decimal.
    percent_of_agreed: Decimal
    level: Level


@dataclass(frozen=True)
class PriceFigure:
    """The average price of one region's cases counted in one year."""

    region_id: int
    year: int
    cases: int
    #: Sum of the amounts as recorded (the prices of the years they were incurred).
    total_recorded: Decimal
    level: Level
    #: The following are ``None`` when a needed index is missing.
    average_2011: Decimal | None = None
    average_year_prices: Decimal | None = None
    cap_year_prices: Decimal | None = None
    #: Average as a percentage of the cap, one decimal.
    percent_of_cap: Decimal | None = None
    #: The years whose index is missing.
    missing_years: tuple[int, ...] = ()


def _round(value: Decimal) -> Decimal:
    return value.quantize(_ORE, rounding=ROUND_HALF_UP)


def check_index(year: int, index: Decimal) -> None:
    """Refuse an index row that cannot be right (BEK § 18, stk. 2: 2011 = 100)."""
    if not BASE_YEAR <= year <= LAST_YEAR:
        raise PriceInputInvalid(
            "invalid_year", f"Året skal ligge mellem {BASE_YEAR} og {LAST_YEAR}.", "year"
        )
    if index <= 0 or index > MAX_INDEX:
        raise PriceInputInvalid(
            "invalid_index", "Indekset skal være over 0 og højst 1000.", "index"
        )
    if index != index.quantize(_ORE):
        raise PriceInputInvalid("invalid_index", "Indekset kan højst have to decimaler.", "index")
    if year == BASE_YEAR and index != BASE_INDEX:
        raise PriceInputInvalid(
            "base_year_index",
            "Loftet er fastsat i 2011-niveau, så indekset for 2011 er altid 100,00.",
            "index",
        )


def check_cost(amount: Decimal, incurred_on: date, today: date) -> None:
    """Refuse a cost that cannot be right: not positive, over 1 mio. kr., before 2011 or
    in the future."""
    if amount <= 0 or amount > MAX_COST:
        raise PriceInputInvalid(
            "invalid_amount", "Beløbet skal være over 0 kr. og højst 1.000.000 kr.", "amount"
        )
    if amount != amount.quantize(_ORE):
        raise PriceInputInvalid("invalid_amount", "Beløbet kan højst have to decimaler.", "amount")
    if incurred_on > today:
        raise PriceInputInvalid(
            "date_in_future", "Datoen for udgiften kan ikke ligge i fremtiden.", "incurred_on"
        )
    if incurred_on.year < BASE_YEAR:
        raise PriceInputInvalid(
            "date_too_early", "Udgifter før 2011 kan ikke registreres.", "incurred_on"
        )


def _index_of(year: int, index_table: Mapping[int, Decimal]) -> Decimal | None:
    if year == BASE_YEAR:
        return BASE_INDEX
    return index_table.get(year)


def cap_for_year(year: int, index_table: Mapping[int, Decimal]) -> Decimal | None:
    """The cap in ``year``'s prices: 14,000 x index / 100, or ``None`` without the index."""
    index = _index_of(year, index_table)
    if index is None:
        return None
    return _round(CAP_2011 * index / BASE_INDEX)


def _level(percent: Decimal) -> Level:
    if percent > 100:
        return Level.OVER
    if percent >= WARNING_SHARE * 100:
        return Level.WARNING
    return Level.OK


def _cases(costs: Iterable[CostLine]) -> dict[int, list[CostLine]]:
    """The costs by case; a case whose costs name different regions (or municipalities) is
    refused with :class:`ValueError`: a case is one municipality's, assessed by one region."""
    by_case: dict[int, list[CostLine]] = defaultdict(list)
    for cost in costs:
        by_case[cost.case_id].append(cost)
    for case_id, lines in by_case.items():
        if len({line.region_id for line in lines}) != 1:
            raise ValueError(f"case {case_id} has costs in more than one region")
        if len({line.municipality_id for line in lines}) != 1:
            raise ValueError(f"case {case_id} has costs in more than one municipality")
    return by_case


def agreement_for_case(
    lines: Sequence[CostLine], agreements: Iterable[AgreedPrice]
) -> AgreedPrice | None:
    """The agreement with an agreed price that governs the case (BEK § 18, stk. 1): the
    version of the case's municipality and region in force on the date of the case's first
    cost, if it names a price. ``None``: nothing else is agreed and the cap applies (stk. 2)."""
    first = min(lines, key=lambda line: line.incurred_on)
    if first.municipality_id is None:
        return None
    day = first.incurred_on
    in_force = [
        a
        for a in agreements
        if a.region_id == first.region_id
        and a.municipality_id == first.municipality_id
        and a.valid_from <= day
        and (a.valid_to is None or a.valid_to >= day)
    ]
    if not in_force:
        return None
    version = max(in_force, key=lambda a: a.valid_from)
    return version if version.price is not None else None


def agreed_price_averages(
    costs: Iterable[CostLine], agreements: Iterable[AgreedPrice]
) -> list[AgreedPriceFigure]:
    """The average price per case of the cases under an agreed price (BEK § 18, stk. 1), per
    region, year, municipality and agreed price, against that price. Sorted that way."""
    agreements = list(agreements)
    groups: dict[tuple[int, int, int, Decimal], list[list[CostLine]]] = defaultdict(list)
    for lines in _cases(costs).values():
        agreement = agreement_for_case(lines, agreements)
        if agreement is None or agreement.price is None:
            continue
        year = min(line.incurred_on for line in lines).year
        key = (agreement.region_id, year, agreement.municipality_id, agreement.price)
        groups[key].append(lines)
    figures: list[AgreedPriceFigure] = []
    for (region_id, year, municipality_id, price), cases in sorted(groups.items()):
        total = sum((line.amount for case in cases for line in case), Decimal(0))
        average = total / len(cases)
        percent = average * 100 / price
        figures.append(
            AgreedPriceFigure(
                region_id=region_id,
                municipality_id=municipality_id,
                year=year,
                agreed_price=price,
                cases=len(cases),
                total_recorded=total,
                average=_round(average),
                percent_of_agreed=percent.quantize(Decimal("0.1"), ROUND_HALF_UP),
                level=_level(percent),
            )
        )
    return figures


def average_prices(
    costs: Iterable[CostLine],
    index_table: Mapping[int, Decimal],
    agreements: Iterable[AgreedPrice] = (),
) -> list[PriceFigure]:
    """The average price per case for every region and year against the cap (BEK § 18,
    stk. 2), over the cases under no agreed price (see :func:`agreed_price_averages`).

    Sorted by region and year. A case whose costs name different regions is refused with
    :class:`ValueError`: a case is assessed by one region.
    """
    agreements = list(agreements)
    groups: dict[tuple[int, int], list[list[CostLine]]] = defaultdict(list)
    for lines in _cases(costs).values():
        if agreement_for_case(lines, agreements) is not None:
            continue
        first_year = min(line.incurred_on for line in lines).year
        groups[(lines[0].region_id, first_year)].append(lines)

    figures: list[PriceFigure] = []
    for (region_id, year), cases in sorted(groups.items()):
        lines = [line for case in cases for line in case]
        total_recorded = sum((line.amount for line in lines), Decimal(0))
        needed = {line.incurred_on.year for line in lines} | {year}
        missing = tuple(sorted(y for y in needed if _index_of(y, index_table) is None))
        if missing:
            figures.append(
                PriceFigure(
                    region_id=region_id,
                    year=year,
                    cases=len(cases),
                    total_recorded=total_recorded,
                    level=Level.INDEX_MISSING,
                    missing_years=missing,
                )
            )
            continue
        total_2011 = Decimal(0)
        for line in lines:
            index = _index_of(line.incurred_on.year, index_table)
            assert index is not None  # checked above
            total_2011 += line.amount * BASE_INDEX / index
        average_2011 = total_2011 / len(cases)
        year_index = _index_of(year, index_table)
        assert year_index is not None
        percent = (average_2011 * 100 / CAP_2011).quantize(Decimal("0.1"), ROUND_HALF_UP)
        figures.append(
            PriceFigure(
                region_id=region_id,
                year=year,
                cases=len(cases),
                total_recorded=total_recorded,
                level=_level(average_2011 * 100 / CAP_2011),
                average_2011=_round(average_2011),
                average_year_prices=_round(average_2011 * year_index / BASE_INDEX),
                cap_year_prices=cap_for_year(year, index_table),
                percent_of_cap=percent,
            )
        )
    return figures
