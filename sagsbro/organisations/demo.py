"""Demo data owned by organisations: the municipalities' and regions' people, the
citizens and the collaboration agreements. The `demo` app calls these in order."""

import datetime

from django.contrib.auth.hashers import make_password

from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    CollaborationAgreement,
    Municipality,
    Region,
    User,
)
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import register_citizen

PASSWORD = "demo1234"
# The channel every demo write is recorded with (events and audit entries).
CHANNEL = "demo"

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

#: The national administrator's username (no region, no municipality).
NATIONAL_ADMIN = "admin.national"


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


def create_people():
    """A person in every role in each region and municipality, and three GPs; by username."""
    people = {}

    def add(username, first, last, role, title, **where):
        people[username] = _user(username, first, last, role, title=title, **where)

    for code, suffix, secretariat, coord, coord2, specialist, admin in REGIONS:
        region = Region.objects.get(code=code)
        # (first name, last name[, authorisation ID]) per role.
        staff: list[tuple[str, tuple[str, ...], Role, str]] = [
            ("sekretariat", secretariat, Role.SECRETARIAT, "Sekretær, klinisk funktion"),
            ("koordinator", coord, Role.COORDINATOR, "Speciallæge i arbejdsmedicin"),
            ("koordinator2", coord2, Role.COORDINATOR, "Speciallæge i psykiatri"),
            ("speciallaege", specialist, Role.CLINICAL_SPECIALIST, "Speciallæge i arbejdsmedicin"),
            ("admin", admin, Role.ADMINISTRATOR, "Systemansvarlig"),
        ]
        for prefix, (first, last, *auth), role, title in staff:
            add(f"{prefix}.{suffix}", first, last, role, title, region=region, auth="".join(auth))
    for code, suffix, caseworker, team, admin in MUNICIPALITIES:
        municipality = Municipality.objects.get(code=code)
        for prefix, (first, last), role, title in [
            ("sagsbehandler", caseworker, Role.CASEWORKER, "Koordinerende sagsbehandler"),
            ("team", team, Role.TEAM_MEMBER, "Mødeleder, rehabiliteringsteamet"),
            ("admin", admin, Role.ADMINISTRATOR, "Systemansvarlig"),
        ]:
            add(f"{prefix}.{suffix}", first, last, role, title, municipality=municipality)
    # The national administrator: of no region and no municipality; keeps the national price
    # index of BEK § 18 stk. 2 and sees no citizen data.
    add(
        NATIONAL_ADMIN,
        "Systemansvarlig",
        "(national)",
        Role.ADMINISTRATOR,
        "Systemansvarlig (national)",
    )
    gps = [
        ("laege.noerrebro", "Anne", "Vinther", "045123", "9G4HT"),
        ("laege.aarhus", "Niels", "Brandt", "078456", "8D6QS"),
        # The same doctor as koordinator2.hovedstaden: a second account as GP in Valby.
        ("laege.valby", "Peter", "Thygesen", "046789", "7M2RB"),
    ]
    for username, first, last, provider_number, gp_auth in gps:
        add(username, first, last, Role.GENERAL_PRACTITIONER, "Praktiserende læge", auth=gp_auth)
        people[username].provider_number = provider_number
        people[username].save(update_fields=["provider_number"])
    return people


def login_order(people):
    order = []
    for _code, suffix, *_rest in MUNICIPALITIES:
        order += [f"sagsbehandler.{suffix}", f"team.{suffix}", f"admin.{suffix}"]
    for _code, suffix, *_staff in REGIONS:
        order += [
            f"sekretariat.{suffix}",
            f"koordinator.{suffix}",
            f"koordinator2.{suffix}",
            f"speciallaege.{suffix}",
            f"admin.{suffix}",
        ]
    order += [NATIONAL_ADMIN, "laege.noerrebro", "laege.valby", "laege.aarhus"]
    return [people[name] for name in order]


def register_citizens(caseworker, suffix, gps, index):
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


def create_agreements():
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
