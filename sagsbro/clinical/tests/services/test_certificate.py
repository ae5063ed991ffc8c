"""The structured LÆ 275 (BEK § 14): a draft, signed by the assigned specialist into a PDF
kept on the certificate, and filed on the case for the municipality with the GP's copy in one
transaction at delivery (BEK § 15 stk. 2): a failure in the GP's part leaves everything as it
was."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import Certificate, ConsultationRecord
from sagsbro.clinical.services import certificate as certificates
from sagsbro.conftest import assigned_case, attach
from sagsbro.core.errors import AlreadyDone, PermissionRefused, ServiceError
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

COMPLETE = {
    "functional_capacity": "Kan stå og gå i 20 minutter ad gangen.",
    "health": "Slidgigt i højre knæ; objektivt nedsat bøjning til 90 grader.",
    "citizen_view": "Borgeren oplever, at knæet hindrer lagerarbejde.",
    "doctor_view": "Stillesiddende arbejde er muligt på fuld tid.",
    "other_factors": "",
}


def consulted_case(side):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    clinical_services.invite_citizen(side.secretariat, case, datetime.date.today())
    return clinical_services.hold_consultation(side.specialist, case)


def signed_certificate(side, case, **extra):
    draft = certificates.create_certificate(side.specialist, case, **{**COMPLETE, **extra})
    return certificates.sign_certificate(side.specialist, case, draft)


def pdf_text(blob):
    with blob.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_consultation_held_opens_its_record(side_a):
    case = consulted_case(side_a)
    record = ConsultationRecord.objects.get(case=case)
    assert (record.held_on, record.recorded_by, record.note) == (
        datetime.date.today(),
        side_a.specialist,
        "",
    )


def test_draft_is_signed_into_a_pdf_kept_off_the_case(side_a):
    s = side_a
    case = consulted_case(s)
    draft = certificates.create_certificate(s.specialist, case, health="Kun helbred")
    assert draft.status == Certificate.Status.DRAFT
    assert set(certificates.problems_of(draft)) == {
        "functional_capacity",
        "citizen_view",
        "doctor_view",
    }
    # Incomplete: refused, listing each missing section, and nothing is filed.
    with pytest.raises(ServiceError) as refused:
        certificates.sign_certificate(s.specialist, case, draft)
    assert refused.value.code == "certificate_incomplete"
    assert set(refused.value.fields) == {"functional_capacity", "citizen_view", "doctor_view"}
    assert not case.documents.filter(category=Category.LAE_275).exists()

    draft = certificates.update_certificate(
        s.specialist,
        case,
        draft,
        **COMPLETE,
        further_assessment_needed=True,
        further_assessment="Neuropsykologisk undersøgelse.",
        further_price="8500.00",
        further_time_frame="6 uger",
    )
    signed = certificates.sign_certificate(s.specialist, case, draft)
    assert signed.status == Certificate.Status.SIGNED and signed.signed_at is not None
    # The PDF is on the certificate only: every party of the case sees its documents, and the
    # municipality must not get it before the GP's copy (BEK § 15 stk. 2).
    assert signed.document is None and signed.pdf is not None
    assert not Document.objects.filter(case=case, category=Category.LAE_275).exists()
    pages, text = pdf_text(signed.pdf)
    assert signed.pdf_pages == pages >= 1
    assert s.region.klinisk_funktion_name in text  # the region's letterhead
    assert "Funktionsevne og helbredsforhold" in text and "8.500,00 kr." in text
    assert "6 uger" in text and "Kladde" not in text
    assert s.citizen.cpr not in text  # masked
    assert CaseEvent.objects.filter(case=case, kind="certificate_signed").count() == 1

    # A signed certificate is not changed, nor signed again.
    with pytest.raises(ServiceError) as changed:
        certificates.update_certificate(s.specialist, case, signed, health="Ændret")
    assert changed.value.code == "certificate_signed"
    with pytest.raises(ServiceError):
        certificates.sign_certificate(s.specialist, case, signed)
    # One certificate under way at a time.
    with pytest.raises(AlreadyDone):
        certificates.create_certificate(s.specialist, case, **COMPLETE)


def test_only_the_assigned_specialist_writes_and_signs(side_a):
    s = side_a
    case = consulted_case(s)
    other = User.objects.create_user(
        username="a_specialist2",
        role=Role.CLINICAL_SPECIALIST,
        region=s.region,
        authorisation_id="aS2",
    )
    # The region's secretariat and the municipality see the case but do not write it; another
    # specialist or a coordinator of the region does not know of it.
    for user in (s.secretariat, s.caseworker):
        with pytest.raises(PermissionRefused):
            certificates.create_certificate(user, case, **COMPLETE)
    for user in (other, s.coordinator):
        with pytest.raises(ServiceError) as hidden:
            certificates.create_certificate(user, case, **COMPLETE)
        assert hidden.value.status == 404
    draft = certificates.create_certificate(s.specialist, case, **COMPLETE)
    with pytest.raises(PermissionRefused):
        certificates.sign_certificate(s.secretariat, case, draft)
    draft.refresh_from_db()
    assert draft.status == Certificate.Status.DRAFT


def test_overall_assessment_is_required_after_another_assessment(side_a):
    s = side_a
    case = consulted_case(s)
    # A further specialist assessment the municipality had made (BEK § 14 stk. 3).
    attach(s.specialist, case, Category.SPECIALIST_CERTIFICATE)
    draft = certificates.create_certificate(s.specialist, case, **COMPLETE)
    with pytest.raises(ServiceError) as refused:
        certificates.sign_certificate(s.specialist, case, draft)
    assert set(refused.value.fields) == {"is_overall", "overall_assessment"}
    draft = certificates.update_certificate(
        s.specialist, case, draft, is_overall=True, overall_assessment="Samlet: fuld tid."
    )
    assert certificates.sign_certificate(s.specialist, case, draft).is_overall


def test_delivery_hands_the_certificate_and_the_gp_copy_over_together(side_a):
    s = side_a
    case = consulted_case(s)
    signed = signed_certificate(s, case)
    signed_on = timezone.localdate(signed.signed_at)
    case = clinical_services.deliver_certificate(s.specialist, case)
    assert case.state == "answered"
    signed.refresh_from_db()
    assert signed.status == Certificate.Status.DELIVERED and signed.delivered_at is not None
    # The signed PDF becomes the case's LÆ 275 only now, with the signer and signing date.
    document = Document.objects.get(case=case, category=Category.LAE_275)
    assert signed.document == document
    assert (document.category, document.content_type, document.blob_id, document.pages) == (
        Category.LAE_275,
        "application/pdf",
        signed.pdf_id,
        signed.pdf_pages,
    )
    assert document.uploaded_by == s.specialist
    assert document.document_date == signed_on
    assert document.author_organisation == s.region.klinisk_funktion_name
    assert AuditEntry.objects.filter(
        object_type="document", object_id=str(document.pk), action=AuditEntry.Action.CREATE
    ).exists()
    share = DocumentShare.objects.get(document=signed.document)
    assert share.recipient == s.gp
    message = OutgoingMessage.objects.get(case=case)
    assert (message.recipient_kind, message.purpose, message.document_id, message.state) == (
        "gp",
        "gp_certificate_copy",
        signed.document_id,
        "queued",
    )
    event = CaseEvent.objects.filter(case=case, kind="deliver_certificate").get()
    assert event.data == {
        "document_id": signed.document_id,
        "gp_copy": True,
        "certificate_id": signed.pk,
    }
    assert set(case.deadlines.values_list("kind", "state")) == {
        ("certificate_after_consultation", "met"),
        ("certificate_after_request", "met"),
    }


def test_an_unsigned_draft_is_not_delivered(side_a):
    s = side_a
    case = consulted_case(s)
    certificates.create_certificate(s.specialist, case, **COMPLETE)
    # Even with a file attached, the draft must be signed first.
    attach(s.specialist, case, Category.LAE_275)
    with pytest.raises(ServiceError) as refused:
        clinical_services.deliver_certificate(s.specialist, case)
    assert refused.value.code == "certificate_not_signed"
    assert Case.objects.get(pk=case.pk).state == "consultation_held"


# --- all or nothing ----------------------------------------------------------------------

FAILING = {
    "messaging_outgoingmessage": "the GP's letter",
    "documents_documentshare": "the GP's share",
}


def _install_failure(table):
    """Make the database refuse every new row of `table`: the GP's part fails for real."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION h_refuse_row() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'GP channel refused'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER h_refuse_row BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION h_refuse_row()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER h_refuse_row BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'GP channel refused'); END"
            )


