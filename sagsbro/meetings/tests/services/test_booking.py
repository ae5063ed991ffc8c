"""Booking a case onto a meeting day and moving it: the booking and the case's meeting date
stay one, the deadlines follow, a move is an event, and a refusal changes nothing."""

import contextlib
import datetime
from datetime import date
from unittest import mock

import pytest

from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.deadlines import DeadlineKind
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.conftest import assigned_case, make_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.access import meeting_days_visible_to
from sagsbro.meetings.models import Booking, MeetingDay

TODAY = date(2027, 2, 1)  # a Monday; the conftest's cases meet on 10.03.2027


@contextlib.contextmanager
def today_is(day=TODAY):
    with mock.patch.object(common, "local_today", return_value=day):
        yield day


def meeting(side, day, **fields):
    values = {
        "kind": MeetingDay.Kind.TEAM,
        "date": day,
        "start_time": datetime.time(9),
        "end_time": datetime.time(12),
        "place": "Jobcentret",
        "capacity": 6,
    }
    return MeetingDay.objects.create(municipality=side.municipality, **(values | fields))


def draft(side, subtype=Subtype.REHABILITERINGSTEAM, **fields):
    return make_case(side, subtype, meeting_date=None, **fields)


def due(case, kind):
    return case.deadlines.get(kind=kind).due


def state_of(case):
    case.refresh_from_db()
    return (
        case.meeting_date,
        list(case.bookings.order_by("id").values_list("meeting_id", "state")),
        CaseEvent.objects.filter(case=case).count(),
        list(case.deadlines.order_by("kind").values_list("kind", "due")),
    )


@pytest.fixture
def days(side_a):
    return [meeting(side_a, date(2027, 3, 10) + datetime.timedelta(weeks=w)) for w in range(4)]


def test_book_sets_the_meeting_date_writes_an_event_and_recomputes_deadlines(side_a, days):
    case = draft(side_a)
    with today_is():
        booking = services.book_case(side_a.caseworker, case, days[0])
    case.refresh_from_db()
    assert booking.state == Booking.State.BOOKED
    assert booking.kind == "team_case" and booking.minutes == 45
    assert case.meeting_date == date(2027, 3, 10)
    # 10 hverdage before Wednesday 10.03.2027.
    assert due(case, DeadlineKind.MATERIAL_TO_REGION) == date(2027, 2, 24)
    event = case.events.get(kind=EventKind.BOOKED)
    assert event.label == "Booket på møde 10.03.2027 kl. 09.00"


def test_a_refused_booking_changes_nothing_and_gives_every_reason(side_a, side_b, days):
    full = meeting(side_a, date(2027, 3, 11), capacity=1)
    with today_is():
        services.book_case(side_a.caseworker, draft(side_a), full)
    case = draft(side_a)
    before = state_of(case)
    with today_is(date(2027, 3, 1)), pytest.raises(ServiceError) as refused:
        services.book_case(side_a.caseworker, case, full)
    reasons = refused.value.fields["meeting"]
    assert reasons == [
        "Mødet den 11.03.2027 er fuldt: 1 af 1 pladser er booket (den aftalte kapacitet pr. "
        "mødedag).",
        "Fristen for materialet er overskredet: sagen skal sendes til sundhedskoordinator "
        "senest 10 hverdage før mødet, dvs. senest 25.02.2027 (samarbejdsaftalerne, procedure "
        "Rehabiliteringsteam).",
    ]
    assert state_of(case) == before
    other = meeting(side_b, date(2027, 3, 10))
    with today_is(), pytest.raises(ServiceError) as refused:
        services.book_case(side_a.caseworker, case, other)
    assert "anden kommunes" in refused.value.fields["meeting"][0]
    assert state_of(case) == before


