"""Follow-ups agreed at the meeting (O-55): an owner and a due date, on the owner's worklist
until marked done."""

import datetime

import pytest

from sagsbro.cases.models import CaseEvent
from sagsbro.conftest import MEETING
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.services import add_follow_up, mark_follow_up_done
from sagsbro.meetings.services.meeting_follow_ups import open_follow_ups_for, possible_owners
from sagsbro.meetings.tests.held_day import attendees, book, meeting_day, today_is

DUE = datetime.date(2027, 3, 24)
TEXT = "Kontakter egen læge om smertebehandling"


@pytest.fixture
def booking(side_a):
    meeting = meeting_day(side_a)
    attendees(side_a, meeting)
    return book(side_a, meeting)


def test_the_coordinator_gets_a_follow_up_on_the_worklist(side_a, booking):
    with today_is(MEETING):
        follow_up = add_follow_up(
            side_a.caseworker, booking, owner=side_a.coordinator, text=TEXT, due=DUE
        )
    assert open_follow_ups_for(side_a.coordinator) == [follow_up]
    assert open_follow_ups_for(side_a.caseworker) == []
    event = CaseEvent.objects.get(case=booking.case, kind="follow_up_added")
    assert event.data["due"] == "2027-03-24"
    mark_follow_up_done(side_a.coordinator, follow_up)
    assert open_follow_ups_for(side_a.coordinator) == []
    with pytest.raises(ServiceError) as again:
        mark_follow_up_done(side_a.coordinator, follow_up)
    assert again.value.code == "already_done"


def test_owners_are_the_coordinator_the_team_and_the_caseworker(side_a, booking):
    owners = possible_owners(booking)
    assert side_a.coordinator in owners and side_a.team_member in owners
    assert side_a.caseworker in owners
    with today_is(MEETING), pytest.raises(ServiceError) as exc:
        add_follow_up(side_a.caseworker, booking, owner=side_a.gp, text=TEXT, due=DUE)
    assert exc.value.code == "invalid_owner"


@pytest.mark.parametrize(
    ("text", "due", "code"),
    [
        ("  ", DUE, "required"),
        (TEXT, None, "required"),
        (TEXT, MEETING - datetime.timedelta(days=1), "date_in_past"),
    ],
)
def test_text_and_due_date_are_required(side_a, booking, text, due, code):
    with today_is(MEETING), pytest.raises(ServiceError) as exc:
        add_follow_up(side_a.caseworker, booking, owner=side_a.coordinator, text=text, due=due)
    assert exc.value.code == code


def test_not_before_the_meeting_and_not_by_others(side_a, side_b, booking):
    with today_is(MEETING - datetime.timedelta(days=1)), pytest.raises(ServiceError) as early:
        add_follow_up(side_a.caseworker, booking, owner=side_a.coordinator, text=TEXT, due=DUE)
    assert early.value.code == "not_writable"
    with today_is(MEETING):
        with pytest.raises(ServiceError) as hidden:
            add_follow_up(side_b.caseworker, booking, owner=side_b.caseworker, text=TEXT, due=DUE)
        assert hidden.value.status == 404
        follow_up = add_follow_up(
            side_a.coordinator, booking, owner=side_a.team_member, text=TEXT, due=DUE
        )
    # Another coordinator does not know of the case; the caseworker of another organisation
    # neither; the team member owning it marks it done.
    with pytest.raises(ServiceError) as other:
        mark_follow_up_done(side_a.coordinator_2, follow_up)
    assert other.value.status == 404
    with pytest.raises(PermissionRefused):
        mark_follow_up_done(side_a.secretariat, follow_up)
    assert mark_follow_up_done(side_a.team_member, follow_up).done_at is not None
