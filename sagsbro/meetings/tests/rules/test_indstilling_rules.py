"""The hint while writing the employment goal: a goal with no hours, no working conditions and
no functional level is vague (the evaluation found most goals so)."""

import pytest

from sagsbro.meetings.rules.indstilling import VAGUE_GOAL_HINT, vague_goal_hint


@pytest.mark.parametrize(
    "goal",
    [
        "Borgeren skal i arbejde.",
        "Ordinær beskæftigelse",
        "At komme tilbage på arbejdsmarkedet inden for detailhandel",
        "uddannelse",
    ],
)
def test_a_goal_without_hours_conditions_or_level_gets_the_hint(goal):
    assert vague_goal_hint(goal) == VAGUE_GOAL_HINT


@pytest.mark.parametrize(
    "goal",
    [
        # Hours a week.
        "Arbejde i butik 10 timer om ugen",
        "15-20 t/uge som lagermedarbejder",
        "Job på fuld tid",
        # Working conditions.
        "Job i butik uden tunge løft",
        "Kontorarbejde med skånehensyn og pauser",
        "Fleksjob som pedelmedhjælper",
        # Functional level.
        "Borgeren skal kunne arbejde stående i to timer ad gangen",
        "Funktionsniveau som før sygdommen",
    ],
)
def test_a_goal_naming_one_of_the_three_gets_no_hint(goal):
    assert vague_goal_hint(goal) is None


@pytest.mark.parametrize("goal", ["", "   ", "\n"])
def test_an_empty_goal_gets_no_hint_yet(goal):
    assert vague_goal_hint(goal) is None


def test_the_hint_is_danish_and_names_what_is_missing():
    assert "timer om ugen" in VAGUE_GOAL_HINT
    assert "arbejdsvilkår" in VAGUE_GOAL_HINT
    assert "funktionsniveau" in VAGUE_GOAL_HINT