def test_move_ends_the_old_booking_writes_the_event_and_recomputes(side_a, days):
    case = draft(side_a)
    with today_is():
        old = services.book_case(side_a.caseworker, case, days[0])
        with pytest.raises(ServiceError) as no_reason:
            services.move_booking(side_a.caseworker, case, days[2])
        assert no_reason.value.fields == {
            "reason": ["Angiv, hvorfor sagen flyttes til et andet møde."]
        }
        new = services.move_booking(
            side_a.caseworker, case, days[2], reason="Borgeren er på hospitalet"
        )
    old.refresh_from_db()
    case.refresh_from_db()
    assert old.state == Booking.State.MOVED
    assert new.meeting == days[2] and new.state == Booking.State.BOOKED
    assert case.meeting_date == date(2027, 3, 24)
    assert due(case, DeadlineKind.MATERIAL_TO_REGION) == date(2027, 3, 10)
    event = case.events.get(kind=EventKind.BOOKING_MOVED)
    assert event.comment == "Borgeren er på hospitalet"
    assert event.data["from"] == "2027-03-10" and event.data["to"] == "2027-03-24"


def test_feasible_meetings_the_earliest_that_satisfy_every_rule(side_a, days):
    case = draft(side_a)
    # On 26.02 the material deadline of 10.03 (24.02) has passed.
    with today_is(date(2027, 2, 26)):
        assert services.feasible_meetings(case, limit=2) == days[1:3]
        assert services.booking_refusals(case, days[1]) == []
        assert services.booking_refusals(case, days[0])[0].startswith("Fristen for materialet")
    urgent = draft(side_a, urgent=True)
    with today_is(date(2027, 2, 26)):
        assert services.feasible_meetings(urgent) == [days[1]]
        assert services.booking_refusals(urgent, days[2]) == [
            "Sagen er hastende: den behandles på det tidligste mulige møde, 17.03.2027, ikke "
            "24.03.2027 (BEK § 21, stk. 3)."
        ]


def test_a_received_case_within_14_days_and_the_earliest_otherwise(side_a, days):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    # Created on the day of days[0], the case was booked on it; start from no booking.
    assert case.bookings.get().meeting == days[0]
    case.bookings.all().delete()
    Case.objects.filter(pk=case.pk).update(
        received_at=datetime.datetime(2027, 2, 8, 10, tzinfo=datetime.UTC)
    )
    case.refresh_from_db()
    with today_is():
        # 14 days after 08.02 is 22.02: no meeting then, so the earliest feasible is used.
        assert services.feasible_meetings(case) == [days[0]]
        assert (
            "tidligste mulige møde er den 10.03.2027"
            in (services.booking_refusals(case, days[1])[0])
        )


def test_only_the_parties_book(side_a, side_b, days):
    case = draft(side_a)
    with today_is():
        for user in (side_b.caseworker, side_a.gp, side_a.coordinator, side_b.secretariat):
            with pytest.raises(PermissionRefused):
                services.book_case(user, case, days[0])
    assert not case.bookings.exists()


def test_postpone_moves_the_booking_to_the_meeting_day_on_the_new_date(side_a, days):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    case.refresh_from_db()
    with today_is():
        services.postpone_meeting(side_a.secretariat, case, date(2027, 3, 17), "Ingen tolk")
        case.refresh_from_db()
        assert case.meeting_date == date(2027, 3, 17)
        assert list(case.bookings.order_by("id").values_list("meeting_id", "state")) == [
            (days[0].pk, "moved"),
            (days[1].pk, "booked"),
        ]
        assert case.events.filter(kind=EventKind.POSTPONE).count() == 1
        # A date without a meeting day: the municipality keeps its days in the system.
        with pytest.raises(ServiceError) as refused:
            services.postpone_meeting(side_a.secretariat, case, date(2027, 3, 18), "")
    assert refused.value.code == "no_meeting_day"
    # Received months before, with no meeting within 14 days: only the earliest feasible one
    # is suggested (BEK § 21, stk. 1).
    assert refused.value.message.endswith("Vælg et af kommunens møder, fx 10.03.2027.")


def test_a_draft_with_a_meeting_date_is_booked_on_that_day(side_a, days):
    with today_is():
        case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    booking = case.bookings.get()
    assert booking.meeting == days[0] and booking.state == Booking.State.BOOKED
    assert case.events.filter(kind=EventKind.BOOKED).count() == 1
    with today_is(), pytest.raises(ServiceError) as refused:
        make_case(side_a, Subtype.REHABILITERINGSTEAM, meeting_date=date(2027, 3, 11))
    assert refused.value.fields["meeting_date"][0].startswith(
        "Kommunen har ingen planlagt mødedag for rehabiliteringsteamet den 11.03.2027."
    )


