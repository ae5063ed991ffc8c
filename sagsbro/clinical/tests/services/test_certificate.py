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
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical import testing as clinical_testing
from sagsbro.clinical.models import Certificate, ConsultationRecord, Referral, Specialty
from sagsbro.clinical.rules.certificate import OverallBasis
from sagsbro.clinical.services import certificate as certificates
from sagsbro.clinical.testing import hold_consultation_at_booked_time
from sagsbro.conftest import assigned_case, attach, sent_case
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
    clinical_testing.book_consultation(side.secretariat, case)
    return hold_consultation_at_booked_time(side.specialist, case)


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


def test_carried_over_specialist_documents_do_not_force_an_overall_assessment(side_a):
    # O-26: specialist statements on the case (health information sent along) are not
    # assessments made by klinisk funktion: the first certificate is not the overall one.
    s = side_a
    case = consulted_case(s)
    attach(s.specialist, case, Category.SPECIALIST_CERTIFICATE)
    attach(s.specialist, case, Category.PSYCHOLOGICAL_ASSESSMENT)
    draft = certificates.create_certificate(s.specialist, case, **COMPLETE)
    assert certificates.problems_of(draft) == {}
    signed = certificates.sign_certificate(s.specialist, case, draft)
    assert signed.status == Certificate.Status.SIGNED and not signed.is_overall


def _require_overall_then_sign(s, case, paragraph, basis):
    draft = certificates.create_certificate(s.specialist, case, **COMPLETE)
    assert certificates.overall_basis(draft) == basis
    with pytest.raises(ServiceError) as refused:
        certificates.sign_certificate(s.specialist, case, draft)
    assert refused.value.code == "certificate_incomplete"
    assert set(refused.value.fields) == {"is_overall", "overall_assessment"}
    assert paragraph in refused.value.fields["is_overall"][0]
    draft = certificates.update_certificate(
        s.specialist, case, draft, is_overall=True, overall_assessment="Samlet: fuld tid."
    )
    return certificates.sign_certificate(s.specialist, case, draft)


def referred_from(side, case, origin, **extra):
    """The klinisk-funktion case's referral from ``origin`` (made directly: these tests are
    about the certificate)."""
    return Referral.objects.create(
        case=case,
        origin_case=origin,
        origin_kind=Referral.OriginKind.SCREENING,
        question="Hvilken funktionsevne har borgeren i forhold til arbejde?",
        specialty=Specialty.objects.get(code="reumatologi"),
        created_by=side.caseworker,
        **extra,
    )


def test_a_second_assessment_of_the_citizen_is_the_overall_one(side_a):
    # O-26, BEK § 14 stk. 4: klinisk funktion already delivered a certificate in the same
    # matter (a referral from the same team case, or from the earlier case it continues), so
    # this one gives the overall assessment.
    s = side_a
    team = sent_case(s, Subtype.REHABILITERINGSTEAM)
    first = consulted_case(s)
    referred_from(s, first, team)
    clinical_testing.sign_complete_certificate(s.specialist, first)
    # A certificate signed and not delivered elsewhere is not yet an assessment given.
    second = consulted_case(s)
    referred_from(s, second, team)
    assert not clinical_testing.sign_complete_certificate(s.specialist, second).is_overall
    clinical_services.deliver_certificate(s.specialist, first)
    # Another matter of the citizen's (a løbende sag referred on its own) is not counted.
    other = consulted_case(s)
    referred_from(s, other, sent_case(s, Subtype.LOEBENDE_SAG))
    assert (
        certificates.overall_basis(Certificate.objects.create(case=other, author=s.specialist))
        == OverallBasis()
    )
    # A genforelæggelse continuing the team case is the same matter.
    again = sent_case(s, Subtype.REHABILITERINGSTEAM)
    Case.objects.filter(pk=again.pk).update(parent=team)
    third = consulted_case(s)
    referred_from(s, third, again)
    basis = OverallBasis(follows_certificate=False, delivered_before=1)
    assert _require_overall_then_sign(s, third, "§ 14, stk. 4", basis).is_overall


