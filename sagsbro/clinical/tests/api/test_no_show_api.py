"""The no-show on the API: ``POST /api/v1/cases/{id}/record-no-show/`` with an optional short
comment; refused before the booked time, 404 for another region's user."""

import datetime

from django.utils import timezone

from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.rules.no_show import NO_SHOW_COMMENT_MAX_CHARS
from sagsbro.clinical.testing import book_consultation, booked_time_passed
from sagsbro.conftest import api_client, assigned_case

API = "/api/v1"


def record(user, case, payload):
    return api_client(user).post(f"{API}/cases/{case.pk}/record-no-show/", payload, format="json")


def invited(side, on=None):
    return book_consultation(side.secretariat, assigned_case(side, Subtype.KLINISK_FUNKTION), on=on)


def test_before_the_booked_time_it_is_refused(side_a):
    case = invited(side_a, on=timezone.localdate() + datetime.timedelta(days=2))
    response = record(side_a.secretariat, case, {})
    assert response.status_code == 400
    assert response.json()["code"] == "no_show_too_early"
    assert Case.objects.get(pk=case.pk).state == "invited"


def test_after_the_booked_time_the_case_is_assigned_again_and_the_time_freed(side_a):
    case = invited(side_a)
    slot = booked_time_passed(case)
    response = record(side_a.specialist, case, {"comment": "Ringet to gange uden svar."})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "assigned"
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id is None
    event = CaseEvent.objects.get(case=case, kind=EventKind.RECORD_NO_SHOW)
    assert event.comment == "Ringet to gange uden svar."


def test_another_regions_user_gets_404_and_a_long_comment_400(side_a, side_b):
    case = invited(side_a)
    slot = booked_time_passed(case)
    response = record(side_b.secretariat, case, {})
    assert response.status_code == 404
    response = record(side_a.secretariat, case, {"comment": "x" * (NO_SHOW_COMMENT_MAX_CHARS + 1)})
    assert response.status_code == 400
    assert response.json() == {
        "comment": [f"Kommentaren må højst være {NO_SHOW_COMMENT_MAX_CHARS} tegn."]
    }
    response = record(side_a.caseworker, case, {})
    assert response.status_code == 403
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id == case.pk
