"""The national data set: N years of cases at the evaluation's volumes, for the benchmarks and
the statistics.

Every case is simulated along its subtype's path (drafted, sent, perhaps returned and sent
again, assigned, screened, the meeting held, the indstilling sent; or answered in writing and
closed; or the klinisk funktion's invitation, consultation and certificate), with the times a
real case would take in working days. What lies after "now" has not happened yet, so old cases
are closed (or withdrawn) and recent ones stand in every open state. From the path come the
case row, its events, notes, consents, advice, documents (pointing at a handful of small PDFs
stored once), its booking on a meeting day of its municipality's series, its deadlines
(computed by the deadline rules from the same anchors and events the services use, so
``recompute_deadlines`` leaves them unchanged), and audit entries for the writes and for the
reads and lists a case gets. Audit entries are MACed under the current key and sealed into
blocks with checkpoints, in time order, so ``verify_audit_log`` passes.

Deterministic for a given seed and "today". Rows are written in bulk (``writer.py``).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import heapq
import hmac
import math
import random
import re
import time
import zoneinfo
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from sagsbro.audit import rules as audit_rules
from sagsbro.audit.checkpoints import FileCheckpointStore
from sagsbro.audit.models import AuditBlock, AuditEntry
from sagsbro.audit.services import BLOCK_SIZE
from sagsbro.cases import demo as cases_demo
from sagsbro.cases.models import Advice, Case, CaseEvent, CaseNote, Consent, Deadline
from sagsbro.cases.rules import deadlines as deadline_rules
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import TRANSITIONS, State
from sagsbro.cases.services.deadlines import FULFILLED_BY
from sagsbro.clinical.models import Certificate, ConsultationPlace, ConsultationSlot
from sagsbro.clinical.services.certificate import GP_COPY_REASON
from sagsbro.demo.national import volumes
from sagsbro.demo.national.writer import TableWriter
from sagsbro.documents import demo as documents_demo
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.documents.services import store_blob
from sagsbro.meetings.models import Booking, MeetingDay, MeetingSeries
from sagsbro.organisations import demo as organisations_demo
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    Citizen,
    CollaborationAgreement,
    Municipality,
    Region,
    User,
)
from sagsbro.organisations.reference_data import REGIONS as REGION_DATA
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import load_reference_data
from sagsbro.workdays.services import configured_calendar

PASSWORD = organisations_demo.PASSWORD
CHANNEL = "web"
DAY = 86400
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_TEAM = frozenset({Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE})
_WRITTEN = frozenset(
    {
        Subtype.LOEBENDE_SAG,
        Subtype.AABENBAR_FOERTIDSPENSION,
        Subtype.SENIORPENSION,
        Subtype.JOBAFKLARING_4AAR,
    }
)
_CONSENT_FOR = {
    Subtype.LOEBENDE_SAG: ConsentScope.CONTACT_GP,
    Subtype.JOBAFKLARING_4AAR: ConsentScope.COORDINATOR_TALKS_TO_CITIZEN,
}
_PURPOSES = ("ressourceforloeb", "fleksjob", "foertidspension", "jobafklaringsforloeb")
_PURPOSE_WEIGHTS = (40, 25, 20, 15)
_STEP_DOCUMENTS = {
    "hold_meeting": Category.INDSTILLING,
    "deliver_certificate": Category.LAE_275,
    "answer": Category.WRITTEN_ANSWER,
}
# The certificate's text sections, filled from the demo's certificate (cases/demo.py).
# Klinisk funktion's consultation place in each region (the invitations' slots are there).
_PLACE_NAME = "Klinisk funktion, konsultation"
_CERTIFICATE_TEXT = (
    "functional_capacity",
    "health",
    "citizen_view",
    "doctor_view",
    "other_factors",
    "further_assessment",
    "further_time_frame",
    "overall_assessment",
)
_DOCUMENT_TITLES = {
    **documents_demo.DOCUMENT_TITLES,
    Category.WRITTEN_ANSWER: "Sundhedskoordinators skriftlige svar",
}
# The audit action of each kind of event (the transitions are "transition").
_EVENT_ACTION = {
    "created": AuditEntry.Action.CREATE,
    "document_added": AuditEntry.Action.CREATE,
    "note_added": AuditEntry.Action.CREATE,
    "consent_registered": AuditEntry.Action.CREATE,
}
_EVENT_LABELS = {
    "created": "Sagen er oprettet som kladde",
    "booked": "Sagen er booket på mødet",
    "document_added": "Dokument tilføjet",
    "note_added": "Note tilføjet",
    "consent_registered": "Samtykke registreret",
    "meeting_outcome": "Mødets udfald registreret: indstilling givet",
    "conclusion_sent": "Skriftlig konklusion sendt til borgeren",
    "gp_copy_sent": "Indstillingen sendt til egen læge",
    "written_answer_pdf": "Det skriftlige svar er dannet som PDF",
    "reopen_as_genforelaeggelse": "Genoptaget som genforelæggelsessag",
}


class AlreadyGenerated(Exception):
    """The database already holds cases (or audit entries): nothing is generated."""


@dataclass(frozen=True)
class Options:
    years: int = 10
    fraction: float = 1.0
    seed: int = 1
    today: datetime.date | None = None
    using: str = DEFAULT_DB_ALIAS


@dataclass
class Result:
    counts: dict[str, int]
    seconds: float
    logins: list[tuple[str, str, str]]  # username, role, organisation
    checkpoint_dir: str
    sample_cases: dict[str, list[int]] = field(default_factory=dict)


# --- organisation bookkeeping ------------------------------------------------------------


@dataclass
class _Region:
    id: int
    code: str
    slug: str
    name: str
    secretaries: list[int] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    specialists: list[int] = field(default_factory=list)


@dataclass
class _Municipality:
    id: int
    code: str
    name: str
    slug: str
    region: _Region
    weight: float
    yearly: float = 0.0  # cases a year at the chosen fraction
    caseworkers: list[int] = field(default_factory=list)
    team_members: list[int] = field(default_factory=list)
    gps: list[int] = field(default_factory=list)
    citizens: list[tuple[int, int]] = field(default_factory=list)  # (citizen id, gp id)
    days: list[list[Any]] = field(default_factory=list)  # [date, id, capacity, booked, held]
    day_dates: list[datetime.date] = field(default_factory=list)
    genfor_parents: deque[tuple[int, int, int, int]] = field(default_factory=deque)


def _slug(name: str) -> str:
    name = re.sub(r" (Kommune|Regionskommune)$", "", name).lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u")):
        name = name.replace(a, b)
    return re.sub(r"[^a-z0-9]", "", name)


def _numbered(prefix: str, n: int, slug: str) -> str:
    """The demo's pattern: ``sagsbehandler.kbh``, then ``sagsbehandler2.kbh``, …"""
    return f"{prefix}.{slug}" if n == 1 else f"{prefix}{n}.{slug}"