def test_a_referral_for_the_further_assessments_asks_for_the_overall_one(side_a):
    # O-26, BEK § 14 stk. 3: the municipality asks for the further assessments an earlier
    # certificate described; the new certificate is the overall assessment on their basis.
    s = side_a
    team = sent_case(s, Subtype.REHABILITERINGSTEAM)
    first = consulted_case(s)
    referred_from(s, first, team)
    clinical_testing.deliver_complete_certificate(s.specialist, first)
    earlier = Certificate.objects.get(case=first)
    case = consulted_case(s)
    referred_from(s, case, team, follows_certificate=earlier)
    # Stk. 3 is named before stk. 4 when both apply.
    basis = OverallBasis(follows_certificate=True, delivered_before=1)
    assert _require_overall_then_sign(s, case, "§ 14, stk. 3", basis).is_overall


def test_signing_checks_the_same_person_agreement_again(side_a):
    # O-23, BEK § 13 stk. 3: the specialist who was the citizen's coordinator in the case the
    # referral came from signs only while the citizen's agreement for this case is in force.
    s = side_a
    parent = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    same_doctor = User.objects.create_user(
        username="a_coordinator_kf",
        role=Role.CLINICAL_SPECIALIST,
        region=s.region,
        authorisation_id=s.coordinator.authorisation_id,
    )
    case = sent_case(s, Subtype.KLINISK_FUNKTION, parent=parent)
    agreement = case_services.register_consent(
        s.caseworker,
        s.citizen,
        scope=ConsentScope.SAME_PERSON_ASSESSMENT,
        given_on=datetime.date(2026, 1, 5),
        case=case,
    )
    case = case_services.assign_specialist(s.secretariat, case, same_doctor)
    clinical_testing.book_consultation(s.secretariat, case)
    case = hold_consultation_at_booked_time(same_doctor, case)
    draft = certificates.create_certificate(same_doctor, case, **COMPLETE)
    case_services.withdraw_consent(s.caseworker, agreement)
    with pytest.raises(ServiceError) as refused:
        certificates.sign_certificate(same_doctor, case, draft)
    assert refused.value.code == "same_person_without_consent"
    assert "§ 13, stk. 3" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == Certificate.Status.DRAFT and draft.pdf_id is None


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
    message = OutgoingMessage.objects.get(case=case, purpose="gp_certificate_copy")
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


def test_only_a_signed_certificate_is_delivered(side_a):
    s = side_a
    case = consulted_case(s)
    # No certificate: refused, naming what is missing.
    with pytest.raises(ServiceError) as missing:
        clinical_services.deliver_certificate(s.specialist, case)
    assert missing.value.code == "certificate_missing"
    assert missing.value.missing == [
        {"key": "certificate", "label": "Underskrevet speciallægeattest (LÆ 275)"}
    ]
    assert "underskriv" in missing.value.message
    # No one uploads an LÆ 275 to a klinisk-funktion case, the specialist neither: the case's
    # LÆ 275 is made from the signed certificate at delivery only.
    for user in (s.specialist, s.secretariat):
        with pytest.raises(ServiceError) as upload:
            attach(user, case, Category.LAE_275)
        assert upload.value.code == "category_not_for_subtype"
        assert "fanen Vurdering" in upload.value.fields["category"][0]
    assert not Document.objects.filter(case=case, category=Category.LAE_275).exists()
    # A draft must be signed first.
    certificates.create_certificate(s.specialist, case, **COMPLETE)
    with pytest.raises(ServiceError) as refused:
        clinical_services.deliver_certificate(s.specialist, case)
    assert refused.value.code == "certificate_not_signed"
    assert Case.objects.get(pk=case.pk).state == "consultation_held"


def test_other_subtypes_still_take_an_uploaded_lae_275(side_a):
    # The refusal is the klinisk-funktion case's: a team case carries specialist certificates
    # the region made earlier.
    s = side_a
    case = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    assert attach(s.coordinator, case, Category.LAE_275).category == Category.LAE_275


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


