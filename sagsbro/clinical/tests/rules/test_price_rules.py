"""The § 18 average price per case against 14,000 kr. in 2011 prices.

The hand-checked example: region 1 has eleven cases across 2024 and 2025, region 2 one
case in 2025. Price index (2011 = 100): 2024 = 125.00, 2025 = 128.00, so the cap is
14,000 x 1.25 = 17,500.00 kr. in 2024 and 14,000 x 1.28 = 17,920.00 kr. in 2025. Each cost is
brought to 2011 prices by its own year's index (amount x 100 / index).
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from sagsbro.clinical.rules.prices import (
    AgreedPrice,
    AgreedPriceFigure,
    CostLine,
    Level,
    PriceFigure,
    PriceInputInvalid,
    agreed_price_averages,
    agreement_for_case,
    average_prices,
    cap_for_year,
    check_cost,
    check_index,
)

D = Decimal
INDEX = {2024: D("125.00"), 2025: D("128.00")}


def _cost(case: int, region: int, day: date, amount: str) -> CostLine:
    return CostLine(case, region, day, D(amount))


COSTS = [
    # Region 1, cases begun in 2024:
    _cost(1, 1, date(2024, 2, 5), "15000.00"),  # 15,000 / 1.25 = 12,000
    _cost(2, 1, date(2024, 3, 11), "12500.00"),  # 12,500 / 1.25 = 10,000
    _cost(3, 1, date(2024, 5, 2), "17500.00"),  # 17,500 / 1.25 = 14,000
    _cost(4, 1, date(2024, 6, 17), "16250.00"),  # own: 16,250 / 1.25 = 13,000
    _cost(4, 1, date(2024, 7, 1), "3750.00"),  # bought: 3,750 / 1.25 = 3,000 -> case 16,000
    _cost(5, 1, date(2024, 12, 10), "14000.00"),  # own: 14,000 / 1.25 = 11,200
    _cost(5, 1, date(2025, 1, 15), "2560.00"),  # bought in 2025: 2,560 / 1.28 = 2,000
    #                                              -> case 5 = 13,200, counted in 2024
    _cost(6, 1, date(2024, 9, 23), "10000.00"),  # 10,000 / 1.25 = 8,000
    # Region 1, cases begun in 2025:
    _cost(7, 1, date(2025, 2, 3), "16000.00"),  # 16,000 / 1.28 = 12,500
    _cost(8, 1, date(2025, 3, 3), "19200.00"),  # 19,200 / 1.28 = 15,000
    _cost(9, 1, date(2025, 4, 7), "12800.00"),  # 12,800 / 1.28 = 10,000
    _cost(10, 1, date(2025, 5, 5), "14080.00"),  # own: 14,080 / 1.28 = 11,000
    _cost(10, 1, date(2025, 6, 2), "5120.00"),  # bought: 5,120 / 1.28 = 4,000 -> 15,000
    _cost(11, 1, date(2025, 8, 4), "17920.00"),  # 17,920 / 1.28 = 14,000
    # Region 2, one case in 2025:
    _cost(12, 2, date(2025, 3, 10), "23040.00"),  # 23,040 / 1.28 = 18,000
]


def test_hand_checked_example() -> None:
    figures = average_prices(COSTS, INDEX)
    assert figures == [
        # Region 1, 2024: six cases (1-6).
        # 2011 prices: 12,000 + 10,000 + 14,000 + 16,000 + 13,200 + 8,000 = 73,200;
        # average 73,200 / 6 = 12,200.00 = 87.1 % of 14,000 (below 90 %: ok).
        # In 2024 prices: 12,200 x 1.25 = 15,250.00 against the cap 17,500.00.
        # Recorded: 15,000 + 12,500 + 17,500 + 16,250 + 3,750 + 14,000 + 2,560 + 10,000
        # = 91,560.00.
        PriceFigure(
            region_id=1,
            year=2024,
            cases=6,
            total_recorded=D("91560.00"),
            level=Level.OK,
            average_2011=D("12200.00"),
            average_year_prices=D("15250.00"),
            cap_year_prices=D("17500.00"),
            percent_of_cap=D("87.1"),
        ),
        # Region 1, 2025: five cases (7-11).
        # 2011 prices: 12,500 + 15,000 + 10,000 + 15,000 + 14,000 = 66,500;
        # average 66,500 / 5 = 13,300.00 = 95.0 % of 14,000 (90-100 %: warning).
        # In 2025 prices: 13,300 x 1.28 = 17,024.00 against the cap 17,920.00.
        # Recorded: 16,000 + 19,200 + 12,800 + 14,080 + 5,120 + 17,920 = 85,120.00.
        PriceFigure(
            region_id=1,
            year=2025,
            cases=5,
            total_recorded=D("85120.00"),
            level=Level.WARNING,
            average_2011=D("13300.00"),
            average_year_prices=D("17024.00"),
            cap_year_prices=D("17920.00"),
            percent_of_cap=D("95.0"),
        ),
        # Region 2, 2025: one case, 18,000 / 14,000 = 128.6 %: over the cap.
        PriceFigure(
            region_id=2,
            year=2025,
            cases=1,
            total_recorded=D("23040.00"),
            level=Level.OVER,
            average_2011=D("18000.00"),
            average_year_prices=D("23040.00"),
            cap_year_prices=D("17920.00"),
            percent_of_cap=D("128.6"),
        ),
    ]


# BEK § 18, stk. 1-2: the cap applies only "Hvis ikke andet er aftalt". The same twelve cases,
# now with their municipalities. Region 1 has agreed prices with two municipalities:
# * municipality 101: a version from 01.01.2024 to 31.01.2025 with no price, then one from
#   01.02.2025 with 20,000.00 kr. per certificate;
# * municipality 102: from 01.06.2025, 14,000.00 kr.
# Cases 4, 5, 8 and 10 are municipality 101's; cases 9 and 11 municipality 102's; cases 1-3,
# 6 and 7 municipality 103's (no agreement); case 12 region 2's (municipality 751).
MUNICIPALITY = {4: 101, 5: 101, 8: 101, 10: 101, 9: 102, 11: 102, 12: 751}
AGREED_COSTS = [replace(c, municipality_id=MUNICIPALITY.get(c.case_id, 103)) for c in COSTS]
AGREEMENTS = [
    AgreedPrice(1, 101, date(2024, 1, 1), date(2025, 1, 31), None),
    AgreedPrice(1, 101, date(2025, 2, 1), None, D("20000.00")),
    AgreedPrice(1, 102, date(2025, 6, 1), None, D("14000.00")),
    # Region 1's agreement cannot govern region 2's case, whatever municipality it names.
    AgreedPrice(1, 751, date(2011, 1, 1), None, D("1.00")),
]


def test_hand_checked_agreed_prices() -> None:
    # Which cases are under an agreed price (the version in force on the first cost's date):
    # case 4 (17.06.2024) and case 5 (10.12.2024; its 2025 cost does not move it): 101's
    # version without a price, so the cap; case 8 (03.03.2025) and case 10 (05.05.2025): 101 at
    # 20,000.00; case 9 (07.04.2025): before 102's agreement, so the cap; case 11
    # (04.08.2025): 102 at 14,000.00; case 12: region 2, no agreement of its own.
    assert average_prices(AGREED_COSTS, INDEX, AGREEMENTS) == [
        # Region 1, 2024: cases 1-6 as before, none under an agreed price.
        average_prices(COSTS, INDEX)[0],
        # Region 1, 2025, the cap over the rest: cases 7 and 9.
        # 2011 prices: 12,500 + 10,000 = 22,500; average 11,250.00 = 80.4 % of 14,000: ok.
        # In 2025 prices: 11,250 x 1.28 = 14,400.00. Recorded: 16,000 + 12,800 = 28,800.00.
        PriceFigure(
            region_id=1,
            year=2025,
            cases=2,
            total_recorded=D("28800.00"),
            level=Level.OK,
            average_2011=D("11250.00"),
            average_year_prices=D("14400.00"),
            cap_year_prices=D("17920.00"),
            percent_of_cap=D("80.4"),
        ),
        # Region 2 as before.
        average_prices(COSTS, INDEX)[2],
    ]
    assert agreed_price_averages(AGREED_COSTS, AGREEMENTS) == [
        # Municipality 101 at 20,000.00: case 8 = 19,200.00; case 10 = 14,080 + 5,120 =
        # 19,200.00; average 38,400 / 2 = 19,200.00 = 96.0 % of the price: warning.
        AgreedPriceFigure(
            region_id=1,
            municipality_id=101,
            year=2025,
            agreed_price=D("20000.00"),
            cases=2,
            total_recorded=D("38400.00"),
            average=D("19200.00"),
            percent_of_agreed=D("96.0"),
            level=Level.WARNING,
        ),
        # Municipality 102 at 14,000.00: case 11 = 17,920.00 = 128.0 % of the price: over.
        AgreedPriceFigure(
            region_id=1,
            municipality_id=102,
            year=2025,
            agreed_price=D("14000.00"),
            cases=1,
            total_recorded=D("17920.00"),
            average=D("17920.00"),
            percent_of_agreed=D("128.0"),
            level=Level.OVER,
        ),
    ]
    # Every case is counted once: 6 + 2 + 1 under the cap, 2 + 1 under an agreed price.


def test_the_latest_version_in_force_governs() -> None:
    (line,) = [replace(c, municipality_id=101) for c in COSTS if c.case_id == 7]  # 03.02.2025
    older = AgreedPrice(1, 101, date(2024, 1, 1), None, D("15000.00"))
    newer = AgreedPrice(1, 101, date(2025, 1, 1), None, None)
    # The newer version has no price: nothing else agreed, so the cap.
    assert agreement_for_case([line], [older, newer]) is None
    assert agreement_for_case([line], [older]) == older
    # The last day of a version is still in force.
    ended = AgreedPrice(1, 101, date(2024, 1, 1), date(2025, 2, 3), D("15000.00"))
    assert agreement_for_case([line], [ended]) == ended
    assert agreement_for_case([line], [replace(ended, valid_to=date(2025, 2, 2))]) is None
    # A case whose costs name no municipality is under the cap.
    assert agreement_for_case([replace(line, municipality_id=None)], [older]) is None


def test_cost_order_does_not_matter() -> None:
    assert average_prices(reversed(COSTS), INDEX) == average_prices(COSTS, INDEX)


def test_missing_index_gives_no_figure() -> None:
    # Case 5 reaches into 2025; without the 2025 index the 2024 figure cannot be given.
    figures = average_prices(COSTS[:8], {2024: D("125.00")})
    assert [(f.year, f.level, f.missing_years, f.average_2011) for f in figures] == [
        (2024, Level.INDEX_MISSING, (2025,), None)
    ]
    assert figures[0].cases == 6


@pytest.mark.parametrize(
    ("amount", "level"),
    [
        ("12599.99", Level.OK),  # just under 90 % of 14,000 = 12,600
        ("12600.00", Level.WARNING),
        ("14000.00", Level.WARNING),  # at the cap is not over it
        ("14000.01", Level.OVER),
    ],
)
def test_warning_edges_in_2011_prices(amount: str, level: Level) -> None:
    (figure,) = average_prices([_cost(1, 1, date(2011, 6, 1), amount)], {})
    assert figure.level is level


def test_cap_for_year() -> None:
    assert cap_for_year(2011, {}) == D("14000.00")
    assert cap_for_year(2025, INDEX) == D("17920.00")
    assert cap_for_year(2026, INDEX) is None


def test_a_case_in_two_regions_is_refused() -> None:
    with pytest.raises(ValueError):
        average_prices(
            [_cost(1, 1, date(2025, 1, 1), "1.00"), _cost(1, 2, date(2025, 1, 2), "1.00")], INDEX
        )


def test_index_checks() -> None:
    check_index(2025, D("128.00"))
    check_index(2011, D("100.00"))
    for year, index, code in [
        (2010, D("90.00"), "invalid_year"),
        (2025, D("0"), "invalid_index"),
        (2025, D("128.005"), "invalid_index"),
        (2011, D("101.00"), "base_year_index"),
    ]:
        with pytest.raises(PriceInputInvalid) as refused:
            check_index(year, index)
        assert refused.value.code == code


def test_cost_checks() -> None:
    today = date(2025, 6, 1)
    check_cost(D("14000.00"), date(2025, 6, 1), today)
    for amount, day, code in [
        (D("0.00"), today, "invalid_amount"),
        (D("1000000.01"), today, "invalid_amount"),
        (D("1.001"), today, "invalid_amount"),
        (D("100.00"), date(2025, 6, 2), "date_in_future"),
        (D("100.00"), date(2010, 12, 31), "date_too_early"),
    ]:
        with pytest.raises(PriceInputInvalid) as refused:
            check_cost(amount, day, today)
        assert refused.value.code == code
