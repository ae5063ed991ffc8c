"""The content of the health coordinator's advice in ongoing cases (løbende sager).

* BEK § 11, stk. 2 lists what the advice may consist of; the regional
  procedure for "Løbende sag" adds a new team meeting and further health
  information. :class:`LoebendeSagRecommendation` is that list.
* BEK § 11, stk. 4: the advice does not include advice on which benefit
  (forsørgelsesydelse) the citizen is entitled to. Forms and serializers for
  the advice should pass their field names to :func:`assert_no_benefit_advice`
  so no such field can be added by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType


class LoebendeSagRecommendation(StrEnum):
    """What the coordinator may recommend in an ongoing case (BEK § 11, stk. 2)."""

    CONTINUE_PLAN = "continue_plan"  # § 11, stk. 2, nr. 1-2
    STILL_UNFIT = "still_unfit"  # § 11, stk. 2, nr. 2-3
    RESUME_WORK_FULLY = "resume_work_fully"  # § 11, stk. 2, nr. 3
    RESUME_WORK_PARTLY = "resume_work_partly"  # § 11, stk. 2, nr. 3
    NEW_TEAM_MEETING = "new_team_meeting"  # regional procedure "Løbende sag"
    CLINICAL_ASSESSMENT = "clinical_assessment"  # § 11, stk. 2, nr. 4
    GP_VISIT = "gp_visit"  # § 11, stk. 2, nr. 5
    MORE_HEALTH_INFORMATION = "more_health_information"  # regional procedure "Løbende sag"


RECOMMENDATION_LABELS: Mapping[LoebendeSagRecommendation, str] = MappingProxyType(
    {
        LoebendeSagRecommendation.CONTINUE_PLAN: "Borgeren kan fortsætte i ressourceforløb, "
        "fleksjob eller jobafklaringsforløb",
        LoebendeSagRecommendation.STILL_UNFIT: "Borgeren er fortsat uarbejdsdygtig på grund "
        "af egen sygdom",
        LoebendeSagRecommendation.RESUME_WORK_FULLY: "Borgeren kan genoptage arbejdet helt",
        LoebendeSagRecommendation.RESUME_WORK_PARTLY: "Borgeren kan genoptage arbejdet delvist",
        LoebendeSagRecommendation.NEW_TEAM_MEETING: "Sagen bør forelægges rehabiliteringsteamet "
        "på et nyt møde",
        LoebendeSagRecommendation.CLINICAL_ASSESSMENT: "Borgerens helbredsforhold bør vurderes "
        "i klinisk funktion (LÆ 275)",
        LoebendeSagRecommendation.GP_VISIT: "Borgeren bør opfordres til at opsøge egen læge "
        "for udredning eller behandling",
        LoebendeSagRecommendation.MORE_HEALTH_INFORMATION: "Der er sundhedsfaglig begrundelse "
        "for at indhente yderligere helbredsoplysninger",
    }
)

FORBIDDEN_ADVICE_FIELDS: frozenset[str] = frozenset(
    {
        "benefit",
        "recommended_benefit",
        "entitlement",
        "entitled",
        "ydelse",
        "forsørgelse",
        "forsoergelse",
    }
)
"""Words that must not occur in the name of an advice field (BEK § 11, stk. 4)."""


class BenefitAdviceNotAllowed(ValueError):
    """Advice fields include advice on benefits (BEK § 11, stk. 4)."""

    code = "benefit_advice_not_allowed"

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        names = ", ".join(f"»{name}«" for name in fields)
        self.message = (
            f"Feltet {names} er ikke tilladt: sundhedskoordinatoren rådgiver ikke om, "
            "hvilken forsørgelsesydelse borgeren har ret til (BEK § 11, stk. 4)."
            if len(fields) == 1
            else f"Felterne {names} er ikke tilladt: sundhedskoordinatoren rådgiver ikke om, "
            "hvilken forsørgelsesydelse borgeren har ret til (BEK § 11, stk. 4)."
        )
        super().__init__(self.message)


def is_benefit_field(field_name: str) -> bool:
    """Whether ``field_name`` contains a forbidden word, ignoring case (BEK § 11, stk. 4)."""
    folded = field_name.casefold()
    return any(word in folded for word in FORBIDDEN_ADVICE_FIELDS)


def assert_no_benefit_advice(field_names: Iterable[str]) -> None:
    """Raise if any advice field is about benefits (BEK § 11, stk. 4).

    Raises :class:`BenefitAdviceNotAllowed` (a :class:`ValueError`) naming
    every offending field.
    """
    offending = tuple(name for name in field_names if is_benefit_field(name))
    if offending:
        raise BenefitAdviceNotAllowed(offending)