def test_delivery_without_a_registered_gp_needs_the_reason(side_a):
    # O-28, BEK § 15 stk. 2: the GP's copy cannot go; delivery states why, or is refused.
    s = side_a
    case = consulted_case(s)
    signed = signed_certificate(s, case)
    s.citizen.general_practitioner = None
    s.citizen.save(update_fields=["general_practitioner"])
    for reason, code in (("", "no_gp_reason_required"), ("   ", "no_gp_reason_required")):
        with pytest.raises(ServiceError) as refused:
            clinical_services.deliver_certificate(s.specialist, case, no_gp_reason=reason)
        assert refused.value.code == code
        assert "ingen egen læge" in refused.value.fields["no_gp_reason"][0]
    with pytest.raises(ServiceError) as too_long:
        clinical_services.deliver_certificate(s.specialist, case, no_gp_reason="x" * 201)
    assert too_long.value.fields == {"no_gp_reason": ["Begrundelsen må højst være 200 tegn."]}
    signed.refresh_from_db()
    assert signed.status == Certificate.Status.SIGNED
    assert Case.objects.get(pk=case.pk).state == "consultation_held"

    reason = "Borgeren er i sygesikringsgruppe 2 og har ingen egen læge."
    case = clinical_services.deliver_certificate(s.specialist, case, no_gp_reason=f" {reason} ")
    assert case.state == "answered"
    signed.refresh_from_db()
    assert signed.document is not None
    assert not OutgoingMessage.objects.filter(case=case, purpose="gp_certificate_copy").exists()
    assert not DocumentShare.objects.filter(document=signed.document).exists()
    event = CaseEvent.objects.get(case=case, kind="deliver_certificate")
    assert event.label == "Speciallægeattest leveret (ingen egen læge registreret)"
    assert event.data["gp_copy"] is False
    assert event.data["no_gp_reason"] == reason
    assert event.comment == f"Ingen kopi til egen læge: {reason}"


def test_the_reason_is_not_asked_for_when_the_gp_is_registered(side_a):
    s = side_a
    case = consulted_case(s)
    signed_certificate(s, case)
    case = clinical_services.deliver_certificate(s.specialist, case, no_gp_reason="")
    event = CaseEvent.objects.get(case=case, kind="deliver_certificate")
    assert event.data["gp_copy"] is True and "no_gp_reason" not in event.data


def test_further_price_out_of_range_is_refused(side_a):
    s = side_a
    case = consulted_case(s)
    with pytest.raises(ServiceError) as refused:
        certificates.create_certificate(s.specialist, case, further_price=Decimal("0"))
    assert set(refused.value.fields) == {"further_price"}
    with pytest.raises(ServiceError) as unreadable:
        certificates.create_certificate(s.specialist, case, further_price="mange penge")
    assert unreadable.value.fields == {
        "further_price": ["Angiv prisen som et beløb i kroner, fx 4500,00 (i API'et 4500.00)."]
    }
    # Not a number, no end, or finer than øre: refused the same way, never a crash.
    for odd in ("NaN", "sNaN", "Infinity", Decimal("NaN"), "4500.005", object()):
        with pytest.raises(ServiceError) as refused:
            certificates.create_certificate(s.specialist, case, further_price=odd)
        assert set(refused.value.fields) == {"further_price"}, odd
    assert not Certificate.objects.filter(case=case).exists()


def test_the_sections_together_have_a_length_limit(side_a):
    """Each section takes up to 20,000 characters, all of them together 40,000 (some ten
    pages): a draft over that is refused and stays as it was."""
    s = side_a
    case = consulted_case(s)
    certificate = certificates.create_certificate(
        s.specialist, case, functional_capacity="a" * 20000, health="b" * 20000
    )
    with pytest.raises(ServiceError) as refused:
        certificates.update_certificate(
            s.specialist, case, certificate, citizen_view="Borgeren vil gerne arbejde."
        )
    assert refused.value.code == "certificate_too_long"
    assert "40.000 tegn" in refused.value.message and "40.027 tegn" in refused.value.message
    certificate.refresh_from_db()
    assert certificate.citizen_view == ""
    # Shortening one section makes room again.
    certificates.update_certificate(
        s.specialist, case, certificate, health="b" * 19000, citizen_view="Kort."
    )
