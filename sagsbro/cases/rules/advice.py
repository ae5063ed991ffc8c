"""The content of the health coordinator's advice in ongoing cases (løbende sager).

* BEK § 11, stk. 2 lists what the advice may consist of; the regional
  procedure for "Løbende sag" adds a new team meeting and further health
  information. :class:`LoebendeSagRecommendation` is that list.
* BEK § 11, stk. 4: the advice does not include advice on which benefit
  (forsørgelsesydelse) the citizen is entitled to. Forms and serializers for
  the advice should pass their field names to :func:`assert_no_benefit_advice`
  so no such field can be added by mistake. The free text is free (the rule
  checks field names, never the text); :func:`find_benefit_wording` finds
  phrases in the text that name a benefit decision, so the coordinator is
  warned and confirms before the answer is given.
* The recommendations must not contradict each other
  (:data:`CONTRADICTORY_RECOMMENDATIONS`, :func:`require_consistent`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from sagsbro.cases.rules.kinds import Subtype


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


# Ongoing cases (løbende sager, BEK § 11; jobafklaring after 4 years is one) carry the
# reminder of § 11, stk. 4 that the advice is not about benefits: on the coordinator's form
# and in the written answer's PDF.
BENEFIT_REMINDER_SUBTYPES: frozenset[Subtype] = frozenset(
    {Subtype.LOEBENDE_SAG, Subtype.JOBAFKLARING_4AAR}
)


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


# --- recommendations that contradict each other ---------------------------------------------

CONTRADICTORY_RECOMMENDATIONS: frozenset[frozenset[LoebendeSagRecommendation]] = frozenset(
    {
        # BEK § 11, stk. 2, nr. 2-3: the citizen cannot both resume work fully and still be
        # unfit for work because of their own illness.
        frozenset(
            {LoebendeSagRecommendation.RESUME_WORK_FULLY, LoebendeSagRecommendation.STILL_UNFIT}
        ),
        # § 11, stk. 2, nr. 3: "genoptage arbejdet helt eller delvis" - one or the other.
        frozenset(
            {
                LoebendeSagRecommendation.RESUME_WORK_FULLY,
                LoebendeSagRecommendation.RESUME_WORK_PARTLY,
            }
        ),
    }
)
"""Pairs that cannot both hold. Not contradictory, and so allowed together: resuming work
*partly* while still partly unfit (sygedagpenge for partial incapacity), continuing the plan
while still unfit (§ 11, stk. 2, nr. 2 asks both for jobafklaringsforløb), and a new team
meeting, a clinical assessment, a GP visit or more health information beside anything."""


class ContradictoryRecommendations(ValueError):
    """Two chosen recommendations contradict each other (BEK § 11, stk. 2)."""

    code = "contradictory_recommendations"

    def __init__(self, pairs: tuple[tuple[LoebendeSagRecommendation, ...], ...]) -> None:
        self.pairs = pairs
        parts = [f"»{RECOMMENDATION_LABELS[a]}« og »{RECOMMENDATION_LABELS[b]}«" for a, b in pairs]
        self.message = (
            "Anbefalingerne "
            + " samt ".join(parts)
            + " modsiger hinanden. Vælg kun den, der gælder (BEK § 11, stk. 2)."
        )
        super().__init__(self.message)


_ORDER = {r: i for i, r in enumerate(LoebendeSagRecommendation)}


def find_contradictions(
    recommendations: Collection[LoebendeSagRecommendation | str],
) -> tuple[tuple[LoebendeSagRecommendation, ...], ...]:
    """The pairs in :data:`CONTRADICTORY_RECOMMENDATIONS` that ``recommendations`` hold, each
    in the list's order (unknown values are ignored)."""
    chosen = {LoebendeSagRecommendation(r) for r in recommendations if r in _VALUES}
    found = [pair for pair in CONTRADICTORY_RECOMMENDATIONS if pair <= chosen]
    ordered = [tuple(sorted(pair, key=_ORDER.__getitem__)) for pair in found]
    return tuple(sorted(ordered, key=lambda pair: [_ORDER[r] for r in pair]))


_VALUES = frozenset(str(r) for r in LoebendeSagRecommendation)


def require_consistent(recommendations: Collection[LoebendeSagRecommendation | str]) -> None:
    """Raise :class:`ContradictoryRecommendations` naming both sides of each contradiction."""
    pairs = find_contradictions(recommendations)
    if pairs:
        raise ContradictoryRecommendations(pairs)


# --- benefit decisions in the free text (BEK § 11, stk. 4) -----------------------------------

_BENEFIT = (
    r"(?:førtidspension|fleksjob|ressourceforløb|jobafklaringsforløb|jobafklaring|"
    r"sygedagpenge|kontanthjælp|seniorpension|ledighedsydelse|revalidering|"
    r"uddannelseshjælp|selvforsørgelseshjælp|forsørgelsesydelse|overgangsydelse)\w*"
)
# Words that decide or claim the citizen's entitlement to a benefit.
_DECISION = (
    r"(?:tilkendes|tilkende|tildeles|tildele|bevilges|bevilge|"
    r"bør\s+(?:have|få|tilbydes|tilkendes|bevilges|overgå\s+til|visiteres\s+til)|"
    r"skal\s+(?:have|få|tilbydes|tilkendes|bevilges|overgå\s+til|visiteres\s+til)|"
    r"(?:har|have|får|få)\s+ret\s+til|(?:er\s+)?berettiget\s+til|"
    r"anbefal(?:er|es)|indstill(?:er|es)\s+til|visiteres\s+til|overgå\s+til)"
)
_FILLER = r"(?:\s+(?:et|en|at|til|fortsat|varigt|varig|midlertidigt|nu|straks|hurtigst\s+muligt))*"
_WORDING = re.compile(
    rf"\b{_DECISION}{_FILLER}\s+{_BENEFIT}"
    rf"|\b{_BENEFIT}{_FILLER}\s+(?:bør\s+|skal\s+)?(?:tilkendes|bevilges|tildeles)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BenefitWording:
    """A phrase in the advice text that names a benefit decision."""

    phrase: str
    start: int
    end: int


def find_benefit_wording(text: str) -> list[BenefitWording]:
    """Phrases in ``text`` that name a decision on a benefit (BEK § 11, stk. 4).

    E.g. "tilkendes førtidspension", "bør have fleksjob", "bør få et ressourceforløb",
    "førtidspension bør tilkendes". Saying what the citizen can do in the programme they are
    in ("kan fortsætte i ressourceforløbet") is the advice § 11, stk. 2 asks for, and is not
    found. The text is not refused: the coordinator is warned and may confirm.
    """
    return [
        BenefitWording(" ".join(match.group(0).split()), match.start(), match.end())
        for match in _WORDING.finditer(text)
    ]


def benefit_wording_message(found: Iterable[BenefitWording]) -> str:
    """The warning, quoting each phrase found (BEK § 11, stk. 4)."""
    phrases = ", ".join(f"»{item.phrase}«" for item in found)
    return (
        f"Teksten ser ud til at rådgive om, hvilken ydelse borgeren skal have: {phrases}. "
        "Sundhedskoordinatoren rådgiver ikke om, hvilken forsørgelsesydelse borgeren har ret "
        "til (BEK § 11, stk. 4). Ret teksten, eller bekræft, at svaret skal afgives sådan."
    )
