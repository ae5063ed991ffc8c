"""rules.booking: the material deadline before a meeting at the holiday edges, BEK § 21's
14 days and urgent cases, capacity, the other refusals, and a series' dates (no database)."""

import datetime
from datetime import date
from typing import Any

import pytest

from sagsbro.meetings.rules.agenda import ItemKind
from sagsbro.meetings.rules.booking import (
    CaseFacts,
    MeetingFacts,
    basic_refusals,
    contact_refusals,
    contact_slot_count,
    earliest_feasible,
    material_deadline,
    preparation_length_problem,
    refusals,
    section_21_note,
    series_dates,
    series_problems,
)
from sagsbro.workdays.rules import WorkingDayCalendar

CALENDAR = WorkingDayCalendar()
TEAM = ItemKind.TEAM_CASE
GENFOR = ItemKind.GENFORELAEGGELSE


# (meeting, last day to send for 10 hverdage, for 5 hverdage), worked out by hand.
EDGES = [
    # Tuesday after Easter 2026: skærtorsdag 02.04, langfredag 03.04, 2. påskedag 06.04.
    pytest.param(date(2026, 4, 7), date(2026, 3, 19), date(2026, 3, 26), id="easter"),
    # Kristi Himmelfartsdag 14.05.2026 (the Friday after is a working day).
    pytest.param(date(2026, 5, 19), date(2026, 5, 4), date(2026, 5, 11), id="kristi-himmelfart"),
    # 2. pinsedag 25.05.2026 and Kristi Himmelfartsdag 14.05.2026.
    pytest.param(date(2026, 5, 26), date(2026, 5, 8), date(2026, 5, 18), id="pinse"),
    # Grundlovsdag Friday 05.06.2026 and 2. pinsedag 25.05.2026.
    pytest.param(date(2026, 6, 9), date(2026, 5, 22), date(2026, 6, 1), id="grundlovsdag"),
    # Juleaftensdag, juledag, 2. juledag, nytårsaftensdag and nytårsdag.
    pytest.param(date(2027, 1, 5), date(2026, 12, 16), date(2026, 12, 23), id="christmas"),
]


@pytest.mark.parametrize(("meeting", "ten", "five"), EDGES)
def test_material_deadline_counts_hverdage_across_holidays(meeting, ten, five):
    assert material_deadline(meeting, TEAM, CALENDAR) == ten
    assert material_deadline(meeting, ItemKind.RET_TIL_SUNDHEDSKOORDINATOR, CALENDAR) == ten
    assert material_deadline(meeting, GENFOR, CALENDAR) == five
    assert CALENDAR.working_days_between(ten, meeting) == 10
    assert CALENDAR.working_days_between(five, meeting) == 5


@pytest.mark.parametrize(("meeting", "ten", "five"), EDGES)
def test_booking_allowed_on_the_last_day_and_refused_the_next_working_day(meeting, ten, five):
    day = MeetingFacts(id=1, date=meeting, municipality_id=1)
    for kind, last in ((TEAM, ten), (GENFOR, five)):
        case = CaseFacts(item_kind=kind, municipality_id=1)
        assert basic_refusals(case, day, today=last, calendar=CALENDAR) == []
        late = basic_refusals(
            case, day, today=CALENDAR.add_working_days(last, 1), calendar=CALENDAR
        )
        assert len(late) == 1
        assert late[0].startswith("Fristen for materialet er overskredet")
        assert f"senest {last:%d.%m.%Y}" in late[0]


def test_easter_refusal_names_the_procedure_and_count():
    case = CaseFacts(item_kind=GENFOR, municipality_id=1)
    day = MeetingFacts(id=1, date=date(2026, 4, 7), municipality_id=1)
    (reason,) = basic_refusals(case, day, today=date(2026, 3, 27), calendar=CALENDAR)
    assert reason == (
        "Fristen for materialet er overskredet: sagen skal sendes til sundhedskoordinator "
        "senest 5 hverdage før mødet, dvs. senest 26.03.2026 (procedure Genforelæggelse)."
    )


def test_a_full_meeting_is_refused_with_its_capacity_and_a_free_place_is_not():
    case = CaseFacts(item_kind=TEAM, municipality_id=1)
    full = MeetingFacts(id=1, date=date(2026, 9, 1), municipality_id=1, capacity=6, booked=6)
    free = MeetingFacts(id=2, date=date(2026, 9, 1), municipality_id=1, capacity=6, booked=5)
    today = date(2026, 8, 3)
    assert basic_refusals(case, full, today=today, calendar=CALENDAR) == [
        "Mødet den 01.09.2026 er fuldt: 6 af 6 pladser er booket (den aftalte kapacitet pr. "
        "mødedag)."
    ]
    assert basic_refusals(case, free, today=today, calendar=CALENDAR) == []


