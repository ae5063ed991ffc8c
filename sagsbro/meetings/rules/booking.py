"""Which meeting a case may be booked onto, and the meeting days of a recurring series.

Sources:

* Procedure Rehabiliteringsteam / the five regions' collaboration agreements and procedure
  Ret til sundhedskoordinator (001): the secretariat sends the case to the health
  coordinator 10 hverdage before the meeting. Procedure Genforelæggelse (002): 5 hverdage
  before the meeting. Counted with the working-day calendar (public holidays, Grundlovsdag,
  24 and 31 December are not hverdage).
* BEK § 21, stk. 1: the region makes a health coordinator available for the team meeting
  within 14 dage (calendar days) after it received the case. A later meeting is refused
  unless no meeting that satisfies every other rule exists within the 14 days; then the
  earliest such meeting is allowed, and the reason says why.
* BEK § 21, stk. 3: an urgent case (e.g. a terminally ill citizen) is treated as soon as
  possible: only the earliest feasible meeting.
* BEK § 16, stk. 2: the municipality and the region agree the team's meeting days; a meeting
  is held on a working day. A day is the municipality's own; a preparation consultation (the
  evaluation's proposal, ½-1 hour) is not a team meeting and takes no booking.
* The agreed capacity of a meeting day (cases per day; national average 5.5, the evaluation).
* Procedure Løbende sag: when the municipality asks for it, the coordinator calls or meets the
  caseworker (phone or video) before the written answer; billed as 30 minutes. The region's
  contact days hold one 30-minute slot per case; only such a løbende sag is booked there, not
  before the region has received it, and not after the written answer is due (BEK § 22).
  A løbende sag is never booked onto a team meeting, nor a team case onto a contact day.

Every check returns all refusal reasons at once, in Danish, each naming its rule.
This module has no Django dependency.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sagsbro.cases.rules.meetings import meeting_day_problem
from sagsbro.meetings.rules.agenda import ItemKind
from sagsbro.workdays.rules import WorkingDayCalendar

__all__ = [
    "COORDINATOR_WITHIN_DAYS",
    "MATERIAL_WORKING_DAYS",
    "CaseFacts",
    "all_refusals",
    "MeetingFacts",
    "SeriesPlan",
    "SkippedDay",
    "basic_refusals",
    "contact_refusals",
    "contact_slot_count",
    "earliest_feasible",
    "material_deadline",
    "preparation_length_problem",
    "refusals",
    "section_21_note",
    "series_dates",
    "series_problems",
]

#: Hverdage before the meeting by which the secretariat sends the case to the coordinator.
MATERIAL_WORKING_DAYS: dict[ItemKind, int] = {
    ItemKind.TEAM_CASE: 10,
    ItemKind.RET_TIL_SUNDHEDSKOORDINATOR: 10,
    ItemKind.GENFORELAEGGELSE: 5,
}
MATERIAL_SOURCES: dict[ItemKind, str] = {
    ItemKind.TEAM_CASE: "samarbejdsaftalerne, procedure Rehabiliteringsteam",
    ItemKind.RET_TIL_SUNDHEDSKOORDINATOR: "procedure Ret til sundhedskoordinator",
    ItemKind.GENFORELAEGGELSE: "procedure Genforelæggelse",
}
#: BEK § 21, stk. 1: calendar days from receipt within which a coordinator is offered.
COORDINATOR_WITHIN_DAYS = 14

# A series spans at most this many days (two years): beyond it the calendar is not agreed.
MAX_SERIES_DAYS = 2 * 366
MAX_EVERY_WEEKS = 8
PREPARATION_MIN_MINUTES = 30
PREPARATION_MAX_MINUTES = 60

TEAM = "team"
PREPARATION = "preparation"
CONTACT = "contact"
CONTACT_SLOT_MINUTES = 30
PLANNED = "planned"
HELD = "held"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class MeetingFacts:
    """What the rules need to know of a meeting day."""

    id: int
    date: datetime.date
    municipality_id: int
    kind: str = TEAM
    state: str = PLANNED
    capacity: int = 6
    #: Active bookings on the day, not counting the case being checked.
    booked: int = 0


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know of the case to book."""

    item_kind: ItemKind
    municipality_id: int
    #: The day the region received the case; None while it is not sent (§ 21 not running).
    received_on: datetime.date | None = None
    urgent: bool = False
    #: The meeting the case is booked on now, if any.
    current_meeting_id: int | None = None
    #: A løbende sag: the municipality asked for phone or video contact before the answer.
    contact_wanted: bool = False
    #: A løbende sag: the due date of its written answer (its deadline row), if computed.
    answer_due: datetime.date | None = None


