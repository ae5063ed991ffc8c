"""Demo data owned by cases: a few dozen cases in every subtype and state, per
municipality. Everything goes through the service functions, so the events, audit entries
and deadlines are the real ones. Documents are attached through the `attach` callable the
`demo` app passes in, so cases does not depend on the documents' demo data; the team meeting's
and klinisk funktion's steps go through the `meetings` and `clinical` apps' services, which the
`demo` app passes in too (those apps build on cases, so cases does not import them)."""

import datetime

from django.utils import timezone

from sagsbro.cases import services as cs
from sagsbro.cases.models import Case
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import FINAL_STATES, State
from sagsbro.cases.services.documents import add_case_document
from sagsbro.documents import demo as documents_demo
from sagsbro.documents.rules import Category
from sagsbro.organisations.demo import CHANNEL, MUNICIPALITIES, register_citizens
from sagsbro.organisations.roles import Role
from sagsbro.workdays.services import configured_calendar

QUESTIONS = {
    Subtype.LOEBENDE_SAG: "Kan borgeren fortsætte i ressourceforløbet med de nye "
    "helbredsoplysninger, eller bør planen justeres?",
    Subtype.AABENBAR_FOERTIDSPENSION: "Er det åbenbart formålsløst at forsøge at udvikle "
    "borgerens arbejdsevne?",
    Subtype.KLINISK_FUNKTION: "Ønsker vurdering af funktionsevnen i forhold til arbejde, "
    "herunder skånebehov og prognose.",
    Subtype.SENIORPENSION: "Kan borgeren varetage sit seneste job i mindst 15 timer om ugen?",
    Subtype.JOBAFKLARING_4AAR: "Er der risiko for, at borgeren fortsat er uarbejdsdygtig efter "
    "4 år i jobafklaring?",
}

CONSENTS = {
    Subtype.LOEBENDE_SAG: [ConsentScope.CONTACT_GP],
    Subtype.JOBAFKLARING_4AAR: [ConsentScope.COORDINATOR_TALKS_TO_CITIZEN],
}

# Per municipality: (subtype, purpose, target state, options).
# Options: "note", "late" (late appointment), "reopen"
# (closed ressourceforløb reopened as genforelæggelse, then taken to the given state).
PLAN = [
    (Subtype.REHABILITERINGSTEAM, "ressourceforloeb", State.CLOSED, {"reopen"}),
    (Subtype.REHABILITERINGSTEAM, "fleksjob", State.SCREENED, {"note"}),
    (Subtype.REHABILITERINGSTEAM, "foertidspension", State.MEETING_HELD, set()),
    (Subtype.REHABILITERINGSTEAM, "jobafklaringsforloeb", State.ASSIGNED, set()),
    (Subtype.REHABILITERINGSTEAM, "ressourceforloeb", State.SENT, set()),
    (Subtype.REHABILITERINGSTEAM, "fleksjob", State.DRAFT, set()),
    (Subtype.REHABILITERINGSTEAM, "jobafklaringsforloeb", State.WITHDRAWN, set()),
    (Subtype.LOEBENDE_SAG, "", State.ANSWERED, set()),
    (Subtype.LOEBENDE_SAG, "", State.ASSIGNED, {"note"}),
    (Subtype.RET_TIL_SUNDHEDSKOORDINATOR, "", State.ASSIGNED, set()),
    (Subtype.AABENBAR_FOERTIDSPENSION, "", State.CLOSED, set()),
    (Subtype.KLINISK_FUNKTION, "", State.INVITED, {"late"}),
    (Subtype.KLINISK_FUNKTION, "", State.CONSULTATION_HELD, set()),
    (Subtype.SENIORPENSION, "", State.RETURNED, set()),
    (Subtype.JOBAFKLARING_4AAR, "", State.ANSWERED, {"note"}),
]