def test_every_reason_at_once():
    case = CaseFacts(item_kind=TEAM, municipality_id=1)
    day = MeetingFacts(
        id=1,
        date=date(2026, 9, 1),
        municipality_id=2,
        kind="preparation",
        state="cancelled",
        capacity=1,
        booked=1,
    )
    reasons = basic_refusals(case, day, today=date(2026, 8, 31), calendar=CALENDAR)
    assert len(reasons) == 5
    assert "anden kommunes" in reasons[0]
    assert "forberedende konsultation er ikke et møde" in reasons[1]
    assert reasons[2] == "Mødet den 01.09.2026 er aflyst."
    assert "fuldt" in reasons[3]
    assert "Fristen for materialet" in reasons[4]


def test_held_past_and_already_booked_meetings():
    case = CaseFacts(item_kind=TEAM, municipality_id=1, current_meeting_id=3)
    held = MeetingFacts(id=1, date=date(2026, 9, 1), municipality_id=1, state="held")
    past = MeetingFacts(id=2, date=date(2026, 9, 1), municipality_id=1)
    same = MeetingFacts(id=3, date=date(2026, 12, 1), municipality_id=1, booked=6)
    today = date(2026, 9, 2)
    assert basic_refusals(case, held, today=today, calendar=CALENDAR)[0] == (
        "Mødet den 01.09.2026 er allerede holdt."
    )
    assert basic_refusals(case, past, today=today, calendar=CALENDAR)[0] == (
        "Mødet den 01.09.2026 er passeret."
    )
    # Its own booking is not "full".
    assert basic_refusals(case, same, today=today, calendar=CALENDAR) == [
        "Sagen er allerede booket på mødet den 01.12.2026."
    ]


def _days(*dates, **extra):
    return [MeetingFacts(id=i + 1, date=d, municipality_id=1, **extra) for i, d in enumerate(dates)]


def test_section_21_stk_1_a_meeting_after_14_days_is_refused_when_one_within_exists():
    received = date(2026, 8, 3)
    case = CaseFacts(item_kind=TEAM, municipality_id=1, received_on=received)
    # 17.08 is exactly 14 days after receipt; 24.08 is later.
    days = _days(date(2026, 8, 17), date(2026, 8, 24))
    today = date(2026, 8, 3)
    assert refusals(case, days[0], days, today=today, calendar=CALENDAR) == []
    assert refusals(case, days[1], days, today=today, calendar=CALENDAR) == [
        "Regionen skal stille en sundhedskoordinator til rådighed senest 14 dage efter "
        "modtagelsen (03.08.2026), dvs. senest 17.08.2026; mødet den 17.08.2026 ligger inden "
        "for fristen (BEK § 21, stk. 1)."
    ]
    assert [m.id for m in earliest_feasible(case, days, today=today, calendar=CALENDAR)] == [1]


def test_section_21_stk_1_without_a_feasible_meeting_within_14_days_the_earliest_is_allowed():
    received = date(2026, 8, 3)
    case = CaseFacts(item_kind=TEAM, municipality_id=1, received_on=received)
    # The day within 14 days is full; the next two lie later.
    days = [
        MeetingFacts(id=1, date=date(2026, 8, 17), municipality_id=1, capacity=1, booked=1),
        *[
            MeetingFacts(id=i, date=d, municipality_id=1)
            for i, d in ((2, date(2026, 8, 24)), (3, date(2026, 8, 31)))
        ],
    ]
    today = date(2026, 8, 3)
    assert refusals(case, days[1], days, today=today, calendar=CALENDAR) == []
    note = section_21_note(case, days[1], today)
    assert note is not None and "intet muligt møde inden for fristen" in note
    later = refusals(case, days[2], days, today=today, calendar=CALENDAR)
    assert later == [
        "Der er intet muligt møde inden for 14 dage efter modtagelsen (BEK § 21, stk. 1); det "
        "tidligste mulige møde er den 24.08.2026, som skal bruges i stedet for 31.08.2026."
    ]
    assert [m.id for m in earliest_feasible(case, days, today=today, calendar=CALENDAR)] == [2]


