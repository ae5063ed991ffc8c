"""The coordinator's structured written answer on the web page: the question first, the
recommendations of BEK § 11, stk. 2 as labelled checkboxes, the required reasons, and the
reminder of § 11, stk. 4 in ongoing cases."""

import re

import pytest
from django.test import Client

from sagsbro.cases.rules.advice import RECOMMENDATION_LABELS
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case

REMINDER = (
    "Sundhedskoordinatoren rådgiver ikke om, hvilken forsørgelsesydelse borgeren har ret til "
    "(BEK § 11, stk. 4)."
)


def coordinator_client(side):
    client = Client()
    client.force_login(side.coordinator)
    return client


def answer_url(case):
    return f"/sager/{case.pk}/handling/answer/"


def test_the_question_comes_first_then_the_checkboxes_then_the_text(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    response = coordinator_client(side_a).get(answer_url(case))
    html = response.content.decode()
    assert response.status_code == 200

    question = html.index("Kan borgeren fortsætte i ressourceforløbet?")
    fieldset = html.index("<legend")
    textarea = html.index('<textarea class="form-input input-width-xl" id="id_text"')
    assert html.index("<h1>Afgiv skriftligt svar</h1>") < question < fieldset < textarea
    assert '<h2 id="question-heading" class="h3">Kommunens spørgsmål</h2>' in html
    # The question is shown, never an input.
    assert 'name="question"' not in html


def test_every_recommendation_is_a_labelled_checkbox_in_a_fieldset(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    html = coordinator_client(side_a).get(answer_url(case)).content.decode()
    assert '<legend class="form-label">Anbefalinger (BEK § 11, stk. 2)' in html
    assert "Vælg de anbefalinger, der gælder. Du kan vælge flere eller ingen." in html
    for index, (value, label) in enumerate(RECOMMENDATION_LABELS.items()):
        assert (
            f'<input type="checkbox" id="id_recommendations_{index}" name="recommendations" '
            f'value="{value}" class="form-checkbox">'
        ) in html
        assert f'<label class="form-label" for="id_recommendations_{index}">{label}</label>' in html
    assert '<label class="form-label" for="id_text">Begrundelse og rådgivning</label>' in html
    assert re.search(r'<textarea[^>]*id="id_text"[^>]*required', html)
    assert '<button type="submit" class="button button-primary">Afgiv skriftligt svar</button>' in (
        html
    )
    assert ">Fortryd</a>" in html
    # Nothing about benefits can be entered (BEK § 11, stk. 4).
    assert "ydelse" not in " ".join(re.findall(r'name="([^"]+)"', html))


@pytest.mark.parametrize(
    ("subtype", "reminded"),
    [
        (Subtype.LOEBENDE_SAG, True),
        (Subtype.JOBAFKLARING_4AAR, True),
        (Subtype.SENIORPENSION, False),
        (Subtype.AABENBAR_FOERTIDSPENSION, False),
        (Subtype.RET_TIL_SUNDHEDSKOORDINATOR, False),
    ],
)
def test_the_benefit_reminder_is_shown_in_ongoing_cases(side_a, subtype, reminded):
    case = assigned_case(side_a, subtype)
    html = coordinator_client(side_a).get(answer_url(case)).content.decode()
    assert (REMINDER in html) is reminded


def test_ret_til_sundhedskoordinator_shows_the_offer_and_the_citizens_description(side_a):
    case = assigned_case(side_a, Subtype.RET_TIL_SUNDHEDSKOORDINATOR)
    html = coordinator_client(side_a).get(answer_url(case)).content.decode()
    assert "Kommunen har ikke skrevet et spørgsmål i sagen." in html
    assert "Praktik i butik, 20 timer om ugen" in html
    assert "Kan ikke stå op i længere tid" in html


def test_missing_reasons_give_a_danish_error_linked_to_the_field(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    response = coordinator_client(side_a).post(
        answer_url(case), {"text": "  ", "recommendations": ["continue_plan"]}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Handlingen blev ikke udført" in html
    assert '<a class="function-link" href="#id_text">Skriv begrundelse og rådgivning.</a>' in html
    assert 'aria-invalid="true"' in html
    # The chosen recommendation stays chosen.
    assert 'value="continue_plan" class="form-checkbox" checked' in html
    case.refresh_from_db()
    assert case.state == "assigned"


def test_an_unknown_recommendation_gives_a_danish_error(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    response = coordinator_client(side_a).post(
        answer_url(case), {"text": "Svar", "recommendations": ["recommended_benefit"]}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "»recommended_benefit« er ikke en af anbefalingerne. Vælg blandt listen." in html
    assert 'href="#id_recommendations_0"' in html


def test_the_answer_is_saved_with_the_chosen_recommendations(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    response = coordinator_client(side_a).post(
        answer_url(case),
        {"text": "Kan fortsætte.", "recommendations": ["continue_plan", "gp_visit"]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "answered"
    advice = case.advice.get()
    assert advice.text == "Kan fortsætte."
    assert advice.recommendations == ["continue_plan", "gp_visit"]
