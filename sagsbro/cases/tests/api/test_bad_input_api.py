"""Bad input gets a 400 with field-level Danish messages and writes nothing."""

import pytest

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case
from sagsbro.documents.models import Document
from sagsbro.organisations.models import Citizen


def counts():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Citizen.objects.count(),
        Document.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    ("cpr", "message"),
    [
        ("12345", "CPR-nummeret skal have formen DDMMÅÅ-XXXX."),
        ("0101801234x", "CPR-nummeret skal have formen DDMMÅÅ-XXXX."),
        ("320180-1234", "CPR-nummeret indeholder ikke en gyldig fødselsdato."),
        ("290201-1234", "CPR-nummeret indeholder ikke en gyldig fødselsdato."),
    ],
)
def test_malformed_cpr(side_a, cpr, message):
    before = counts()
    response = api_client(side_a.caseworker).post(
        "/api/v1/citizens/", {"cpr": cpr, "name": "Ny Borger"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["cpr"] == [message]
    assert cpr not in response.content.decode()
    assert counts() == before


def test_valid_cpr_creates_citizen_with_birth_date(side_a):
    response = api_client(side_a.caseworker).post(
        "/api/v1/citizens/", {"cpr": "290200-4321", "name": "Ny Borger"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["birth_date"] == "2000-02-29"
    assert Citizen.objects.get(pk=response.json()["id"]).cpr == "2902004321"


def test_unknown_subtype(side_a):
    before = counts()
    response = api_client(side_a.caseworker).post(
        "/api/v1/cases/", {"subtype": "hastesag", "citizen": side_a.citizen.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"subtype": ["Ukendt undertype: »hastesag«."]}
    assert counts() == before


def test_missing_subtype_and_citizen(side_a):
    response = api_client(side_a.caseworker).post("/api/v1/cases/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"subtype": ["Angiv undertype."], "citizen": ["Angiv borgeren."]}


@pytest.mark.parametrize("value", ["10-03-2027", "2027-13-01", "i morgen", "2027/03/10"])
def test_dates_in_the_wrong_format(side_a, value):
    before = counts()
    response = api_client(side_a.caseworker).post(
        "/api/v1/cases/",
        {"subtype": "rehabiliteringsteam", "citizen": side_a.citizen.pk, "meeting_date": value},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"meeting_date": ["Datoen skal skrives som ÅÅÅÅ-MM-DD."]}
    assert counts() == before


def test_transition_the_state_does_not_allow(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    before = counts()
    response = api_client(side_a.caseworker).post(f"/api/v1/cases/{case.pk}/close/", {})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Handlingen »Afslut sagen (svar modtaget)« kan ikke udføres, når sagen har "
        "status »Kladde«.",
        "code": "invalid_state",
    }
    case.refresh_from_db()
    assert case.state == "draft"
    assert counts() == before


def test_transition_of_another_subtype(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    response = api_client(side_a.caseworker).post(f"/api/v1/cases/{case.pk}/hold-meeting/", {})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_transition"


@pytest.mark.parametrize("subtype", list(Subtype))
def test_sending_with_missing_information_lists_what_is_missing(side_a, subtype):
    case = make_case(side_a, subtype, complete=False)
    before = counts()
    response = api_client(side_a.caseworker).post(f"/api/v1/cases/{case.pk}/send/", {})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete"
    assert body["detail"].startswith("Sagen kan ikke sendes, fordi der mangler: ")
    assert body["missing"], body
    assert all(item["label"] for item in body["missing"])
    case.refresh_from_db()
    assert case.state == "draft"
    assert case.received_at is None
    assert counts() == before


def test_missing_reason_on_return(side_a):
    from sagsbro.conftest import sent_case

    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    before = counts()
    response = api_client(side_a.secretariat).post(
        f"/api/v1/cases/{case.pk}/return-for-information/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Angiv en begrundelse."]}
    assert counts() == before


def test_document_with_unknown_category_and_no_file(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = counts()
    response = api_client(side_a.caseworker).post(
        "/api/v1/documents/", {"case": case.pk, "category": "hemmelig"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "category": ["Ukendt dokumentkategori: »hemmelig«."],
        "file": ["Vedhæft en fil."],
    }
    assert counts() == before


def test_upload_of_forbidden_file_type(side_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = counts()
    response = api_client(side_a.caseworker).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": "other",
            "file": SimpleUploadedFile("x.exe", b"MZ...", content_type="application/x-msdownload"),
        },
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"file": ["Filen er et program og kan ikke vedhæftes."]}
    assert counts() == before


def test_unknown_recommendation_in_written_answer(side_a):
    from sagsbro.conftest import assigned_case

    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    before = counts()
    response = api_client(side_a.coordinator).post(
        f"/api/v1/cases/{case.pk}/answer/",
        {"text": "Svar", "recommendations": ["foertidspension"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"recommendations": {"0": ["Ukendt anbefaling: »foertidspension«."]}}
    assert counts() == before
