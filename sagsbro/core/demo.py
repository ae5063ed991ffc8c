"""Demo data: three municipalities, two regions, a person in every role and a few dozen
cases in every subtype and state. Everything goes through the service functions, so the
events, audit entries and deadlines are the real ones."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sagsbro.cases import services as cs
from sagsbro.cases.models import Case
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import FINAL_STATES, State
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.documents.services import add_document
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    CollaborationAgreement,
    Municipality,
    Region,
    Role,
    User,
)
from sagsbro.organisations.services import load_reference_data, register_citizen
from sagsbro.workdays.services import configured_calendar

PASSWORD = "demo1234"
CHANNEL = "demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    organisation: str


# --- a tiny PDF -----------------------------------------------------------------------------


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_pdf(title: str, lines: list[str] | None = None) -> bytes:
    """A one-page PDF with a title and a few lines of text (Latin-1, Helvetica)."""
    rows = [title, "", *(lines or [])]
    parts = ["BT", "/F1 12 Tf", "72 740 Td", "16 TL"]
    for row in rows:
        parts.append(f"({_pdf_escape(row)}) Tj T*")
    parts.append("ET")
    stream = "\n".join(parts).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n".encode()
    )
    return bytes(out)


# --- people ---------------------------------------------------------------------------------

MUNICIPALITIES = [
    # code, suffix, caseworker, team member, administrator
    ("101", "kbh", ("Mette", "Kjær"), ("Jonas", "Holm"), ("Lise", "Bach")),
    ("147", "frb", ("Sofie", "Lund"), ("Anders", "Krogh"), ("Pia", "Dam")),
    ("751", "aar", ("Rasmus", "Vestergaard"), ("Camilla", "Bruun"), ("Henrik", "Juul")),
]

REGIONS = [
    # code, suffix, secretariat, coordinator, coordinator 2, specialist, administrator
    (
        "1084",
        "hovedstaden",
        ("Birgitte", "Skov"),
        ("Karen", "Mikkelsen", "5K3QX"),
        ("Peter", "Thygesen", "7M2RB"),
        ("Thomas", "Friis", "3H8LD"),
        ("Ole", "Wind"),
    ),
    (
        "1082",
        "midtjylland",
        ("Hanne", "Østergaard"),
        ("Morten", "Lauridsen", "4T9WC"),
        ("Susanne", "Bech", "6P1ZN"),
        ("Jens", "Kirkegaard", "2F5KV"),
        ("Tove", "Hedegaard"),
    ),
]

CITIZEN_NAMES = {
    "kbh": [
        "Lars Nørgaard",
        "Fatima Hassan",
        "Kim Bertelsen",
        "Louise Frandsen",
        "Mikkel Overgaard",
        "Nadia Sørensen",
        "Bo Kristoffersen",
        "Hanne Lykke",
    ],
    "frb": [
        "Ida Rasmussen",
        "Søren Hjort",
        "Marianne Kofoed",
        "Ahmad Karimi",
        "Tina Nygaard",
        "Flemming Riis",
        "Julie Hviid",
        "Carsten Ebbesen",
    ],
    "aar": [
        "Gitte Damgaard",
        "Jesper Toft",
        "Anja Kristensen",
        "Michael Bundgaard",
        "Helle Winther",
        "Brian Lassen",
        "Rikke Munk",
        "Torben Laursen",
    ],
}


def _password_hash():
    # Hashing is deliberately slow; every demo user has the same password, so hash it once.
    if not _HASH:
        _HASH.append(make_password(PASSWORD))
    return _HASH[0]


_HASH: list[str] = []


def _user(username, first, last, role, *, municipality=None, region=None, title="", auth=""):
    user = User.objects.create_user(
        username,
        password=None,
        first_name=first,
        last_name=last,
        role=role,
        municipality=municipality,
        region=region,
        title=title,
        authorisation_id=auth,
    )
    user.password = _password_hash()
    user.save(update_fields=["password"])
    return user


def _create_people():
    people = {}
    for code, suffix, secretariat, coord, coord2, specialist, admin in REGIONS:
        region = Region.objects.get(code=code)
        people[f"sekretariat.{suffix}"] = _user(
            f"sekretariat.{suffix}",
            *secretariat,
            Role.SECRETARIAT,
            region=region,
            title="Sekretær, klinisk funktion",
        )
        people[f"koordinator.{suffix}"] = _user(
            f"koordinator.{suffix}",
            coord[0],
            coord[1],
            Role.COORDINATOR,
            region=region,
            title="Speciallæge i arbejdsmedicin",
            auth=coord[2],
        )
        people[f"koordinator2.{suffix}"] = _user(
            f"koordinator2.{suffix}",
            coord2[0],
            coord2[1],
            Role.COORDINATOR,
            region=region,
            title="Speciallæge i psykiatri",
            auth=coord2[2],
        )
        people[f"speciallaege.{suffix}"] = _user(
            f"speciallaege.{suffix}",
            specialist[0],
            specialist[1],
            Role.CLINICAL_SPECIALIST,
            region=region,
            title="Speciallæge i arbejdsmedicin",
            auth=specialist[2],
        )
        people[f"admin.{suffix}"] = _user(
            f"admin.{suffix}", *admin, Role.ADMINISTRATOR, region=region, title="Systemansvarlig"
        )
    for code, suffix, caseworker, team, admin in MUNICIPALITIES:
        municipality = Municipality.objects.get(code=code)
        people[f"sagsbehandler.{suffix}"] = _user(
            f"sagsbehandler.{suffix}",
            *caseworker,
            Role.CASEWORKER,
            municipality=municipality,
            title="Koordinerende sagsbehandler",
        )
        people[f"team.{suffix}"] = _user(
            f"team.{suffix}",
            *team,
            Role.TEAM_MEMBER,
            municipality=municipality,
            title="Mødeleder, rehabiliteringsteamet",
        )
        people[f"admin.{suffix}"] = _user(
            f"admin.{suffix}",
            *admin,
            Role.ADMINISTRATOR,
            municipality=municipality,
            title="Systemansvarlig",
        )
    gps = [
        ("laege.noerrebro", "Anne", "Vinther", "045123", "9G4HT"),
        ("laege.aarhus", "Niels", "Brandt", "078456", "8D6QS"),
        # The same doctor as koordinator2.hovedstaden: a second account as GP in Valby.
        ("laege.valby", "Peter", "Thygesen", "046789", "7M2RB"),
    ]
    for username, first, last, provider_number, auth in gps:
        gp = _user(
            username,
            first,
            last,
            Role.GENERAL_PRACTITIONER,
            title="Praktiserende læge",
            auth=auth,
        )
        gp.provider_number = provider_number
        gp.save(update_fields=["provider_number"])
        people[username] = gp
    return people


def _login_order(people):
    order = []
    for _code, suffix, *_rest in MUNICIPALITIES:
        order += [f"sagsbehandler.{suffix}", f"team.{suffix}", f"admin.{suffix}"]
    for _code, suffix, *_rest in REGIONS:
        order += [
            f"sekretariat.{suffix}",
            f"koordinator.{suffix}",
            f"koordinator2.{suffix}",
            f"speciallaege.{suffix}",
            f"admin.{suffix}",
        ]
    order += ["laege.noerrebro", "laege.valby", "laege.aarhus"]
    return [people[name] for name in order]


def _citizens(caseworker, suffix, gps, index):
    citizens = []
    for i, name in enumerate(CITIZEN_NAMES[suffix]):
        year = 65 + (i * 4 + index * 3) % 31  # 1965–1995
        day = 1 + (i * 7 + index * 5) % 28
        month = 1 + (i * 5 + index) % 12
        serial = f"{1 + i % 2}{(index * 8 + i) * 37 % 1000:03d}"
        citizens.append(
            register_citizen(
                caseworker,
                cpr=f"{day:02d}{month:02d}{year:02d}{serial}",
                name=name,
                general_practitioner=gps[i % len(gps)],
                has_children=i % 3 == 0,
                under_30_without_education=year >= 95,
                channel=CHANNEL,
            )
        )
    return citizens


# --- cases ----------------------------------------------------------------------------------

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

ATTACHMENTS = {
    Subtype.REHABILITERINGSTEAM: [Category.FORBEREDENDE_DEL, Category.LAE_265],
    Subtype.LOEBENDE_SAG: [
        Category.INDSATSPLAN,
        Category.COORDINATOR_ADVICE,
        Category.NEW_HEALTH_INFORMATION,
    ],
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: [Category.INDSATSPLAN, Category.NEW_HEALTH_INFORMATION],
    Subtype.GENFORELAEGGELSE: [Category.CASEWORKER_SUMMARY, Category.DOCUMENTATION],
    Subtype.AABENBAR_FOERTIDSPENSION: [Category.FORBEREDENDE_DEL],
    Subtype.KLINISK_FUNKTION: [Category.LAE_271],
    Subtype.SENIORPENSION: [Category.NEW_HEALTH_INFORMATION],
    Subtype.JOBAFKLARING_4AAR: [],
}

CONSENTS = {
    Subtype.LOEBENDE_SAG: [ConsentScope.CONTACT_GP],
    Subtype.JOBAFKLARING_4AAR: [ConsentScope.COORDINATOR_TALKS_TO_CITIZEN],
}

DOCUMENT_TITLES = {
    Category.FORBEREDENDE_DEL: "Rehabiliteringsplan – forberedende del",
    Category.LAE_265: "LÆ 265 Lægeattest fra egen læge",
    Category.LAE_271: "LÆ 271 Anmodning om speciallægeattest",
    Category.LAE_275: "LÆ 275 Speciallægeattest",
    Category.INDSTILLING: "Rehabiliteringsteamets indstilling",
    Category.INDSATSPLAN: "Indsatsplan for ressourceforløbet",
    Category.COORDINATOR_ADVICE: "Sundhedskoordinators rådgivning fra sidste møde",
    Category.NEW_HEALTH_INFORMATION: "Epikrise fra hospitalet",
    Category.CASEWORKER_SUMMARY: "Resumé siden sidste møde",
    Category.DOCUMENTATION: "Statusnotat fra mentor og praktiksted",
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
EXTRA = {
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
NOTES = [
    "Borgeren ønsker, at kontakt sker telefonisk. Ring gerne før det skriftlige svar.",
    "Borgeren har angst for møder med mange deltagere – tag gerne hensyn.",
    "Borgeren har tolkebehov (arabisk). Tolk er bestilt til mødet.",
]


class _Builder:
    def __init__(self, people, today):
        self.people = people
        self.today = today
        self.calendar = configured_calendar()
        self.consented = set()
        self.counter = 0
        # Consents must not lie in the future of the system clock.
        self.consent_date = min(today, timezone.localdate()) - datetime.timedelta(days=21)

    def _attach(self, user, case, category, citizen=None):
        title = DOCUMENT_TITLES.get(category, CATEGORY_LABELS[category])
        lines = [
            f"Sag: {case.reference}",
            f"Borger: {case.citizen.name}",
            f"Udarbejdet af: {user.get_full_name()}, {user.organisation_name}",
            f"Dato: {timezone.localdate():%d.%m.%Y}",
        ]
        return add_document(
            user,
            case,
            category=category,
            title=title,
            filename=f"{category}-{case.pk}.pdf",
            content=demo_pdf(title, lines),
            content_type="application/pdf",
            channel=CHANNEL,
        )

    def _meeting_date(self, n):
        # Danish working days, 2–6 weeks ahead, so the cases are sent in time for the meeting
        # (the services count from the real date, which may be later than the demo's).
        start = max(self.today, timezone.localdate())
        return self.calendar.add_working_days(start, 10 + (n * 7) % 21)

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
        for category in ATTACHMENTS[subtype]:
            self._attach(caseworker, case, category)
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
        case = cs.record_screening(
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
        case = cs.hold_meeting(case.caseworker, case, channel=CHANNEL)
        if target == State.MEETING_HELD:
            return case
        self._attach(case.caseworker, case, Category.INDSTILLING)
        return cs.send_indstilling(case.caseworker, case, channel=CHANNEL)

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
            case = cs.notify_late_appointment(secretariat, case, appointment, channel=CHANNEL)
        case = cs.invite_citizen(secretariat, case, appointment, channel=CHANNEL)
        if target == State.INVITED:
            return case
        case = cs.hold_consultation(specialist, case, channel=CHANNEL)
        if target == State.CONSULTATION_HELD:
            return case
        self._attach(specialist, case, Category.LAE_275)
        case = cs.deliver_certificate(specialist, case, channel=CHANNEL)
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


def _agreements():
    expected = {"101": 420, "147": 110, "751": 360}
    for code, *_rest in MUNICIPALITIES:
        municipality = Municipality.objects.get(code=code)
        agreement = CollaborationAgreement.objects.create(
            region=municipality.region,
            municipality=municipality,
            valid_from=datetime.date(2026, 1, 1),
            expected_cases_per_year=expected[code],
        )
        AgreementDeadlineRule.objects.create(
            agreement=agreement,
            subtype="loebende_sag",
            kind="written_answer",
            count=10,
            unit="working_days",
            source="Procedure Løbende sag",
        )


def load_demo(today: datetime.date | None = None) -> list[DemoLogin]:
    """Load the demo data once; returns the demo log-ins (empty if already loaded)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if Case.objects.exists():
            return []
        load_reference_data()
        people = _create_people()
        _agreements()
        builder = _Builder(people, today)
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
            citizens = _citizens(caseworker, suffix, gps, index)
            for n, (subtype, purpose, target, options) in enumerate(PLAN + EXTRA[suffix]):
                citizen = citizens[n % len(citizens)]
                if n in OVERDUE[suffix]:
                    options = options | {"overdue"}
                case = builder.draft(caseworker, subtype, purpose, citizen)
                case = builder.advance(case, target, suffix, region_suffix, options)
                if "note" in options:
                    builder.note(case)
                if "reopen" in options:
                    meeting = builder.calendar.add_working_days(today, 15 + index * 5)
                    genfor = cs.reopen_as_genforelaeggelse(
                        caseworker, case, meeting, channel=CHANNEL
                    )
                    for category in ATTACHMENTS[Subtype.GENFORELAEGGELSE]:
                        builder._attach(caseworker, genfor, category)
                    genfor = builder.advance(
                        genfor, GENFORELAEGGELSE_TARGET[suffix], suffix, region_suffix, set()
                    )
                    builder.note(genfor)
        return [
            DemoLogin(
                username=user.username,
                password=PASSWORD,
                role=Role(user.role).label,
                organisation=user.organisation_name,
            )
            for user in _login_order(people)
        ]
