"""Case subtypes (undertyper) as stable string keys.

This module has no Django dependency.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["REFERRAL_ONLY_SUBTYPES", "USE_REFERRAL_MESSAGE", "Subtype"]


class Subtype(StrEnum):
    REHABILITERINGSTEAM = "rehabiliteringsteam"
    LOEBENDE_SAG = "loebende_sag"
    RET_TIL_SUNDHEDSKOORDINATOR = "ret_til_sundhedskoordinator"
    GENFORELAEGGELSE = "genforelaeggelse"
    AABENBAR_FOERTIDSPENSION = "aabenbar_foertidspension"
    KLINISK_FUNKTION = "klinisk_funktion"
    SENIORPENSION = "seniorpension"
    JOBAFKLARING_4AAR = "jobafklaring_4aar"


# BEK § 13: klinisk funktion assesses the citizen at the municipality's request in a case for
# the rehabilitation team or a løbende sag. That request is the referral (LÆ 271), made from
# the case it concerns; a klinisk funktion case is never created on its own, where it would
# skip the referral's intake, origin, specialty and prescribed attachments.
REFERRAL_ONLY_SUBTYPES = frozenset({Subtype.KLINISK_FUNKTION})
USE_REFERRAL_MESSAGE = (
    "En sag til klinisk funktion oprettes ikke for sig selv, men som en henvisning: åbn "
    "borgerens sag til rehabiliteringsteamet eller den løbende sag, gå til fanen »Klinisk "
    "funktion«, og vælg »Henvis til klinisk funktion (LÆ 271)«."
)
