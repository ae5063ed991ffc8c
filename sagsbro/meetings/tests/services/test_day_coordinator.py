"""The coordinator for a meeting day: the region's secretariat only, a coordinator of the
region, free at the time, with the workload shown, and no conflict of interest in a case on
the agenda (BEK § 12, stk. 2) - refused with the case references, never CPR or health text."""

import datetime

import pytest

from sagsbro.audit.models import AuditEntry
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.models import MeetingDay
from sagsbro.meetings.services.coordination import booking_conflict_warning
from sagsbro.meetings.tests.day_factory import booked_case, citizen, make_day
from sagsbro.organisations.models import TreatmentRelation


def test_the_secretariat_assigns_a_coordinator_of_the_region(side_a):
    day = make_day(side_a)
    services.assign_day_coordinator(side_a.secretariat, day, side_a.coordinator, channel="web")
    day.refresh_from_db()
    assert day.coordinator == side_a.coordinator
    assert AuditEntry.objects.filter(
        object_type="meeting_day", object_id=str(day.pk), action=AuditEntry.Action.UPDATE
    ).exists()


@pytest.mark.parametrize("who", ["caseworker", "team_member", "coordinator", "regional_admin"])
def test_only_the_secretariat_assigns(side_a, who):
    day = make_day(side_a)
    with pytest.raises(PermissionRefused):
        services.assign_day_coordinator(getattr(side_a, who), day, side_a.coordinator)
    day.refresh_from_db()
    assert day.coordinator is None


def test_another_regions_secretariat_and_coordinator_are_refused(side_a, side_b):
    day = make_day(side_a)
    with pytest.raises(PermissionRefused):
        services.assign_day_coordinator(side_b.secretariat, day, side_b.coordinator)
    with pytest.raises(ServiceError) as refused:
        services.assign_day_coordinator(side_a.secretariat, day, side_b.coordinator)
    assert refused.value.code == "invalid_assignee"
    with pytest.raises(ServiceError):
        services.assign_day_coordinator(side_a.secretariat, day, side_a.specialist)


def test_a_coordinator_at_an_overlapping_meeting_that_day_is_refused(side_a, side_b):
    make_day(side_a, start=datetime.time(11), end=datetime.time(13), coordinator=side_a.coordinator)
    day = make_day(side_a)
    with pytest.raises(ServiceError) as refused:
        services.assign_day_coordinator(side_a.secretariat, day, side_a.coordinator)
    assert refused.value.code == "coordinator_busy"
    assert refused.value.message == (
        "Sundhedskoordinatoren er allerede tildelt et andet møde den 10.03.2027 på samme tid."
    )
    # Back to back is free.
    later = make_day(side_a, start=datetime.time(13), end=datetime.time(15))
    services.assign_day_coordinator(side_a.secretariat, later, side_a.coordinator)


def test_a_cancelled_meeting_does_not_keep_its_coordinator_busy(side_a):
    other = make_day(
        side_a, start=datetime.time(10), end=datetime.time(11), coordinator=side_a.coordinator
    )
    MeetingDay.objects.filter(pk=other.pk).update(state=MeetingDay.State.CANCELLED)
    day = make_day(side_a)
    services.assign_day_coordinator(side_a.secretariat, day, side_a.coordinator)


def test_a_coordinator_with_a_conflict_on_one_case_of_the_agenda_is_refused(side_a):
    day = make_day(side_a)
    first = booked_case(side_a, day)
    second_citizen = citizen(side_a, "0101901234", "Borger To")
    second = booked_case(side_a, day, second_citizen)
    TreatmentRelation.objects.create(
        citizen=second_citizen, doctor=side_a.coordinator_2, kind="former_treating"
    )
    with pytest.raises(ServiceError) as refused:
        services.assign_day_coordinator(side_a.secretariat, day, side_a.coordinator_2)
    error = refused.value
    assert error.code == "conflict_of_interest"
    assert error.as_dict()["conflicts"] == [second.reference]
    assert second.reference in error.message and first.reference not in error.message
    assert second_citizen.cpr not in str(error.as_dict())
    day.refresh_from_db()
    assert day.coordinator is None
    # The other coordinator has none and is assigned.
    services.assign_day_coordinator(side_a.secretariat, day, side_a.coordinator)


def test_candidates_show_workload_availability_and_conflicts(side_a):
    day = make_day(side_a)
    booked_case(side_a, day)  # assigned to side_a.coordinator: one open case
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator_2, kind="treating"
    )
    # coordinator_2 sits at another meeting that week (Monday), not overlapping.
    make_day(side_a, datetime.date(2027, 3, 8), coordinator=side_a.coordinator_2)
    candidates = {c.user.pk: c for c in services.coordinator_candidates(day)}
    first, second = candidates[side_a.coordinator.pk], candidates[side_a.coordinator_2.pk]
    assert (first.workload.meeting_days_in_week, first.workload.open_cases) == (0, 1)
    assert first.available and first.assignable and first.conflicts == {}
    assert (second.workload.meeting_days_in_week, second.workload.open_cases) == (1, 0)
    assert second.available and not second.assignable
    assert second.conflict_references == [day.bookings.get().case.reference]


def test_the_days_coordinator_conflicts_for_the_booking_page(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator_2)
    assert services.day_coordinator_conflicts(day) == {}
    case = booked_case(side_a, day)
    assert services.day_coordinator_conflicts(day) == {}
    assert booking_conflict_warning(day, case) == ""
    # A relation registered after assignment: the secretariat is warned on the agenda.
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator_2, kind="former_gp"
    )
    assert services.day_coordinator_conflicts(day) == {case.pk: case.reference}
    assert booking_conflict_warning(day, case).startswith(
        f"Mødedagens sundhedskoordinator er inhabil i sag {case.reference}"
    )
    assert services.day_coordinator_conflicts(make_day(side_a, datetime.date(2027, 3, 17))) == {}