# Variations so the municipalities differ a little.
EXTRA: dict[str, list[tuple[Subtype, str, State, set[str]]]] = {
    "kbh": [
        (Subtype.KLINISK_FUNKTION, "", State.CLOSED, set()),
        (Subtype.SENIORPENSION, "", State.SENT, set()),
        (Subtype.RET_TIL_SUNDHEDSKOORDINATOR, "", State.CLOSED, set()),
        # More løbende sager waiting for an answer, so a coordinator can answer several in
        # a row (each answer's PDF is built by the task worker).
        (Subtype.LOEBENDE_SAG, "", State.ASSIGNED, set()),
        (Subtype.LOEBENDE_SAG, "", State.ASSIGNED, set()),
    ],
    "frb": [
        (Subtype.LOEBENDE_SAG, "", State.CLOSED, set()),
        (Subtype.KLINISK_FUNKTION, "", State.ANSWERED, set()),
        (Subtype.JOBAFKLARING_4AAR, "", State.DRAFT, set()),
        (Subtype.AABENBAR_FOERTIDSPENSION, "", State.WITHDRAWN, set()),
    ],
    "aar": [
        (Subtype.SENIORPENSION, "", State.CLOSED, set()),
        (Subtype.RET_TIL_SUNDHEDSKOORDINATOR, "", State.ANSWERED, {"note"}),
        (Subtype.KLINISK_FUNKTION, "", State.RETURNED, set()),
    ],
}

# Cases (index into PLAN) received 20 days ago, so their deadlines are overdue.
OVERDUE = {"kbh": {4}, "frb": {8}, "aar": {4}}

# What the reopened genforelæggelse becomes in each municipality.
GENFORELAEGGELSE_TARGET = {"kbh": State.SENT, "frb": State.ASSIGNED, "aar": State.SCREENED}

RETURN_REASON = (
    "Der mangler opdaterede helbredsoplysninger fra egen læge. Vedhæft venligst seneste "
    "journalnotat."
)
WITHDRAW_REASON = "Borgeren er flyttet til en anden kommune."
SCREENING = (
    "Sagen er sundhedsfagligt belyst. Der er behov for drøftelse af skånehensyn på mødet; "
    "behandlingsmulighederne er ikke udtømte."
)
ANSWER = (
    "Ud fra de nye helbredsoplysninger er der ikke grundlag for at ændre planen. Borgeren "
    "kan fortsætte med gradvis optrapning og fortsat behandling hos egen læge."
)
# The sections of the demo's specialist certificates (BEK § 14 stk. 1).
CERTIFICATE = {
    "functional_capacity": "Kan stå og gå i 20 minutter ad gangen og løfte op til 5 kg. "
    "Siddende arbejde i op til 2 timer med pauser.",
    "health": "Kroniske lændesmerter gennem 3 år; objektivt nedsat bevægelighed i lænden, "
    "ingen neurologiske udfald.",
    "citizen_view": "Borgeren oplever, at smerterne forhindrer arbejde med løft og lange "
    "arbejdsdage.",
    "doctor_view": "Lægen vurderer, at borgeren kan arbejde 20-25 timer om ugen i et job uden "
    "tunge løft og med mulighed for at skifte stilling.",
    "other_factors": "Borgeren er motiveret for at vende tilbage til arbejdsmarkedet.",
}
NOTES = [
    "Borgeren ønsker, at kontakt sker telefonisk. Ring gerne før det skriftlige svar.",
    "Borgeren har angst for møder med mange deltagere – tag gerne hensyn.",
    "Borgeren har tolkebehov (arabisk). Tolk er bestilt til mødet.",
]


