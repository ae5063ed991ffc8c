"""Case subtypes (undertyper) as stable string keys.

This module has no Django dependency.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Subtype"]


class Subtype(StrEnum):
    REHABILITERINGSTEAM = "rehabiliteringsteam"
    LOEBENDE_SAG = "loebende_sag"
    RET_TIL_SUNDHEDSKOORDINATOR = "ret_til_sundhedskoordinator"
    GENFORELAEGGELSE = "genforelaeggelse"
    AABENBAR_FOERTIDSPENSION = "aabenbar_foertidspension"
    KLINISK_FUNKTION = "klinisk_funktion"
    SENIORPENSION = "seniorpension"
    JOBAFKLARING_4AAR = "jobafklaring_4aar"