def _remove_failure(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS h_refuse_row ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS h_refuse_row()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS h_refuse_row")


def _state(case, certificate):
    case = Case.objects.get(pk=case.pk)
    certificate = Certificate.objects.get(pk=certificate.pk)
    return {
        "case": (case.state, case.updated_at),
        "certificate": (certificate.status, certificate.delivered_at),
        "events": CaseEvent.objects.filter(case=case).count(),
        "audit": AuditEntry.objects.filter(case_id=case.pk).count(),
        "shares": DocumentShare.objects.count(),
        "outbox": OutgoingMessage.objects.count(),
        "deadlines": sorted(case.deadlines.values_list("kind", "state", "fulfilled_on")),
        "documents": Document.objects.filter(case=case, category=Category.LAE_275).count(),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", list(FAILING))
def test_a_failing_gp_copy_rolls_the_delivery_back(side_a, table):
    s = side_a
    case = consulted_case(s)
    signed = signed_certificate(s, case)
    before = _state(case, signed)
    _install_failure(table)
    try:
        with pytest.raises(DatabaseError):
            clinical_services.deliver_certificate(s.specialist, case)
    finally:
        _remove_failure(table)
    # Nothing of the delivery is left: the municipality has not got it without the GP.
    assert _state(case, signed) == before
    assert before["case"][0] == "consultation_held"
    assert before["certificate"] == (Certificate.Status.SIGNED, None)

    # With the channel back, the same delivery goes through whole.
    assert before["documents"] == 0
    case = clinical_services.deliver_certificate(s.specialist, case)
    assert case.state == "answered"
    signed.refresh_from_db()
    assert OutgoingMessage.objects.filter(case=case, purpose="gp_certificate_copy").count() == 1
    assert DocumentShare.objects.filter(document=signed.document, recipient=s.gp).count() == 1


def test_delivery_without_a_registered_gp_is_recorded_as_such(side_a):
    s = side_a
    case = consulted_case(s)
    signed = signed_certificate(s, case)
    s.citizen.general_practitioner = None
    s.citizen.save(update_fields=["general_practitioner"])
    case = clinical_services.deliver_certificate(s.specialist, case)
    assert case.state == "answered"
    signed.refresh_from_db()
    assert signed.document is not None
    assert not OutgoingMessage.objects.filter(case=case).exists()
    assert not DocumentShare.objects.filter(document=signed.document).exists()
    event = CaseEvent.objects.get(case=case, kind="deliver_certificate")
    assert event.label == "Speciallægeattest leveret (ingen egen læge registreret)"
    assert event.data["gp_copy"] is False


def test_further_price_out_of_range_is_refused(side_a):
    s = side_a
    case = consulted_case(s)
    with pytest.raises(ServiceError) as refused:
        certificates.create_certificate(s.specialist, case, further_price=Decimal("0"))
    assert set(refused.value.fields) == {"further_price"}
    with pytest.raises(ServiceError) as unreadable:
        certificates.create_certificate(s.specialist, case, further_price="mange penge")
    assert unreadable.value.fields == {
        "further_price": ["Angiv prisen som et beløb i kroner, fx 4500,00."]
    }
    assert not Certificate.objects.filter(case=case).exists()