class _Builder:
    def __init__(self, people, today, attach, meetings, clinical):
        self.people = people
        self.today = today
        # attach(user, case, step): adds the documents the case needs at that step.
        self.attach = attach
        # The meetings and clinical apps' services (record_screening, book_consultation, ...).
        self.meetings = meetings
        self.clinical = clinical
        self.calendar = configured_calendar()
        self.consented = set()
        self.counter = 0
        # Consents must not lie in the future of the system clock.
        self.consent_date = min(today, timezone.localdate()) - datetime.timedelta(days=21)

    def _meeting_date(self, n):
        # Danish working days, 2–6 weeks ahead, so the cases are sent in time for the meeting
        # (the services count from the real date, which may be later than the demo's). Eleven,
        # not ten: on a weekend or holiday the tenth working day ahead has its "10 hverdage
        # før" deadline on the working day before today, which would make the case late.
        start = max(self.today, timezone.localdate())
        return self.calendar.add_working_days(start, 11 + (n * 7) % 21)

    def _fields(self, subtype, purpose):
        n = self.counter
        if subtype in (Subtype.REHABILITERINGSTEAM,):
            return {"purpose": purpose, "meeting_date": self._meeting_date(n)}
        if subtype == Subtype.LOEBENDE_SAG:
            return {
                "question": QUESTIONS[subtype],
                "contact_preference": "written_only" if n % 2 else "contact_first",
                "contact_times": "" if n % 2 else "Mandag og onsdag kl. 10–12",
            }
        if subtype == Subtype.RET_TIL_SUNDHEDSKOORDINATOR:
            return {
                "meeting_date": self._meeting_date(n),
                "employment_offer": "Virksomhedspraktik i dagligvarebutik, 12 timer om ugen "
                "fordelt på tre dage, med let lagerarbejde og opfyldning.",
                "citizen_statement": "Jeg kan ikke løfte over 5 kg og har brug for pauser "
                "hver time på grund af rygsmerter.",
                "citizen_informed_of_right": True,
            }
        if subtype == Subtype.SENIORPENSION:
            return {
                "question": QUESTIONS[subtype],
                "latest_job": "Social- og sundhedshjælper i hjemmeplejen, 32 timer om ugen, "
                "forflytninger og tunge løft.",
            }
        return {"question": QUESTIONS[subtype]}

    def draft(self, caseworker, subtype, purpose, citizen):
        self.counter += 1
        case = cs.create_case(
            caseworker,
            subtype=subtype,
            citizen=citizen,
            channel=CHANNEL,
            **self._fields(subtype, purpose),
        )
        self.attach(caseworker, case, "drafted")
        for scope in CONSENTS.get(subtype, []):
            if (citizen.pk, scope) not in self.consented:
                cs.register_consent(
                    caseworker,
                    citizen,
                    scope=scope,
                    given_on=self.consent_date,
                    written=True,
                    channel=CHANNEL,
                )
                self.consented.add((citizen.pk, scope))
        return case

    def _coordinator(self, secretariat, case):
        free = [p for p, barred in cs.assignable_people(case, Role.COORDINATOR) if not barred]
        return free[self.counter % len(free)]

    def advance(self, case, target, suffix, region_suffix, options):
        """Take a draft case along the normal path until it reaches `target`."""
        caseworker = case.caseworker
        secretariat = self.people[f"sekretariat.{region_suffix}"]
        specialist = self.people[f"speciallaege.{region_suffix}"]
        subtype = Subtype(case.subtype)
        if target == State.DRAFT:
            return case
        case = cs.send_case(caseworker, case, channel=CHANNEL)
        if "overdue" in options:
            received = timezone.now() - datetime.timedelta(days=20)
            Case.objects.filter(pk=case.pk).update(received_at=received)
            case = Case.objects.get(pk=case.pk)
            cs.recompute_deadlines(case)
        if target == State.SENT:
            return case
        if target == State.RETURNED:
            return cs.return_for_information(secretariat, case, RETURN_REASON, channel=CHANNEL)
        if subtype == Subtype.KLINISK_FUNKTION:
            case = cs.assign_specialist(secretariat, case, specialist, channel=CHANNEL)
        else:
            coordinator = self._coordinator(secretariat, case)
            case = cs.assign_coordinator(secretariat, case, coordinator, channel=CHANNEL)
        if target == State.ASSIGNED:
            return case
        if target == State.WITHDRAWN:
            return cs.withdraw_case(caseworker, case, WITHDRAW_REASON, channel=CHANNEL)
        if subtype == Subtype.KLINISK_FUNKTION:
            return self._klinisk(case, target, secretariat, specialist, options)
        if subtype in (Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE):
            return self._team(case, target)
        return self._written(case, target)

    def _team(self, case, target):
        case = self.meetings.record_screening(
            case.coordinator,
            case,
            text=SCREENING,
            medically_clarified=True,
            treatment_exhausted=False,
            channel=CHANNEL,
        )
        if target == State.SCREENED:
            return case
        # A meeting is recorded as held on or after its date: the case's history is set so
        # that the meeting was a few working days ago and the case came in well before it.
        case = self._meeting_in_the_past(case)
        case = self.meetings.hold_meeting(case.caseworker, case, channel=CHANNEL)
        if target == State.MEETING_HELD:
            return case
        self.attach(case.caseworker, case, "meeting_held")
        return self.meetings.send_indstilling(case.caseworker, case, channel=CHANNEL)

    def _meeting_in_the_past(self, case):
        meeting = self.calendar.add_working_days(self.today, -1 - self.counter % 4)
        received = self.calendar.add_working_days(meeting, -15)
        received_at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9)))
        Case.objects.filter(pk=case.pk).update(meeting_date=meeting, received_at=received_at)
        case = Case.objects.get(pk=case.pk)
        cs.recompute_deadlines(case)
        return case

    def _written(self, case, target):
        case = cs.answer_in_writing(
            case.coordinator,
            case,
            text=ANSWER,
            recommendations=["continue_plan"],
            channel=CHANNEL,
        )
        if target == State.ANSWERED:
            return case
        return cs.close_case(case.caseworker, case, channel=CHANNEL)

    def _klinisk(self, case, target, secretariat, specialist, options):
        offset = 21 if "late" in options else 7 + self.counter % 6
        if target != State.INVITED:
            # The consultation is held today, on its appointment (never before it): the
            # request came in `offset` days ago.
            received_at = timezone.now() - datetime.timedelta(days=offset)
            Case.objects.filter(pk=case.pk).update(received_at=received_at)
            case = Case.objects.get(pk=case.pk)
            cs.recompute_deadlines(case)
        received = timezone.localdate(case.received_at)
        appointment = received + datetime.timedelta(days=offset)
        if "late" in options:
            # Told first, and accepted by the caseworker, before the citizen is invited (EVAL
            # table 8 step 2.2).
            case = self.clinical.notify_late_appointment(
                secretariat, case, appointment, channel=CHANNEL
            )
            case = self.clinical.accept_late_appointment(
                case.caseworker, case, appointment, channel=CHANNEL
            )
        # Inviting is booking: a free time of the case's specialist on the appointment day (today
        # or later, so through the service), with the letter in the outbox to the citizen.
        case = self.clinical.book_consultation(secretariat, case, on=appointment, channel=CHANNEL)
        if target == State.INVITED:
            return case
        case = self.clinical.hold_consultation(specialist, case, channel=CHANNEL)
        if target == State.CONSULTATION_HELD:
            return case
        # The structured certificate, signed; delivery files it as the case's LÆ 275.
        draft = self.clinical.create_certificate(specialist, case, channel=CHANNEL, **CERTIFICATE)
        self.clinical.sign_certificate(specialist, case, draft, channel=CHANNEL)
        case = self.clinical.deliver_certificate(specialist, case, channel=CHANNEL)
        if target == State.ANSWERED:
            # Delivered: waiting for the caseworker to read the certificate and close.
            return case
        return cs.close_case(case.caseworker, case, channel=CHANNEL)

    def note(self, case):
        if case.state in FINAL_STATES:
            return
        cs.add_note(
            case.caseworker,
            case,
            text=NOTES[self.counter % len(NOTES)],
            contact_preference="contact_first",
            contact_times="Tirsdag og torsdag kl. 9–11",
            channel=CHANNEL,
        )


