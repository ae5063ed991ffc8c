"""Schema fuzzing of the whole API (schemathesis): no request, valid or not, gets a server
error or an answer the OpenAPI schema does not describe. Bounded for CI; `scripts/fuzz_api`
runs the same with many more examples."""

import os

import pytest

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, attach
from sagsbro.documents.rules import Category
from sagsbro.tests import api_fuzz

MAX_EXAMPLES = int(os.environ.get("SAGSBRO_FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("SAGSBRO_FUZZ_SEED", "0"))


@pytest.fixture
def known(side_a, side_b):
    """A case the caseworker and the coordinator share, with what hangs off it, and the
    other organisations' objects beside it."""
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    document = attach(side_a.caseworker, case, Category.DOCUMENTATION)
    deadline = case.deadlines.order_by("id").first()
    consent = side_a.citizen.consents.first()
    return case, {
        "/api/v1/cases/{id}": {"id": case.pk, "kind": deadline.kind if deadline else "answer"},
        "/api/v1/documents/{id}": {"id": document.pk},
        "/api/v1/citizens/{id}": {"id": side_a.citizen.pk},
        "/api/v1/consents/{id}": {"id": consent.pk if consent else 1},
        "/api/v1/municipalities/{id}": {"id": side_a.municipality.pk},
        "/api/v1/regions/{id}": {"id": side_a.region.pk},
    }


def test_no_server_errors_and_no_schema_violations(known, side_a):
    _case, paths = known
    report = api_fuzz.fuzz(
        api_fuzz.load_schema(),
        {"caseworker": side_a.caseworker, "coordinator": side_a.coordinator},
        paths,
        max_examples=MAX_EXAMPLES,
        seed=SEED,
    )
    print(report.summary())
    assert report.cases > report.operations
    assert not report.findings, report.summary()
