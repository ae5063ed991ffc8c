"""Shared test fixtures: two organisations on each side (a municipality and a region in
Hovedstaden, the same in Midtjylland), a person in every role, and a citizen."""

import contextlib
import datetime
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from sagsbro.cases import services as case_services
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document
from sagsbro.documents.rules import Category
from sagsbro.organisations.models import Citizen, Municipality, Region, User
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import load_reference_data

_specialty_seed = import_module("sagsbro.clinical.migrations.0002_seed_specialties")


@dataclass
class Side:
    """One municipality with its region, and a person in every role."""

    municipality: Municipality
    region: Region
    caseworker: User
    team_member: User
    secretariat: User
    coordinator: User
    coordinator_2: User
    specialist: User
    municipal_admin: User
    regional_admin: User
    gp: User
    citizen: Citizen

    def users(self):
        return [
            self.caseworker,
            self.team_member,
            self.secretariat,
            self.coordinator,
            self.coordinator_2,
            self.specialist,
            self.municipal_admin,
            self.regional_admin,
            self.gp,
        ]


def _user(username, role, *, municipality=None, region=None, authorisation_id=""):
    first, _, last = username.partition("_")
    return User.objects.create_user(
        username=username,
        password="test-password-1",
        first_name=first.capitalize(),
        last_name=last.capitalize(),
        role=role,
        municipality=municipality,
        region=region,
        authorisation_id=authorisation_id,
    )


def make_side(prefix, municipality_code, cpr):
    municipality = Municipality.objects.select_related("region").get(code=municipality_code)
    region = municipality.region
    gp = _user(f"{prefix}_gp", Role.GENERAL_PRACTITIONER, authorisation_id=f"{prefix}GP1")
    gp.provider_number = "012345"
    gp.save()
    citizen = Citizen.objects.create(
        cpr=cpr,
        birth_date=datetime.date(1980, 1, 1),
        name=f"Borger {prefix.capitalize()}",
        municipality=municipality,
        general_practitioner=gp,
    )
    return Side(
        municipality=municipality,
        region=region,
        caseworker=_user(f"{prefix}_caseworker", Role.CASEWORKER, municipality=municipality),
        team_member=_user(f"{prefix}_teammember", Role.TEAM_MEMBER, municipality=municipality),
        secretariat=_user(f"{prefix}_secretariat", Role.SECRETARIAT, region=region),
        coordinator=_user(
            f"{prefix}_coordinator", Role.COORDINATOR, region=region, authorisation_id=f"{prefix}C1"
        ),
        coordinator_2=_user(
            f"{prefix}_coordinator2",
            Role.COORDINATOR,
            region=region,
            authorisation_id=f"{prefix}C2",
        ),
        specialist=_user(
            f"{prefix}_specialist",
            Role.CLINICAL_SPECIALIST,
            region=region,
            authorisation_id=f"{prefix}S1",
        ),
        municipal_admin=_user(f"{prefix}_madmin", Role.ADMINISTRATOR, municipality=municipality),
        regional_admin=_user(f"{prefix}_radmin", Role.ADMINISTRATOR, region=region),
        gp=gp,
        citizen=citizen,
    )


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path):
    """Each test its own checkpoint store: the checkpoints live outside the database, so they
    are not rolled back with it."""
    settings.SAGSBRO_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(scope="session", autouse=True)
def _audit_guards_open_for_flush():
    """The audit tables refuse deletion and TRUNCATE; the test runner empties its databases
    between transactional tests with `flush`, so it opens the maintenance window for that."""
    from django.core.management.commands import flush

    from sagsbro.audit.guards import maintenance_window

    original = flush.Command.handle

    def handle(self, **options):
        with maintenance_window(options.get("database") or "default"):
            return original(self, **options)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]


def run_task_worker():
    """Run the queued tasks once, as `manage.py db_worker` does, in this process."""
    from django.core.management import call_command

    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )


