"""What a referral (LÆ 271) carries and asks: an earlier LÆ 275 goes along as an earlier
specialist statement, never as the new case's certificate; the form chooses only the prescribed
attachments beforehand; a referral may ask for the further assessments an earlier delivered
certificate of the same citizen described (BEK § 14 stk. 2); "open" means the same in the
intake list and the API filter."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sagsbro.cases.models import Case
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical.models import Certificate, Referral
from sagsbro.clinical.services.referrals import (
    OPEN_REFERRAL_STATES,
    intake_list,
    open_referrals,
)
from sagsbro.clinical.tests.services.test_referrals import refer, screened_team_case
from sagsbro.conftest import api_client, attach
from sagsbro.core.errors import ServiceError
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category


def earlier_lae_275(side, team) -> Document:
    """A certificate from an earlier assessment, among the team case's documents."""
    source = attach(side.caseworker, team, Category.OTHER_HEALTH_INFORMATION)
    return Document.objects.create(
        case=team,
        category=Category.LAE_275,
        title="Speciallægeattest fra 2025",
        filename="lae-275-2025.pdf",
        content_type=source.content_type,
        blob=source.blob,
        document_date=datetime.date(2025, 5, 1),
        author_organisation="Region Hovedstaden",
        uploaded_by=side.caseworker,
    )


def delivered_certificate(side, *, further=True, status=Certificate.Status.DELIVERED):
    """An earlier klinisk-funktion case of the citizen with its certificate."""
    case = refer(side, screened_team_case(side)).case
    return Certificate.objects.create(
        case=case,
        status=status,
        further_assessment_needed=further,
        further_assessment="Neuropsykologisk undersøgelse.",
        author=side.specialist,
        delivered_at=timezone.now() if status == Certificate.Status.DELIVERED else None,
    )


def test_an_earlier_lae_275_goes_along_as_an_earlier_specialist_statement(side_a):
    team = screened_team_case(side_a)
    earlier = earlier_lae_275(side_a, team)
    case = refer(side_a, team).case
    copy = case.documents.get(carried_over_from=earlier)
    assert copy.category == Category.SPECIALIST_CERTIFICATE
    assert (copy.title, copy.document_date, copy.author_organisation) == (
        "Speciallægeattest fra 2025",
        datetime.date(2025, 5, 1),
        "Region Hovedstaden",
    )
    assert copy.blob_id == earlier.blob_id
    # The new case has no certificate until klinisk funktion writes one.
    assert not case.documents.filter(category=Category.LAE_275).exists()


def test_the_form_chooses_only_the_prescribed_attachments_beforehand(side_a):
    team = screened_team_case(side_a)
    earlier = earlier_lae_275(side_a, team)
    other = attach(side_a.caseworker, team, Category.OTHER)
    withdrawn = attach(side_a.caseworker, team, Category.LAE_265)
    Document.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    client = Client()
    client.force_login(side_a.caseworker)
    page = client.get(f"/sager/{team.pk}/klinisk/henvis/")
    assert page.status_code == 200
    form = page.context["form"]
    # The preparatory part and the health information (here LÆ 265 and other health
    # information); not the earlier LÆ 275, the other document or the withdrawn one.
    prescribed = {
        str(d.pk)
        for d in team.documents.filter(
            category__in=[
                Category.FORBEREDENDE_DEL,
                Category.LAE_265,
                Category.OTHER_HEALTH_INFORMATION,
            ],
            withdrawn_at__isnull=True,
        )
    }
    assert len(prescribed) == 3
    assert set(form.fields["documents"].initial) == prescribed
    choices = dict(form.fields["documents"].choices)
    assert str(withdrawn.pk) not in choices
    assert str(other.pk) in choices
    assert "medsendes som speciallægeerklæring" in choices[str(earlier.pk)]


def test_a_referral_asks_for_the_further_assessments_of_a_delivered_certificate(side_a):
    certificate = delivered_certificate(side_a)
    team = screened_team_case(side_a)
    referral = refer(side_a, team, follows_certificate=certificate)
    assert Referral.objects.get(pk=referral.pk).follows_certificate == certificate
    lae_271 = referral.case.documents.get(category=Category.LAE_271)
    with lae_271.blob.file.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(fh).pages)
    assert "Yderligere udredning" in text
    assert certificate.case.reference in text
    # The secretariat sees it in the intake list.
    client = Client()
    client.force_login(side_a.secretariat)
    page = client.get("/klinisk/henvisninger/")
    assert f"Yderligere udredning efter attesten i sag {certificate.case.reference}" in page.text


@pytest.mark.parametrize(
    ("further", "status", "code"),
    [
        (False, Certificate.Status.DELIVERED, "no_further_assessment"),
        (True, Certificate.Status.SIGNED, "certificate_not_delivered"),
    ],
)
def test_only_a_delivered_certificate_describing_further_assessment_counts(
    side_a, further, status, code
):
    certificate = delivered_certificate(side_a, further=further, status=status)
    team = screened_team_case(side_a)
    before = Referral.objects.count()
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, follows_certificate=certificate)
    assert refused.value.code == code
    assert "follows_certificate" in refused.value.fields
    assert Referral.objects.count() == before


def test_another_citizens_certificate_is_not_found(side_a, side_b):
    foreign = delivered_certificate(side_b)
    team = screened_team_case(side_a)
    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, follows_certificate=foreign)
    assert refused.value.code == "not_found"
    # Over the API the same: "not found", the same answer as for an id that does not exist.
    body = {
        "origin_case": team.pk,
        "origin_kind": "screening",
        "origin_advice": team.advice.get().pk,
        "question": "Hvilken funktionsevne har borgeren?",
        "specialty": "neurologi",
        "documents": [d.pk for d in team.documents.all()],
    }
    client = api_client(side_a.caseworker)
    answers = [
        client.post("/api/v1/referrals/", body | {"follows_certificate": pk}, format="json")
        for pk in (foreign.pk, foreign.pk + 1000)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["fields"] == {"follows_certificate": ["Attesten findes ikke."]}
    own = delivered_certificate(side_a)
    response = client.post("/api/v1/referrals/", body | {"follows_certificate": own.pk})
    assert response.status_code == 201, response.json()
    assert response.json()["follows_certificate"] == own.pk
    assert response.json()["follows_certificate_case_reference"] == own.case.reference


def test_open_means_the_same_in_the_intake_list_and_the_api(side_a):
    team = screened_team_case(side_a)
    # A referral's case is sent at once: never a draft (which the region could not see).
    states = [state for state in State if state != State.DRAFT]
    referrals = [refer(side_a, team) for _ in states]
    for referral, state in zip(referrals, states, strict=True):
        Case.objects.filter(pk=referral.case_id).update(state=state)
    expected = {
        r.pk for r, state in zip(referrals, states, strict=True) if state in OPEN_REFERRAL_STATES
    }
    assert {State.SENT, State.ASSIGNED, State.INVITED, State.CONSULTATION_HELD} == set(
        OPEN_REFERRAL_STATES
    )
    assert {r.pk for r in intake_list(side_a.secretariat)} == expected
    assert {r.pk for r in open_referrals(Referral.objects.all())} == expected
    client = api_client(side_a.secretariat)
    listed = client.get("/api/v1/referrals/?open=true&page_size=100").json()["results"]
    assert {row["id"] for row in listed} == expected
    closed = client.get("/api/v1/referrals/?open=false&page_size=100").json()["results"]
    assert {row["id"] for row in closed} == {r.pk for r in referrals} - expected
