from collections import Counter

import pytest

from sagsbro.organisations.reference_data import (
    MUNICIPALITIES,
    MUNICIPALITIES_BY_CODE,
    REGIONS,
    REGIONS_BY_CODE,
    municipalities_in_region,
)


def test_five_regions_with_official_codes() -> None:
    assert {r.code: r.name for r in REGIONS} == {
        "1081": "Region Nordjylland",
        "1082": "Region Midtjylland",
        "1083": "Region Syddanmark",
        "1084": "Region Hovedstaden",
        "1085": "Region Sjælland",
    }


def test_98_municipalities() -> None:
    assert len(MUNICIPALITIES) == 98


@pytest.mark.parametrize(
    ("region_code", "expected"),
    [("1084", 29), ("1085", 17), ("1083", 22), ("1082", 19), ("1081", 11)],
)
def test_municipalities_per_region(region_code: str, expected: int) -> None:
    assert len(municipalities_in_region(region_code)) == expected
    assert Counter(m.region_code for m in MUNICIPALITIES)[region_code] == expected


def test_codes_and_names_are_unique() -> None:
    assert len({m.code for m in MUNICIPALITIES}) == len(MUNICIPALITIES)
    assert len({m.name for m in MUNICIPALITIES}) == len(MUNICIPALITIES)
    assert len({r.code for r in REGIONS}) == len(REGIONS)
    assert len({r.name for r in REGIONS}) == len(REGIONS)


def test_municipality_codes_are_three_digits() -> None:
    for m in MUNICIPALITIES:
        assert len(m.code) == 3 and m.code.isdigit(), m


def test_every_region_code_is_known() -> None:
    known = {r.code for r in REGIONS}
    assert {m.region_code for m in MUNICIPALITIES} == known


def test_totals_2014() -> None:
    assert sum(r.cases_2014 for r in REGIONS) == 26_686
    assert sum(r.meetings_2014 for r in REGIONS) == 4_861
    assert sum(r.inhabitants_2014 for r in REGIONS) == 5_602_536


@pytest.mark.parametrize(
    ("code", "name", "region_code"),
    [
        ("101", "Københavns Kommune", "1084"),
        ("147", "Frederiksberg Kommune", "1084"),
        ("173", "Lyngby-Taarbæk Kommune", "1084"),
        ("260", "Halsnæs Kommune", "1084"),
        ("270", "Gribskov Kommune", "1084"),
        ("400", "Bornholms Regionskommune", "1084"),
        ("265", "Roskilde Kommune", "1085"),
        ("461", "Odense Kommune", "1083"),
        ("492", "Ærø Kommune", "1083"),
        ("563", "Fanø Kommune", "1083"),
        ("741", "Samsø Kommune", "1082"),
        ("751", "Aarhus Kommune", "1082"),
        ("825", "Læsø Kommune", "1081"),
        ("851", "Aalborg Kommune", "1081"),
    ],
)
def test_known_municipalities(code: str, name: str, region_code: str) -> None:
    municipality = MUNICIPALITIES_BY_CODE[code]
    assert municipality.name == name
    assert municipality.region_code == region_code


def test_christiansoe_is_not_a_municipality() -> None:
    assert "411" not in MUNICIPALITIES_BY_CODE
    assert not any("Christiansø" in m.name for m in MUNICIPALITIES)


def test_lookup_mappings_are_read_only() -> None:
    assert REGIONS_BY_CODE["1084"].name == "Region Hovedstaden"
    with pytest.raises(TypeError):
        REGIONS_BY_CODE["9999"] = REGIONS[0]  # type: ignore[index]