def create_cases(people, today, attach, *, meetings, clinical):
    """Register each municipality's citizens and take their cases to the planned states.
    `people` is the organisations' demo people by username; `meetings` and `clinical` are the
    meetings and clinical apps' services."""
    builder = _Builder(people, today, attach, meetings, clinical)
    for index, (code, suffix, *_rest) in enumerate(MUNICIPALITIES):
        region_suffix = "midtjylland" if code == "751" else "hovedstaden"
        caseworker = people[f"sagsbehandler.{suffix}"]
        # In København the waiting (sent) cases belong to laege.valby's patients, so the
        # secretariat meets the conflict of interest when assigning koordinator2.
        gps = {
            "101": [people["laege.valby"], people["laege.noerrebro"]],
            "147": [people["laege.noerrebro"], people["laege.valby"]],
            "751": [people["laege.aarhus"]],
        }[code]
        citizens = register_citizens(caseworker, suffix, gps, index)
        for n, (subtype, purpose, target, options) in enumerate(PLAN + EXTRA[suffix]):
            citizen = citizens[n % len(citizens)]
            if n in OVERDUE[suffix]:
                options = options | {"overdue"}
            case = builder.draft(caseworker, subtype, purpose, citizen)
            if (index, n) == RESCANNED_LAE_265:
                builder.attach(caseworker, case, "rescanned")
            case = builder.advance(case, target, suffix, region_suffix, options)
            if "note" in options:
                builder.note(case)
            if "reopen" in options:
                meeting = builder.calendar.add_working_days(today, 15 + index * 5)
                genfor = meetings.reopen_as_genforelaeggelse(
                    caseworker, case, meeting, channel=CHANNEL
                )
                builder.attach(caseworker, genfor, "drafted")
                genfor = builder.advance(
                    genfor, GENFORELAEGGELSE_TARGET[suffix], suffix, region_suffix, set()
                )
                builder.note(genfor)


