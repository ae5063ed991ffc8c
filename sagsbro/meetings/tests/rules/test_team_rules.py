"""The team's composition before the meeting (O-53): each warning, and the meeting roles."""

from sagsbro.meetings.rules.team import (
    Area,
    CitizenOnAgenda,
    Member,
    composition_warnings,
    role_errors,
)

FULL = [
    Member("Anna", Area.EMPLOYMENT, chair=True),
    Member("Bo", Area.HEALTH),
    Member("Cecilie", Area.SOCIAL, minute_taker=True),
    Member("Dr. Dam", Area.COORDINATOR),
]
PLAIN = CitizenOnAgenda("RHT-1", under_30_without_education=False, has_children=False)
YOUNG = CitizenOnAgenda("RHT-2", under_30_without_education=True, has_children=False)
PARENT = CitizenOnAgenda("RHT-3", under_30_without_education=False, has_children=True)


def codes(warnings):
    return [(w.code, w.case_reference) for w in warnings]


def test_a_full_team_for_plain_citizens_has_no_warning():
    assert composition_warnings(FULL, [PLAIN]) == []


def test_each_missing_mandatory_area_is_named_with_the_rule():
    warnings = composition_warnings([Member("Anna", Area.EMPLOYMENT)], [PLAIN])
    assert codes(warnings) == [("area_missing", ""), ("area_missing", "")]
    assert [w.message for w in warnings] == [
        "Ingen repræsentant for sundhed (O-53).",
        "Ingen repræsentant for socialområdet (O-53).",
    ]
    assert {w.rule for w in warnings} == {"O-53"}


def test_an_empty_team_misses_all_three_mandatory_areas():
    assert codes(composition_warnings([], [])) == [("area_missing", "")] * 3


def test_one_person_covering_two_areas():
    members = [*FULL, Member("Bo", Area.DISABILITY)]
    [warning] = composition_warnings(members, [PLAIN])
    assert warning.code == "one_person_two_areas"
    assert warning.message.startswith("Bo dækker både handicap og sundhed")


def test_the_coordinator_sitting_beside_an_area_is_not_two_areas():
    # The region's coordinator is not a representative of one of the municipality's areas.
    members = [*FULL, Member("Bo", Area.COORDINATOR)]
    assert composition_warnings(members, [PLAIN]) == []


def test_no_education_member_for_a_citizen_under_30_without_education():
    warnings = composition_warnings(FULL, [PLAIN, YOUNG])
    assert codes(warnings) == [("education_missing", "RHT-2")]
    assert "Sag RHT-2" in warnings[0].message and "(O-53)" in warnings[0].message
    assert composition_warnings([*FULL, Member("Eva", Area.EDUCATION)], [YOUNG]) == []


def test_no_family_member_for_a_citizen_with_children():
    assert codes(composition_warnings(FULL, [PARENT, PLAIN])) == [("family_missing", "RHT-3")]
    assert composition_warnings([*FULL, Member("Finn", Area.FAMILY)], [PARENT]) == []


def test_one_warning_per_citizen_concerned():
    other_parent = CitizenOnAgenda("RHT-4", under_30_without_education=True, has_children=True)
    assert codes(composition_warnings(FULL, [YOUNG, PARENT, other_parent])) == [
        ("education_missing", "RHT-2"),
        ("education_missing", "RHT-4"),
        ("family_missing", "RHT-3"),
        ("family_missing", "RHT-4"),
    ]


def test_at_most_one_chair_and_one_minute_taker():
    assert role_errors(FULL) == []
    two = [*FULL, Member("Eva", Area.EDUCATION, chair=True, minute_taker=True)]
    assert role_errors(two) == ["Der kan kun være én mødeleder.", "Der kan kun være én referent."]
