"""Rules for the team's indstilling as it is written at the meeting.

The evaluation found most employment goals in the indstillinger vague: "at komme i arbejde"
without how many hours a week, under which working conditions or at which functional level.
A goal that names none of the three gets a hint while it is written; one that names at least
one is left alone (the team decides how precise it can be).

This module has no Django dependency.
"""

from __future__ import annotations

import re

__all__ = ["FIELDS", "TEAM_FIELDS", "VAGUE_GOAL_HINT", "vague_goal_hint"]

# The indstilling's contents in the order it shows them (the evaluation's minimum: goal,
# main efforts, future employment, mentor, health and social efforts, timing; BEK § 8).
FIELDS = (
    "employment_goal",
    "sub_goals",
    "main_efforts",
    "future_employment_areas",
    "mentor",
    "health_efforts",
    "social_efforts",
    "family_efforts",
    "timing",
    "coordinator_advice",
    "citizen_view",
)
# What the municipality's people write; the coordinator's advice is the coordinator's (O-11).
TEAM_FIELDS = tuple(name for name in FIELDS if name != "coordinator_advice")

VAGUE_GOAL_HINT = (
    "Målet er uklart: angiv timer om ugen, hvilke arbejdsvilkår eller skånehensyn der gælder, "
    "eller hvilket funktionsniveau borgeren skal nå (fx »10 timer om ugen i butik uden tunge "
    "løft«)."
)

# "10 timer", "15-20 t/uge", "37 timer om ugen", "fuld tid", "deltid".
_HOURS = re.compile(
    r"\b\d+(?:[,.]\d+)?(?:\s*[-–]\s*\d+)?\s*(?:timer|time|t\b|t/uge|t\.)"
    r"|\bfuld\s*tid\b|\bfuldtid\b|\bdeltid\b|\bfleksjob\s+\d",
    re.IGNORECASE,
)
# Working conditions: the accommodations and the kind of work.
_CONDITIONS = re.compile(
    r"skånehensyn|skåne|hensyn|uden\s+tunge|tunge\s+løft|løft|stående|siddende|pauser|"
    r"støj|skiftende\s+stillinger|hjemmearbejde|nedsat\s+tempo|fleksible?\s+arbejdstider|"
    r"arbejdsopgaver|arbejdsvilkår|arbejdsmiljø|mentor|fast\s+arbejdsplads|"
    r"ordinære?\s+vilkår|fleksjob|på\s+særlige\s+vilkår",
    re.IGNORECASE,
)
# Functional level: what the citizen shall be able to do.
_FUNCTIONAL_LEVEL = re.compile(
    r"funktionsniveau|funktionsevne|arbejdsevne|kunne\s+(?:arbejde|klare|varetage|holde|"
    r"udføre|gå|stå|sidde|løfte)|selvhjulpen|at\s+klare|at\s+varetage|at\s+udføre",
    re.IGNORECASE,
)


def vague_goal_hint(text: str) -> str | None:
    """A Danish hint when the employment goal names no hours a week, no working conditions
    and no functional level; None when it names one of them or is still empty."""
    goal = " ".join((text or "").split())
    if not goal:
        return None
    for pattern in (_HOURS, _CONDITIONS, _FUNCTIONAL_LEVEL):
        if pattern.search(goal):
            return None
    return VAGUE_GOAL_HINT
