"""Bad ids in the list filters and dates at the end of the calendar are refused with a 400
and a Danish message, never a server error; an unknown id and another organisation's id
get the same answer."""

import json

import pytest

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case, sent_case

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?municipality=3.9e%2B38",
        f"/api/v1/cases/?municipality={HUGE}",
        "/api/v1/cases/?municipality=1.5",
        f"/api/v1/consents/?citizen={HUGE}",
        f"/api/v1/documents/?case={HUGE}",
        f"/api/v1/agreements/?municipality={HUGE}",
        f"/api/v1/municipalities/?region={HUGE}",
    ],
)
def test_an_id_filter_out_of_range_is_a_400(side_a, url):
    response = api_client(side_a.caseworker).get(url)
    assert response.status_code == 400
    [messages] = response.json().values()
    assert messages == ["Angiv et id: et helt tal fra 1 til 9223372036854775807."]


@pytest.mark.parametrize(
    ("path", "param"),
    [("/api/v1/consents/", "citizen"), ("/api/v1/documents/", "case")],
)
def test_an_unknown_id_and_another_organisations_id_answer_alike(side_a, side_b, path, param):
    foreign_case = sent_case(side_b, Subtype.REHABILITERINGSTEAM)
    foreign = {"citizen": side_b.citizen.pk, "case": foreign_case.pk}[param]
    client = api_client(side_a.caseworker)
    unknown = client.get(path, {param: 10**12})
    other = client.get(path, {param: foreign})
    assert unknown.status_code == other.status_code == 200
    assert unknown.json()["results"] == other.json()["results"] == []


@pytest.mark.parametrize("meeting_date", ["9999-12-31", "0001-01-01", "2201-01-01"])
def test_a_meeting_date_outside_the_calendar_is_refused(side_a, meeting_date):
    client = api_client(side_a.caseworker)
    response = client.post(
        "/api/v1/cases/",
        {
            "subtype": "rehabiliteringsteam",
            "citizen": side_a.citizen.pk,
            "meeting_date": meeting_date,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"meeting_date": ["Datoen skal ligge mellem år 1900 og 2200."]}
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    response = client.patch(
        f"/api/v1/cases/{case.pk}/", {"meeting_date": meeting_date}, format="json"
    )
    assert response.status_code == 400


def test_deeply_nested_json_is_a_400(side_a):
    body = "[" * 100_000 + "]" * 100_000
    response = api_client(side_a.caseworker).post(
        "/api/v1/cases/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "for dybt" in response.json()["detail"]
    # Moderately deep, within what the parser reads, is refused as well.
    nested = json.dumps({"question": json.loads("[" * 40 + "]" * 40)})
    response = api_client(side_a.caseworker).post(
        "/api/v1/cases/", nested, content_type="application/json"
    )
    assert response.status_code == 400
