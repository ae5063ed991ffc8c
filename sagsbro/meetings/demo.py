"""Demo data owned by meetings: each demo municipality's weekly meeting series, a meeting day
held last week (team, coordinator, attendance, outcomes and structured indstillinger), the
upcoming days with the open team cases booked onto them, a coordinator and a team on the
next days, and a ressourceforløb due for genforelæggelse on the caseworker's worklist.

Run by the `demo` app after the cases' demo data. What a user could do today goes through the
services (series, bookings, coordinator, team, holding, indstilling, the forløb's dates);
only the past agendas are written as rows (``_past_agenda``): the booking rules refuse a
meeting that has passed, so history cannot be booked, only recorded as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from sagsbro.cases import services as cs
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import MEETING_SUBTYPES, State
from sagsbro.core.errors import ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.agenda import SLOT_MINUTES, ItemKind
from sagsbro.meetings.rules.followup import add_months
from sagsbro.meetings.rules.team import Area
from sagsbro.meetings.services.booking import book_case, feasible_meetings
from sagsbro.meetings.services.holding import BookingResult, hold_meeting_day
from sagsbro.meetings.services.indstilling import save_coordinator_advice, save_indstilling
from sagsbro.meetings.services.meeting_days import create_series
from sagsbro.meetings.services.team import AttendeeInput
from sagsbro.organisations.demo import CHANNEL, MUNICIPALITIES
from sagsbro.organisations.models import Citizen, Municipality, User
from sagsbro.workdays.services import configured_calendar

# attach(user, case, step): the demo documents a case needs at a step (cases.demo.attach).
Attach = Callable[[User, Case, str], None]

# Per municipality: weekday (0 = Monday), time, place, capacity.
SERIES = {
    "101": (1, datetime.time(9), datetime.time(13), "Københavns Jobcenter, mødelokale 3", 6),
    "147": (3, datetime.time(9), datetime.time(12), "Frederiksberg Rådhus, lokale 112", 5),
    "751": (2, datetime.time(10), datetime.time(14), "Jobcenter Aarhus, Værkmestergade", 6),
}

# The team at the table (besides the coordinator): name, area, chair, minute-taker.
TEAM = [
    ("Jobkonsulent", Area.EMPLOYMENT, True, False),
    ("Sygeplejerske, kommunens sundhedsområde", Area.HEALTH, False, False),
    ("Socialrådgiver", Area.SOCIAL, False, True),
    ("UU-vejleder", Area.EDUCATION, False, False),
    ("Familierådgiver", Area.FAMILY, False, False),
]

# Purposes of the cases treated at last week's meeting.
HELD_PURPOSES = ["ressourceforloeb", "fleksjob", "jobafklaringsforloeb"]

INDSTILLINGER = [
    {
        "employment_goal": "Job som lagermedarbejder 15 timer om ugen inden for 12 måneder, "
        "med let fysisk arbejde og mulighed for pauser hver time.",
        "sub_goals": "1) Virksomhedspraktik 8 timer om ugen i 3 måneder. 2) Optrapning til "
        "12 timer. 3) Afklaring af skånehensyn sammen med arbejdsgiver.",
        "main_efforts": "Virksomhedspraktik med mentor; smertehåndteringsforløb.",
        "future_employment_areas": "Lager og logistik, detailhandel (varemodtagelse).",
        "mentor": "Virksomhedsmentor i praktikken, 2 timer om ugen de første 8 uger.",
        "health_efforts": "Smerteskole i kommunens sundhedscenter, 10 gange over 3 måneder.",
        "social_efforts": "Hjælp til struktur i hverdagen ved bostøtte 1 time om ugen.",
        "family_efforts": "",
        "timing": "Nu: praktik og smerteskole. Om 3 måneder: optrapning. Om 6 måneder: "
        "opfølgning i rehabiliteringsteamet.",
        "citizen_view": "Borgeren vil gerne i gang og ønsker at starte med få timer.",
    },
    {
        "employment_goal": "Fleksjob 10-12 timer om ugen som kontorassistent, siddende "
        "arbejde med mulighed for at skifte stilling.",
        "sub_goals": "Afklaring af arbejdsevne i praktik 6 timer om ugen i 8 uger.",
        "main_efforts": "Arbejdsprøvning i kontorfunktion; ergonomisk vurdering.",
        "future_employment_areas": "Administration, reception, kundeservice.",
        "mentor": "",
        "health_efforts": "Fortsat behandling hos egen læge; fysioterapi 1 gang om ugen.",
        "social_efforts": "",
        "family_efforts": "Familierådgiver kontakter familien om aflastning.",
        "timing": "Praktik starter inden for 4 uger; status efter 8 uger.",
        "citizen_view": "Borgeren er enig i planen, men bekymret for transporten.",
    },
    {
        "employment_goal": "Tilbage til eget fag som pædagogmedhjælper, 20 timer om ugen.",
        "sub_goals": "Gradvis tilbagevenden: 8 timer, 14 timer, 20 timer over 4 måneder.",
        "main_efforts": "Delvis raskmelding med mentorstøtte.",
        "future_employment_areas": "Daginstitutioner, skolefritidsordninger.",
        "mentor": "Kollega som mentor 1 time om ugen.",
        "health_efforts": "Samtaleforløb hos psykolog, 8 samtaler.",
        "social_efforts": "",
        "family_efforts": "",
        "timing": "Nu: 8 timer og psykologsamtaler. Senere: optrapning hver 6. uge.",
        "citizen_view": "Borgeren ønsker at vende tilbage til sin arbejdsplads.",
    },
]

COORDINATOR_ADVICE = (
    "Helbredsmæssigt er der ikke noget til hinder for en gradvis optrapning. Der bør tages "
    "hensyn til tunge løft og mulighed for pauser. Egen læge orienteres om planen."
)
SCREENING = "Sagen er lægefagligt tilstrækkeligt belyst til mødet."


def create_meetings(people: dict[str, User], today: datetime.date, *, attach: Attach) -> None:
    """The meeting demo for every demo municipality; `people` by username."""
    # The services count from the real date (a meeting is held on or after it).
    now = max(today, timezone.localdate())
    for index, (code, suffix, *_rest) in enumerate(MUNICIPALITIES):
        region_suffix = "midtjylland" if code == "751" else "hovedstaden"
        _Municipality(people, now, attach, code, suffix, region_suffix, index).build()


class _Municipality:
    def __init__(self, people, now, attach, code, suffix, region_suffix, index):
        self.now = now
        self.attach = attach
        self.index = index
        self.calendar = configured_calendar()
        self.municipality = Municipality.objects.get(code=code)
        self.code = code
        self.caseworker = people[f"sagsbehandler.{suffix}"]
        self.team_member = people[f"team.{suffix}"]
        self.secretariat = people[f"sekretariat.{region_suffix}"]
        self.coordinator = people[f"koordinator.{region_suffix}"]
        # Citizens whose GP is not also a coordinator (no conflict of interest at the table).
        self.citizens = list(
            Citizen.objects.filter(municipality=self.municipality)
            .exclude(general_practitioner__authorisation_id=self.coordinator.authorisation_id)
            .order_by("id")
        )

    def build(self) -> None:
        # The cases for the past meetings are drafted before the municipality has meeting days
        # (from then on a draft's meeting date must be one of its days).
        held = [self._screened_case(purpose, n) for n, purpose in enumerate(HELD_PURPOSES)]
        forloeb = self._screened_case("ressourceforloeb", len(HELD_PURPOSES))
        weekday, start, end, place, capacity = SERIES[self.code]
        series = create_series(
            self.caseworker,
            self.municipality,
            weekday=weekday,
            # One day of the series lies in the past: last week's meeting.
            first_date=self.now - datetime.timedelta(days=7),
            last_date=self.now + datetime.timedelta(weeks=16),
            start_time=start,
            end_time=end,
            place=place,
            capacity=capacity,
            pre_meeting_minutes=15,
            channel=CHANNEL,
        )
        past = [d for d in series.days if d.date < self.now]
        last_week = (
            past[-1] if past else self._single_day(self.calendar.add_working_days(self.now, -2))
        )
        self._hold(last_week, held, write_indstillinger=True)
        self._forloeb_due(forloeb)
        self._book_upcoming()
        self._staff_upcoming()

    # --- cases -------------------------------------------------------------------------------

    def _screened_case(self, purpose: str, n: int) -> Case:
        citizen = self.citizens[(n + 2) % len(self.citizens)]
        case = cs.create_case(
            self.caseworker,
            subtype=Subtype.REHABILITERINGSTEAM,
            citizen=citizen,
            purpose=purpose,
            meeting_date=self.calendar.add_working_days(self.now, 15),
            channel=CHANNEL,
        )
        self.attach(self.caseworker, case, "drafted")
        case = cs.send_case(self.caseworker, case, channel=CHANNEL)
        case = cs.assign_coordinator(self.secretariat, case, self.coordinator, channel=CHANNEL)
        return services.record_screening(
            self.coordinator,
            case,
            text=SCREENING,
            medically_clarified=True,
            treatment_exhausted=False,
            channel=CHANNEL,
        )

    # --- the past ------------------------------------------------------------------------------

    def _single_day(self, date: datetime.date) -> MeetingDay:
        weekday, start, end, place, capacity = SERIES[self.code]
        return MeetingDay.objects.create(
            municipality=self.municipality,
            date=date,
            start_time=start,
            end_time=end,
            place=place,
            capacity=capacity,
        )

    def _past_agenda(self, day: MeetingDay, cases: list[Case]) -> list[Booking]:
        """The agenda of a meeting that has passed, recorded as rows (the booking rules
        refuse a past meeting); the cases came in three weeks before it."""
        bookings = []
        received = self.calendar.add_working_days(day.date, -15)
        received_at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9)))
        for position, case in enumerate(cases):
            bookings.append(
                Booking.objects.create(
                    meeting=day,
                    case=case,
                    kind=ItemKind.TEAM_CASE,
                    position=position,
                    minutes=SLOT_MINUTES[ItemKind.TEAM_CASE],
                    screening=Booking.Screening.CLARIFIED,
                    screened_at=received_at,
                    booked_by=self.caseworker,
                )
            )
            Case.objects.filter(pk=case.pk).update(meeting_date=day.date, received_at=received_at)
            cs.recompute_deadlines(Case.objects.get(pk=case.pk))
        return bookings

    def _team(self) -> list[AttendeeInput]:
        team = [
            AttendeeInput(
                name=self.team_member.get_full_name(),
                area=Area.EMPLOYMENT,
                user_id=self.team_member.pk,
                chair=True,
            ),
            AttendeeInput(
                name=self.coordinator.get_full_name(),
                area=Area.COORDINATOR,
                user_id=self.coordinator.pk,
            ),
        ]
        team += [
            AttendeeInput(name=f"{title} ({self.municipality.name})", area=area, minute_taker=mt)
            for title, area, _chair, mt in TEAM[1:]
        ]
        return team

    def _hold(self, day: MeetingDay, cases: list[Case], *, write_indstillinger: bool) -> None:
        bookings = self._past_agenda(day, cases)
        services.assign_day_coordinator(self.secretariat, day, self.coordinator, channel=CHANNEL)
        attendees = services.set_attendees(self.team_member, day, self._team(), channel=CHANNEL)
        hold_meeting_day(
            self.team_member,
            MeetingDay.objects.get(pk=day.pk),
            attendance={a.pk: True for a in attendees},
            bookings={
                b.pk: BookingResult(Booking.Outcome.INDSTILLING, citizen_present=n != 1)
                for n, b in enumerate(bookings)
            },
            channel=CHANNEL,
        )
        if not write_indstillinger:
            return
        for n, booking in enumerate(bookings):
            fields = INDSTILLINGER[(n + self.index) % len(INDSTILLINGER)]
            save_indstilling(self.team_member, booking, fields, channel=CHANNEL)
            save_coordinator_advice(self.coordinator, booking, COORDINATOR_ADVICE, channel=CHANNEL)

    def _forloeb_due(self, case: Case) -> None:
        """A ressourceforløb decided 7 months ago whose first effort has not started: on the
        caseworker's worklist as due for genforelæggelse (procedure 002)."""
        held_on = add_months(self.now, -7)
        while not self.calendar.is_working_day(held_on):
            held_on += datetime.timedelta(days=1)
        day = self._single_day(held_on)
        self._hold(day, [case], write_indstillinger=True)
        case = Case.objects.get(pk=case.pk)
        self.attach(self.caseworker, case, "meeting_held")
        case = services.send_indstilling(self.caseworker, case, channel=CHANNEL)
        services.record_forloeb(
            self.caseworker,
            case,
            started_on=held_on + datetime.timedelta(days=14),
            channel=CHANNEL,
        )

    # --- the days ahead ------------------------------------------------------------------------

    def _book_upcoming(self) -> None:
        """The municipality's open team cases onto the earliest meeting each may go to."""
        open_cases = (
            Case.objects.filter(
                municipality=self.municipality,
                subtype__in=[str(s) for s in MEETING_SUBTYPES],
                state__in=[State.SENT, State.ASSIGNED, State.SCREENED],
            )
            .exclude(bookings__state=Booking.State.BOOKED)
            .order_by("meeting_date", "id")
        )
        for case in open_cases:
            options = feasible_meetings(case, limit=1)
            if not options:
                # A case no meeting can take in time (its material came too late) stays
                # unbooked, as it would in real life; the booking page says why.
                continue
            try:
                book_case(self.caseworker, case, options[0], channel=CHANNEL)
            except ServiceError:
                continue

    def _staff_upcoming(self) -> None:
        """The next three days get their coordinator; the next one its team, and the
        coordinator screens its first case."""
        upcoming = list(
            MeetingDay.objects.filter(
                municipality=self.municipality,
                state=MeetingDay.State.PLANNED,
                date__gte=self.now,
            ).order_by("date", "start_time")[:3]
        )
        for day in upcoming:
            try:
                services.assign_day_coordinator(
                    self.secretariat, day, self.coordinator, channel=CHANNEL
                )
            except ServiceError:
                # A conflict of interest with a case on that agenda: the day waits for the
                # secretariat (the meeting page shows it).
                continue
        if not upcoming:
            return
        first = upcoming[0]
        services.set_attendees(self.team_member, first, self._team()[:-1], channel=CHANNEL)
        booking = first.bookings.filter(state=Booking.State.BOOKED).order_by("position").first()
        if booking is not None and MeetingDay.objects.get(pk=first.pk).coordinator_id:
            services.screen_booking(self.coordinator, booking, clarified=True, channel=CHANNEL)
