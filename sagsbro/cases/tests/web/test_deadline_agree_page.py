"""The secretariat's page form for a due date agreed in the concrete case (BEK § 22 and
§ 23, 2nd sentence), and how the case page shows it."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.cases.models import CaseEvent, Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case


def _working_day_in(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or (day.month, day.day) in ((12, 24), (12, 25), (12, 26), (1, 1)):
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def case(side_a):
    return assigned_case(side_a, Subtype.LOEBENDE_SAG)


def _url(case):
    return f"/sager/{case.pk}/frister/written_answer/aftal/"


def test_secretariat_agrees_a_due_date_through_the_page(side_a, case, client):
    client.force_login(side_a.secretariat)
    overview = client.get(f"/sager/{case.pk}/").content.decode()
    assert _url(case) in overview
    assert "Aftal anden frist" in overview

    form = client.get(_url(case))
    assert form.status_code == 200
    assert "BEK § 22, 2. pkt." in form.content.decode()

    agreed = _working_day_in(35)
    response = client.post(
        _url(case),
        {"agreed_due": f"{agreed:%d.%m.%Y}", "reason": "Afventer journal fra sygehuset."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"Fristen »Skriftligt svar fra sundhedskoordinator« er aftalt til {agreed:%d.%m.%Y}" in (
        page
    )
    assert "Aftalt i den konkrete sag (BEK § 22, 2. pkt.)" in page
    assert "Aftalt i den konkrete sag: Afventer journal fra sygehuset." in page
    assert f"{agreed:%d.%m.%Y}" in page
    assert Deadline.objects.get(case=case, kind="written_answer").due == agreed
    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None
    assert event.kind == "deadline_agreed"

    # The caseworker sees the agreed deadline and its reason, but cannot change it.
    client.force_login(side_a.caseworker)
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Aftalt i den konkrete sag: Afventer journal fra sygehuset." in page
    assert _url(case) not in page


def test_bad_input_shows_danish_errors_and_changes_nothing(side_a, case, client):
    client.force_login(side_a.secretariat)
    before = list(Deadline.objects.filter(case=case).values_list("due", "agreed_due", "source"))
    events = CaseEvent.objects.filter(case=case).count()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for data, message in [
        ({"agreed_due": "", "reason": "Afventer journal"}, "Angiv en dato."),
        ({"agreed_due": "32.13.2027", "reason": "x"}, "Angiv en gyldig dato som dd.mm.åååå."),
        (
            {"agreed_due": f"{_working_day_in(30):%d.%m.%Y}", "reason": ""},
            "Skriv, hvilke omstændigheder i sagen der gør, at fristen ikke kan holdes.",
        ),
        (
            {"agreed_due": f"{yesterday:%d.%m.%Y}", "reason": "Afventer journal"},
            "Den aftalte frist kan ikke ligge før i dag.",
        ),
    ]:
        response = client.post(_url(case), data)
        assert response.status_code == 400
        text = response.content.decode()
        assert "Handlingen blev ikke udført" in text
        assert message in text
    assert (
        list(Deadline.objects.filter(case=case).values_list("due", "agreed_due", "source"))
        == before
    )
    assert CaseEvent.objects.filter(case=case).count() == events


def test_other_roles_cannot_agree_through_the_page(side_a, side_b, case, client):
    before = list(Deadline.objects.filter(case=case).values_list("due", "agreed_due"))
    payload = {"agreed_due": f"{_working_day_in(30):%d.%m.%Y}", "reason": "Afventer journal"}
    for user in (side_a.caseworker, side_a.coordinator):
        client.force_login(user)
        assert _url(case) not in client.get(f"/sager/{case.pk}/").content.decode()
        response = client.post(_url(case), payload)
        assert response.status_code == 302
        assert response["Location"] == f"/sager/{case.pk}/"
    for user in (side_b.secretariat, side_a.coordinator_2, side_a.regional_admin):
        client.force_login(user)
        assert client.post(_url(case), payload).status_code == 404
    # Only the deadlines of §§ 22-23 have the form.
    client.force_login(side_a.secretariat)
    assert client.get(f"/sager/{case.pk}/frister/coordinator_available/aftal/").status_code == 404
    assert list(Deadline.objects.filter(case=case).values_list("due", "agreed_due")) == before
