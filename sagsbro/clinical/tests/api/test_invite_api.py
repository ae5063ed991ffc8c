"""Inviting through the API is booking a slot: ``POST /api/v1/cases/{id}/invite/`` takes the
slot's id (never a bare date), as the calendar's ``consultation-slots/{id}/book/`` does; the
caseworker accepts a late time at ``accept-late-appointment/``."""

import datetime

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.testing import free_slot_for
from sagsbro.conftest import api_client, assigned_case
from sagsbro.messaging.models import OutgoingMessage

API = "/api/v1"


def invite(user, case, payload):
    return api_client(user).post(f"{API}/cases/{case.pk}/invite/", payload, format="json")


def test_invite_takes_a_slot_and_books_it(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    day = timezone.localdate() + datetime.timedelta(days=2)
    slot = free_slot_for(case, on=day)
    response = invite(side_a.secretariat, case, {"slot": slot.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "invited"
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id == case.pk
    assert Case.objects.get(pk=case.pk).appointment_date == day
    assert (
        OutgoingMessage.objects.filter(
            case=case, purpose=OutgoingMessage.Purpose.CITIZEN_INVITATION
        ).count()
        == 1
    )


def test_invite_without_a_slot_is_refused(side_a, side_b):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    response = invite(side_a.secretariat, case, {"appointment_date": "2027-04-07"})
    assert response.status_code == 400
    assert response.json() == {"slot": ["Vælg en tid i speciallægens kalender."]}
    response = invite(side_a.secretariat, case, {"slot": 999999})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_slot"
    assert response.json()["fields"] == {"slot": ["Tiden findes ikke i regionens kalender."]}
    # Another region's slot answers as one that does not exist.
    other = assigned_case(side_b, Subtype.KLINISK_FUNKTION)
    foreign = free_slot_for(other)
    response = invite(side_a.secretariat, case, {"slot": foreign.pk})
    assert response.status_code == 400
    assert response.json()["fields"] == {"slot": ["Tiden findes ikke i regionens kalender."]}
    assert Case.objects.get(pk=case.pk).state == "assigned"
    assert not ConsultationSlot.objects.filter(case__isnull=False).exists()


def test_the_late_time_is_accepted_by_the_caseworker_then_booked(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    day = timezone.localdate() + datetime.timedelta(days=15)
    slot = free_slot_for(case, on=day)
    response = invite(side_a.secretariat, case, {"slot": slot.pk})
    assert (response.status_code, response.json()["code"]) == (
        400,
        "late_appointment_not_notified",
    )
    clinical_services.notify_late_appointment(side_a.secretariat, case, day)
    response = invite(side_a.secretariat, case, {"slot": slot.pk})
    assert (response.status_code, response.json()["code"]) == (
        400,
        "late_appointment_not_accepted",
    )
    url = f"{API}/cases/{case.pk}/accept-late-appointment/"
    refused = api_client(side_a.secretariat).post(
        url, {"appointment_date": day.isoformat()}, format="json"
    )
    assert refused.status_code == 403
    accepted = api_client(side_a.caseworker).post(
        url, {"appointment_date": day.isoformat()}, format="json"
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["state"] == "assigned"
    response = invite(side_a.secretariat, case, {"slot": slot.pk})
    assert response.status_code == 200, response.json()


def test_the_booking_endpoint_invites_the_same_way(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = free_slot_for(case, on=timezone.localdate() + datetime.timedelta(days=1))
    response = api_client(side_a.secretariat).post(
        f"{API}/consultation-slots/{slot.pk}/book/", {"case": case.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["case"] == case.pk
    case.refresh_from_db()
    assert case.state == "invited"
    assert case.events.filter(kind="invite").count() == 1
    assert OutgoingMessage.objects.filter(case=case).count() == 1
