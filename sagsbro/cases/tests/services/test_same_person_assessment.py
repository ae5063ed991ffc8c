"""BEK § 13 stk. 3: the assessment in klinisk funktion may be done by "the same person who has
been health coordinator in the citizen's case" only if the citizen agrees. The person is the
current coordinator of the case the referral came from, an earlier one (moved away), or the
author of the advice the referral rests on; the agreement is the citizen's for this
klinisk-funktion case, registered on it and in force today."""

import datetime

import pytest
from django.test import Client

from sagsbro.cases import services as case_services
from sagsbro.cases.models import Advice, Case, Consent
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical.models import Specialty
from sagsbro.clinical.services.referrals import create_referral
from sagsbro.conftest import assigned_case, sent_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

REFUSED = "same_person_without_consent"
SAME_PERSON_LABEL = (
    "Sundhedskoordinatoren må også foretage vurderingen i klinisk funktion (gælder denne sag)"
)


def specialist_account_of(side, doctor: User, name: str) -> User:
    """The doctor's account in klinisk funktion: another account, the same authorisation."""
    return User.objects.create_user(
        username=name,
        role=Role.CLINICAL_SPECIALIST,
        region=side.region,
        authorisation_id=doctor.authorisation_id,
    )


def screen(side, team, author):
    meeting_services.record_screening(
        author,
        team,
        text="Ikke tilstrækkeligt belyst; anbefaler speciallægeattest.",
        medically_clarified=False,
        treatment_exhausted=False,
    )
    return Advice.objects.get(case=team, kind=Advice.Kind.SCREENING)


def refer(side, team, advice) -> Case:
    return create_referral(
        side.caseworker,
        team,
        origin_kind="screening",
        origin_advice=advice,
        question="Hvilken funktionsevne har borgeren i forhold til arbejde?",
        specialty=Specialty.objects.get(code="reumatologi"),
        documents=list(team.documents.all()),
    ).case


def agree(side, case, *, on=None, user=None) -> Consent:
    return case_services.register_consent(
        user or side.caseworker,
        side.citizen,
        scope=ConsentScope.SAME_PERSON_ASSESSMENT,
        given_on=on or datetime.date.today(),
        written=True,
        case=case,
    )


def refused_for(side, case, person):
    with pytest.raises(ServiceError) as refused:
        case_services.assign_specialist(side.secretariat, case, person)
    assert refused.value.code == REFUSED
    assert "på denne sag" in refused.value.message
    assert Case.objects.get(pk=case.pk).state == State.SENT


def test_the_current_coordinator_needs_the_agreement_on_this_case(side_a):
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    case = refer(side_a, team, screen(side_a, team, side_a.coordinator))
    same = specialist_account_of(side_a, side_a.coordinator, "a_coord_kf")
    refused_for(side_a, case, same)
    with pytest.raises(ServiceError):
        case_services.require_may_advise(case, same, Role.CLINICAL_SPECIALIST)
    # Another specialist needs no agreement.
    case_services.require_may_advise(case, side_a.specialist, Role.CLINICAL_SPECIALIST)

    agree(side_a, case)
    case_services.require_may_advise(case, same, Role.CLINICAL_SPECIALIST)
    assert case_services.assign_specialist(side_a.secretariat, case, same).specialist == same


def test_an_earlier_coordinator_moved_away_needs_the_agreement(side_a):
    """The first coordinator was moved off the team case before it was screened: they have
    still been coordinator in the citizen's case."""
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    team = case_services.reassign_coordinator(side_a.secretariat, team, side_a.coordinator_2)
    case = refer(side_a, team, screen(side_a, team, side_a.coordinator_2))
    assert case.parent is not None
    assert case.parent.coordinator == side_a.coordinator_2
    refused_for(side_a, case, specialist_account_of(side_a, side_a.coordinator, "a_first_kf"))
    refused_for(side_a, case, specialist_account_of(side_a, side_a.coordinator_2, "a_now_kf"))


def test_the_author_of_the_advice_the_referral_rests_on_needs_the_agreement(side_a):
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    screen(side_a, team, side_a.coordinator)
    # A coordinator who was never assigned the case wrote the advice the referral rests on.
    author = User.objects.create_user(
        username="a_advisor",
        role=Role.COORDINATOR,
        region=side_a.region,
        authorisation_id="A-ADVISOR",
    )
    advice = Advice.objects.create(
        case=team, author=author, kind=Advice.Kind.SCREENING, text="Anbefaler speciallæge."
    )
    case = refer(side_a, team, advice)
    refused_for(side_a, case, specialist_account_of(side_a, author, "a_advisor_kf"))


