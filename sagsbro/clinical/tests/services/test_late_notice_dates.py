"""Klinisk funktion tells the caseworker of a late time only (EVAL table 8 step 2.2): a day
within 14 days of the receipt needs no notice, a day that has passed and a day more than a
year ahead are refused; the case and its history are left as they were."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.rules.invitation import latest_notice_day
from sagsbro.conftest import api_client, assigned_case
from sagsbro.core.errors import ServiceError


def received_days_ago(side, days):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    Case.objects.filter(pk=case.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=days)
    )
    return Case.objects.get(pk=case.pk)


def refused_code(side, case, day):
    with pytest.raises(ServiceError) as refused:
        clinical_services.notify_late_appointment(side.secretariat, case, day)
    assert list(refused.value.fields) == ["appointment_date"]
    return refused.value.code


def test_day_14_after_receipt_is_not_late_day_15_is(side_a):
    case = received_days_ago(side_a, 5)
    received = timezone.localdate(case.received_at)
    day_14 = received + datetime.timedelta(days=14)
    assert refused_code(side_a, case, day_14) == "appointment_not_late"
    case.refresh_from_db()
    assert (case.appointment_date, case.late_appointment_notified_at) == (None, None)
    assert not case.events.filter(kind="notify_late_appointment").exists()

    day_15 = day_14 + datetime.timedelta(days=1)
    case = clinical_services.notify_late_appointment(side_a.secretariat, case, day_15)
    assert Case.objects.get(pk=case.pk).appointment_date == day_15


def test_a_day_that_has_passed_is_refused(side_a):
    case = received_days_ago(side_a, 30)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert refused_code(side_a, case, yesterday) == "appointment_in_past"
    # Today is still a coming time (later in the day), and late here.
    clinical_services.notify_late_appointment(side_a.secretariat, case, timezone.localdate())


def test_more_than_a_year_ahead_is_refused(side_a):
    case = received_days_ago(side_a, 0)
    last = latest_notice_day(timezone.localdate())
    assert refused_code(side_a, case, last + datetime.timedelta(days=1)) == "appointment_too_far"
    clinical_services.notify_late_appointment(side_a.secretariat, case, last)


def test_the_api_names_the_field(side_a):
    case = received_days_ago(side_a, 0)
    day = timezone.localdate() + datetime.timedelta(days=14)
    response = api_client(side_a.secretariat).post(
        f"/api/v1/cases/{case.pk}/notify-late-appointment/",
        {"appointment_date": day.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "appointment_not_late"
    assert body["fields"]["appointment_date"][0].startswith(
        f"Tiden {day:%d.%m.%Y} ligger højst 14 dage efter"
    )


def test_the_page_shows_the_reason_at_the_field(side_a):
    from django.test import Client

    case = received_days_ago(side_a, 0)
    day = timezone.localdate() + datetime.timedelta(days=14)
    client = Client()
    client.force_login(side_a.secretariat)
    response = client.post(
        f"/sager/{case.pk}/handling/notify_late_appointment/",
        {"appointment_date": f"{day:%d.%m.%Y}"},
    )
    assert response.status_code == 400
    assert "så sagsbehandleren skal ikke orienteres" in response.content.decode()
    assert Case.objects.get(pk=case.pk).late_appointment_notified_at is None
