"""The team at a meeting day: the attendee list with areas and roles, and the composition
warnings against the citizens on the agenda (O-53)."""

import pytest

from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.services.team import AttendeeInput
from sagsbro.meetings.tests.day_factory import booked_case, citizen, make_day

TEAM = [
    AttendeeInput("Anna Beskæftigelse", "employment", chair=True),
    AttendeeInput("Bo Sundhed", "health"),
    AttendeeInput("Cecilie Social", "social", minute_taker=True),
]


def codes(meeting):
    return [(w.code, w.case_reference) for w in services.team_warnings(meeting)]


def test_set_attendees_replaces_the_list(side_a):
    day = make_day(side_a)
    services.set_attendees(side_a.team_member, day, TEAM)
    services.set_attendees(
        side_a.team_member,
        day,
        [*TEAM, AttendeeInput("Dr. Dam", "coordinator", user_id=side_a.coordinator.pk)],
    )
    rows = list(day.attendees.order_by("id"))
    assert [(a.name, a.area, a.chair, a.minute_taker) for a in rows][-1] == (
        "Dr. Dam",
        "coordinator",
        False,
        False,
    )
    assert len(rows) == 4
    assert codes(day) == []


def test_warnings_name_the_case_for_citizen_specific_rules(side_a):
    day = make_day(side_a)
    young = citizen(side_a, "0101001234", "Ung Borger", under_30_without_education=True)
    parent = citizen(side_a, "0202851234", "Forælder", has_children=True)
    young_case = booked_case(side_a, day, young)
    parent_case = booked_case(side_a, day, parent)
    services.set_attendees(side_a.caseworker, day, TEAM)
    assert codes(day) == [
        ("education_missing", young_case.reference),
        ("family_missing", parent_case.reference),
    ]
    for warning in services.team_warnings(day):
        assert young.cpr not in warning.message and parent.cpr not in warning.message


def test_one_user_entered_twice_covers_two_areas(side_a):
    day = make_day(side_a)
    me = side_a.team_member.pk
    services.set_attendees(
        side_a.team_member,
        day,
        [
            AttendeeInput("Anna", "employment", user_id=me),
            AttendeeInput("Anna T.", "social", user_id=me),
            AttendeeInput("Bo", "health"),
        ],
    )
    [warning] = services.team_warnings(day)
    assert warning.code == "one_person_two_areas"
    assert warning.message.startswith("Anna dækker både beskæftigelse og socialområdet")


def test_refused_roles_areas_names_and_people(side_a, side_b):
    day = make_day(side_a)
    two_chairs = [*TEAM, AttendeeInput("Eva", "education", chair=True)]
    with pytest.raises(ServiceError) as refused:
        services.set_attendees(side_a.team_member, day, two_chairs)
    assert refused.value.message == "Der kan kun være én mødeleder."
    with pytest.raises(ServiceError):
        services.set_attendees(side_a.team_member, day, [AttendeeInput("Eva", "astrology")])
    with pytest.raises(ServiceError):
        services.set_attendees(side_a.team_member, day, [AttendeeInput(" ", "health")])
    with pytest.raises(ServiceError) as outsider:
        services.set_attendees(
            side_a.team_member, day, [AttendeeInput("X", "health", user_id=side_b.caseworker.pk)]
        )
    assert outsider.value.code == "invalid_attendee"
    for user in (side_b.team_member, side_a.coordinator, side_a.gp):
        with pytest.raises(PermissionRefused):
            services.set_attendees(user, day, TEAM)
    assert not day.attendees.exists()
