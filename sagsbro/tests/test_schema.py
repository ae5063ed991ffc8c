"""The OpenAPI 3 schema is served and describes the whole API."""

import pytest
import yaml
from rest_framework.test import APIClient

from sagsbro.cases.rules.advice import is_benefit_field


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_openapi_3_with_the_case_endpoints(schema):
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/send/",
        "/api/v1/cases/{id}/return-for-information/",
        "/api/v1/cases/{id}/reopen-as-genforelaeggelse/",
        "/api/v1/calendar/working-days",
        "/api/v1/calendar/closed-days",
        "/api/v1/documents/",
        "/api/v1/consents/",
    ):
        assert path in paths, path
    assert {"knoxApiToken", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_no_schema_component_lets_the_coordinator_advise_on_benefits(schema):
    """BEK § 11 stk. 4: the coordinator never advises on which benefit applies."""
    answer = schema["components"]["schemas"]["WrittenAnswerRequest"]["properties"]
    # confirm_wording confirms a warning about wording (§ 11 stk. 4); it carries no advice.
    assert set(answer) == {"text", "recommendations", "confirm_wording"}
    for name, component in schema["components"]["schemas"].items():
        if "Advice" in name or "Answer" in name or "Screening" in name:
            assert not [p for p in component.get("properties", {}) if is_benefit_field(p)], name


def test_an_operation_taking_an_idempotency_key_documents_its_reuse(schema):
    """The same Idempotency-Key with another body answers 422 `idempotency_key_reused`; every
    operation that takes the header says so, and no other does."""
    taking, without = 0, 0
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            takes_key = any(
                p.get("in") == "header" and p.get("name") == "Idempotency-Key"
                for p in operation.get("parameters", [])
            )
            assert ("422" in operation["responses"]) == takes_key, (method, operation)
            taking += takes_key
            without += not takes_key
    assert taking > 10 and without > 10
