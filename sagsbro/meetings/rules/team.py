"""The rehabiliteringsteam's composition at a meeting.

Sources: lov om en aktiv beskæftigelsesindsats / BEK on the team: representatives of the
employment, health, social and education areas, one person per area, plus the region's health
coordinator; education is obligatory for a citizen under 30 without a qualifying education;
often disability, and family when the citizen has children (the evaluation, 004; O-53).
Roles at the meeting: chair and minute-taker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    EMPLOYMENT = "employment"
    HEALTH = "health"
    SOCIAL = "social"
    EDUCATION = "education"
    DISABILITY = "disability"
    FAMILY = "family"
    COORDINATOR = "coordinator"

    @classmethod
    def labels(cls) -> dict[Area, str]:
        return dict(AREA_LABELS)


AREA_LABELS: dict[Area, str] = {
    Area.EMPLOYMENT: "Beskæftigelse",
    Area.HEALTH: "Sundhed",
    Area.SOCIAL: "Socialområdet",
    Area.EDUCATION: "Uddannelse",
    Area.DISABILITY: "Handicap",
    Area.FAMILY: "Familie",
    Area.COORDINATOR: "Sundhedskoordinator (regionen)",
}

# The areas every meeting must have, whoever is on the agenda (O-53).
MANDATORY_AREAS: tuple[Area, ...] = (Area.EMPLOYMENT, Area.HEALTH, Area.SOCIAL)

# The rule each warning names, so the page and the API can point at its source.
COMPOSITION_RULE = "O-53"


@dataclass(frozen=True)
class Member:
    """One attendee as the composition rules see them: who (a user id or a name, so one
    person entered twice is recognised) and the area they represent."""

    person: str
    area: Area
    chair: bool = False
    minute_taker: bool = False


@dataclass(frozen=True)
class CitizenOnAgenda:
    """What the composition needs to know of a citizen whose case is on the agenda: the case
    reference (never the CPR number) and the two facts that add a member."""

    case_reference: str
    under_30_without_education: bool
    has_children: bool


@dataclass(frozen=True)
class CompositionWarning:
    code: str
    message: str
    rule: str = COMPOSITION_RULE
    case_reference: str = ""


def composition_warnings(
    members: Sequence[Member], citizens: Sequence[CitizenOnAgenda]
) -> list[CompositionWarning]:
    """Warnings before the meeting about the team's composition (O-53): a mandatory area
    missing, one person covering two areas, no education member for a citizen under 30
    without a qualifying education, no family member for a citizen with children. Warnings,
    not refusals: the team decides whether to meet."""
    warnings: list[CompositionWarning] = []
    areas = {member.area for member in members}
    needs_education = [c for c in citizens if c.under_30_without_education]
    for area in MANDATORY_AREAS:
        if area not in areas:
            warnings.append(
                CompositionWarning(
                    "area_missing",
                    f"Ingen repræsentant for {AREA_LABELS[area].lower()} (O-53).",
                )
            )
    people: dict[str, set[Area]] = {}
    for member in members:
        if member.area != Area.COORDINATOR:
            people.setdefault(member.person, set()).add(member.area)
    for person, covered in people.items():
        if len(covered) > 1:
            names = " og ".join(sorted(AREA_LABELS[a].lower() for a in covered))
            warnings.append(
                CompositionWarning(
                    "one_person_two_areas",
                    f"{person} dækker både {names}; hvert område skal have sin egen "
                    "repræsentant (O-53).",
                )
            )
    if Area.EDUCATION not in areas:
        for citizen in needs_education:
            warnings.append(
                CompositionWarning(
                    "education_missing",
                    f"Sag {citizen.case_reference}: borgeren er under 30 år uden "
                    "erhvervskompetencegivende uddannelse, og uddannelsesområdet er ikke "
                    "repræsenteret (O-53).",
                    case_reference=citizen.case_reference,
                )
            )
    if Area.FAMILY not in areas:
        for citizen in citizens:
            if citizen.has_children:
                warnings.append(
                    CompositionWarning(
                        "family_missing",
                        f"Sag {citizen.case_reference}: borgeren har børn, og "
                        "familieområdet er ikke repræsenteret (O-53).",
                        case_reference=citizen.case_reference,
                    )
                )
    return warnings


def role_errors(members: Sequence[Member]) -> list[str]:
    """The meeting roles: at most one chair and one minute-taker (none yet is allowed while
    the team is being set; the page shows that as missing)."""
    errors = []
    if sum(1 for m in members if m.chair) > 1:
        errors.append("Der kan kun være én mødeleder.")
    if sum(1 for m in members if m.minute_taker) > 1:
        errors.append("Der kan kun være én referent.")
    return errors
