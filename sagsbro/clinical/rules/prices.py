"""The average price per assessment against the § 18 cap.

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
  certificates (2011 = 100), kept by the administrator. Each cost is brought to 2011
  prices with the index of the year it was incurred (amount x 100 / index), so a case
  whose costs span the turn of a year is still summed in one price level.
* A case counts in the year of its first cost (when its assessment began), in the region
  that did it. The average per region and year is compared with 14,000 kr.; it is also
  shown in that year's prices (x index / 100) next to the cap in that year's prices.
* The level is ``ok`` below :data:`WARNING_SHARE` of the cap, ``warning`` from there up to
  and including the cap, ``over`` above it and ``index_missing`` when a year's index is
  not set yet, since no figure can then be given.

Amounts are :class:`~decimal.Decimal`; only the figures shown are rounded to øre (half up).

This module has no Django dependency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "BASE_INDEX",
    "BASE_YEAR",
    "CAP_2011",
    "MAX_COST",
    "WARNING_SHARE",
    "CostLine",
    "Level",
    "PriceFigure",
    "PriceInputInvalid",
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


def average_prices(
    costs: Iterable[CostLine], index_table: Mapping[int, Decimal]
) -> list[PriceFigure]:
    """The average price per case for every region and year (BEK § 18, stk. 2).

    Sorted by region and year. A case whose costs name different regions is refused with
    :class:`ValueError`: a case is assessed by one region.
    """
    by_case: dict[int, list[CostLine]] = defaultdict(list)
    for cost in costs:
        by_case[cost.case_id].append(cost)

    groups: dict[tuple[int, int], list[list[CostLine]]] = defaultdict(list)
    for case_id, lines in by_case.items():
        regions = {line.region_id for line in lines}
        if len(regions) != 1:
            raise ValueError(f"case {case_id} has costs in more than one region")
        first_year = min(line.incurred_on for line in lines).year
        groups[(regions.pop(), first_year)].append(lines)

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