def material_deadline(
    meeting_date: datetime.date, kind: ItemKind, calendar: WorkingDayCalendar
) -> datetime.date:
    """The last day the secretariat can send the case to the coordinator for the meeting:
    10 (team case, ret til sundhedskoordinator) or 5 (genforelæggelse) hverdage before."""
    return calendar.add_working_days(meeting_date, -MATERIAL_WORKING_DAYS[ItemKind(kind)])


def basic_refusals(
    case: CaseFacts,
    meeting: MeetingFacts,
    *,
    today: datetime.date,
    calendar: WorkingDayCalendar,
) -> list[str]:
    """Every reason, except § 21's, why ``case`` cannot be booked on ``meeting``."""
    if case.item_kind == ItemKind.CONTACT or meeting.kind == CONTACT:
        return contact_refusals(case, meeting, today=today, calendar=calendar)
    reasons: list[str] = []
    shown = f"{meeting.date:%d.%m.%Y}"
    if meeting.municipality_id != case.municipality_id:
        reasons.append(
            "Mødet er en anden kommunes rehabiliteringsteam; sagen bookes på sin egen "
            "kommunes møder (BEK § 16, stk. 2)."
        )
    if meeting.kind != TEAM:
        reasons.append(
            "En forberedende konsultation er ikke et møde i rehabiliteringsteamet; sager "
            "bookes kun på teammøder (BEK § 16, stk. 2)."
        )
    if meeting.state == CANCELLED:
        reasons.append(f"Mødet den {shown} er aflyst.")
    elif meeting.state == HELD:
        reasons.append(f"Mødet den {shown} er allerede holdt.")
    elif meeting.date < today:
        reasons.append(f"Mødet den {shown} er passeret.")
    problem = meeting_day_problem(meeting.date, calendar)
    if problem:
        reasons.append(f"{problem} (BEK § 16, stk. 2)")
    if case.current_meeting_id == meeting.id:
        reasons.append(f"Sagen er allerede booket på mødet den {shown}.")
    elif meeting.booked >= meeting.capacity:
        reasons.append(
            f"Mødet den {shown} er fuldt: {meeting.booked} af {meeting.capacity} pladser er "
            "booket (den aftalte kapacitet pr. mødedag)."
        )
    kind = ItemKind(case.item_kind)
    deadline = material_deadline(meeting.date, kind, calendar)
    if today > deadline:
        count = MATERIAL_WORKING_DAYS[kind]
        reasons.append(
            f"Fristen for materialet er overskredet: sagen skal sendes til "
            f"sundhedskoordinator senest {count} hverdage før mødet, dvs. senest "
            f"{deadline:%d.%m.%Y} ({MATERIAL_SOURCES[kind]})."
        )
    return reasons


def _state_refusals(meeting: MeetingFacts, today: datetime.date, what: str) -> list[str]:
    shown = f"{meeting.date:%d.%m.%Y}"
    if meeting.state == CANCELLED:
        return [f"{what} den {shown} er aflyst."]
    if meeting.state == HELD:
        return [f"{what} den {shown} er allerede holdt."]
    if meeting.date < today:
        return [f"{what} den {shown} er passeret."]
    return []


