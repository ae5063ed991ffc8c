"""Genforelæggelse only for ressourceforløb (procedure Genforelæggelse), whichever way the case
is made: reopened from the earlier case, or created through POST /api/v1/cases/ with a parent.
Both go through services.create_case, which applies the rule."""

import pytest
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State, TransitionRefused, check_genforelaeggelse_parent
from sagsbro.conftest import api_client, make_case
from sagsbro.core.errors import ServiceError
from sagsbro.meetings import services as meeting_services
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"


def _meeting(working_days_ahead):
    return configured_calendar().add_working_days(timezone.localdate(), working_days_ahead)


def _parent(side, subtype=Subtype.REHABILITERINGSTEAM, state="closed", purpose="ressourceforloeb"):
    fields = {"purpose": purpose} if subtype == Subtype.REHABILITERINGSTEAM else {}
    case = make_case(side, subtype, **fields)
    Case.objects.filter(pk=case.pk).update(state=state)
    return Case.objects.get(pk=case.pk)


def _post(side, parent, meeting_date=None, **extra):
    payload = {"subtype": "genforelaeggelse", "citizen": side.citizen.pk, "parent": parent.pk}
    if meeting_date is not None:
        payload["meeting_date"] = meeting_date.isoformat()
    payload.update(extra)
    return api_client(side.caseworker).post(f"{API}/cases/", payload, format="json")


def test_api_creates_a_genforelaeggelse_from_a_closed_ressourceforloeb_case(side_a):
    parent = _parent(side_a)
    response = _post(side_a, parent, _meeting(20), purpose="ressourceforloeb")
    assert response.status_code == 201, response.json()
    assert response.json()["parent"] == parent.pk


@pytest.mark.parametrize(
    "purpose", ["fleksjob", "foertidspension", "jobafklaringsforloeb", "sygedagpenge_kategori_3"]
)
def test_api_refuses_a_parent_about_another_purpose(side_a, purpose):
    parent = _parent(side_a, purpose=purpose)
    count = Case.objects.count()
    response = _post(side_a, parent, _meeting(20))
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "not_ressourceforloeb"
    assert body["detail"] == (
        "Kun sager om ressourceforløb kan genforelægges (procedure Genforelæggelse)."
    )
    assert Case.objects.count() == count


def test_api_refuses_a_parent_that_is_not_closed(side_a):
    parent = _parent(side_a, state="screened")
    response = _post(side_a, parent, _meeting(20))
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid_state"


def test_api_refuses_a_parent_that_is_not_a_team_case(side_a):
    parent = _parent(side_a, subtype=Subtype.LOEBENDE_SAG)
    response = _post(side_a, parent, _meeting(20))
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid_parent"


def test_api_refuses_creation_too_close_to_the_meeting(side_a):
    parent = _parent(side_a)
    count = Case.objects.count()
    response = _post(side_a, parent, _meeting(2))
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "deadline_passed"
    assert "meeting_date" in body["fields"]
    assert Case.objects.count() == count


def test_api_needs_the_meeting_date_with_a_parent(side_a):
    response = _post(side_a, _parent(side_a))
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "required"
    assert "meeting_date" in response.json()["fields"]


def test_reopen_applies_the_same_deadline_rule(side_a):
    parent = _parent(side_a)
    with pytest.raises(ServiceError) as refused:
        meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting(2))
    assert refused.value.code == "deadline_passed"
    new = meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting(20))
    assert (new.subtype, new.parent_id) == ("genforelaeggelse", parent.pk)


def test_reopen_refuses_other_purposes_through_the_same_rule(side_a):
    parent = _parent(side_a, purpose="fleksjob")
    with pytest.raises(ServiceError) as refused:
        meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting(20))
    assert refused.value.code == "not_ressourceforloeb"


@pytest.mark.parametrize(
    ("subtype", "state", "purpose", "code"),
    [
        (Subtype.REHABILITERINGSTEAM, State.CLOSED, "ressourceforloeb", None),
        (Subtype.GENFORELAEGGELSE, State.CLOSED, "ressourceforloeb", None),
        (Subtype.REHABILITERINGSTEAM, State.CLOSED, "fleksjob", "not_ressourceforloeb"),
        (Subtype.REHABILITERINGSTEAM, State.MEETING_HELD, "ressourceforloeb", "invalid_state"),
        (Subtype.LOEBENDE_SAG, State.CLOSED, "ressourceforloeb", "invalid_parent"),
        (Subtype.KLINISK_FUNKTION, State.CLOSED, "", "invalid_parent"),
    ],
)
def test_check_genforelaeggelse_parent(subtype, state, purpose, code):
    if code is None:
        check_genforelaeggelse_parent(subtype, state, purpose)
        return
    with pytest.raises(TransitionRefused) as refused:
        check_genforelaeggelse_parent(subtype, state, purpose)
    assert refused.value.code == code
    assert "procedure Genforelæggelse" in refused.value.message
