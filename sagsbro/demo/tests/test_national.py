"""The national data generator in its light mode: consistent with the models and rules,
verifiable audit log, the evaluation's proportions, and the same data for the same seed."""

import hashlib
import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from sagsbro.audit.checkpoints import FileCheckpointStore
from sagsbro.audit.models import AuditBlock, AuditEntry
from sagsbro.audit.services import verify_chain
from sagsbro.cases.models import Case, CaseEvent, Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import FINAL_STATES, State
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.clinical.models import Certificate
from sagsbro.demo.national.generator import AlreadyGenerated, Options, generate
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.meetings.models import Booking
from sagsbro.organisations.models import Citizen, User
from sagsbro.organisations.roles import Role

LIGHT = {"years": 1, "fraction": 0.02, "seed": 7}


def _generate(settings, tmp_path, name="checkpoints", **overrides):
    settings.SAGSBRO_AUDIT_CHECKPOINT_DIR = tmp_path / name
    return generate(
        Options(**{**LIGHT, **overrides, "today": timezone.localdate()}),
    )


def _deadline_rows(case):
    return sorted(
        Deadline.objects.filter(case=case).values_list(
            "kind", "label", "due", "source", "state", "fulfilled_on", "binding"
        )
    )


@pytest.mark.django_db
def test_light_national_data_is_consistent(settings, tmp_path):
    result = _generate(settings, tmp_path)

    cases = Case.objects.count()
    assert result.counts["cases_case"] == cases
    # One year at 2 % of ~30,000 cases a year.
    assert 450 < cases < 750
    # Old cases are closed; the recent ones stand open in the states along the paths.
    states = dict(Case.objects.values_list("state").annotate(n=Count("id")))
    finished = sum(states.get(str(s), 0) for s in FINAL_STATES)
    assert finished / cases > 0.7
    assert {State.DRAFT, State.SENT, State.ASSIGNED, State.SCREENED} <= set(states)
    # The evaluation's proportions: rehabilitation team cases dominate, Hovedstaden has its
    # table-3 share (6,800 of 26,686).
    subtypes = dict(Case.objects.values_list("subtype").annotate(n=Count("id")))
    assert 0.7 < subtypes[str(Subtype.REHABILITERINGSTEAM)] / cases < 0.95
    assert set(subtypes) == {str(s) for s in Subtype}
    hovedstaden = Case.objects.filter(region__code="1084").count() / cases
    assert 0.18 < hovedstaden < 0.33
    assert Case.objects.values("municipality").distinct().count() > 50
    # Every case has its history and its citizen in its own municipality; team cases are
    # booked on a meeting day of their municipality, on the case's meeting date.
    assert not Case.objects.filter(events__isnull=True).exists()
    assert CaseEvent.objects.count() > 8 * cases
    assert not Case.objects.exclude(citizen__municipality=F("municipality")).exists()
    for booking in Booking.objects.select_related("meeting", "case")[:200]:
        assert booking.meeting.municipality_id == booking.case.municipality_id
        assert booking.meeting.date == booking.case.meeting_date
    assert not Booking.objects.values("case").annotate(n=Count("id")).filter(n__gt=1).exists()
    # Sent cases were received; drafts were not; assigned ones have their coordinator.
    assert not Case.objects.exclude(state=State.DRAFT).filter(received_at__isnull=True).exists()
    assert not Case.objects.filter(state=State.DRAFT, received_at__isnull=False).exists()
    assert not Case.objects.filter(
        state__in=[State.ASSIGNED, State.SCREENED, State.MEETING_HELD, State.ANSWERED],
        coordinator__isnull=True,
        specialist__isnull=True,
    ).exists()
    genfor = Case.objects.filter(subtype=Subtype.GENFORELAEGGELSE).select_related("parent")
    for case in genfor:
        assert case.parent is not None
        assert case.parent.state == State.CLOSED
        assert case.parent.citizen_id == case.citizen_id
    assert Document.objects.values("blob").distinct().count() <= 20
    # A delivered LÆ 275 is made from a signed structured certificate (BEK § 14), with the
    # GP's copy shared at delivery (BEK § 15 stk. 2).
    delivered = list(
        Case.objects.filter(events__kind="deliver_certificate").select_related("citizen")
    )
    assert delivered
    for case in delivered:
        certificate = Certificate.objects.select_related("document").get(case=case)
        assert certificate.status == Certificate.Status.DELIVERED
        assert certificate.document is not None
        assert certificate.document.category == Category.LAE_275
        assert certificate.pdf_id == certificate.document.blob_id
        signed_at, delivered_at = certificate.signed_at, certificate.delivered_at
        assert signed_at is not None and delivered_at is not None and signed_at <= delivered_at
        if case.citizen.general_practitioner_id is not None:
            assert DocumentShare.objects.filter(
                document=certificate.document, recipient=case.citizen.general_practitioner_id
            ).exists()
    assert not Certificate.objects.exclude(case__in=delivered).exists()
    # Inviting is booking: every invited case has its specialist's slot on its appointment
    # day; a late time the caseworker was told of was accepted before the invitation.
    invited = list(Case.objects.filter(events__kind="invite").select_related("consultation_slot"))
    assert invited
    for case in invited:
        slot = case.consultation_slot
        assert slot.specialist_id == case.specialist_id
        assert timezone.localdate(slot.starts_at) == case.appointment_date
        # The consultation is recorded at or after its booked time, never before.
        held = case.events.filter(kind="hold_consultation").first()
        if held is not None:
            assert held.at >= slot.starts_at, case.reference
    for case in Case.objects.filter(late_appointment_notified_at__isnull=False):
        accepted, notified = case.late_appointment_accepted_at, case.late_appointment_notified_at
        assert accepted is not None and notified is not None and accepted > notified
        assert case.late_appointment_accepted_by_id == case.caseworker_id
    assert Document.objects.count() > 2 * cases

    # The deadlines are what the services' own recomputation gives.
    sample = random.Random(1).sample(list(Case.objects.order_by("id")), 120)
    for case in sample:
        before = _deadline_rows(case)
        with transaction.atomic():
            recompute_deadlines(case)
            assert _deadline_rows(case) == before, case.reference
            transaction.set_rollback(True)

    # The audit log is whole: every entry MACed and sealed, every checkpoint matching.
    assert not AuditEntry.objects.filter(block__isnull=True).exists()
    report = verify_chain(store=FileCheckpointStore(settings.SAGSBRO_AUDIT_CHECKPOINT_DIR))
    assert report.ok, report.problems[:3]
    assert report.entries_checked == AuditEntry.objects.count() > 15 * cases
    assert report.blocks_checked == AuditBlock.objects.count()

    # Every role in every organisation, with the demo's user names, can log in.
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {str(r) for r in Role}
    for username in ("sagsbehandler.kbh", "sekretariat.hovedstaden", "koordinator.hovedstaden"):
        assert User.objects.get(username=username).check_password("demo1234")
    assert Citizen.objects.filter(municipality__code="101").exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data(settings, tmp_path):
    def fingerprint():
        digest = hashlib.sha256()
        for row in Case.objects.order_by("id").values_list(
            "reference",
            "subtype",
            "state",
            "municipality__code",
            "citizen__cpr",
            "meeting_date",
            "received_at",
            "created_at",
        ):
            digest.update(repr(row).encode())
        for deadline in Deadline.objects.order_by("case_id", "kind").values_list(
            "case__reference", "kind", "due", "state", "fulfilled_on"
        ):
            digest.update(repr(deadline).encode())
        digest.update(repr(list(AuditEntry.objects.order_by("id").values_list("mac"))).encode())
        return digest.hexdigest()

    prints = []
    for run, seed in enumerate((7, 7, 8)):
        with transaction.atomic():
            _generate(settings, tmp_path, name=f"run{run}", seed=seed, fraction=0.005)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


@pytest.mark.django_db
def test_refuses_a_database_with_cases_unless_reused(settings, tmp_path):
    _generate(settings, tmp_path, fraction=0.005)
    with pytest.raises(AlreadyGenerated):
        _generate(settings, tmp_path, name="again", fraction=0.005)
    with pytest.raises(CommandError):
        call_command(
            "generate_national_data", "--years=1", "--fraction=0.005", stdout=io.StringIO()
        )
    out = io.StringIO()
    call_command("generate_national_data", "--years=1", "--fraction=0.005", "--reuse", stdout=out)
    assert "genbruges" in out.getvalue()