def contact_refusals(
    case: CaseFacts,
    meeting: MeetingFacts,
    *,
    today: datetime.date,
    calendar: WorkingDayCalendar,
) -> list[str]:
    """Every reason why ``case`` cannot take a slot on ``meeting`` when either is about the
    phone/video contact of a løbende sag (procedure Løbende sag)."""
    shown = f"{meeting.date:%d.%m.%Y}"
    if case.item_kind != ItemKind.CONTACT:
        return [
            "En telefon- og videotid er kun for løbende sager, hvor kommunen har bedt om "
            "kontakt før det skriftlige svar; sagen bookes på et møde i "
            "rehabiliteringsteamet (procedure Løbende sag)."
        ]
    if meeting.kind != CONTACT:
        return [
            "En løbende sag behandles ikke på et møde i rehabiliteringsteamet; den bookes på "
            "en af regionens telefon- og videotider (procedure Løbende sag)."
        ]
    reasons: list[str] = []
    if meeting.municipality_id != case.municipality_id:
        reasons.append(
            "Telefon- og videotiden hører til en anden kommune; sagen bookes på sin egen "
            "kommunes tider."
        )
    if not case.contact_wanted:
        reasons.append(
            "Kommunen har ikke bedt om telefonisk eller virtuel kontakt før det skriftlige "
            "svar i denne sag (procedure Løbende sag)."
        )
    if case.received_on is None:
        reasons.append("Regionen har ikke modtaget sagen endnu; send sagen først.")
    reasons += _state_refusals(meeting, today, "Telefon- og videotiden")
    problem = meeting_day_problem(meeting.date, calendar)
    if problem:
        reasons.append(problem)
    if case.answer_due is not None and meeting.date > case.answer_due:
        reasons.append(
            f"Kontakten skal ligge før det skriftlige svar: svaret skal gives senest "
            f"{case.answer_due:%d.%m.%Y}, og tiden den {shown} ligger efter "
            "(BEK § 22; procedure Løbende sag)."
        )
    elif case.answer_due is None and case.received_on is not None:
        reasons.append(
            "Fristen for det skriftlige svar er ikke beregnet; kontakten kan ikke placeres "
            "før svaret."
        )
    if case.current_meeting_id == meeting.id:
        reasons.append(f"Sagen har allerede en tid den {shown}.")
    elif meeting.booked >= meeting.capacity:
        reasons.append(
            f"Telefon- og videotiden den {shown} er fuld: {meeting.booked} af "
            f"{meeting.capacity} tider er booket."
        )
    return reasons


def contact_slot_count(start: datetime.time, end: datetime.time, pre_minutes: int = 0) -> int:
    """How many 30-minute slots a contact day from ``start`` to ``end`` holds."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) - pre_minutes
    return max(minutes // CONTACT_SLOT_MINUTES, 0)


def earliest_feasible(
    case: CaseFacts,
    meetings: Iterable[MeetingFacts],
    *,
    today: datetime.date,
    calendar: WorkingDayCalendar,
    limit: int = 5,
) -> list[MeetingFacts]:
    """The earliest meetings that satisfy every rule, § 21 included, earliest first."""
    candidates = sorted(meetings, key=lambda m: (m.date, m.id))
    reasons = all_refusals(case, candidates, today=today, calendar=calendar)
    return [m for m in candidates if not reasons[m.id]][:limit]


def refusals(
    case: CaseFacts,
    meeting: MeetingFacts,
    candidates: Iterable[MeetingFacts],
    *,
    today: datetime.date,
    calendar: WorkingDayCalendar,
) -> list[str]:
    """Every reason why ``case`` cannot be booked on ``meeting``; [] when it can.

    ``candidates`` are the case's municipality's other meeting days (from today on): § 21
    asks whether a feasible meeting exists within 14 days, or an earlier one at all."""
    reasons = basic_refusals(case, meeting, today=today, calendar=calendar)
    basic = sorted(
        (
            m
            for m in candidates
            if m.id != meeting.id and not basic_refusals(case, m, today=today, calendar=calendar)
        ),
        key=lambda m: (m.date, m.id),
    )
    return reasons + _section_21(case, meeting, basic)


def all_refusals(
    case: CaseFacts,
    meetings: Iterable[MeetingFacts],
    *,
    today: datetime.date,
    calendar: WorkingDayCalendar,
) -> dict[int, list[str]]:
    """Every meeting's refusal reasons by id ([] = bookable), each meeting's own checks
    computed once: the same answer as :func:`refusals` for each, for a whole year of
    meetings at a time."""
    ordered = sorted(meetings, key=lambda m: (m.date, m.id))
    basic = {m.id: basic_refusals(case, m, today=today, calendar=calendar) for m in ordered}
    feasible = [m for m in ordered if not basic[m.id]]
    return {m.id: basic[m.id] + _section_21(case, m, feasible) for m in ordered}


def _section_21(
    case: CaseFacts, meeting: MeetingFacts, feasible: Sequence[MeetingFacts]
) -> list[str]:
    """BEK § 21, stk. 1 and stk. 3, given the meetings that satisfy every other rule."""
    if case.item_kind == ItemKind.CONTACT:
        return []  # § 21 is about the team meeting; a contact slot is bounded by the answer
    others = [m for m in feasible if m.id != meeting.id]
    earlier = [m for m in others if m.date < meeting.date]
    shown = f"{meeting.date:%d.%m.%Y}"
    if case.urgent:
        if earlier:
            return [
                f"Sagen er hastende: den behandles på det tidligste mulige møde, "
                f"{earlier[0].date:%d.%m.%Y}, ikke {shown} (BEK § 21, stk. 3)."
            ]
        return []
    if case.received_on is None:
        return []
    limit = case.received_on + datetime.timedelta(days=COORDINATOR_WITHIN_DAYS)
    if meeting.date <= limit:
        return []
    within = [m for m in others if m.date <= limit]
    if within:
        return [
            f"Regionen skal stille en sundhedskoordinator til rådighed senest 14 dage efter "
            f"modtagelsen ({case.received_on:%d.%m.%Y}), dvs. senest {limit:%d.%m.%Y}; "
            f"mødet den {within[0].date:%d.%m.%Y} ligger inden for fristen "
            "(BEK § 21, stk. 1)."
        ]
    if earlier:
        return [
            f"Der er intet muligt møde inden for 14 dage efter modtagelsen (BEK § 21, stk. 1); "
            f"det tidligste mulige møde er den {earlier[0].date:%d.%m.%Y}, som skal bruges i "
            f"stedet for {shown}."
        ]
    return []


def section_21_note(case: CaseFacts, meeting: MeetingFacts, today: datetime.date) -> str | None:
    """Why an allowed meeting lies later than 14 days after receipt: no feasible meeting
    exists within the 14 days (BEK § 21, stk. 1), so the earliest feasible one is used."""
    if case.received_on is None or case.urgent or case.item_kind == ItemKind.CONTACT:
        return None
    limit = case.received_on + datetime.timedelta(days=COORDINATOR_WITHIN_DAYS)
    if meeting.date <= limit:
        return None
    return (
        f"Mødet ligger mere end 14 dage efter modtagelsen ({case.received_on:%d.%m.%Y}), men "
        "der er intet muligt møde inden for fristen; det tidligste mulige møde bruges "
        "(BEK § 21, stk. 1)."
    )


@dataclass(frozen=True)
class SkippedDay:
    date: datetime.date
    reason: str


@dataclass(frozen=True)
class SeriesPlan:
    dates: tuple[datetime.date, ...]
    skipped: tuple[SkippedDay, ...]


def series_problems(
    *,
    weekday: int,
    every_weeks: int,
    first_date: datetime.date,
    last_date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
) -> dict[str, str]:
    """Danish errors by field of a series' settings; {} when they are fine."""
    problems: dict[str, str] = {}
    if not 0 <= weekday <= 4:
        problems["weekday"] = "Vælg en hverdag (mandag-fredag); møder holdes på arbejdsdage."
    if not 1 <= every_weeks <= MAX_EVERY_WEEKS:
        problems["every_weeks"] = f"Vælg hver 1.-{MAX_EVERY_WEEKS}. uge."
    if last_date < first_date:
        problems["last_date"] = "Sidste dato skal ligge efter første dato."
    elif (last_date - first_date).days > MAX_SERIES_DAYS:
        problems["last_date"] = "En mødeserie kan højst strække sig over to år."
    if end_time <= start_time:
        problems["end_time"] = "Sluttiden skal ligge efter starttiden."
    return problems


