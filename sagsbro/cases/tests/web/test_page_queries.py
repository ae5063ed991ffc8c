"""A case page's number of SQL queries does not grow with what it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sagsbro.cases import services
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, attach, on_meeting_day
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services


def queries_for(client, url):
    client.get(url)  # the first request warms per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(side, case, n):
    for i in range(n):
        attach(side.caseworker, case, Category.OTHER_HEALTH_INFORMATION, text=f"bilag {i}")
        services.add_note(side.caseworker, case, text=f"note {i}", contact_times="9-11")


@pytest.mark.parametrize(
    "tab",
    ["overblik", "dokumenter", "rehabiliteringsteam", "sundhedskoordinator", "historik", "noter"],
)
def test_case_page_queries_do_not_grow(side_a, client, tab):
    small = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    large = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    grow(side_a, small, 2)
    grow(side_a, large, 12)
    client.force_login(side_a.caseworker)
    assert queries_for(client, f"/sager/{small.pk}/{tab}/") == queries_for(
        client, f"/sager/{large.pk}/{tab}/"
    )


def test_advice_tab_shows_recommendations_in_danish(side_a, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    services.answer_in_writing(
        side_a.coordinator, case, text="Kan fortsætte", recommendations=["continue_plan"]
    )
    client.force_login(side_a.caseworker)
    page = client.get(f"/sager/{case.pk}/sundhedskoordinator/").content.decode()
    assert "continue_plan" not in page
    assert "Borgeren kan fortsætte i ressourceforløb" in page


def test_forward_actions_come_first_and_withdrawal_last(side_a, client):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    meeting_services.record_screening(
        side_a.coordinator,
        case,
        text="Belyst",
        medically_clarified=True,
        treatment_exhausted=None,
    )
    client.force_login(side_a.caseworker)
    actions = client.get(f"/sager/{case.pk}/").context["actions"]
    names = [a.transition.name for a in actions]
    assert names == ["hold_meeting", "postpone", "withdraw"]
    assert [a.primary for a in actions] == [True, False, False]


def test_team_tab_shows_meeting_composition_and_indstilling(side_a, client):
    side_a.citizen.has_children = True
    side_a.citizen.save()
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    with on_meeting_day(case):
        meeting_services.hold_meeting(side_a.caseworker, case)
    attach(side_a.caseworker, case, Category.INDSTILLING)
    meeting_services.send_indstilling(side_a.caseworker, case)
    client.force_login(side_a.caseworker)
    page = client.get(f"/sager/{case.pk}/rehabiliteringsteam/").content.decode()
    assert "Afholdt" in page
    assert "Familieområdet (borgeren har børn)" in page
    assert "Uddannelsesområdet" not in page
    assert "Rehabiliteringsteamets indstilling" in page
    assert "Nej</span>" not in page  # the indstilling was sent to the GP