# --- what is attached when ------------------------------------------------------------------

# (municipality, case) whose LÆ 265 is attached twice, the second time scanned again: the
# first municipality's screened team case, which both sides see with a flagged duplicate.
RESCANNED_LAE_265 = (0, 1)

# Attached by the caseworker when the case is drafted.
ATTACHMENTS = {
    Subtype.REHABILITERINGSTEAM: [Category.FORBEREDENDE_DEL, Category.LAE_265],
    Subtype.LOEBENDE_SAG: [
        Category.INDSATSPLAN,
        Category.FORWARDED_COORDINATOR_ADVICE,
        Category.NEW_HEALTH_INFORMATION,
    ],
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: [Category.INDSATSPLAN, Category.NEW_HEALTH_INFORMATION],
    Subtype.GENFORELAEGGELSE: [Category.CASEWORKER_SUMMARY, Category.DOCUMENTATION],
    Subtype.AABENBAR_FOERTIDSPENSION: [Category.FORBEREDENDE_DEL],
    Subtype.KLINISK_FUNKTION: [Category.LAE_271],
    Subtype.SENIORPENSION: [Category.NEW_HEALTH_INFORMATION],
    Subtype.JOBAFKLARING_4AAR: [],
}

# Attached when the case reaches a step that needs a document: the team's indstilling before
# it is sent. (The specialist's LÆ 275 is no upload: it is the signed structured certificate,
# filed on the case at delivery.)
AT_STEP = {
    "meeting_held": [Category.INDSTILLING],
}


def attach(user, case, step):
    """Attach the documents `case` needs at `step` ("drafted", "meeting_held"), as `user`;
    "rescanned" attaches the case's LÆ 265 scanned again, which the case file flags as a
    duplicate."""
    if step == "rescanned":
        upload = documents_demo.demo_upload(user, case, Category.LAE_265, scanned=True)
        add_case_document(user, case, channel=CHANNEL, **upload)
        return
    categories = ATTACHMENTS[Subtype(case.subtype)] if step == "drafted" else AT_STEP[step]
    for category in categories:
        add_case_document(
            user, case, channel=CHANNEL, **documents_demo.demo_upload(user, case, category)
        )
