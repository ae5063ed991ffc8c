"""The referral (LÆ 271, BEK § 13): made from a team case's screening recommendation or a
løbende sag's written advice, with the prescribed attachments, sent at once; refused as a whole
when something is missing; the secretariat's intake list; the same-person rule (§ 13 stk. 3)
when the specialist is the originating case's coordinator."""

import datetime
from typing import Any

import pytest
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Advice, Case
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical.models import Referral, Specialty
from sagsbro.clinical.services.referrals import create_referral, intake_list
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


def screened_team_case(side):
    team = assigned_case(side, Subtype.REHABILITERINGSTEAM)
    meeting_services.record_screening(
        side.coordinator,
        team,
        text="Ikke tilstrækkeligt belyst; anbefaler speciallægeattest.",
        medically_clarified=False,
        treatment_exhausted=False,
    )
    return team


def refer(side, team, **overrides):
    advice = Advice.objects.get(case=team, kind=Advice.Kind.SCREENING)
    arguments: dict[str, Any] = {
        "origin_kind": "screening",
        "origin_advice": advice,
        "question": "Hvilken funktionsevne har borgeren i forhold til arbejde?",
        "specialty": Specialty.objects.get(code="reumatologi"),
        "documents": list(team.documents.all()),
    } | overrides
    return create_referral(side.caseworker, team, **arguments)


def counts():
    return (Case.objects.count(), Referral.objects.count(), Document.objects.count())


def test_the_specialties_are_seeded(db):
    codes = set(Specialty.objects.values_list("code", flat=True))
    assert {"arbejdsmedicin", "psykiatri", "reumatologi", "neurologi", "psykologi"} <= codes


def test_a_referral_from_a_screening_recommendation_is_sent_with_its_attachments(side_a):
    team = screened_team_case(side_a)
    referral = refer(side_a, team)

    case = referral.case
    assert case.subtype == Subtype.KLINISK_FUNKTION
    assert case.state == State.SENT
    assert case.parent == team
    assert referral.received_at == case.received_at is not None
    assert referral.origin_advice.kind == Advice.Kind.SCREENING
    # The chosen attachments went along (the same bytes), and the LÆ 271 itself as a PDF.
    carried = case.documents.filter(carried_over_from__isnull=False)
    assert sorted(carried.values_list("category", flat=True)) == ["forberedende_del", "lae_265"]
    assert {d.blob_id for d in carried} == {d.blob_id for d in team.documents.all()}
    lae_271 = case.documents.get(category=Category.LAE_271)
    with lae_271.blob.file.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(fh).pages)
    assert "LÆ 271" in text
    assert "Hvilken funktionsevne har borgeren" in text
    assert "Ikke tilstrækkeligt belyst" in text  # the recommendation, linked and printed
    assert side_a.citizen.cpr not in text
    # The originating case shows it in its history; the audit log has the referral.
    assert team.events.filter(kind="referral_made").exists()
    assert AuditEntry.objects.filter(object_type="referral", object_id=str(referral.pk)).exists()


def test_missing_prescribed_attachments_refuse_the_referral_and_change_nothing(side_a):
    team = screened_team_case(side_a)
    before = counts()
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, documents=[])
    assert refused.value.code == "referral_incomplete"
    assert str(refused.value.message) == (
        "Henvisningen kan ikke sendes, fordi der mangler: Rehabiliteringsplanens forberedende "
        "del; Relevante helbredsoplysninger (fx LÆ 265 eller nye helbredsoplysninger)."
    )
    assert [m["key"] for m in refused.value.missing] == [
        "attachment:forberedende_del",
        "attachment:health_information",
    ]
    assert counts() == before


def test_a_referral_needs_the_recommendation_it_rests_on(side_a):
    team = screened_team_case(side_a)
    before = counts()
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, origin_advice=None)
    assert refused.value.code == "advice_required"
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, origin_kind="written_advice")
    assert refused.value.code == "advice_kind_mismatch"
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, origin_kind="meeting_advice", origin_advice=None)
    assert refused.value.code == "invalid_origin_kind"  # the meeting is not held yet
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, question="  ")
    assert refused.value.code == "required"
    assert counts() == before


def test_only_the_owning_municipality_refers(side_a, side_b):
    team = screened_team_case(side_a)
    with pytest.raises(ServiceError) as refused:
        refer(side_b, team)
    assert refused.value.code == "not_found"
    with pytest.raises(PermissionRefused):
        create_referral(
            side_a.secretariat,
            team,
            origin_kind="screening",
            origin_advice=team.advice.get(),
            question="Spørgsmål",
            specialty=Specialty.objects.first(),
            documents=list(team.documents.all()),
        )


def test_the_intake_list_is_the_regions_secretariats(side_a, side_b):
    referral = refer(side_a, screened_team_case(side_a))
    assert list(intake_list(side_a.secretariat)) == [referral]
    assert list(intake_list(side_b.secretariat)) == []
    assert list(intake_list(side_a.caseworker)) == []


def test_the_coordinator_assesses_only_with_the_citizens_agreement(side_a):
    """BEK § 13 stk. 3: the same doctor (one authorisation, two accounts) as the originating
    case's coordinator may be the specialist only when the citizen agrees."""
    team = screened_team_case(side_a)
    case = refer(side_a, team).case
    both = User.objects.create_user(
        username="a_coordinator_as_specialist",
        role=Role.CLINICAL_SPECIALIST,
        region=side_a.region,
        authorisation_id=side_a.coordinator.authorisation_id,
    )
    with pytest.raises(ServiceError) as refused:
        case_services.assign_specialist(side_a.secretariat, case, both)
    assert refused.value.code == "same_person_without_consent"
    assert Case.objects.get(pk=case.pk).state == State.SENT

    case_services.register_consent(
        side_a.caseworker,
        side_a.citizen,
        scope=ConsentScope.SAME_PERSON_ASSESSMENT,
        given_on=datetime.date.today(),
        written=True,
        case=case,
    )
    case = case_services.assign_specialist(side_a.secretariat, case, both)
    assert case.specialist == both