def test_series_days_skip_closed_days_and_are_planned_by_both_sides(side_a, side_b):
    with today_is():
        result = services.create_series(
            side_a.secretariat,
            side_a.municipality,
            weekday=0,
            first_date=date(2027, 3, 1),
            last_date=date(2027, 4, 30),
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            place="Jobcentret",
            exceptions=[date(2027, 4, 12)],
        )
    # 2. påskedag 29.03.2027 and the exception.
    assert [(s.date, s.reason) for s in result.skipped] == [
        (date(2027, 3, 29), "Anden påskedag"),
        (date(2027, 4, 12), "Undtaget fra serien"),
    ]
    assert len(result.days) == 7
    assert {d.series_id for d in result.days} == {result.series.pk}
    with pytest.raises(PermissionRefused):
        services.create_series(
            side_b.secretariat,
            side_a.municipality,
            weekday=1,
            first_date=date(2027, 3, 1),
            last_date=date(2027, 4, 30),
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            place="Andetsteds",
        )
    for user in (side_a.coordinator, side_a.team_member, side_b.caseworker, side_a.gp):
        with pytest.raises(PermissionRefused):
            services.create_meeting_day(
                user,
                side_a.municipality,
                date=date(2027, 3, 2),
                start_time=datetime.time(9),
                end_time=datetime.time(12),
                place="Jobcentret",
            )


def test_single_days_and_preparation_consultations(side_a):
    prep = services.create_meeting_day(
        side_a.caseworker,
        side_a.municipality,
        kind=MeetingDay.Kind.PREPARATION,
        date=date(2027, 3, 2),
        start_time=datetime.time(13),
        end_time=datetime.time(13, 45),
        virtual=True,
    )
    assert prep.kind == "preparation"
    with pytest.raises(ServiceError) as too_long:
        services.create_meeting_day(
            side_a.municipal_admin,
            side_a.municipality,
            kind=MeetingDay.Kind.PREPARATION,
            date=date(2027, 3, 3),
            start_time=datetime.time(13),
            end_time=datetime.time(15),
            virtual=True,
        )
    assert too_long.value.fields["end_time"] == [
        "En forberedende konsultation varer en halv til en hel time."
    ]
    with pytest.raises(ServiceError) as holiday:
        services.create_meeting_day(
            side_a.caseworker,
            side_a.municipality,
            date=date(2027, 3, 26),  # langfredag
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            place="Jobcentret",
        )
    assert holiday.value.fields["date"] == [
        "Mødedatoen 26.03.2027 er langfredag, som ikke er en arbejdsdag."
    ]
    case = draft(side_a)
    with today_is(), pytest.raises(ServiceError) as refused:
        services.book_case(side_a.caseworker, case, prep)
    assert "forberedende konsultation er ikke et møde" in refused.value.message
    changed = services.update_meeting_day(side_a.caseworker, prep, place="Lokale 2")
    assert changed.place == "Lokale 2"


def test_who_sees_meeting_days(side_a, side_b, days):
    ids = {d.pk for d in days}
    for user in (
        side_a.caseworker,
        side_a.team_member,
        side_a.municipal_admin,
        side_a.secretariat,
        side_a.coordinator,
        side_a.specialist,
    ):
        assert set(meeting_days_visible_to(user).values_list("pk", flat=True)) == ids
    for user in (*side_b.users(), side_a.gp, side_a.regional_admin):
        assert not meeting_days_visible_to(user).filter(pk__in=ids).exists()


def test_a_genforelaeggelse_reopened_for_a_meeting_day_is_booked_as_one(side_a, days):
    parent = make_case(side_a, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    Case.objects.filter(pk=parent.pk).update(state="closed")
    parent.refresh_from_db()
    with today_is():
        new = services.reopen_as_genforelaeggelse(side_a.caseworker, parent, date(2027, 3, 17))
    booking = new.bookings.get()
    assert (booking.meeting, booking.kind, booking.minutes) == (days[1], "genforelaeggelse", 45)
    # 5 hverdage before Wednesday 17.03.2027.
    assert due(new, DeadlineKind.CREATED_BEFORE_MEETING) == date(2027, 3, 10)
