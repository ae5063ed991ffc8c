"""Errors of the API as a whole: bodies too deeply nested, unknown URLs under /api/, and
the schema describing the answers each operation really gives."""

import pytest
import yaml
from rest_framework.test import APIClient

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case

DEEP = '{"username": ' + "[" * 100_000 + "]" * 100_000 + ', "password": "x"}'


def test_deep_json_to_the_anonymous_token_endpoint_is_a_400(db):
    response = APIClient().post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "for dybt" in response.json()["detail"]


NOT_FOUND = "Findes ikke, eller du har ikke adgang til den."


def test_an_unknown_and_a_foreign_case_answer_alike_without_a_model_name(side_a, side_b):
    foreign = make_case(side_b, Subtype.LOEBENDE_SAG)
    client = api_client(side_a.caseworker)
    for url in (f"/api/v1/cases/{foreign.pk}/", "/api/v1/cases/999999999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": NOT_FOUND, "code": "not_found"}


def test_an_unknown_url_under_api_answers_json(side_a):
    response = api_client(side_a.caseworker).get("/api/v1/agreements/1.5e-264/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": NOT_FOUND, "code": "not_found"}
    page = api_client(side_a.caseworker).get("/findes-ikke/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.fixture
def schema(db):
    return yaml.safe_load(APIClient().get("/api/schema/").content)


def test_unassigned_people_are_nullable(schema):
    case = schema["components"]["schemas"]["Case"]["properties"]
    for name in ("coordinator", "specialist"):
        assert case[name].get("nullable") is True, name
    assert schema["components"]["schemas"]["Event"]["properties"]["actor"]["nullable"] is True


def test_a_cases_sub_lists_are_plain_lists(schema):
    for sub in ("events", "advice", "notes", "deadlines", "assignable"):
        operation = schema["paths"][f"/api/v1/cases/{{id}}/{sub}/"]["get"]
        assert [p["name"] for p in operation.get("parameters", [])] == ["id"], sub
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert body["type"] == "array", sub


def test_transitions_have_their_own_schema(schema):
    operation = schema["paths"]["/api/v1/cases/{id}/transitions/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Transitions"}
    assert set(schema["components"]["schemas"]["Transitions"]["properties"]) == {
        "transitions",
        "missing",
    }


def test_each_operation_documents_its_error_answers(schema):
    paths = schema["paths"]
    error = {"$ref": "#/components/schemas/Error"}

    def codes(path, method):
        return set(paths[path][method]["responses"])

    # The case list pages by cursor: a filter can be refused (400), no page is past the end.
    assert codes("/api/v1/cases/", "get") >= {"200", "400", "401", "403"}
    assert "404" not in codes("/api/v1/cases/", "get")
    assert codes("/api/v1/cases/{id}/send/", "post") >= {"200", "400", "403", "404", "409"}
    assert codes("/api/v1/documents/", "post") >= {"201", "400", "413", "415"}
    assert codes("/api/v1/calendar/working-days", "get") == {"200", "400"}
    assert codes("/api/v1/auth/token/", "post") >= {"400", "429"}
    response = paths["/api/v1/cases/{id}/"]["get"]["responses"]["404"]
    assert response["content"]["application/json"]["schema"] == error
