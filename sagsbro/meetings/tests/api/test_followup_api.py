"""The ressourceforløb follow-up in the API: a case's dates read and recorded, the caller's
cases due for genforelæggelse, each audited and refused to anyone else."""

import datetime

from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.conftest import api_client
from sagsbro.meetings import services
from sagsbro.meetings.models import ForloebFollowUp
from sagsbro.meetings.rules.followup import add_months
from sagsbro.meetings.tests.services.test_forloeb_follow_up import closed_forloeb_case

API = "/api/v1"


def test_put_records_and_get_reads_the_dates(side_a):
    case = closed_forloeb_case(side_a)
    client = api_client(side_a.caseworker)
    url = f"{API}/cases/{case.pk}/ressourceforloeb/"
    empty = client.get(url)
    assert empty.status_code == 200
    assert empty.json()["started_on"] is None
    start = add_months(timezone.localdate(), -7)
    response = client.put(url, {"started_on": start.isoformat()}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["effort_deadline"] == add_months(start, 6).isoformat()
    assert body["due_for_genforelaeggelse"] is True
    assert ForloebFollowUp.objects.get(case=case).recorded_by == side_a.caseworker
    assert AuditEntry.objects.filter(
        user=side_a.caseworker,
        action=AuditEntry.Action.READ,
        case_id=case.pk,
        detail="ressourceforløb",
    ).exists()
    due = client.get(f"{API}/genforelaeggelse-due/").json()
    assert [row["case"] for row in due["results"]] == [case.pk]


def test_a_refused_date_names_the_field(side_a):
    case = closed_forloeb_case(side_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api_client(side_a.caseworker).put(
        f"{API}/cases/{case.pk}/ressourceforloeb/",
        {"started_on": tomorrow.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["started_on"] == [
        "Ressourceforløbets start må ikke ligge i fremtiden."
    ]


def test_only_the_caseworker_records_and_another_municipality_sees_nothing(side_a, side_b):
    case = closed_forloeb_case(side_a)
    services.record_forloeb(
        side_a.caseworker, case, started_on=add_months(timezone.localdate(), -7)
    )
    url = f"{API}/cases/{case.pk}/ressourceforloeb/"
    body = {"started_on": "2026-01-05"}
    assert api_client(side_a.team_member).put(url, body, format="json").status_code == 403
    assert api_client(side_a.team_member).get(url).status_code == 200
    assert api_client(side_b.caseworker).get(url).status_code == 404
    assert api_client(side_b.caseworker).put(url, body, format="json").status_code == 404
    assert api_client(side_b.caseworker).get(f"{API}/genforelaeggelse-due/").json()["results"] == []
    assert ForloebFollowUp.objects.get(case=case).started_on != datetime.date(2026, 1, 5)


def test_a_case_about_another_purpose_has_no_follow_up(side_a):
    case = closed_forloeb_case(side_a, purpose="fleksjob")
    response = api_client(side_a.caseworker).get(f"{API}/cases/{case.pk}/ressourceforloeb/")
    assert response.status_code == 404