def test_an_agreement_on_another_case_or_a_general_one_does_not_count(side_a):
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    advice = screen(side_a, team, side_a.coordinator)
    first = refer(side_a, team, advice)
    second = refer(side_a, team, advice)
    same = specialist_account_of(side_a, side_a.coordinator, "a_coord_kf")
    agree(side_a, first)
    # An agreement registered for the citizen in general (as before the rule tied it to the
    # case) does not count either.
    Consent.objects.create(
        citizen=side_a.citizen,
        scope=ConsentScope.SAME_PERSON_ASSESSMENT,
        given_on=datetime.date.today(),
        registered_by=side_a.caseworker,
    )
    refused_for(side_a, second, same)
    assert case_services.assign_specialist(side_a.secretariat, first, same).specialist == same


def test_a_withdrawn_or_refused_agreement_does_not_count(side_a):
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    case = refer(side_a, team, screen(side_a, team, side_a.coordinator))
    same = specialist_account_of(side_a, side_a.coordinator, "a_coord_kf")
    consent = agree(side_a, case, on=datetime.date.today() - datetime.timedelta(days=3))
    case_services.withdraw_consent(side_a.caseworker, consent)
    refused_for(side_a, case, same)
    case_services.register_consent(
        side_a.caseworker,
        side_a.citizen,
        scope=ConsentScope.SAME_PERSON_ASSESSMENT,
        given_on=datetime.date.today(),
        refused=True,
        case=case,
    )
    refused_for(side_a, case, same)


def test_the_agreement_is_registered_on_a_klinisk_funktion_case(side_a, side_b):
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    case = refer(side_a, team, screen(side_a, team, side_a.coordinator))
    with pytest.raises(ServiceError) as refused:
        agree(side_a, None)
    assert refused.value.code == "case_required"
    assert "case" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        agree(side_a, team)
    assert refused.value.code == "invalid_case"
    # The other scopes are the citizen's in general, never one case's.
    with pytest.raises(ServiceError) as refused:
        case_services.register_consent(
            side_a.caseworker,
            side_a.citizen,
            scope=ConsentScope.CONTACT_GP,
            given_on=datetime.date.today(),
            case=case,
        )
    assert refused.value.code == "case_not_allowed"
    # The region's secretariat records the citizen's agreement on the case it received, and
    # nothing else; another region's secretariat does not know the case.
    consent = agree(side_a, case, user=side_a.secretariat)
    assert consent.case == case
    assert case.events.filter(kind="consent_registered").exists()
    assert not team.events.filter(kind="consent_registered").exists()
    with pytest.raises(PermissionRefused):
        case_services.register_consent(
            side_a.secretariat,
            side_a.citizen,
            scope=ConsentScope.CONTACT_GP,
            given_on=datetime.date.today(),
        )
    with pytest.raises(ServiceError) as refused:
        agree(side_a, case, user=side_b.secretariat)
    assert refused.value.code == "not_found"