def test_section_21_stk_3_an_urgent_case_only_gets_the_earliest_feasible_meeting():
    case = CaseFacts(item_kind=TEAM, municipality_id=1, urgent=True)
    today = date(2026, 8, 3)
    # 11.08 is too close for the material deadline; 18.08 is the earliest feasible.
    days = _days(date(2026, 8, 11), date(2026, 8, 18), date(2026, 8, 25))
    assert refusals(case, days[1], days, today=today, calendar=CALENDAR) == []
    assert refusals(case, days[2], days, today=today, calendar=CALENDAR) == [
        "Sagen er hastende: den behandles på det tidligste mulige møde, 18.08.2026, ikke "
        "25.08.2026 (BEK § 21, stk. 3)."
    ]
    assert [m.id for m in earliest_feasible(case, days, today=today, calendar=CALENDAR)] == [2]
    # Not urgent and not yet received: § 21 does not run, any feasible meeting will do.
    plain = CaseFacts(item_kind=TEAM, municipality_id=1)
    assert [m.id for m in earliest_feasible(plain, days, today=today, calendar=CALENDAR)] == [
        2,
        3,
    ]


def test_earliest_feasible_respects_the_limit():
    case = CaseFacts(item_kind=TEAM, municipality_id=1)
    days = _days(*(date(2026, 9, 1) + datetime.timedelta(weeks=w) for w in range(8)))
    found = earliest_feasible(case, days, today=date(2026, 8, 3), calendar=CALENDAR, limit=3)
    assert [m.date for m in found] == [date(2026, 9, 1), date(2026, 9, 8), date(2026, 9, 15)]


def test_series_skips_closed_days_with_their_names_and_exceptions():
    plan = series_dates(
        weekday=0,  # Mondays
        every_weeks=1,
        first_date=date(2026, 3, 30),
        last_date=date(2026, 6, 1),
        calendar=CALENDAR,
        exceptions=[date(2026, 4, 20)],
    )
    skipped = {s.date: s.reason for s in plan.skipped}
    assert skipped == {
        date(2026, 4, 6): "Anden påskedag",
        date(2026, 4, 20): "Undtaget fra serien",
        date(2026, 5, 25): "Anden pinsedag",
    }
    assert plan.dates[0] == date(2026, 3, 30)
    assert plan.dates[-1] == date(2026, 6, 1)
    assert len(plan.dates) == 7  # 10 Mondays, 3 skipped
    assert all(d.weekday() == 0 for d in plan.dates)


def test_series_every_other_week_starts_on_the_first_weekday_after_the_first_date():
    plan = series_dates(
        weekday=1,
        every_weeks=2,
        first_date=date(2026, 12, 10),  # a Thursday
        last_date=date(2027, 1, 31),
        calendar=CALENDAR,
    )
    assert plan.dates == (
        date(2026, 12, 15),
        date(2026, 12, 29),
        date(2027, 1, 12),
        date(2027, 1, 26),
    )
    assert plan.skipped == ()
    christmas = series_dates(
        weekday=3,  # Thursdays: juleaftensdag and nytårsaftensdag 2026
        every_weeks=1,
        first_date=date(2026, 12, 17),
        last_date=date(2026, 12, 31),
        calendar=CALENDAR,
    )
    assert [(s.date, s.reason) for s in christmas.skipped] == [
        (date(2026, 12, 24), "Juleaftensdag"),
        (date(2026, 12, 31), "Nytårsaftensdag"),
    ]


def test_series_problems_and_preparation_length():
    nine, twelve = datetime.time(9), datetime.time(12)
    assert (
        series_problems(
            weekday=1,
            every_weeks=1,
            first_date=date(2026, 1, 1),
            last_date=date(2026, 12, 31),
            start_time=nine,
            end_time=twelve,
        )
        == {}
    )
    problems = series_problems(
        weekday=5,
        every_weeks=0,
        first_date=date(2026, 2, 1),
        last_date=date(2026, 1, 1),
        start_time=twelve,
        end_time=nine,
    )
    assert set(problems) == {"weekday", "every_weeks", "last_date", "end_time"}
    assert preparation_length_problem(nine, datetime.time(9, 30)) is None
    assert preparation_length_problem(nine, datetime.time(10)) is None
    assert preparation_length_problem(nine, datetime.time(9, 20)) is not None
    assert preparation_length_problem(nine, datetime.time(10, 15)) is not None