@pytest.fixture
def worker(monkeypatch):
    """The task worker inside the test's transaction: the worker's closing of connections
    between tasks is left out, so it sees the test's uncommitted rows (see
    cases/tests/services/test_written_answer_pdf.py)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return run_task_worker


def document_text(document) -> str:
    """A stored PDF document's text, with every run of white space as one space (lines break
    inside long labels)."""
    import io

    from pypdf import PdfReader

    with document.blob.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def reference_data(db):
    load_reference_data()
    # The specialties are seeded by a data migration, and a transactional test's flush empties
    # their table for every test after it; seed them again (idempotent).
    _specialty_seed.seed(django_apps, None)


@pytest.fixture
def side_a(reference_data):
    """Københavns Kommune, Region Hovedstaden."""
    return make_side("anna", "101", "0101801234")


@pytest.fixture
def side_b(reference_data):
    """Aarhus Kommune, Region Midtjylland."""
    return make_side("bent", "751", "0202802345")


@pytest.fixture
def national_admin(reference_data):
    """The national administrator: an administrator of neither a region nor a municipality,
    who keeps the national price index (BEK § 18, stk. 2) and sees no citizen data."""
    return _user("national_admin", Role.ADMINISTRATOR)


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def pdf_bytes(text="Testdokument"):
    """A small but real PDF, so uploads carry what a caseworker would attach."""
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def attach(user, case, category, text="Testdokument"):
    return add_case_document(
        user,
        case,
        category=category,
        title="",
        filename=f"{category}.pdf",
        content=pdf_bytes(f"{text} {category}"),
    )


def upload(category, text="Testdokument"):
    return SimpleUploadedFile(f"{category}.pdf", pdf_bytes(text), content_type="application/pdf")


MEETING = datetime.date(2027, 3, 10)

# What each subtype needs to be sendable: fields, attachments and consents.
COMPLETE: dict[Subtype, tuple[dict[str, Any], list[Category], list[ConsentScope]]] = {
    Subtype.REHABILITERINGSTEAM: (
        {"purpose": "ressourceforloeb", "meeting_date": MEETING},
        [Category.FORBEREDENDE_DEL, Category.LAE_265],
        [],
    ),
    Subtype.LOEBENDE_SAG: (
        {
            "question": "Kan borgeren fortsætte i ressourceforløbet?",
            "contact_preference": "written_only",
        },
        [
            Category.INDSATSPLAN,
            Category.FORWARDED_COORDINATOR_ADVICE,
            Category.NEW_HEALTH_INFORMATION,
        ],
        [ConsentScope.CONTACT_GP],
    ),
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: (
        {
            "meeting_date": MEETING,
            "employment_offer": "Praktik i butik, 20 timer om ugen",
            "citizen_statement": "Kan ikke stå op i længere tid",
            "citizen_informed_of_right": True,
        },
        [Category.INDSTILLING, Category.NEW_HEALTH_INFORMATION],
        [],
    ),
    Subtype.GENFORELAEGGELSE: (
        {"meeting_date": MEETING, "purpose": "ressourceforloeb"},
        [
            Category.INDSTILLING,
            Category.FORWARDED_COORDINATOR_ADVICE,
            Category.CASEWORKER_SUMMARY,
            Category.DOCUMENTATION,
        ],
        [],
    ),
    Subtype.AABENBAR_FOERTIDSPENSION: (
        {"question": "Er det åbenbart, at arbejdsevnen ikke kan forbedres?"},
        [Category.FORBEREDENDE_DEL],
        [],
    ),
    Subtype.KLINISK_FUNKTION: (
        {"question": "Funktionsevne i forhold til arbejde?"},
        [Category.LAE_271],
        [],
    ),
    Subtype.SENIORPENSION: (
        {
            "question": "Kan borgeren varetage sit seneste job?",
            "latest_job": "Sosu-hjælper, 37 timer, tunge løft",
        },
        [Category.NEW_HEALTH_INFORMATION],
        [],
    ),
    Subtype.JOBAFKLARING_4AAR: (
        {"question": "Risiko for uarbejdsdygtighed efter 4 år"},
        [],
        [ConsentScope.COORDINATOR_TALKS_TO_CITIZEN],
    ),
}


def make_case(side, subtype, *, complete=True, parent=None, **overrides):
    """A draft case of the subtype; with complete=True it carries all it needs to be sent."""
    fields, categories, consents = COMPLETE[Subtype(subtype)]
    fields = {**fields, **overrides}
    case = case_services.create_case(
        side.caseworker,
        subtype=subtype,
        citizen=side.citizen,
        parent=parent,
        **(fields if complete else {}),
    )
    if complete:
        for category in categories:
            attach(side.caseworker, case, category)
        for scope in consents:
            case_services.register_consent(
                side.caseworker,
                side.citizen,
                scope=scope,
                given_on=datetime.date(2026, 1, 5),
                written=True,
            )
    return case


def sent_case(side, subtype, **overrides):
    case = make_case(side, subtype, **overrides)
    return case_services.send_case(side.caseworker, case)


def assigned_case(side, subtype, **overrides):
    case = sent_case(side, subtype, **overrides)
    if Subtype(subtype) == Subtype.KLINISK_FUNKTION:
        return case_services.assign_specialist(side.secretariat, case, side.specialist)
    return case_services.assign_coordinator(side.secretariat, case, side.coordinator)


@contextlib.contextmanager
def on_meeting_day(case):
    """Run the block on the day of the case's meeting, as the services see the date: a
    meeting is never recorded as held before its date."""
    from unittest import mock

    from sagsbro.cases.models import Case
    from sagsbro.cases.services import common

    day = Case.objects.values_list("meeting_date", flat=True).get(pk=getattr(case, "pk", case))
    with mock.patch.object(common, "local_today", return_value=day):
        yield day