class Generator:
    def __init__(self, options: Options, log: Callable[[str], None] = lambda _: None) -> None:
        self.options = options
        self.log = log
        self.rng = random.Random(options.seed)
        self.connection = connections[options.using]
        self.calendar = configured_calendar()
        self.today = options.today or timezone.localdate()
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.key_id = settings.SAGSBRO_AUDIT_CURRENT_KEY
        self.key = settings.SAGSBRO_AUDIT_KEYS[self.key_id]
        self._offsets: dict[int, int] = {}
        self._due_cache: dict[tuple[Any, datetime.date], datetime.date] = {}
        self.users: dict[int, tuple[str, str]] = {}
        self.writers: dict[str, TableWriter] = {}
        # Klinisk funktion's consultation place per region, and the slots per specialist a day.
        self._places: dict[int, int] = {}
        self._slots_on: Counter[tuple[int, datetime.date]] = Counter()
        # The start of each case's booked slot: its consultation is recorded from then on.
        self._slot_starts: dict[int, int] = {}
        self.next_id: dict[str, int] = {}

    # --- time ---------------------------------------------------------------------------
    # Times are "local seconds": the local date's ordinal × 86400 + seconds since midnight.

    def _offset(self, ordinal: int) -> int:
        offset = self._offsets.get(ordinal)
        if offset is None:
            noon = datetime.datetime.combine(
                datetime.date.fromordinal(ordinal), datetime.time(12), self.zone
            )
            delta = noon.utcoffset()
            offset = int(delta.total_seconds()) if delta else 0
            self._offsets[ordinal] = offset
        return offset

    def utc_epoch(self, local: int) -> int:
        ordinal = local // DAY
        return (ordinal - _EPOCH_ORDINAL) * DAY + local % DAY - self._offset(ordinal)

    def dt(self, local: int) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.utc_epoch(local), datetime.UTC)

    @staticmethod
    def date_of(local: int) -> datetime.date:
        return datetime.date.fromordinal(local // DAY)

    def at(self, day: datetime.date, after: int = 0) -> int:
        """A time in working hours on ``day``, later than ``after``."""
        moment = day.toordinal() * DAY + self.rng.randint(480, 930) * 60
        if moment <= after:
            moment = after + self.rng.randint(5, 90) * 60
        return moment

    def wd(self, day: datetime.date, n: int) -> datetime.date:
        """``n`` working days from a working day (the calendar's ``add_working_days``)."""
        return self.working_days[self.working_index[day] + n]

    def due(self, rule: deadline_rules.DeadlineRule, anchor: datetime.date) -> datetime.date:
        key = (rule, anchor)
        value = self._due_cache.get(key)
        if value is None:
            value = deadline_rules.due_date(rule, anchor, self.calendar)
            self._due_cache[key] = value
        return value

    # --- ids and writers ----------------------------------------------------------------

    def writer(self, name: str, model: Any, fields: Sequence[str]) -> TableWriter:
        self.writers[name] = TableWriter(self.connection, model, fields)
        return self.writers[name]

    def new_id(self, name: str) -> int:
        self.next_id[name] += 1
        return self.next_id[name]

    # --- the run ------------------------------------------------------------------------

    def run(self) -> Result:
        started = time.monotonic()
        self.connection.ensure_connection()
        with transaction.atomic(using=self.options.using):
            if Case.objects.using(self.options.using).exists():
                raise AlreadyGenerated("Databasen indeholder allerede sager.")
            if AuditEntry.objects.using(self.options.using).exists():
                raise AlreadyGenerated(
                    "Revisionsloggen er ikke tom; generér kun i en ny, migreret database."
                )
            store = FileCheckpointStore(settings.SAGSBRO_AUDIT_CHECKPOINT_DIR)
            if next(iter(store.all()), None) is not None:
                raise AlreadyGenerated(
                    "Kontrolpunktsmappen indeholder allerede kontrolpunkter for en anden "
                    "revisionslog; sæt SAGSBRO_AUDIT_CHECKPOINT_DIR til en tom mappe for "
                    "denne database."
                )
            self._fast_session()
            self._prepare()
            self.log("organisationer og brugere")
            self._organisations()
            self.log("mødeserier og mødedage")
            self._meetings()
            self.log("sager")
            self._cases()
            self.log("skriver til databasen")
            for name, table in self.writers.items():
                self.log(f"  {name}: {table.count}")
                table.finish()
            self._reset_sequences()
        # Checkpoints only name blocks that were committed.
        for checkpoint in self.checkpoints:
            store.append(checkpoint)
        counts = {name: table.count for name, table in self.writers.items()}
        return Result(
            counts=counts,
            seconds=time.monotonic() - started,
            logins=self._logins(),
            checkpoint_dir=str(settings.SAGSBRO_AUDIT_CHECKPOINT_DIR),
            sample_cases=self.samples,
        )

    def _fast_session(self) -> None:
        if self.connection.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            # The generator writes consistent rows; a superuser may skip the per-row foreign
            # key triggers for the bulk load (others load with them, more slowly).
            cursor.execute("SAVEPOINT national_replica")
            try:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("RELEASE SAVEPOINT national_replica")
            except Exception:  # noqa: BLE001 - not a superuser: keep the triggers
                cursor.execute("ROLLBACK TO SAVEPOINT national_replica")

    def _prepare(self) -> None:
        years = self.options.years
        self.start = self.today - datetime.timedelta(days=round(years * 365))
        self.horizon = self.today + datetime.timedelta(weeks=16)
        self.now = self.today.toordinal() * DAY + 7 * 3600  # 07:00 today: nothing today yet
        day = self.start - datetime.timedelta(days=40)
        self.working_days: list[datetime.date] = []
        while day <= self.horizon + datetime.timedelta(days=200):
            if self.calendar.is_working_day(day):
                self.working_days.append(day)
            day += datetime.timedelta(days=1)
        self.working_index = {d: i for i, d in enumerate(self.working_days)}
        for name, model in (
            ("user", User),
            ("citizen", Citizen),
            ("case", Case),
            ("event", CaseEvent),
            ("note", CaseNote),
            ("advice", Advice),
            ("consent", Consent),
            ("deadline", Deadline),
            ("document", Document),
            ("share", DocumentShare),
            ("certificate", Certificate),
            ("slot", ConsultationSlot),
            ("series", MeetingSeries),
            ("day", MeetingDay),
            ("booking", Booking),
            ("audit", AuditEntry),
            ("block", AuditBlock),
        ):
            last = (
                model.objects.using(self.options.using).order_by("-pk").values_list("pk", flat=True)
            )
            self.next_id[name] = int(last.first() or 0)
        self.password = make_password(PASSWORD)
        self.samples: dict[str, list[int]] = {}
        self.checkpoints: list[audit_rules.Checkpoint] = []

    # --- organisations, people, citizens -------------------------------------------------

    def _organisations(self) -> None:
        load_reference_data()
        fraction = self.options.fraction
        regions = {
            r.code: _Region(r.pk, r.code, volumes.REGION_SLUGS[r.code], r.name)
            for r in Region.objects.using(self.options.using).order_by("code")
        }
        data = {r.code: r for r in REGION_DATA}
        municipalities = list(
            Municipality.objects.using(self.options.using).order_by("code").select_related("region")
        )
        self.municipalities: list[_Municipality] = []
        for region in regions.values():
            own = [row for row in municipalities if row.region.code == region.code]
            known = sum(volumes.INHABITANTS_THOUSANDS.get(row.code, 0) for row in own)
            rest = [row for row in own if row.code not in volumes.INHABITANTS_THOUSANDS]
            default = max(data[region.code].inhabitants_2014 / 1000 - known, 20 * len(rest)) / max(
                len(rest), 1
            )
            total = known + default * len(rest)
            for row in own:
                weight = volumes.INHABITANTS_THOUSANDS.get(row.code, default) / total
                self.municipalities.append(
                    _Municipality(
                        row.pk,
                        row.code,
                        row.name,
                        volumes.MUNICIPALITY_SLUGS.get(row.code) or _slug(row.name),
                        region,
                        weight,
                    )
                )
        self.regions = regions
        share_total = sum(volumes.SUBTYPE_SHARES.values())
        for m in self.municipalities:
            m.yearly = data[m.region.code].cases_2014 * share_total * fraction * m.weight
        joined = self.dt(self.start.toordinal() * DAY - 30 * DAY + 9 * 3600)
        users = self.writer(
            "organisations_user",
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "role",
                "municipality",
                "region",
                "title",
                "provider_number",
                "authorisation_id",
            ],
        )
        names = self.rng
        auth_serial = iter(range(10_000, 100_000))

        def add(
            username: str,
            role: Role,
            title: str,
            *,
            m: int | None = None,
            r: int | None = None,
            auth: str = "",
            provider: str = "",
        ) -> int:
            user_id = self.new_id("user")
            users.add(
                (
                    user_id,
                    self.password,
                    False,
                    username,
                    names.choice(volumes.FIRST_NAMES),
                    names.choice(volumes.LAST_NAMES),
                    "",
                    False,
                    True,
                    joined,
                    str(role),
                    m,
                    r,
                    title,
                    provider,
                    auth,
                )
            )
            self.users[user_id] = (username, str(role))
            return user_id

        for region in regions.values():
            yearly = data[region.code].cases_2014 * share_total * fraction
            clinical = (
                data[region.code].cases_2014
                * volumes.SUBTYPE_SHARES[Subtype.KLINISK_FUNKTION]
                * fraction
            )
            for n in range(1, max(1, math.ceil(yearly / volumes.CASES_PER_SECRETARY)) + 1):
                region.secretaries.append(
                    add(
                        _numbered("sekretariat", n, region.slug),
                        Role.SECRETARIAT,
                        "Sekretær, klinisk funktion",
                        r=region.id,
                    )
                )
            for n in range(1, max(2, math.ceil(yearly / volumes.CASES_PER_COORDINATOR)) + 1):
                region.coordinators.append(
                    add(
                        _numbered("koordinator", n, region.slug),
                        Role.COORDINATOR,
                        "Speciallæge i arbejdsmedicin",
                        r=region.id,
                        auth=f"K{next(auth_serial)}",
                    )
                )
            for n in range(
                1, max(1, math.ceil(clinical / volumes.CLINICAL_CASES_PER_SPECIALIST)) + 1
            ):
                region.specialists.append(
                    add(
                        _numbered("speciallaege", n, region.slug),
                        Role.CLINICAL_SPECIALIST,
                        "Speciallæge i arbejdsmedicin",
                        r=region.id,
                        auth=f"S{next(auth_serial)}",
                    )
                )
            add(f"admin.{region.slug}", Role.ADMINISTRATOR, "Systemansvarlig", r=region.id)
        provider = iter(range(100_000, 1_000_000))
        for m in self.municipalities:
            for n in range(1, max(1, math.ceil(m.yearly / volumes.CASES_PER_CASEWORKER)) + 1):
                m.caseworkers.append(
                    add(
                        _numbered("sagsbehandler", n, m.slug),
                        Role.CASEWORKER,
                        "Koordinerende sagsbehandler",
                        m=m.id,
                    )
                )
            for n in range(1, max(1, math.ceil(m.yearly / 600)) + 1):
                m.team_members.append(
                    add(
                        _numbered("team", n, m.slug),
                        Role.TEAM_MEMBER,
                        "Mødeleder, rehabiliteringsteamet",
                        m=m.id,
                    )
                )
            add(f"admin.{m.slug}", Role.ADMINISTRATOR, "Systemansvarlig", m=m.id)
            citizens = m.yearly * self.options.years * 0.85
            for n in range(1, max(1, math.ceil(citizens / volumes.CITIZENS_PER_GP)) + 1):
                m.gps.append(
                    add(
                        _numbered("laege", n, m.slug),
                        Role.GENERAL_PRACTITIONER,
                        "Praktiserende læge",
                        auth=f"L{next(auth_serial)}",
                        provider=f"{next(provider)}",
                    )
                )
        # The agreements: the executive order's deadlines, and the procedure's 10 working
        # days for løbende sager (as in the demo).
        valid_from = datetime.date(self.start.year, 1, 1)
        agreements = CollaborationAgreement.objects.using(self.options.using).bulk_create(
            [
                CollaborationAgreement(
                    region_id=m.region.id,
                    municipality_id=m.id,
                    valid_from=valid_from,
                    expected_cases_per_year=round(m.yearly),
                )
                for m in self.municipalities
            ]
        )
        AgreementDeadlineRule.objects.using(self.options.using).bulk_create(
            [
                AgreementDeadlineRule(
                    agreement=agreement,
                    subtype=str(Subtype.LOEBENDE_SAG),
                    kind=str(deadline_rules.DeadlineKind.WRITTEN_ANSWER),
                    count=10,
                    unit=str(deadline_rules.Unit.WORKING_DAYS),
                    source="Procedure Løbende sag",
                )
                for agreement in agreements
            ]
        )
        self.overrides = {
            deadline_rules.DeadlineKind.WRITTEN_ANSWER: deadline_rules.RuleOverride(
                10, deadline_rules.Unit.WORKING_DAYS, "Procedure Løbende sag"
            )
        }
        self.rules: dict[tuple[Subtype, bool], list[deadline_rules.DeadlineRule]] = {}
        for subtype in Subtype:
            subtypes = deadline_rules.agreement_subtypes(subtype)
            overrides = self.overrides if Subtype.LOEBENDE_SAG in subtypes else {}
            for urgent in (False, True):
                self.rules[(subtype, urgent)] = deadline_rules.rules_for(
                    subtype, overrides, urgent=urgent
                )
        # The small PDFs every document points at: one blob per category, stored once.
        self.blobs: dict[str, str] = {}
        for category, title in _DOCUMENT_TITLES.items():
            content = documents_demo.demo_pdf(title, ["Genereret testdokument (nationale data)."])
            self.blobs[str(category)] = store_blob(content).sha256
        self.citizen_writer = self.writer(
            "organisations_citizen",
            Citizen,
            [
                "id",
                "cpr",
                "birth_date",
                "name",
                "municipality",
                "general_practitioner",
                "has_children",
                "under_30_without_education",
                "created_at",
            ],
        )
        self.cprs: set[str] = set()

    def _citizen(self, m: _Municipality, created: int, actor: int) -> tuple[int, int]:
        rng = self.rng
        while True:
            year = rng.randint(1958, 2002)
            birth = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            first = rng.randint(0, 3) if year < 2000 else rng.choice((4, 9))
            cpr = f"{birth:%d%m}{year % 100:02d}{first}{rng.randint(0, 999):03d}"
            if cpr not in self.cprs:
                self.cprs.add(cpr)
                break
        citizen_id = self.new_id("citizen")
        gp = rng.choice(m.gps)
        age = (self.today - birth).days // 365
        self.citizen_writer.add(
            (
                citizen_id,
                cpr,
                birth,
                f"{rng.choice(volumes.FIRST_NAMES)} {rng.choice(volumes.LAST_NAMES)}",
                m.id,
                gp,
                rng.random() < 0.4,
                age < 30 and rng.random() < 0.4,
                self.dt(created),
            )
        )
        self.audit(
            created,
            actor,
            AuditEntry.Action.CREATE,
            "citizen",
            citizen_id,
            None,
            citizen_id,
            "",
        )
        m.citizens.append((citizen_id, gp))
        return citizen_id, gp

    # --- meetings -------------------------------------------------------------------------

    def _meetings(self) -> None:
        series_writer = self.writer(
            "meetings_meetingseries",
            MeetingSeries,
            [
                "id",
                "municipality",
                "weekday",
                "every_weeks",
                "first_date",
                "last_date",
                "start_time",
                "end_time",
                "place",
                "virtual",
                "capacity",
                "created_by",
                "created_at",
            ],
        )
        self.day_rows: list[list[Any]] = []
        team_share = (
            volumes.SUBTYPE_SHARES[Subtype.REHABILITERINGSTEAM]
            + volumes.SUBTYPE_SHARES[Subtype.GENFORELAEGGELSE]
            + volumes.SUBTYPE_SHARES[Subtype.RET_TIL_SUNDHEDSKOORDINATOR]
        ) / sum(volumes.SUBTYPE_SHARES.values())
        created = self.dt(self.start.toordinal() * DAY - 20 * DAY + 10 * 3600)
        for m in self.municipalities:
            per_meeting = volumes.CASES_PER_MEETING[m.region.code]
            needed = m.yearly * team_share / per_meeting  # meeting days a year
            if needed >= 40:
                count, every = min(10, math.ceil(needed / 46)), 1
            else:
                count, every = 1, max(1, min(4, round(46 / max(needed, 1))))
            per_day = m.yearly * team_share / max(count * 46 / every, 1)
            capacity = max(6, math.ceil(per_day * 1.4))
            first_monday = self.start - datetime.timedelta(days=self.start.weekday())
            for n in range(count):
                weekday = (n + int(m.code)) % 5
                start = datetime.time(9) if n < 5 else datetime.time(13)
                end = datetime.time(12) if n < 5 else datetime.time(16)
                place = f"Jobcenter {m.name.removesuffix(' Kommune')}, mødelokale {n + 1}"
                series_id = self.new_id("series")
                first = first_monday + datetime.timedelta(days=weekday)
                series_writer.add(
                    (
                        series_id,
                        m.id,
                        weekday,
                        every,
                        first,
                        self.horizon,
                        start,
                        end,
                        place,
                        False,
                        capacity,
                        m.team_members[0],
                        created,
                    )
                )
                day = first
                while day <= self.horizon:
                    if self.calendar.is_working_day(day):
                        cancelled = self.rng.random() < 0.01
                        row = [
                            day,
                            self.new_id("day"),
                            0 if cancelled else capacity,
                            0,
                            False,
                            m.id,
                            series_id,
                            start,
                            end,
                            place,
                            capacity,
                            self.rng.choice(m.region.coordinators),
                            cancelled,
                        ]
                        m.days.append(row)
                    day += datetime.timedelta(weeks=every)
            m.days.sort(key=lambda row: (row[0], row[1]))
            m.day_dates = [row[0] for row in m.days]
            self.day_rows.extend(m.days)

    def _book(self, m: _Municipality, earliest: datetime.date) -> list[Any] | None:
        index = bisect.bisect_left(m.day_dates, earliest)
        while index < len(m.days):
            row = m.days[index]
            if row[3] < row[2]:
                row[3] += 1
                return row
            index += 1
        return None

    def _write_days(self) -> None:
        writer = self.writer(
            "meetings_meetingday",
            MeetingDay,
            [
                "id",
                "municipality",
                "series",
                "kind",
                "date",
                "start_time",
                "end_time",
                "place",
                "virtual",
                "capacity",
                "pre_meeting_minutes",
                "coordinator",
                "state",
                "cancelled_reason",
                "held_at",
                "created_at",
            ],
        )
        created = self.dt(self.start.toordinal() * DAY - 20 * DAY + 10 * 3600)
        for row in sorted(self.day_rows, key=lambda r: r[1]):
            day, day_id, _free, _booked, held, m_id, series_id, start, end, place, capacity = row[
                :11
            ]
            coordinator, cancelled = row[11], row[12]
            reason = ""
            held_at = None
            if cancelled:
                state, reason = MeetingDay.State.CANCELLED, "Aflyst af kommunen"
            elif day >= self.today:
                state = MeetingDay.State.PLANNED
            elif held:
                state = MeetingDay.State.HELD
                held_at = self.dt(day.toordinal() * DAY + 12 * 3600)
            else:
                state, reason = MeetingDay.State.CANCELLED, "Ingen sager på dagsordenen"
            writer.add(
                (
                    day_id,
                    m_id,
                    series_id,
                    MeetingDay.Kind.TEAM,
                    day,
                    start,
                    end,
                    place,
                    False,
                    capacity,
                    15,
                    coordinator,
                    str(state),
                    reason,
                    held_at,
                    created,
                )
            )

    # --- cases ----------------------------------------------------------------------------

    def _cases(self) -> None:
        rng = self.rng
        fraction = self.options.fraction
        data = {r.code: r for r in REGION_DATA}
        by_region: dict[str, list[_Municipality]] = {}
        for m in self.municipalities:
            by_region.setdefault(m.region.code, []).append(m)
        first_day = self.start
        last_day = self.today - datetime.timedelta(days=1)
        span = (last_day - first_day).days + 1
        seeds: list[tuple[int, int, int, Subtype]] = []
        index = {m.code: i for i, m in enumerate(self.municipalities)}
        serial = 0
        for code, own in by_region.items():
            weights = [m.weight for m in own]
            cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
            for subtype, share in volumes.SUBTYPE_SHARES.items():
                count = round(data[code].cases_2014 * share * fraction * span / 365)
                for _ in range(count):
                    municipality = rng.choices(own, cum_weights=cumulative)[0]
                    day = self.calendar.roll_forward(
                        first_day + datetime.timedelta(days=rng.randrange(span))
                    )
                    if day > last_day:
                        day = self.calendar.roll_backward(last_day)
                    moment = day.toordinal() * DAY + rng.randint(480, 900) * 60
                    serial += 1
                    seeds.append((moment, serial, index[municipality.code], subtype))
        seeds.sort()
        self._case_writers()
        threshold_lag = 2 * DAY
        for n, (moment, _serial, m_index, subtype) in enumerate(seeds):
            self._case(self.municipalities[m_index], subtype, moment)
            if n % 2000 == 0:
                self.flush_audit(self.utc_epoch(moment) - threshold_lag)
            if n % 20000 == 0 and n:
                self.log(f"  {n} af {len(seeds)} sager")
        self.flush_audit(None)
        self._write_days()

    def _case_writers(self) -> None:
        self.case_writer = self.writer(
            "cases_case",
            Case,
            [
                "id",
                "reference",
                "subtype",
                "purpose",
                "state",
                "municipality",
                "region",
                "citizen",
                "caseworker",
                "coordinator",
                "specialist",
                "parent",
                "question",
                "meeting_date",
                "urgent",
                "contact_preference",
                "contact_times",
                "employment_offer",
                "citizen_statement",
                "citizen_informed_of_right",
                "latest_job",
                "received_at",
                "received_in_designated_inbox",
                "appointment_date",
                "consultation_date",
                "late_appointment_notified_at",
                "late_appointment_accepted_at",
                "late_appointment_accepted_by",
                "created_at",
                "updated_at",
            ],
        )
        self.event_writer = self.writer(
            "cases_caseevent",
            CaseEvent,
            [
                "id",
                "case",
                "kind",
                "label",
                "actor",
                "at",
                "from_state",
                "to_state",
                "comment",
                "data",
            ],
        )
        self.note_writer = self.writer(
            "cases_casenote",
            CaseNote,
            ["id", "case", "author", "text", "contact_preference", "contact_times", "created_at"],
        )
        self.advice_writer = self.writer(
            "cases_advice",
            Advice,
            [
                "id",
                "case",
                "author",
                "kind",
                "text",
                "recommendations",
                "medically_clarified",
                "treatment_exhausted",
                "created_at",
            ],
        )
        self.consent_writer = self.writer(
            "cases_consent",
            Consent,
            [
                "id",
                "citizen",
                "scope",
                "given_on",
                "written",
                "refused",
                "valid_until",
                "withdrawn_on",
                "registered_by",
                "registered_at",
            ],
        )
        self.deadline_writer = self.writer(
            "cases_deadline",
            Deadline,
            [
                "case",
                "kind",
                "label",
                "due",
                "source",
                "state",
                "fulfilled_on",
                "binding",
                "agreed_due",
                "agreed_reason",
                "agreed_by",
                "agreed_at",
            ],
        )
        self.document_writer = self.writer(
            "documents_document",
            Document,
            [
                "id",
                "case",
                "category",
                "title",
                "filename",
                "content_type",
                "blob",
                "uploaded_by",
                "uploaded_at",
                "carried_over_from",
            ],
        )
        self.share_writer = self.writer(
            "documents_documentshare",
            DocumentShare,
            ["document", "recipient", "shared_at", "reason"],
        )
        # The specialists' consultation slots, each booked by the invitation of its case.
        self.slot_writer = self.writer(
            "clinical_consultationslot",
            ConsultationSlot,
            [
                "id",
                "specialist",
                "place",
                "starts_at",
                "minutes",
                "case",
                "booked_by",
                "booked_at",
                "created_at",
            ],
        )
        # The specialist's structured certificates: the delivered LÆ 275 is made from one.
        self.certificate_writer = self.writer(
            "clinical_certificate",
            Certificate,
            [
                "id",
                "case",
                "status",
                *_CERTIFICATE_TEXT,
                "author",
                "created_at",
                "updated_at",
                "signed_at",
                "document",
                "pdf",
                "pdf_pages",
                "delivered_at",
            ],
        )
        self.booking_writer = self.writer(
            "meetings_booking",
            Booking,
            [
                "meeting",
                "case",
                "kind",
                "position",
                "minutes",
                "state",
                "screening",
                "screening_reason",
                "screened_at",
                "citizen_present",
                "outcome",
                "booked_by",
                "booked_at",
            ],
        )
        self.audit_writer = self.writer(
            "audit_auditentry",
            AuditEntry,
            [
                "id",
                "at",
                "user",
                "username",
                "role",
                "action",
                "object_type",
                "object_id",
                "case_id",
                "citizen_id",
                "detail",
                "channel",
                "key_id",
                "mac",
                "block",
            ],
        )
        self.block_writer = self.writer(
            "audit_auditblock",
            AuditBlock,
            [
                "id",
                "seq",
                "sealed_at",
                "key_id",
                "entry_count",
                "total_entries",
                "first_entry_id",
                "last_entry_id",
                "merkle_root",
                "previous_hash",
                "block_hash",
            ],
        )
        self.consented: set[tuple[int, str]] = set()
        self.audit_heap: list[tuple[Any, ...]] = []
        self.audit_serial = 0
        self.pending_block: list[tuple[Any, ...]] = []
        self.previous_block: tuple[int, str] | None = None  # (total entries, hash)

    def _path(self, m: _Municipality, subtype: Subtype, created: int) -> dict[str, Any]:
        """The case's path as (time, step, actor, extra) from drafting to its end; the steps
        after "now" are cut off by the caller."""
        rng = self.rng
        region = m.region
        caseworker = rng.choice(m.caseworkers)
        secretary = rng.choice(region.secretaries)
        coordinator = rng.choice(region.coordinators)
        specialist = rng.choice(region.specialists)
        day = self.date_of(created)
        steps: list[tuple[int, str, int | None, dict[str, Any]]] = [
            (created, "created", caseworker, {})
        ]
        moment = created
        for category in cases_demo.ATTACHMENTS[subtype]:
            moment += rng.randint(2, 9) * 60
            steps.append((moment, "document_added", caseworker, {"category": str(category)}))
        scope = _CONSENT_FOR.get(subtype)
        if scope is None and subtype in _TEAM and rng.random() < 0.3:
            scope = ConsentScope.OBTAIN_RECORDS
        if scope is not None:
            moment += 120
            steps.append((moment, "consent_registered", caseworker, {"scope": str(scope)}))
        meeting = None
        if subtype in _TEAM or subtype == Subtype.RET_TIL_SUNDHEDSKOORDINATOR:
            lead = {Subtype.REHABILITERINGSTEAM: 15, Subtype.GENFORELAEGGELSE: 6}.get(subtype, 12)
            meeting = self._book(m, self.wd(day, lead + rng.randint(0, 5)))
            moment += 60
            steps.append((moment, "booked", caseworker, {}))
        # Drafting takes a day or two, sometimes a few weeks.
        draft_days = rng.randint(0, 2) if rng.random() < 0.9 else rng.randint(3, 15)
        send_day = self.wd(day, draft_days)
        if meeting is not None and send_day >= meeting[0]:
            send_day = day
        sent = self.at(send_day, moment)
        steps.append((sent, "send", caseworker, {}))
        if rng.random() < 0.05 and (meeting is None or self.wd(send_day, 8) < meeting[0]):
            returned = self.at(self.wd(send_day, rng.randint(1, 2)), sent)
            steps.append(
                (
                    returned,
                    "return_for_information",
                    secretary,
                    {"comment": cases_demo.RETURN_REASON},
                )
            )
            send_day = self.wd(self.date_of(returned), rng.randint(1, 4))
            sent = self.at(send_day, returned)
            steps.append((sent, "resend", caseworker, {}))
        withdraw_at = rng.choice(("sent", "assigned")) if rng.random() < 0.04 else ""
        if withdraw_at == "sent":
            steps.append(
                (
                    self.at(self.wd(send_day, rng.randint(1, 3)), sent),
                    "withdraw",
                    caseworker,
                    {"comment": cases_demo.WITHDRAW_REASON},
                )
            )
            return self._finish_path(steps, caseworker, coordinator, specialist, secretary, meeting)
        assign_day = self.wd(send_day, rng.randint(1, 3))
        if meeting is not None:
            assign_day = max(min(assign_day, self.wd(meeting[0], -2)), send_day)
        assigned = self.at(assign_day, sent)
        steps.append((assigned - 300, "read", secretary, {}))
        assign_step = "assign_specialist" if subtype == Subtype.KLINISK_FUNKTION else "assign"
        steps.append((assigned, assign_step, secretary, {}))
        steps.append(
            (
                self.at(self.wd(assign_day, 1), assigned),
                "read",
                specialist if subtype == Subtype.KLINISK_FUNKTION else coordinator,
                {},
            )
        )
        if withdraw_at == "assigned":
            steps.append(
                (
                    self.at(self.wd(assign_day, rng.randint(1, 3)), assigned),
                    "withdraw",
                    caseworker,
                    {"comment": cases_demo.WITHDRAW_REASON},
                )
            )
            return self._finish_path(steps, caseworker, coordinator, specialist, secretary, meeting)
        if subtype in _TEAM:
            assert meeting is not None
            meeting_day = meeting[0]
            screen_day = max(
                min(self.wd(assign_day, rng.randint(1, 5)), self.wd(meeting_day, -1)), assign_day
            )
            screened = self.at(screen_day, assigned + 3600)
            steps.append((screened, "screen", coordinator, {}))
            held = meeting_day.toordinal() * DAY + 9 * 3600 + (meeting[3] - 1) * 45 * 60 + 900
            team = rng.choice(m.team_members)
            steps.append((held, "hold_meeting", team, {}))
            steps.append((held + 60, "meeting_outcome", team, {}))
            sent_on = self.at(self.wd(meeting_day, rng.randint(1, 4)), held + 3600)
            steps.append((sent_on, "send_indstilling", caseworker, {}))
            steps.append((sent_on + 120, "conclusion_sent", caseworker, {}))
            steps.append((sent_on + 180, "gp_copy_sent", caseworker, {}))
        elif subtype == Subtype.KLINISK_FUNKTION:
            moment = assigned
            told = rng.random() < 0.1
            invite_day = self.wd(assign_day, rng.randint(1, 3))
            appointment = self.calendar.roll_forward(
                invite_day + datetime.timedelta(days=rng.randint(7, 25))
            )
            if told:
                late = {"appointment": appointment}
                moment = self.at(self.wd(assign_day, 1), moment)
                steps.append((moment, "notify_late_appointment", secretary, late))
                # The caseworker accepts the late time before the citizen is invited (EVAL
                # table 8 step 2.2).
                moment = self.at(self.wd(assign_day, 1), moment)
                steps.append((moment, "accept_late_appointment", caseworker, late))
            invited = self.at(invite_day, moment)
            steps.append((invited, "invite", secretary, {"appointment": appointment}))
            consulted = self.at(appointment, invited)
            steps.append((consulted, "hold_consultation", specialist, {}))
            delivered_day = self.calendar.roll_forward(
                appointment + datetime.timedelta(days=rng.randint(3, 14))
            )
            delivered = self.at(delivered_day, consulted)
            steps.append((delivered, "deliver_certificate", specialist, {}))
            closed = self.at(self.wd(delivered_day, rng.randint(1, 6)), delivered)
            steps.append((closed - 600, "read", caseworker, {}))
            steps.append((closed, "close", caseworker, {}))
        else:
            if meeting is not None:
                answer_day = max(self.wd(meeting[0], rng.randint(0, 2)), assign_day)
            else:
                answer_day = self.wd(assign_day, rng.randint(2, 12))
            answered = self.at(answer_day, assigned + 3600)
            steps.append((answered, "answer", coordinator, {}))
            steps.append((answered + 60, "written_answer_pdf", None, {}))
            closed = self.at(self.wd(answer_day, rng.randint(1, 8)), answered + 120)
            steps.append((closed - 600, "read", caseworker, {}))
            steps.append((closed, "close", caseworker, {}))
        if rng.random() < 0.25:
            noted = self.at(self.wd(send_day, rng.randint(1, 4)), sent)
            steps.append((noted, "note_added", caseworker, {"preference": rng.random() < 0.5}))
            if rng.random() < 0.4:
                replier = secretary if rng.random() < 0.5 else coordinator
                steps.append(
                    (
                        self.at(self.wd(self.date_of(noted), rng.randint(1, 2)), noted),
                        "note_added",
                        replier,
                        {"reply": True},
                    )
                )
        return self._finish_path(steps, caseworker, coordinator, specialist, secretary, meeting)

    def _finish_path(self, steps, caseworker, coordinator, specialist, secretary, meeting):
        rng = self.rng
        # The reads and lists a case gets besides the writes: the caseworker opens it, the
        # worklists list it, the coordinator downloads its documents.
        first, last = steps[0][0], max(step[0] for step in steps)
        for _ in range(rng.randint(1, 4)):
            steps.append((first + rng.randint(60, max(120, last - first)), "read", caseworker, {}))
        for _ in range(rng.randint(1, 3)):
            who = rng.choice((caseworker, secretary, caseworker))
            steps.append((first + rng.randint(60, max(120, last - first)), "list", who, {}))
        steps.sort(key=lambda step: step[0])
        return {
            "steps": steps,
            "caseworker": caseworker,
            "coordinator": coordinator,
            "specialist": specialist,
            "meeting": meeting,
        }

    def _case(self, m: _Municipality, subtype: Subtype, created: int) -> None:
        rng = self.rng
        parent_id = None
        citizen = None
        if subtype == Subtype.GENFORELAEGGELSE:
            if m.genfor_parents and m.genfor_parents[0][0] < created - 30 * DAY:
                _closed, parent_id, parent_citizen, parent_gp = m.genfor_parents.popleft()
                citizen = (parent_citizen, parent_gp)
            else:
                subtype = Subtype.REHABILITERINGSTEAM
        path = self._path(m, subtype, created)
        caseworker = path["caseworker"]
        if citizen is None:
            reuse = 0.15 if subtype in _TEAM else 0.5
            if m.citizens and rng.random() < reuse:
                citizen = rng.choice(m.citizens)
            else:
                citizen = self._citizen(m, created - 600, caseworker)
        citizen_id = citizen[0]
        gp = citizen[1]
        case_id = self.new_id("case")
        purpose = ""
        if subtype == Subtype.GENFORELAEGGELSE:
            purpose = "ressourceforloeb"
        elif subtype == Subtype.REHABILITERINGSTEAM:
            purpose = rng.choices(_PURPOSES, weights=_PURPOSE_WEIGHTS)[0]
        urgent = subtype in _TEAM and rng.random() < 0.03
        designated = rng.random() < 0.97
        meeting = path["meeting"]
        state = State.DRAFT
        received = None
        assigned_coordinator = None
        assigned_specialist = None
        appointment = consultation = None
        late_notified = None
        late_accepted: int | None = None
        late_accepted_by: int | None = None
        events: dict[str, datetime.date] = {}
        documents: list[tuple[str, int]] = []
        indstilling_doc = None
        screened_at = None
        held = False
        updated = created
        for moment, step, actor, extra in path["steps"]:
            if moment > self.now:
                continue
            if step in ("read", "list"):
                self.audit(
                    moment,
                    actor,
                    step,
                    "case",
                    case_id,
                    case_id,
                    citizen_id,
                    "sag vist" if step == "read" else "arbejdsliste",
                )
                continue
            from_state = ""
            transition = TRANSITIONS.get(step)
            comment = extra.get("comment", "")
            data: dict[str, Any] = {}
            object_type, object_id = "case", case_id
            if transition is not None and transition.target is not None:
                from_state = str(state)
                if step == "resend":
                    state = (
                        State.ASSIGNED
                        if assigned_coordinator or assigned_specialist
                        else State.SENT
                    )
                else:
                    state = transition.target
            if step in ("send", "resend"):
                received = moment
            elif step == "assign":
                assigned_coordinator = path["coordinator"]
                data = {"assignee": assigned_coordinator}
            elif step == "assign_specialist":
                assigned_specialist = path["specialist"]
                data = {"assignee": assigned_specialist}
            elif step == "notify_late_appointment":
                late_notified = moment
                data = {"appointment_date": extra["appointment"].isoformat()}
            elif step == "accept_late_appointment":
                late_accepted, late_accepted_by = moment, actor
                data = {"appointment_date": extra["appointment"].isoformat()}
            elif step == "invite":
                # Inviting is booking a slot of the specialist on the appointment day.
                appointment = extra["appointment"]
                slot = self.consultation_slot(
                    m, path["specialist"], appointment, case_id, actor, moment
                )
                data = {"appointment_date": appointment.isoformat(), "slot": slot}
            elif step == "hold_consultation":
                # Recorded at or after the booked time (the service refuses it before).
                moment = max(moment, self._slot_starts.get(case_id, moment))
                consultation = self.date_of(moment)
            elif step == "hold_meeting":
                held = True
            elif step == "screen":
                screened_at = moment
                self.advice_writer.add(
                    (
                        self.new_id("advice"),
                        case_id,
                        actor,
                        Advice.Kind.SCREENING,
                        cases_demo.SCREENING,
                        [],
                        True,
                        False,
                        self.dt(moment),
                    )
                )
            elif step == "consent_registered":
                key = (citizen_id, extra["scope"])
                if key in self.consented:
                    continue
                self.consented.add(key)
                consent_id = self.new_id("consent")
                self.consent_writer.add(
                    (
                        consent_id,
                        citizen_id,
                        extra["scope"],
                        self.date_of(moment),
                        True,
                        False,
                        None,
                        None,
                        actor,
                        self.dt(moment),
                    )
                )
                object_type, object_id = "consent", consent_id
                data = {"scope": extra["scope"]}
            elif step == "note_added":
                note_id = self.new_id("note")
                preference = "contact_first" if extra.get("preference") else ""
                self.note_writer.add(
                    (
                        note_id,
                        case_id,
                        actor,
                        "Tak for noten. Vi ringer til borgeren i den angivne tid."
                        if extra.get("reply")
                        else rng.choice(cases_demo.NOTES),
                        preference,
                        "Tirsdag og torsdag kl. 9–11" if preference else "",
                        self.dt(moment),
                    )
                )
                object_type, object_id = "note", note_id
            category = extra.get("category") or _STEP_DOCUMENTS.get(step)
            if step == "answer":
                self.advice_writer.add(
                    (
                        self.new_id("advice"),
                        case_id,
                        actor,
                        Advice.Kind.WRITTEN_ANSWER,
                        cases_demo.ANSWER,
                        ["continue_plan"],
                        None,
                        None,
                        self.dt(moment),
                    )
                )
            label = _EVENT_LABELS.get(step) or (transition.label if transition else step)
            self.event(case_id, step, label, actor, moment, from_state, state, comment, data)
            action = (
                AuditEntry.Action.TRANSITION
                if transition is not None and step not in ("reopen_as_genforelaeggelse",)
                else _EVENT_ACTION.get(step, AuditEntry.Action.UPDATE)
            )
            if step != "document_added" and step != "written_answer_pdf":
                self.audit(moment, actor, action, object_type, object_id, case_id, citizen_id, step)
            events.setdefault(step, self.date_of(moment))
            if category is not None:
                author = actor if actor is not None else path["coordinator"]
                doc_moment = moment + 30
                doc_id = self.document(case_id, str(category), author, doc_moment)
                documents.append((str(category), doc_id))
                if step != "document_added":
                    self.event(
                        case_id,
                        "document_added",
                        _EVENT_LABELS["document_added"],
                        author,
                        doc_moment,
                        "",
                        state,
                        "",
                        {"document": doc_id},
                    )
                self.audit(
                    doc_moment,
                    author,
                    AuditEntry.Action.CREATE,
                    "document",
                    doc_id,
                    case_id,
                    citizen_id,
                    "dokument tilføjet",
                )
                if str(category) == Category.INDSTILLING:
                    indstilling_doc = doc_id
            if step == "deliver_certificate" and category is not None:
                self.certificate(case_id, citizen_id, actor, moment, doc_id, gp)
            if step == "gp_copy_sent" and indstilling_doc is not None:
                self.share_writer.add(
                    (indstilling_doc, gp, self.dt(moment), "Indstillingen sendt til egen læge")
                )
            if step in ("screen", "answer", "hold_consultation") and documents:
                # The coordinator or specialist reads the case's documents first.
                for _category, doc_id in documents[:2]:
                    self.audit(
                        moment - 900,
                        actor,
                        AuditEntry.Action.DOWNLOAD,
                        "document",
                        doc_id,
                        case_id,
                        citizen_id,
                        "dokument hentet",
                    )
            updated = max(updated, moment)
        coordinator = assigned_coordinator
        fields = self._case_fields(subtype, rng)
        self.case_writer.add(
            (
                case_id,
                f"SB-{self.date_of(created).year}-{case_id:06d}",
                str(subtype),
                purpose,
                str(state),
                m.id,
                m.region.id,
                citizen_id,
                caseworker,
                coordinator,
                assigned_specialist,
                parent_id,
                fields.get("question", ""),
                meeting[0] if meeting is not None else None,
                urgent,
                fields.get("contact_preference", ""),
                fields.get("contact_times", ""),
                fields.get("employment_offer", ""),
                fields.get("citizen_statement", ""),
                fields.get("citizen_informed_of_right", False),
                fields.get("latest_job", ""),
                self.dt(received) if received is not None else None,
                designated,
                appointment,
                consultation,
                self.dt(late_notified) if late_notified is not None else None,
                self.dt(late_accepted) if late_accepted is not None else None,
                late_accepted_by,
                self.dt(created),
                self.dt(updated),
            )
        )
        if meeting is not None:
            self._booking(
                meeting, case_id, subtype, state, held, screened_at, caseworker, created + 60
            )
        self._deadlines(
            case_id,
            subtype,
            urgent,
            designated,
            state,
            created,
            received,
            meeting[0] if meeting is not None else None,
            consultation,
            events,
        )
        if parent_id is not None:
            self.event(
                parent_id,
                "reopen_as_genforelaeggelse",
                _EVENT_LABELS["reopen_as_genforelaeggelse"],
                caseworker,
                created - 60,
                "",
                State.CLOSED,
                "",
                {"genforelaeggelse": case_id},
            )
            self.audit(
                created - 60,
                caseworker,
                AuditEntry.Action.UPDATE,
                "case",
                parent_id,
                parent_id,
                citizen_id,
                "genoptaget som genforelæggelse",
            )
        if (
            state == State.CLOSED
            and subtype in _TEAM
            and purpose == "ressourceforloeb"
            and rng.random() < 0.35
        ):
            m.genfor_parents.append((updated, case_id, citizen_id, gp))
        self._sample(subtype, state, m, case_id, caseworker, coordinator)

    def _sample(self, subtype, state, m, case_id, caseworker, coordinator) -> None:
        """A few case ids per role for the benchmarks (open cases of the demo user names)."""
        if state in (State.CLOSED, State.WITHDRAWN):
            return
        name = self.users[caseworker][0]
        if name.startswith("sagsbehandler.") and len(self.samples.setdefault(name, [])) < 5:
            self.samples[name].append(case_id)
        if coordinator is not None:
            name = self.users[coordinator][0]
            if name.startswith("koordinator.") and len(self.samples.setdefault(name, [])) < 5:
                self.samples[name].append(case_id)
        if state != State.DRAFT:
            name = f"sekretariat.{m.region.slug}"
            if len(self.samples.setdefault(name, [])) < 5:
                self.samples[name].append(case_id)

    @staticmethod
    def _case_fields(subtype: Subtype, rng: random.Random) -> dict[str, Any]:
        if subtype == Subtype.LOEBENDE_SAG:
            first = rng.random() < 0.5
            return {
                "question": cases_demo.QUESTIONS[subtype],
                "contact_preference": "contact_first" if first else "written_only",
                "contact_times": "Mandag og onsdag kl. 10–12" if first else "",
            }
        if subtype == Subtype.RET_TIL_SUNDHEDSKOORDINATOR:
            return {
                "employment_offer": "Virksomhedspraktik i dagligvarebutik, 12 timer om ugen.",
                "citizen_statement": "Jeg kan ikke løfte over 5 kg og har brug for pauser.",
                "citizen_informed_of_right": True,
            }
        if subtype == Subtype.SENIORPENSION:
            return {
                "question": cases_demo.QUESTIONS[subtype],
                "latest_job": "Social- og sundhedshjælper i hjemmeplejen, 32 timer om ugen.",
            }
        if subtype in cases_demo.QUESTIONS:
            return {"question": cases_demo.QUESTIONS[subtype]}
        return {}

    def _booking(self, meeting, case_id, subtype, state, held, screened_at, caseworker, booked):
        kind = {
            Subtype.REHABILITERINGSTEAM: "team_case",
            Subtype.GENFORELAEGGELSE: "genforelaeggelse",
        }.get(subtype, "ret_til_sundhedskoordinator")
        screening = "clarified" if screened_at is not None else ""
        if state == State.WITHDRAWN:
            booking_state, outcome = Booking.State.CANCELLED, ""
        elif held:
            booking_state, outcome = Booking.State.HELD, Booking.Outcome.INDSTILLING
            meeting[4] = True
        elif subtype == Subtype.RET_TIL_SUNDHEDSKOORDINATOR and meeting[0] < self.today:
            booking_state, outcome = Booking.State.HELD, Booking.Outcome.ADVICE
            meeting[4] = True
        else:
            booking_state, outcome = Booking.State.BOOKED, ""
        self.booking_writer.add(
            (
                meeting[1],
                case_id,
                kind,
                meeting[3],
                45 if kind != "ret_til_sundhedskoordinator" else 15,
                str(booking_state),
                screening,
                "",
                self.dt(screened_at) if screened_at is not None else None,
                True if booking_state == Booking.State.HELD else None,
                str(outcome),
                caseworker,
                self.dt(booked),
            )
        )

    def _deadlines(
        self,
        case_id,
        subtype,
        urgent,
        designated,
        state,
        created,
        received,
        meeting_date,
        consultation,
        events,
    ) -> None:
        """As ``cases.services.deadlines.recompute_deadlines`` computes them today."""
        anchors = {deadline_rules.Anchor.CREATED: self.date_of(created)}
        if received is not None:
            anchors[deadline_rules.Anchor.RECEIVED] = self.date_of(received)
        if meeting_date is not None:
            anchors[deadline_rules.Anchor.MEETING] = meeting_date
        if consultation is not None:
            anchors[deadline_rules.Anchor.CONSULTATION] = consultation
        fulfilled: dict[str, datetime.date] = {}
        if received is not None:
            fulfilled[deadline_rules.DeadlineKind.MATERIAL_TO_REGION] = self.date_of(received)
        fulfilled[deadline_rules.DeadlineKind.CREATED_BEFORE_MEETING] = self.date_of(created)
        for kind, event_kinds in FULFILLED_BY.items():
            dates = [events[str(e)] for e in event_kinds if str(e) in events]
            if dates:
                fulfilled[kind] = min(dates)
        for rule in self.rules[(subtype, urgent)]:
            anchor = anchors.get(rule.anchor)
            due = None if anchor is None else self.due(rule, anchor)
            done = fulfilled.get(rule.kind)
            self.deadline_writer.add(
                (
                    case_id,
                    str(rule.kind),
                    rule.label,
                    due,
                    rule.source,
                    str(deadline_rules.deadline_state(due, done, self.today)),
                    done,
                    state != State.WITHDRAWN
                    and (designated or not rule.binding_requires_designated_inbox),
                    None,
                    "",
                    None,
                    None,
                )
            )

    def event(self, case_id, kind, label, actor, moment, from_state, to_state, comment, data):
        self.event_writer.add(
            (
                self.new_id("event"),
                case_id,
                kind,
                label,
                actor,
                self.dt(moment),
                str(from_state),
                str(to_state),
                comment,
                data,
            )
        )

    def consultation_slot(
        self,
        m: _Municipality,
        specialist: int,
        day: datetime.date,
        case_id: int,
        booked_by: int,
        moment: int,
    ) -> int:
        """The specialist's slot on ``day`` that the invitation at ``moment`` booked: 45 minutes
        from 08.00, after the specialist's earlier slots that day, at the region's place."""
        place = self._places.get(m.region.id)
        if place is None:
            place = (
                ConsultationPlace.objects.using(self.options.using)
                .get_or_create(
                    region_id=m.region.id,
                    name=_PLACE_NAME,
                    defaults={"address": "Konsultationsvej 1"},
                )[0]
                .pk
            )
            self._places[m.region.id] = place
        n = self._slots_on[(specialist, day)]
        self._slots_on[(specialist, day)] = n + 1
        starts = day.toordinal() * DAY + 8 * 3600 + n * 45 * 60
        self._slot_starts[case_id] = starts
        slot_id = self.new_id("slot")
        self.slot_writer.add(
            (
                slot_id,
                specialist,
                place,
                self.dt(starts),
                45,
                case_id,
                booked_by,
                self.dt(moment),
                self.dt(moment),
            )
        )
        return slot_id

    def certificate(
        self, case_id: int, citizen_id: int, author: int, moment: int, doc_id: int, gp: int | None
    ) -> None:
        """The structured LÆ 275 a delivery files (BEK §§ 14-15): drafted and signed before the
        delivery at ``moment``, its PDF the delivered document's, with the GP's copy shared at
        delivery (§ 15 stk. 2)."""
        certificate_id = self.new_id("certificate")
        drafted, signed = moment - 1800, moment - 600
        self.certificate_writer.add(
            (
                certificate_id,
                case_id,
                Certificate.Status.DELIVERED,
                *(cases_demo.CERTIFICATE.get(name, "") for name in _CERTIFICATE_TEXT),
                author,
                self.dt(drafted),
                self.dt(moment),
                self.dt(signed),
                doc_id,
                self.blobs[str(Category.LAE_275)],
                1,
                self.dt(moment),
            )
        )
        for kind, label, at, detail in (
            ("certificate_drafted", "Kladde til speciallægeattest oprettet", drafted, ""),
            ("certificate_signed", "Speciallægeattest underskrevet", signed, "underskrevet"),
        ):
            data = {"certificate_id": certificate_id}
            self.event(case_id, kind, label, author, at, "", State.CONSULTATION_HELD, "", data)
            action = AuditEntry.Action.CREATE if not detail else AuditEntry.Action.UPDATE
            self.audit(
                at, author, action, "certificate", certificate_id, case_id, citizen_id, detail
            )
        if gp is not None:
            self.share_writer.add((doc_id, gp, self.dt(moment), GP_COPY_REASON))

    def document(self, case_id: int, category: str, author: int, moment: int) -> int:
        doc_id = self.new_id("document")
        self.document_writer.add(
            (
                doc_id,
                case_id,
                category,
                _DOCUMENT_TITLES.get(Category(category), category),
                f"{category}-{case_id}.pdf",
                "application/pdf",
                self.blobs[category],
                author,
                self.dt(moment),
                None,
            )
        )
        return doc_id

    # --- the audit log ----------------------------------------------------------------------

    def audit(
        self, moment, user_id, action, object_type, object_id, case_id, citizen_id, detail
    ) -> None:
        if moment > self.now:
            return
        self.audit_serial += 1
        heapq.heappush(
            self.audit_heap,
            (
                self.utc_epoch(moment),
                self.audit_serial,
                user_id,
                str(action),
                object_type,
                str(object_id),
                case_id,
                citizen_id,
                detail,
            ),
        )

    def flush_audit(self, before: int | None) -> None:
        """Give ids, MACs and blocks to the entries earlier than ``before`` (all if None): no
        case simulated later writes an entry that early, so ids follow time."""
        heap = self.audit_heap
        key = self.key
        while heap and (before is None or heap[0][0] < before):
            epoch, _serial, user_id, action, object_type, object_id, case_id, citizen_id, detail = (
                heapq.heappop(heap)
            )
            at = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
            username, role = self.users[user_id] if user_id is not None else ("", "")
            entry_id = self.new_id("audit")
            fields = {
                "at": at.isoformat(),
                "user_id": user_id,
                "username": username,
                "role": role,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "case_id": case_id,
                "citizen_id": citizen_id,
                "detail": detail,
                "channel": CHANNEL,
            }
            mac = hmac.digest(key, audit_rules.canonical(fields), hashlib.sha256).hex()
            self.pending_block.append(
                (
                    entry_id,
                    at,
                    user_id,
                    username,
                    role,
                    action,
                    object_type,
                    object_id,
                    case_id,
                    citizen_id,
                    detail,
                    CHANNEL,
                    self.key_id,
                    mac,
                )
            )
            if len(self.pending_block) >= BLOCK_SIZE:
                self._seal()
        if before is None and self.pending_block:
            self._seal()

    def _seal(self) -> None:
        entries = self.pending_block
        self.pending_block = []
        total, previous_hash = self.previous_block or (0, audit_rules.GENESIS)
        block_id = self.new_id("block")
        seq = block_id
        sealed_at = (entries[-1][1] + datetime.timedelta(seconds=5)).isoformat()
        facts = audit_rules.BlockFacts(
            seq=seq,
            entry_count=len(entries),
            total_entries=total + len(entries),
            first_entry_id=entries[0][0],
            last_entry_id=entries[-1][0],
            merkle_root=audit_rules.merkle_root([(e[0], e[13]) for e in entries]),
            previous_hash=previous_hash,
            sealed_at=sealed_at,
            key_id=self.key_id,
        )
        block_hash = audit_rules.block_hash(self.key, facts)
        self.block_writer.add(
            (
                block_id,
                seq,
                datetime.datetime.fromisoformat(sealed_at),
                self.key_id,
                facts.entry_count,
                facts.total_entries,
                facts.first_entry_id,
                facts.last_entry_id,
                facts.merkle_root,
                previous_hash,
                block_hash,
            )
        )
        for entry in entries:
            self.audit_writer.add((*entry, block_id))
        self.previous_block = (facts.total_entries, block_hash)
        self.checkpoints.append(
            audit_rules.Checkpoint(
                seq=seq,
                total_entries=facts.total_entries,
                last_entry_id=facts.last_entry_id,
                block_hash=block_hash,
                sealed_at=sealed_at,
                key_id=self.key_id,
            ).signed(self.key)
        )

    # --- the end ------------------------------------------------------------------------------

    def _reset_sequences(self) -> None:
        models = [
            User,
            Citizen,
            Case,
            CaseEvent,
            CaseNote,
            Advice,
            Consent,
            Deadline,
            Document,
            DocumentShare,
            MeetingSeries,
            MeetingDay,
            Booking,
            ConsultationSlot,
            AuditEntry,
            AuditBlock,
        ]
        statements = self.connection.ops.sequence_reset_sql(no_style(), models)
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _logins(self) -> list[tuple[str, str, str]]:
        wanted = []
        for m in self.municipalities:
            if m.slug in ("kbh", "frb", "aar"):
                wanted += [
                    f"sagsbehandler.{m.slug}",
                    f"team.{m.slug}",
                    f"admin.{m.slug}",
                    f"laege.{m.slug}",
                ]
        for region in self.regions.values():
            wanted += [
                f"sekretariat.{region.slug}",
                f"koordinator.{region.slug}",
                f"koordinator2.{region.slug}",
                f"speciallaege.{region.slug}",
                f"admin.{region.slug}",
            ]
        by_name = {name: role for name, role in self.users.values()}
        return [(name, by_name[name], name.split(".", 1)[1]) for name in wanted if name in by_name]


def generate(options: Options, log: Callable[[str], None] = lambda _: None) -> Result:
    return Generator(options, log).run()
