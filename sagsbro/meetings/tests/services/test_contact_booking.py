"""A løbende sag's phone/video slot on the region's contact day (procedure Løbende sag):
booked through the same machinery as a team meeting, but only onto contact days, only with
contact wanted, not after the written answer is due, and without touching meeting_date."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.cases.models import CaseEvent
from sagsbro.cases.rules.deadlines import DeadlineKind
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.conftest import make_case, sent_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.services.booking import slot_start
from sagsbro.workdays.services import configured_calendar


def working_day(after: datetime.date, days: int) -> datetime.date:
    return configured_calendar().add_working_days(after, days)


def contact_day(side, day, **fields):
    values = {
        "kind": MeetingDay.Kind.CONTACT,
        "date": day,
        "start_time": datetime.time(13),
        "end_time": datetime.time(15),
        "virtual": True,
        "capacity": 4,
    }
    return services.create_meeting_day(side.secretariat, side.municipality, **(values | fields))


def team_day(side, day):
    return MeetingDay.objects.create(
        municipality=side.municipality,
        kind=MeetingDay.Kind.TEAM,
        date=day,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )


@pytest.fixture
def loebende(side_a):
    return sent_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")


def answer_due(case):
    return case.deadlines.get(kind=DeadlineKind.WRITTEN_ANSWER).due


def test_booking_a_contact_slot_leaves_meeting_date_and_deadlines_alone(side_a, loebende):
    day = contact_day(side_a, working_day(common.local_today(), 2))
    before = (loebende.meeting_date, list(loebende.deadlines.values_list("kind", "due")))
    first = services.book_case(side_a.secretariat, loebende, day)
    loebende.refresh_from_db()
    assert (loebende.meeting_date, list(loebende.deadlines.values_list("kind", "due"))) == before
    assert first.kind == "contact" and first.minutes == 30 and first.position == 0
    assert slot_start(first) == datetime.time(13)
    event = loebende.events.get(kind=EventKind.BOOKED)
    assert event.label == f"Telefon-/videotid booket {day.date:%d.%m.%Y} kl. 13.00"
    # The next løbende sag gets the next half hour.
    other = sent_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
    second = services.book_case(side_a.caseworker, other, day)
    assert second.position == 1 and slot_start(second) == datetime.time(13, 30)


def test_a_loebende_sag_sees_only_contact_days_and_a_team_case_only_team_days(side_a, loebende):
    day = working_day(common.local_today(), 2)
    contact, team = contact_day(side_a, day), team_day(side_a, working_day(day, 11))
    assert services.feasible_meetings(loebende) == [contact]
    options = services.booking_options(loebende)
    assert [o.meeting for o in options.suggested] == [contact] and options.others == []
    team_case = make_case(side_a, Subtype.REHABILITERINGSTEAM, meeting_date=None)
    assert services.feasible_meetings(team_case) == [team]


def test_a_team_day_is_refused_for_a_loebende_sag(side_a, loebende):
    team = team_day(side_a, working_day(common.local_today(), 12))
    with pytest.raises(ServiceError) as refused:
        services.book_case(side_a.secretariat, loebende, team)
    assert "løbende sag behandles ikke på et møde i rehabiliteringsteamet" in refused.value.message
    assert not Booking.objects.filter(case=loebende).exists()


def test_a_contact_day_is_refused_for_a_team_case(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, meeting_date=None)
    day = contact_day(side_a, working_day(common.local_today(), 2))
    with pytest.raises(ServiceError) as refused:
        services.book_case(side_a.caseworker, case, day)
    assert "kun for løbende sager" in refused.value.message
    case.refresh_from_db()
    assert case.meeting_date is None and not case.bookings.exists()


def test_a_slot_after_the_answer_due_date_is_refused(side_a, loebende):
    due = answer_due(loebende)
    late = contact_day(side_a, working_day(due, 1))
    on_time = contact_day(side_a, working_day(due, -1))
    reasons = services.booking_refusals(loebende, late)
    assert any(f"senest {due:%d.%m.%Y}" in r for r in reasons)
    with pytest.raises(ServiceError):
        services.book_case(side_a.caseworker, loebende, late)
    assert services.booking_refusals(loebende, on_time) == []


def test_contact_wanted_and_receipt_are_required(side_a):
    day = contact_day(side_a, working_day(common.local_today(), 2))
    written = sent_case(side_a, Subtype.LOEBENDE_SAG)
    assert any("ikke bedt om" in r for r in services.booking_refusals(written, day))
    draft = make_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
    assert "Regionen har ikke modtaget sagen endnu; send sagen først." in (
        services.booking_refusals(draft, day)
    )
    assert services.feasible_meetings(written) == []


def test_a_full_contact_day_is_refused(side_a, loebende):
    day = contact_day(
        side_a, working_day(common.local_today(), 2), end_time=datetime.time(13, 30), capacity=1
    )
    other = sent_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
    services.book_case(side_a.caseworker, other, day)
    with pytest.raises(ServiceError) as refused:
        services.book_case(side_a.caseworker, loebende, day)
    assert "er fuld: 1 af 1 tider" in refused.value.message


def test_contact_days_are_planned_by_the_regions_secretariat_within_their_slots(side_a):
    day = working_day(common.local_today(), 2)
    with pytest.raises(PermissionRefused):
        services.create_meeting_day(
            side_a.caseworker,
            side_a.municipality,
            kind=MeetingDay.Kind.CONTACT,
            date=day,
            start_time=datetime.time(13),
            end_time=datetime.time(15),
            virtual=True,
            capacity=4,
        )
    with pytest.raises(ServiceError) as too_many:
        contact_day(side_a, day, capacity=5)
    assert too_many.value.fields == {
        "capacity": ["Tiden rummer 4 samtaler på 30 minutter; angiv højst 4 sager."]
    }
    assert not MeetingDay.objects.filter(kind=MeetingDay.Kind.CONTACT).exists()


def test_moving_a_contact_slot_keeps_meeting_date(side_a, loebende):
    today = common.local_today()
    first = contact_day(side_a, working_day(today, 2))
    second = contact_day(side_a, working_day(today, 3))
    services.book_case(side_a.caseworker, loebende, first)
    moved = services.move_booking(side_a.caseworker, loebende, second, reason="Sygdom")
    loebende.refresh_from_db()
    assert moved.meeting == second and loebende.meeting_date is None
    assert CaseEvent.objects.filter(case=loebende, kind=EventKind.BOOKING_MOVED).exists()
    assert timezone.localdate(loebende.received_at) <= first.date
