"""The record follows reality for the team meeting: a meeting is not recorded as held before
its date, and a meeting is postponed or a case reopened only to a working day. Through the
services, the API and the pages."""

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tests.services.test_meeting_dates import (
    CHRISTMAS,
    CHRISTMAS_MESSAGE,
    client_for,
    post,
    snapshot,
)
from sagsbro.conftest import assigned_case, attach, on_meeting_day
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services

# --- a meeting is held on or after its date ------------------------------------------------


def test_meeting_is_not_recorded_as_held_before_its_date(side_a):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    assert case.meeting_date > timezone.localdate()
    before = snapshot(case)

    response = post(side_a.team_member, case, "hold_meeting")
    assert response.status_code == 400, response.json()
    assert response.json() == {
        "code": "meeting_not_reached",
        "detail": "Mødet kan ikke registreres som holdt før mødedatoen 10.03.2027.",
    }
    assert snapshot(case) == before

    # The page says the same and changes nothing either.
    response = client_for(side_a.caseworker).post(f"/sager/{case.pk}/handling/hold_meeting/")
    assert response.status_code == 400
    assert "Mødet kan ikke registreres som holdt før mødedatoen 10.03.2027." in (
        response.content.decode()
    )
    assert snapshot(case) == before

    # On the day of the meeting it is recorded.
    with on_meeting_day(case):
        response = post(side_a.team_member, case, "hold_meeting")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "meeting_held"


# --- a meeting date is a working day --------------------------------------------------------


def test_postponing_to_a_closed_day_is_refused(side_a):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    before = snapshot(case)
    response = post(side_a.caseworker, case, "postpone", {"meeting_date": CHRISTMAS})
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_working_day"
    assert response.json()["detail"] == CHRISTMAS_MESSAGE
    response = client_for(side_a.secretariat).post(
        f"/sager/{case.pk}/handling/postpone/", {"meeting_date": "25.12.2027"}
    )
    assert response.status_code == 400
    assert CHRISTMAS_MESSAGE in response.content.decode()
    assert snapshot(case) == before


def test_reopening_for_a_meeting_on_a_closed_day_is_refused(side_a):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    with on_meeting_day(case):
        meeting_services.hold_meeting(side_a.caseworker, case)
    attach(side_a.caseworker, case, Category.INDSTILLING)
    case = meeting_services.send_indstilling(side_a.caseworker, case)
    before = snapshot(case)
    response = post(
        side_a.caseworker, case, "reopen_as_genforelaeggelse", {"meeting_date": CHRISTMAS}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == CHRISTMAS_MESSAGE
    response = client_for(side_a.caseworker).post(
        f"/sager/{case.pk}/handling/reopen_as_genforelaeggelse/", {"meeting_date": "25.12.2027"}
    )
    assert response.status_code == 400
    assert CHRISTMAS_MESSAGE in response.content.decode()
    assert snapshot(case) == before
    assert not Case.objects.filter(parent=case).exists()