def series_dates(
    *,
    weekday: int,
    every_weeks: int,
    first_date: datetime.date,
    last_date: datetime.date,
    calendar: WorkingDayCalendar,
    exceptions: Iterable[datetime.date] = (),
) -> SeriesPlan:
    """The meeting dates of a series: the weekday every n-th week from the first such day
    on or after ``first_date`` up to ``last_date``; closed days and explicit exceptions are
    skipped and listed with the reason (the holiday's name)."""
    excluded = set(exceptions)
    start = first_date + datetime.timedelta(days=(weekday - first_date.weekday()) % 7)
    step = datetime.timedelta(weeks=every_weeks)
    dates: list[datetime.date] = []
    skipped: list[SkippedDay] = []
    day = start
    while day <= last_date:
        if day in excluded:
            skipped.append(SkippedDay(day, "Undtaget fra serien"))
        elif not calendar.is_working_day(day):
            names = [c.name for c in calendar.closed_days(day.year) if c.date == day]
            skipped.append(SkippedDay(day, " og ".join(names) or "Weekend"))
        else:
            dates.append(day)
        day += step
    return SeriesPlan(tuple(dates), tuple(skipped))


def preparation_length_problem(start: datetime.time, end: datetime.time) -> str | None:
    """A preparation consultation lasts ½-1 hour (the evaluation's proposal)."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if not PREPARATION_MIN_MINUTES <= minutes <= PREPARATION_MAX_MINUTES:
        return "En forberedende konsultation varer en halv til en hel time."
    return None
