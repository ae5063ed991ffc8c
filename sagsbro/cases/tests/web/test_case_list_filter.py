"""The worklist page and `GET /api/v1/cases/` filter the case list through one class,
`CaseListFilter`, and so show the same cases for the same subtype and state."""

import pytest
from django.test import Client

from sagsbro.cases.api.views import CaseViewSet
from sagsbro.cases.filters import CaseListFilter
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case, sent_case


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_page_and_api_filter_through_the_case_list_filter(side_a):
    response = client_for(side_a.caseworker).get("/")
    assert isinstance(response.context["case_filter"], CaseListFilter)
    assert response.context["filter_form"] is response.context["case_filter"].form
    assert issubclass(CaseViewSet.filterset_class, CaseListFilter)


@pytest.mark.parametrize(
    ("subtype", "state"),
    [
        (Subtype.LOEBENDE_SAG, "sent"),
        (Subtype.LOEBENDE_SAG, "assigned"),
        (Subtype.REHABILITERINGSTEAM, "sent"),
        (Subtype.REHABILITERINGSTEAM, "draft"),
    ],
)
def test_a_subtype_and_state_give_the_same_cases_on_page_and_api(side_a, side_b, subtype, state):
    make_case(side_a, Subtype.LOEBENDE_SAG)
    make_case(side_a, Subtype.REHABILITERINGSTEAM)
    sent_case(side_a, Subtype.LOEBENDE_SAG)
    sent_case(side_a, Subtype.LOEBENDE_SAG)
    sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    assigned_case(side_a, Subtype.LOEBENDE_SAG)
    sent_case(side_b, Subtype.LOEBENDE_SAG)
    user = side_a.caseworker

    page = client_for(user).get("/", {"status": state, "undertype": str(subtype)})
    assert page.status_code == 200
    on_page = {case.pk for case in page.context["table"].rows}

    api = api_client(user).get("/api/v1/cases/", {"state": state, "subtype": str(subtype)})
    assert api.status_code == 200
    in_api = {row["id"] for row in api.json()["results"]}

    assert on_page == in_api
    assert on_page, "the filter should find a case, or the comparison proves nothing"
