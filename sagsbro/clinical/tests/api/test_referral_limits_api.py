"""One limit for the referral's question on the page, in the API and in the service, and
booking a slot for a case the secretariat cannot see answered as not found (404), as
everywhere."""

import pytest
from django.test import Client

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import ConsultationSlot, Referral
from sagsbro.clinical.services.referrals import MAX_QUESTION_LENGTH, QUESTION_TOO_LONG
from sagsbro.clinical.testing import free_slot_for
from sagsbro.clinical.tests.services.test_referrals import refer, screened_team_case
from sagsbro.conftest import api_client, assigned_case
from sagsbro.core.errors import ServiceError


def _api_body(team, question):
    return {
        "origin_case": team.pk,
        "origin_kind": "screening",
        "origin_advice": team.advice.get().pk,
        "question": question,
        "specialty": "reumatologi",
        "documents": [d.pk for d in team.documents.all()],
    }


def _page_body(team, question):
    return {
        "origin_kind": "screening",
        "origin_advice": str(team.advice.get().pk),
        "question": question,
        "specialty": "reumatologi",
        "documents": [str(d.pk) for d in team.documents.all()],
    }


def test_the_question_has_one_limit_on_the_page_in_the_api_and_in_the_service(side_a):
    assert QUESTION_TOO_LONG == "Spørgsmålet til klinisk funktion må højst være 5.000 tegn."
    team = screened_team_case(side_a)
    too_long = "x" * (MAX_QUESTION_LENGTH + 1)
    before = (Case.objects.count(), Referral.objects.count())

    response = api_client(side_a.caseworker).post(
        "/api/v1/referrals/", _api_body(team, too_long), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"question": [QUESTION_TOO_LONG]}

    page = Client()
    page.force_login(side_a.caseworker)
    response = page.post(f"/sager/{team.pk}/klinisk/henvis/", _page_body(team, too_long))
    assert response.status_code == 400
    assert QUESTION_TOO_LONG in response.content.decode()

    with pytest.raises(ServiceError) as refused:
        refer(side_a, team, question=too_long)
    assert (refused.value.code, refused.value.fields) == (
        "too_long",
        {"question": [QUESTION_TOO_LONG]},
    )
    assert (Case.objects.count(), Referral.objects.count()) == before

    # The limit itself is taken, on the page as in the API.
    response = page.post(
        f"/sager/{team.pk}/klinisk/henvis/", _page_body(team, "y" * MAX_QUESTION_LENGTH)
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.question == "y" * MAX_QUESTION_LENGTH
    assert referral.case.question == "y" * MAX_QUESTION_LENGTH


def test_booking_a_case_the_secretariat_cannot_see_is_not_found(side_a, side_b):
    own = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = free_slot_for(own)
    other_region = assigned_case(side_b, Subtype.KLINISK_FUNKTION)
    secretariat = api_client(side_a.secretariat)
    url = f"/api/v1/consultation-slots/{slot.pk}/book/"

    not_found = secretariat.post(url, {"case": other_region.pk}, format="json")
    missing = secretariat.post(url, {"case": other_region.pk + 1000}, format="json")
    for response in (not_found, missing):
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Sagen findes ikke.",
            "code": "not_found",
            "fields": {"case": ["Sagen findes ikke."]},
        }
    # The same answer for another region's case and for none: nothing tells them apart.
    assert not_found.json() == missing.json()
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id is None
    assert Case.objects.get(pk=other_region.pk).state == "assigned"

    # The region's own case is booked through the same call.
    response = secretariat.post(url, {"case": own.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id == own.pk
