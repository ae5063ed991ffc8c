"""Reference data for the five Danish regions and the 98 municipalities.

The map is the one established by kommunalreformen (1 January 2007). Codes are
the official DAGI codes: four digits for regions (1081-1085) and the
three-digit kommunekode for municipalities (without the leading zero that some
registers add). Christiansø is administered by the state and is not a
municipality, so it is not listed.

The 2014 volumes per region (inhabitants, rehabilitation team cases and
meetings) are from the national evaluation of the collaboration model
(table 3). They can serve as a starting point for the expected annual case
count (BEK § 16, stk. 2, nr. 1) and for sizing an installation.

This module is plain Python so it can be used from migrations, fixtures and
management commands alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class RegionData:
    """A Danish region with its 2014 volumes."""

    code: str
    name: str
    inhabitants_2014: int
    cases_2014: int
    meetings_2014: int


@dataclass(frozen=True)
class MunicipalityData:
    """A Danish municipality and the region it belongs to."""

    code: str
    name: str
    region_code: str


HOVEDSTADEN = "1084"
SJAELLAND = "1085"
SYDDANMARK = "1083"
MIDTJYLLAND = "1082"
NORDJYLLAND = "1081"

REGIONS: tuple[RegionData, ...] = (
    RegionData(HOVEDSTADEN, "Region Hovedstaden", 1_731_976, 6_800, 1_400),
    RegionData(SJAELLAND, "Region Sjælland", 816_359, 3_700, 630),
    RegionData(SYDDANMARK, "Region Syddanmark", 1_201_419, 7_186, 1_364),
    RegionData(MIDTJYLLAND, "Region Midtjylland", 1_272_510, 6_000, 930),
    RegionData(NORDJYLLAND, "Region Nordjylland", 580_272, 3_000, 537),
)


def _municipalities(region_code: str, rows: tuple[tuple[str, str], ...]) -> list[MunicipalityData]:
    return [MunicipalityData(code, name, region_code) for code, name in rows]


MUNICIPALITIES: tuple[MunicipalityData, ...] = (
    *_municipalities(
        HOVEDSTADEN,
        (
            ("101", "Københavns Kommune"),
            ("147", "Frederiksberg Kommune"),
            ("151", "Ballerup Kommune"),
            ("153", "Brøndby Kommune"),
            ("155", "Dragør Kommune"),
            ("157", "Gentofte Kommune"),
            ("159", "Gladsaxe Kommune"),
            ("161", "Glostrup Kommune"),
            ("163", "Herlev Kommune"),
            ("165", "Albertslund Kommune"),
            ("167", "Hvidovre Kommune"),
            ("169", "Høje-Taastrup Kommune"),
            ("173", "Lyngby-Taarbæk Kommune"),
            ("175", "Rødovre Kommune"),
            ("183", "Ishøj Kommune"),
            ("185", "Tårnby Kommune"),
            ("187", "Vallensbæk Kommune"),
            ("190", "Furesø Kommune"),
            ("201", "Allerød Kommune"),
            ("210", "Fredensborg Kommune"),
            ("217", "Helsingør Kommune"),
            ("219", "Hillerød Kommune"),
            ("223", "Hørsholm Kommune"),
            ("230", "Rudersdal Kommune"),
            ("240", "Egedal Kommune"),
            ("250", "Frederikssund Kommune"),
            ("260", "Halsnæs Kommune"),
            ("270", "Gribskov Kommune"),
            ("400", "Bornholms Regionskommune"),
        ),
    ),
    *_municipalities(
        SJAELLAND,
        (
            ("253", "Greve Kommune"),
            ("259", "Køge Kommune"),
            ("265", "Roskilde Kommune"),
            ("269", "Solrød Kommune"),
            ("306", "Odsherred Kommune"),
            ("316", "Holbæk Kommune"),
            ("320", "Faxe Kommune"),
            ("326", "Kalundborg Kommune"),
            ("329", "Ringsted Kommune"),
            ("330", "Slagelse Kommune"),
            ("336", "Stevns Kommune"),
            ("340", "Sorø Kommune"),
            ("350", "Lejre Kommune"),
            ("360", "Lolland Kommune"),
            ("370", "Næstved Kommune"),
            ("376", "Guldborgsund Kommune"),
            ("390", "Vordingborg Kommune"),
        ),
    ),
    *_municipalities(
        SYDDANMARK,
        (
            ("410", "Middelfart Kommune"),
            ("420", "Assens Kommune"),
            ("430", "Faaborg-Midtfyn Kommune"),
            ("440", "Kerteminde Kommune"),
            ("450", "Nyborg Kommune"),
            ("461", "Odense Kommune"),
            ("479", "Svendborg Kommune"),
            ("480", "Nordfyns Kommune"),
            ("482", "Langeland Kommune"),
            ("492", "Ærø Kommune"),
            ("510", "Haderslev Kommune"),
            ("530", "Billund Kommune"),
            ("540", "Sønderborg Kommune"),
            ("550", "Tønder Kommune"),
            ("561", "Esbjerg Kommune"),
            ("563", "Fanø Kommune"),
            ("573", "Varde Kommune"),
            ("575", "Vejen Kommune"),
            ("580", "Aabenraa Kommune"),
            ("607", "Fredericia Kommune"),
            ("621", "Kolding Kommune"),
            ("630", "Vejle Kommune"),
        ),
    ),
    *_municipalities(
        MIDTJYLLAND,
        (
            ("615", "Horsens Kommune"),
            ("657", "Herning Kommune"),
            ("661", "Holstebro Kommune"),
            ("665", "Lemvig Kommune"),
            ("671", "Struer Kommune"),
            ("706", "Syddjurs Kommune"),
            ("707", "Norddjurs Kommune"),
            ("710", "Favrskov Kommune"),
            ("727", "Odder Kommune"),
            ("730", "Randers Kommune"),
            ("740", "Silkeborg Kommune"),
            ("741", "Samsø Kommune"),
            ("746", "Skanderborg Kommune"),
            ("751", "Aarhus Kommune"),
            ("756", "Ikast-Brande Kommune"),
            ("760", "Ringkøbing-Skjern Kommune"),
            ("766", "Hedensted Kommune"),
            ("779", "Skive Kommune"),
            ("791", "Viborg Kommune"),
        ),
    ),
    *_municipalities(
        NORDJYLLAND,
        (
            ("773", "Morsø Kommune"),
            ("787", "Thisted Kommune"),
            ("810", "Brønderslev Kommune"),
            ("813", "Frederikshavn Kommune"),
            ("820", "Vesthimmerlands Kommune"),
            ("825", "Læsø Kommune"),
            ("840", "Rebild Kommune"),
            ("846", "Mariagerfjord Kommune"),
            ("849", "Jammerbugt Kommune"),
            ("851", "Aalborg Kommune"),
            ("860", "Hjørring Kommune"),
        ),
    ),
)

REGIONS_BY_CODE: Mapping[str, RegionData] = MappingProxyType({r.code: r for r in REGIONS})
MUNICIPALITIES_BY_CODE: Mapping[str, MunicipalityData] = MappingProxyType(
    {m.code: m for m in MUNICIPALITIES}
)


def municipalities_in_region(region_code: str) -> tuple[MunicipalityData, ...]:
    """Return the municipalities of a region, in the order they are listed above."""
    return tuple(m for m in MUNICIPALITIES if m.region_code == region_code)
