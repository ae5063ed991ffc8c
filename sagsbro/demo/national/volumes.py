"""The volumes the national data set is generated at, and the names it uses.

Cases per region and year are the evaluation's (table 3, 2014: 26,686 rehabilitation team
cases in the five regions, ``organisations.reference_data``). The other subtypes are added in
the proportions the evaluation and the procedures describe: about 860 clinical assessments a
year nationally, løbende sager and the smaller subtypes. Ten years come to about 300,000 cases
(the size DOMAIN.md asks a national installation to be tested at).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sagsbro.cases.rules.kinds import Subtype

# Share of a region's table-3 volume (team cases) per subtype and year.
SUBTYPE_SHARES: Mapping[Subtype, float] = MappingProxyType(
    {
        Subtype.REHABILITERINGSTEAM: 0.93,
        Subtype.GENFORELAEGGELSE: 0.07,
        Subtype.LOEBENDE_SAG: 0.05,
        Subtype.RET_TIL_SUNDHEDSKOORDINATOR: 0.015,
        # ~860 a year nationally (DOMAIN.md § 7) of 26,686.
        Subtype.KLINISK_FUNKTION: 0.032,
        Subtype.AABENBAR_FOERTIDSPENSION: 0.007,
        Subtype.SENIORPENSION: 0.008,
        Subtype.JOBAFKLARING_4AAR: 0.008,
    }
)

# Inhabitants (thousands) of the larger municipalities, by kommunekode; the rest share what is
# left of their region's inhabitants equally. Decides each municipality's share of its region.
INHABITANTS_THOUSANDS: Mapping[str, int] = MappingProxyType(
    {
        "101": 650,
        "147": 104,
        "157": 75,
        "159": 70,
        "217": 63,
        "219": 51,
        "173": 56,
        "265": 90,
        "370": 83,
        "330": 80,
        "316": 72,
        "376": 60,
        "259": 62,
        "461": 205,
        "561": 115,
        "630": 118,
        "621": 94,
        "540": 74,
        "479": 59,
        "751": 360,
        "730": 99,
        "615": 96,
        "657": 90,
        "740": 94,
        "791": 97,
        "851": 220,
        "860": 64,
        "813": 59,
    }
)

# The demo's short names, so the same user names log in on the demo and the national data.
MUNICIPALITY_SLUGS: Mapping[str, str] = MappingProxyType({"101": "kbh", "147": "frb", "751": "aar"})
REGION_SLUGS: Mapping[str, str] = MappingProxyType(
    {
        "1084": "hovedstaden",
        "1085": "sjaelland",
        "1083": "syddanmark",
        "1082": "midtjylland",
        "1081": "nordjylland",
    }
)

# Cases a year one person handles: how many people each organisation gets.
CASES_PER_CASEWORKER = 150
CASES_PER_COORDINATOR = 400
CASES_PER_SECRETARY = 2500
CLINICAL_CASES_PER_SPECIALIST = 80
CITIZENS_PER_GP = 70
# Cases per team meeting day (table 3: 4.9-6.5 by region).
CASES_PER_MEETING = {"1084": 4.9, "1085": 5.9, "1083": 5.2, "1082": 6.5, "1081": 5.6}

FIRST_NAMES = (
    "Anne Mette Hanne Susanne Lene Kirsten Marianne Camilla Louise Maria Charlotte Helle Tina "
    "Pia Julie Sofie Ida Emma Nadia Fatima Amalie Karen Birgitte Rikke Line Maja Sara Laura "
    "Peter Jens Lars Michael Henrik Søren Thomas Niels Jan Morten Martin Rasmus Anders Mads "
    "Jesper Christian Jonas Mikkel Frederik Ahmad Ali Kim Bo Ole Torben Brian Kasper Simon"
).split()
LAST_NAMES = (
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen "
    "Knudsen Jakobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt Eriksen "
    "Holm Kristiansen Clausen Simonsen Svendsen Andreasen Iversen Jeppesen Mogensen Jacobsen "
    "Karlsen Vestergaard Jakobsen Nissen Lauridsen Kjær Bach Dam Friis Skov Bruun Juul Hassan"
).split()
