"""The written answer (BEK § 11 stk. 2, 4 and 6): contradictory recommendations are refused;
wording that names a benefit decision is warned about and must be confirmed; the answer can
be saved as a draft and previewed before it is given."""

import pytest
from django_tasks_db.models import DBTaskResult

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Advice, AnswerDraft, Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case
from sagsbro.core.errors import ConfirmationRequired, ServiceError

API = "/api/v1"
BENEFIT_TEXT = "Borgeren kan ikke arbejde. Borgeren bør tilkendes førtidspension."
CONTRADICTION = ["resume_work_fully", "still_unfit"]


def _state(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        Advice.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
        DBTaskResult.objects.count(),
        list(case.deadlines.values_list("kind", "fulfilled_on").order_by("kind")),
    )


# --- contradictions ---------------------------------------------------------------------------


def test_contradictory_recommendations_are_refused(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    before = _state(case)
    with pytest.raises(ServiceError) as refused:
        services.answer_in_writing(
            side_a.coordinator, case, text="Svar.", recommendations=CONTRADICTION
        )
    assert refused.value.code == "contradictory_recommendations"
    assert "»Borgeren kan genoptage arbejdet helt«" in refused.value.message
    assert "»Borgeren er fortsat uarbejdsdygtig på grund af egen sygdom«" in refused.value.message
    assert "recommendations" in refused.value.fields
    assert _state(case) == before


def test_api_answers_400_on_contradictions(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    response = api_client(side_a.coordinator).post(
        f"{API}/cases/{case.pk}/answer/",
        {"text": "Svar.", "recommendations": CONTRADICTION},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "contradictory_recommendations"
    assert "modsiger hinanden" in body["detail"]
    assert Case.objects.get(pk=case.pk).state == "assigned"


# --- benefit wording --------------------------------------------------------------------------


def test_benefit_wording_needs_confirmation(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    before = _state(case)
    with pytest.raises(ConfirmationRequired) as warned:
        services.answer_in_writing(side_a.coordinator, case, text=BENEFIT_TEXT, recommendations=[])
    assert warned.value.code == "benefit_wording"
    assert "»bør tilkendes førtidspension«" in warned.value.message
    assert _state(case) == before
    services.answer_in_writing(
        side_a.coordinator, case, text=BENEFIT_TEXT, recommendations=[], confirm_wording=True
    )
    case.refresh_from_db()
    assert case.state == "answered"
    answered = case.events.get(kind="answer")
    assert answered.data == {"benefit_wording_confirmed": ["bør tilkendes førtidspension"]}


def test_api_warns_with_a_structured_body_and_takes_the_confirmation(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = api_client(side_a.coordinator)
    url = f"{API}/cases/{case.pk}/answer/"
    response = client.post(url, {"text": BENEFIT_TEXT}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "benefit_wording"
    assert body["confirm_field"] == "confirm_wording"
    assert body["warning"]["phrases"] == ["bør tilkendes førtidspension"]
    assert Case.objects.get(pk=case.pk).state == "assigned"
    response = client.post(url, {"text": BENEFIT_TEXT, "confirm_wording": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "answered"


def test_plain_advice_is_given_without_a_warning(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    services.answer_in_writing(
        side_a.coordinator,
        case,
        text="Borgeren kan fortsætte i ressourceforløbet.",
        recommendations=["continue_plan"],
    )
    assert Case.objects.get(pk=case.pk).state == "answered"


# --- drafts -----------------------------------------------------------------------------------


def test_a_draft_changes_nothing_the_municipality_sees(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    before = _state(case)
    draft = services.save_answer_draft(
        side_a.coordinator, case, text="Første udkast.", recommendations=["continue_plan"]
    )
    assert _state(case) == before
    assert (
        AuditEntry.objects.filter(case_id=case.pk, user=side_a.coordinator)
        .filter(action=AuditEntry.Action.CREATE)
        .exists()
    )
    # Editable: saved again, still one draft.
    services.save_answer_draft(
        side_a.coordinator, case, text="Andet udkast.", recommendations=["gp_visit"]
    )
    draft = AnswerDraft.objects.get(case=case)
    assert (draft.text, draft.recommendations) == ("Andet udkast.", ["gp_visit"])
    # The municipality reads nothing of it.
    advice = api_client(side_a.caseworker).get(f"{API}/cases/{case.pk}/advice/").json()
    assert advice == []
    assert api_client(side_a.caseworker).get(
        f"{API}/cases/{case.pk}/answer-draft/"
    ).status_code == (404)
    assert "Andet udkast." not in (
        api_client(side_a.caseworker).get(f"{API}/cases/{case.pk}/events/").content.decode()
    )
    # Giving the answer replaces the draft.
    services.answer_in_writing(
        side_a.coordinator, case, text="Endeligt svar.", recommendations=["gp_visit"]
    )
    assert not AnswerDraft.objects.filter(case=case).exists()
    assert Advice.objects.get(case=case).text == "Endeligt svar."


def test_draft_with_contradictions_is_refused_too(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    with pytest.raises(ServiceError) as refused:
        services.save_answer_draft(
            side_a.coordinator, case, text="Udkast.", recommendations=CONTRADICTION
        )
    assert refused.value.code == "contradictory_recommendations"
    assert not AnswerDraft.objects.filter(case=case).exists()


def test_draft_through_the_api(side_a):
    case = assigned_case(side_a, Subtype.SENIORPENSION)
    client = api_client(side_a.coordinator)
    url = f"{API}/cases/{case.pk}/answer-draft/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"text": "Udkast.", "recommendations": []}, format="json")
    assert response.status_code == 200, response.json()
    assert client.get(url).json()["text"] == "Udkast."
    assert Case.objects.get(pk=case.pk).state == "assigned"
    # Only the assigned coordinator drafts.
    other = api_client(side_a.coordinator_2).post(url, {"text": "X"}, format="json")
    assert other.status_code == 404


# --- the pages --------------------------------------------------------------------------------


def _answer_page(client, case, data):
    return client.post(f"/sager/{case.pk}/handling/answer/", data)


def test_page_saves_a_draft_previews_it_and_gives_it(side_a, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client.force_login(side_a.coordinator)
    before = _state(case)
    response = _answer_page(
        client,
        case,
        {
            "text": "Borgeren kan fortsætte.",
            "recommendations": ["continue_plan"],
            "intent": "draft",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/handling/answer/"
    assert _state(case) == before
    # The form comes back filled from the draft.
    html = client.get(f"/sager/{case.pk}/handling/answer/").content.decode()
    assert "Borgeren kan fortsætte.</textarea>" in html
    assert 'id="draft-notice"' in html
    # Edit and preview.
    response = _answer_page(
        client,
        case,
        {
            "text": "Borgeren kan fortsætte i planen.",
            "recommendations": ["continue_plan"],
            "intent": "preview",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/svar/udkast/"
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    # The same content as the PDF: its heading, facts, question, recommendations and text.
    assert "Sundhedskoordinators skriftlige svar" in html
    assert case.reference in html
    assert "Kommunens spørgsmål" in html
    assert "Kan borgeren fortsætte i ressourceforløbet?" in html
    assert "Borgeren kan fortsætte i ressourceforløb, fleksjob eller jobafklaringsforløb" in html
    assert "Borgeren kan fortsætte i planen." in html
    assert side_a.citizen.cpr not in html
    assert _state(case) == before
    # The municipality cannot open the preview.
    client.force_login(side_a.caseworker)
    assert client.get(f"/sager/{case.pk}/svar/udkast/").status_code == 404
    client.force_login(side_a.coordinator)
    # "Afgiv svar" from the preview gives the draft.
    response = _answer_page(client, case, {"intent": "from_draft"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "answered"
    assert Advice.objects.get(case=case).text == "Borgeren kan fortsætte i planen."
    assert not AnswerDraft.objects.filter(case=case).exists()


def test_page_warns_quoting_the_phrase_and_gives_the_answer_when_confirmed(side_a, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client.force_login(side_a.coordinator)
    data = {"text": "Borgeren bør have fleksjob.", "recommendations": []}
    response = _answer_page(client, case, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="benefit-warning"' in html
    assert "»bør have fleksjob«" in html
    assert 'name="confirm_wording"' in html
    assert "Borgeren bør have fleksjob.</textarea>" in html
    assert Case.objects.get(pk=case.pk).state == "assigned"
    response = _answer_page(client, case, {**data, "confirm_wording": "1"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "answered"


def test_page_refuses_contradictions_naming_both(side_a, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client.force_login(side_a.coordinator)
    response = _answer_page(client, case, {"text": "Svar.", "recommendations": CONTRADICTION})
    assert response.status_code == 400
    html = response.content.decode()
    assert "modsiger hinanden" in html
    assert "Borgeren kan genoptage arbejdet helt" in html
    assert Case.objects.get(pk=case.pk).state == "assigned"


def test_preview_warns_about_benefit_wording_and_needs_the_confirmation(side_a, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    services.save_answer_draft(side_a.coordinator, case, text=BENEFIT_TEXT, recommendations=[])
    client.force_login(side_a.coordinator)
    html = client.get(f"/sager/{case.pk}/svar/udkast/").content.decode()
    assert "»bør tilkendes førtidspension«" in html
    response = _answer_page(client, case, {"intent": "from_draft"})
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == "assigned"
    response = _answer_page(client, case, {"intent": "from_draft", "confirm_wording": "1"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "answered"