def test_the_agreement_is_recorded_on_the_klinisk_funktion_case_page(side_a):
    """The secretariat, refused the assignment, records the citizen's agreement under
    Samtykke on the klinisk-funktion case; the team case's page offers no such scope."""
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    case = refer(side_a, team, screen(side_a, team, side_a.coordinator))
    same = specialist_account_of(side_a, side_a.coordinator, "a_coord_kf")
    secretariat = Client()
    secretariat.force_login(side_a.secretariat)
    page = secretariat.get(f"/sager/{case.pk}/")
    assert page.status_code == 200
    scopes = [value for value, _ in page.context["consent_form"].fields["scope"].choices if value]
    assert scopes == [ConsentScope.SAME_PERSON_ASSESSMENT]
    today = datetime.date.today()
    response = secretariat.post(
        f"/sager/{case.pk}/samtykke/ny/",
        {
            "scope": str(ConsentScope.SAME_PERSON_ASSESSMENT),
            "given_on": f"{today:%d-%m-%Y}",
            "tilbage": "overblik",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Consent.objects.get(case=case).scope == ConsentScope.SAME_PERSON_ASSESSMENT
    assert case_services.assign_specialist(side_a.secretariat, case, same).specialist == same

    caseworker = Client()
    caseworker.force_login(side_a.caseworker)
    page = caseworker.get(f"/sager/{team.pk}/")
    offered = [value for value, _ in page.context["consent_form"].fields["scope"].choices]
    assert str(ConsentScope.SAME_PERSON_ASSESSMENT) not in offered
    assert str(ConsentScope.CONTACT_GP) in offered


def test_a_coordinator_of_an_earlier_case_the_origin_continues_needs_the_agreement(side_a):
    """A genforelæggelse continues the first team case (its parent): the first case's
    coordinator has been coordinator in the citizen's case too."""
    first = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    assert first.coordinator == side_a.coordinator
    again = sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    again = case_services.assign_coordinator(side_a.secretariat, again, side_a.coordinator_2)
    Case.objects.filter(pk=again.pk).update(parent=first)
    again.refresh_from_db()
    case = refer(side_a, again, screen(side_a, again, side_a.coordinator_2))
    refused_for(side_a, case, specialist_account_of(side_a, side_a.coordinator, "a_first_kf2"))
    # Someone who was never coordinator in either case needs no agreement.
    case_services.require_may_advise(case, side_a.specialist, Role.CLINICAL_SPECIALIST)


def test_the_agreement_is_read_only_by_those_who_see_its_case(side_a):
    """The consent API lists an agreement given for one klinisk-funktion case only to users
    who may see that case: the team case's coordinator, who sees the citizen through the team
    case, does not learn of the other case; the caseworker and the case's secretariat do, and
    the read is audited with the case."""
    from sagsbro.audit.models import AuditEntry
    from sagsbro.conftest import api_client

    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    clinical = refer(side_a, team, screen(side_a, team, side_a.coordinator))
    agreement = agree(side_a, clinical)
    assert not Case.objects.visible_to(side_a.coordinator).filter(pk=clinical.pk).exists()

    def listed(user):
        response = api_client(user).get("/api/v1/consents/")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert agreement.pk not in listed(side_a.coordinator)
    assert api_client(side_a.coordinator).get(f"/api/v1/consents/{agreement.pk}/").status_code == (
        404
    )
    assert agreement.pk in listed(side_a.caseworker)
    assert agreement.pk in listed(side_a.secretariat)
    read = AuditEntry.objects.filter(
        object_type="consent", object_id=str(agreement.pk), action=AuditEntry.Action.LIST
    ).first()
    assert read is not None and read.case_id == clinical.pk


def test_a_refusal_then_an_agreement_the_same_day_lets_the_same_person_assess(side_a):
    """The citizen said no, then yes, the same day: the yes is the answer, for the rule and
    on the case page's consent list; a later no again overrides it."""
    from sagsbro.cases.web.create_flow import consent_rows

    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    case = refer(side_a, team, screen(side_a, team, side_a.coordinator))
    same = specialist_account_of(side_a, side_a.coordinator, "a_coord_kf")
    today = datetime.date.today()

    def answer(refused):
        return case_services.register_consent(
            side_a.caseworker,
            side_a.citizen,
            scope=ConsentScope.SAME_PERSON_ASSESSMENT,
            given_on=today,
            written=True,
            refused=refused,
            case=case,
        )

    no = answer(refused=True)
    refused_for(side_a, case, same)
    yes = answer(refused=False)
    case_services.require_may_advise(case, same, Role.CLINICAL_SPECIALIST)
    statuses = {
        row.consent.pk: (row.status, row.valid) for row in consent_rows(side_a.citizen, case=case)
    }
    assert statuses[yes.pk] == ("Gældende", True)
    assert statuses[no.pk][0].endswith("afløst af et senere samtykke")

    # The page's buttons to withdraw them are told apart by what they are.
    page = Client()
    page.force_login(side_a.caseworker)
    text = page.get(f"/sager/{case.pk}/").content.decode()
    assert f"afslag: {SAME_PERSON_LABEL}, afslået {today:%d.%m.%Y}, registreret" in text
    assert f"samtykke: {SAME_PERSON_LABEL}, givet {today:%d.%m.%Y}, registreret" in text

    again = answer(refused=True)
    refused_for(side_a, case, same)
    statuses = {
        row.consent.pk: (row.status, row.valid) for row in consent_rows(side_a.citizen, case=case)
    }
    assert statuses[yes.pk] == ("Gælder ikke: borgeren har senere sagt nej", False)
    assert not statuses[again.pk][0].endswith("afløst af et senere samtykke")