def test_all_refusals_answers_as_refusals_does_for_each_meeting():
    from sagsbro.meetings.rules.booking import all_refusals

    days = [
        MeetingFacts(
            id=i,
            date=date(2026, 8, 11) + datetime.timedelta(weeks=i // 2),
            municipality_id=1 + (i == 5),
            capacity=3,
            booked=3 if i == 2 else 0,
        )
        for i in range(12)
    ]
    today = date(2026, 8, 3)
    for case in (
        CaseFacts(item_kind=TEAM, municipality_id=1, received_on=date(2026, 8, 3)),
        CaseFacts(item_kind=GENFOR, municipality_id=1, urgent=True),
        CaseFacts(item_kind=TEAM, municipality_id=1),
    ):
        every = all_refusals(case, days, today=today, calendar=CALENDAR)
        for day in days:
            assert every[day.id] == refusals(case, day, days, today=today, calendar=CALENDAR)


# Procedure Løbende sag: the region's phone/video times, one 30-minute slot per case.
CONTACT = ItemKind.CONTACT
RECEIVED = date(2027, 2, 1)  # a Monday
ANSWER_DUE = date(2027, 2, 15)  # 14 calendar days later (BEK § 22)


def contact_case(**fields):
    values: dict[str, Any] = {
        "item_kind": CONTACT,
        "municipality_id": 1,
        "received_on": RECEIVED,
        "contact_wanted": True,
        "answer_due": ANSWER_DUE,
    }
    return CaseFacts(**(values | fields))


def contact_day(day=date(2027, 2, 10), **fields):
    return MeetingFacts(
        **({"id": 7, "date": day, "municipality_id": 1, "kind": "contact"} | fields)
    )


def test_a_loebende_sag_with_contact_wanted_may_take_a_slot_up_to_the_answer_due_date():
    today = RECEIVED
    assert contact_refusals(contact_case(), contact_day(), today=today, calendar=CALENDAR) == []
    # The due date itself (a Monday) is still before the written answer is given.
    on_due = contact_day(ANSWER_DUE)
    assert basic_refusals(contact_case(), on_due, today=today, calendar=CALENDAR) == []
    (late,) = basic_refusals(
        contact_case(), contact_day(date(2027, 2, 16)), today=today, calendar=CALENDAR
    )
    assert "senest 15.02.2027" in late and "16.02.2027" in late


def test_a_contact_slot_needs_contact_wanted_and_a_received_case():
    today = RECEIVED
    (unwanted,) = contact_refusals(
        contact_case(contact_wanted=False), contact_day(), today=today, calendar=CALENDAR
    )
    assert "ikke bedt om telefonisk eller virtuel kontakt" in unwanted
    reasons = contact_refusals(
        contact_case(received_on=None, answer_due=None),
        contact_day(),
        today=today,
        calendar=CALENDAR,
    )
    assert reasons == ["Regionen har ikke modtaget sagen endnu; send sagen først."]


def test_a_loebende_sag_is_never_booked_on_a_team_day_nor_a_team_case_on_a_contact_day():
    today = RECEIVED
    team_day = MeetingFacts(id=1, date=date(2027, 3, 10), municipality_id=1)
    (on_team,) = basic_refusals(contact_case(), team_day, today=today, calendar=CALENDAR)
    assert "løbende sag behandles ikke på et møde i rehabiliteringsteamet" in on_team
    team_case = CaseFacts(item_kind=TEAM, municipality_id=1, received_on=RECEIVED)
    (on_contact,) = basic_refusals(team_case, contact_day(), today=today, calendar=CALENDAR)
    assert "kun for løbende sager" in on_contact


def test_a_contact_slot_is_refused_when_full_past_cancelled_or_another_municipalitys():
    today = date(2027, 2, 11)
    full = contact_day(date(2027, 2, 12), capacity=4, booked=4)
    (reason,) = contact_refusals(contact_case(), full, today=today, calendar=CALENDAR)
    assert "er fuld: 4 af 4 tider" in reason
    (past,) = contact_refusals(contact_case(), contact_day(), today=today, calendar=CALENDAR)
    assert past.endswith("er passeret.")
    cancelled = contact_day(date(2027, 2, 12), state="cancelled")
    (gone,) = contact_refusals(contact_case(), cancelled, today=today, calendar=CALENDAR)
    assert gone.endswith("er aflyst.")
    other = contact_day(date(2027, 2, 12), municipality_id=2)
    (foreign,) = contact_refusals(contact_case(), other, today=today, calendar=CALENDAR)
    assert "anden kommune" in foreign


def test_section_21_does_not_apply_to_a_contact_slot():
    # Received 01.02: a slot on 15.02 is past § 21's 14 days but within the answer's due date.
    late, early = contact_day(ANSWER_DUE, id=2), contact_day(date(2027, 2, 3), id=1)
    assert refusals(contact_case(), late, [early], today=RECEIVED, calendar=CALENDAR) == []
    assert section_21_note(contact_case(), late, RECEIVED) is None
    found = earliest_feasible(contact_case(), [late, early], today=RECEIVED, calendar=CALENDAR)
    assert [m.id for m in found] == [1, 2]


def test_contact_slot_count_is_the_number_of_30_minute_slots():
    assert contact_slot_count(datetime.time(9), datetime.time(11)) == 4
    assert contact_slot_count(datetime.time(9), datetime.time(11, 20)) == 4
    assert contact_slot_count(datetime.time(9), datetime.time(11), 30) == 3
    assert contact_slot_count(datetime.time(9), datetime.time(9, 20)) == 0
