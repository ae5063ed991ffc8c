"""The specialist's consultation note, investigations (BEK § 13 stk. 2) and record requests
(BEK § 15 stk. 1), each with who, when and whether the citizen's consent covers it."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import CaseEvent, Consent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import Investigation, RecordRequest
from sagsbro.clinical.services import assessment
from sagsbro.clinical.testing import (
    book_consultation,
    deliver_complete_certificate,
    hold_consultation_at_booked_time,
)
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import PermissionRefused, ServiceError


def invited_case(side):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    return book_consultation(side.secretariat, case)


def writes(case):
    return (
        CaseEvent.objects.filter(case=case).count(),
        AuditEntry.objects.filter(case_id=case.pk)
        .exclude(action__in=[AuditEntry.Action.READ, AuditEntry.Action.DENIED])
        .count(),
        Investigation.objects.count(),
        RecordRequest.objects.count(),
    )


def records_consent(side, **extra):
    fields = {
        "scope": "obtain_records",
        "given_on": datetime.date.today() - datetime.timedelta(days=3),
        "written": True,
        **extra,
    }
    return Consent.objects.create(citizen=side.citizen, registered_by=side.caseworker, **fields)


def test_consultation_note_after_the_consultation(side_a):
    s = side_a
    case = invited_case(s)
    with pytest.raises(ServiceError) as early:
        assessment.save_consultation_note(s.specialist, case, note="For tidligt")
    assert early.value.code == "invalid_state"

    case = hold_consultation_at_booked_time(s.specialist, case)
    with pytest.raises(ServiceError) as empty:
        assessment.save_consultation_note(s.specialist, case, note="  ")
    assert empty.value.fields == {"note": ["Skriv notatet fra konsultationen."]}
    with pytest.raises(PermissionRefused):
        assessment.save_consultation_note(s.secretariat, case, note="Ikke min")

    record = assessment.save_consultation_note(s.specialist, case, note="Smerter i knæet.")
    assert (record.held_on, record.note, record.recorded_by) == (
        datetime.date.today(),
        "Smerter i knæet.",
        s.specialist,
    )
    entry = AuditEntry.objects.filter(object_type="consultation_record").get()
    assert (entry.action, entry.user_id) == (AuditEntry.Action.CREATE, s.specialist.pk)
    # The health text is in no event label or audit detail.
    assert not CaseEvent.objects.filter(label__contains="knæet").exists()
    assert not AuditEntry.objects.filter(detail__contains="knæet").exists()


def test_investigation_needs_the_citizens_consent_and_a_reason(side_a):
    s = side_a
    case = invited_case(s)
    before = writes(case)
    with pytest.raises(ServiceError) as refused:
        assessment.order_investigation(
            s.specialist,
            case,
            kind="imaging",
            description="Røntgen af knæ",
            citizen_consented=False,
        )
    assert refused.value.code == "consent_missing"
    with pytest.raises(ServiceError) as no_reason:
        assessment.order_investigation(
            s.specialist, case, kind="imaging", description="", citizen_consented=True
        )
    assert set(no_reason.value.fields) == {"description"}
    with pytest.raises(ServiceError) as bad_kind:
        assessment.order_investigation(
            s.specialist, case, kind="surgery", description="x", citizen_consented=True
        )
    assert set(bad_kind.value.fields) == {"kind"}
    assert writes(case) == before

    investigation = assessment.order_investigation(
        s.specialist,
        case,
        kind="imaging",
        description="Røntgen af knæ: afklarer slidgigtens omfang",
        citizen_consented=True,
    )
    assert (investigation.ordered_by, investigation.consent_covered, investigation.done_on) == (
        s.specialist,
        True,
        None,
    )
    assert CaseEvent.objects.filter(case=case, kind="investigation_ordered").count() == 1
    # The history the municipality reads names no investigation (health information).
    event = CaseEvent.objects.get(case=case, kind="investigation_ordered")
    assert event.label == "Undersøgelse bestilt (BEK § 13, stk. 2)"
    assert "imaging" not in str(event.data) and "Billed" not in event.label

    future = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as ahead:
        assessment.record_investigation_done(s.specialist, case, investigation, done_on=future)
    assert set(ahead.value.fields) == {"done_on"}
    done = assessment.record_investigation_done(
        s.specialist, case, investigation, done_on=timezone.localdate()
    )
    assert done.done_on == timezone.localdate()
    with pytest.raises(ServiceError):
        assessment.record_investigation_done(
            s.specialist, case, investigation, done_on=timezone.localdate()
        )


def test_record_request_only_under_written_consent(side_a):
    s = side_a
    case = invited_case(s)
    # Oral consent does not count for records (BEK § 3), nor a withdrawn one.
    records_consent(s, written=False)
    records_consent(s, withdrawn_on=datetime.date.today())
    before = writes(case)
    with pytest.raises(ServiceError) as refused:
        assessment.request_records(s.specialist, case, source="Regionshospitalet, ortopædkir.")
    assert refused.value.code == "consent_missing"
    assert "samtykke" in refused.value.message
    assert writes(case) == before

    consent = records_consent(s)
    request = assessment.request_records(
        s.specialist, case, source="Regionshospitalet, ortopædkir."
    )
    assert (request.requested_by, request.consent, request.consent_covered) == (
        s.specialist,
        consent,
        True,
    )
    assert request.received_at is None
    received = assessment.record_records_received(s.specialist, case, request)
    assert received.received_at is not None
    kinds = list(
        CaseEvent.objects.filter(case=case, kind__startswith="records_").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["records_requested", "records_received"]


def test_nothing_after_the_certificate_is_delivered(side_a):
    s = side_a
    case = invited_case(s)
    case = hold_consultation_at_booked_time(s.specialist, case)
    investigation = assessment.order_investigation(
        s.specialist, case, kind="blood_test", description="Blodprøver", citizen_consented=True
    )
    case = deliver_complete_certificate(s.specialist, case)
    records_consent(s)
    for call in (
        lambda: assessment.request_records(s.specialist, case, source="Hospital"),
        lambda: assessment.order_investigation(
            s.specialist, case, kind="other", description="x", citizen_consented=True
        ),
        lambda: assessment.save_consultation_note(s.specialist, case, note="Sent"),
        lambda: assessment.record_investigation_done(
            s.specialist, case, investigation, done_on=timezone.localdate()
        ),
    ):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code == "invalid_state"


def test_the_region_reads_the_assessment_the_municipality_does_not(side_a):
    s = side_a
    case = invited_case(s)
    assert assessment.may_read_assessment(s.specialist, case)
    assert assessment.may_read_assessment(s.secretariat, case)
    assert not assessment.may_read_assessment(s.caseworker, case)
    assert not assessment.may_read_assessment(s.gp, case)
