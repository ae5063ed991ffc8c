"""The record follows reality: a meeting date is a working day wherever it is set, and a team
case sent later than the deadline before its meeting is sent only after the caseworker has
confirmed the warning. Through the services, the API and the pages. (A meeting recorded as held
no earlier than its date, and postponing and reopening to a working day, are in
``meetings/tests/services/test_meeting_dates.py``; a consultation no earlier than its appointment in
``clinical/tests/services/test_consultation_dates.py``.)"""

import datetime

from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case
from sagsbro.organisations.models import AgreementDeadlineRule, CollaborationAgreement
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"
CHRISTMAS = datetime.date(2027, 12, 25)
CHRISTMAS_MESSAGE = "Mødedatoen 25.12.2027 er juledag, som ikke er en arbejdsdag."
SATURDAY = datetime.date(2027, 3, 6)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(user, case, name, payload=None):
    url = f"{API}/cases/{case.pk}/{name.replace('_', '-')}/"
    return api_client(user).post(url, payload or {}, format="json")


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        case.meeting_date,
        case.received_at,
        case.consultation_date,
        CaseEvent.objects.filter(case=case).count(),
        # Writes only: showing the page again is a read and is audited as one.
        AuditEntry.objects.filter(case_id=case.pk).exclude(action=AuditEntry.Action.READ).count(),
        Case.objects.count(),
    )


# --- a meeting date is a working day, wherever it is set ------------------------------------


def test_meeting_date_on_a_closed_day_is_refused_on_create_and_edit_through_the_api(side_a):
    client = api_client(side_a.caseworker)
    count = Case.objects.count()
    response = client.post(
        f"{API}/cases/",
        {
            "subtype": "rehabiliteringsteam",
            "citizen": side_a.citizen.pk,
            "meeting_date": CHRISTMAS.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json() == {
        "code": "not_a_working_day",
        "detail": CHRISTMAS_MESSAGE,
        "fields": {"meeting_date": [CHRISTMAS_MESSAGE]},
    }
    assert Case.objects.count() == count

    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    before = snapshot(case)
    response = client.patch(
        f"{API}/cases/{case.pk}/", {"meeting_date": SATURDAY.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Mødedatoen 06.03.2027 er en lørdag, som ikke er en arbejdsdag."
    )
    assert snapshot(case) == before


def test_meeting_date_on_a_closed_day_is_refused_on_the_edit_page(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    response = client_for(side_a.caseworker).post(
        f"/sager/{case.pk}/rediger/", {"felter": "1", "meeting_date": "25.12.2027"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert CHRISTMAS_MESSAGE in html
    assert 'href="#id_meeting_date"' in html
    case.refresh_from_db()
    assert case.meeting_date is None


# --- sending late for the meeting warns first -----------------------------------------------


def _late_case(side):
    """A complete rehabiliteringsteam draft whose meeting is 3 working days away: the
    agreement's 10 working days before the meeting have passed."""
    calendar = configured_calendar()
    today = timezone.localdate()
    meeting = calendar.add_working_days(today, 3)
    case = make_case(side, Subtype.REHABILITERINGSTEAM, meeting_date=meeting)
    deadline = calendar.add_working_days(meeting, -10)
    return case, meeting, deadline, calendar.working_days_between(deadline, today)


def test_late_sending_warns_through_the_api_and_is_recorded_when_confirmed(side_a):
    case, meeting, deadline, days = _late_case(side_a)
    assert days >= 7
    before = snapshot(case)

    response = post(side_a.caseworker, case, "send")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "late_for_meeting"
    assert body["confirm_field"] == "confirm_late"
    assert body["warning"] == {
        "deadline": deadline.isoformat(),
        "meeting_date": meeting.isoformat(),
        "working_days_late": days,
        "source": "Samarbejdsaftale (alle fem regioner)",
    }
    assert body["detail"] == (
        f"Sagen sendes {days} hverdage for sent til mødet den {meeting:%d.%m.%Y}: den skulle "
        f"være i regionen senest {deadline:%d.%m.%Y} (Samarbejdsaftale (alle fem regioner)). "
        "Bekræft, at sagen skal sendes alligevel, eller vælg et senere møde."
    )
    assert snapshot(case) == before

    response = post(side_a.caseworker, case, "send", {"confirm_late": True})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "sent"
    event = CaseEvent.objects.get(case=case, kind="send")
    assert event.data == {
        "confirmed_late": True,
        "working_days_late": days,
        "deadline": deadline.isoformat(),
        "meeting_date": meeting.isoformat(),
    }


def test_every_meeting_subtype_warns_with_its_own_deadline(side_a):
    calendar = configured_calendar()
    meeting = calendar.add_working_days(timezone.localdate(), 3)
    case = make_case(side_a, Subtype.RET_TIL_SUNDHEDSKOORDINATOR, meeting_date=meeting)
    body = post(side_a.caseworker, case, "send").json()
    assert body["code"] == "late_for_meeting"
    assert body["warning"]["source"] == "Procedure Ret til sundhedskoordinator"
    assert body["warning"]["deadline"] == calendar.add_working_days(meeting, -10).isoformat()
    # A case without a meeting has nothing to be late for.
    loebende = make_case(side_a, Subtype.LOEBENDE_SAG)
    assert post(side_a.caseworker, loebende, "send").status_code == 200


def test_the_agreement_sets_how_long_before_the_meeting(side_a):
    """The collaboration agreement overrides the fallback count (BEK § 20)."""
    agreement = CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2026, 1, 1),
    )
    AgreementDeadlineRule.objects.create(
        agreement=agreement,
        subtype="rehabiliteringsteam",
        kind="material_to_region",
        count=2,
        unit="working_days",
        source="Samarbejdsaftale Region Hovedstaden",
    )
    case, _meeting, _deadline, _days = _late_case(side_a)  # 3 working days ahead
    response = post(side_a.caseworker, case, "send")
    assert response.status_code == 200, response.json()
    assert CaseEvent.objects.get(case=case, kind="send").data == {}


def test_sending_in_time_needs_no_confirmation(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)  # meeting 10.03.2027
    response = post(side_a.caseworker, case, "send")
    assert response.status_code == 200, response.json()
    assert CaseEvent.objects.get(case=case, kind="send").data == {}


def test_late_sending_on_the_action_page_offers_to_send_anyway_or_pick_another_meeting(side_a):
    case, meeting, _deadline, days = _late_case(side_a)
    client = client_for(side_a.caseworker)
    before = snapshot(case)

    response = client.post(f"/sager/{case.pk}/handling/send/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Sagen sendes {days} hverdage for sent til mødet den {meeting:%d.%m.%Y}" in html
    assert 'name="confirm_late" value="1"' in html
    assert "Send alligevel" in html
    assert f'href="/sager/{case.pk}/handling/postpone/">Vælg et andet møde' in html
    assert snapshot(case) == before

    response = client.post(f"/sager/{case.pk}/handling/send/", {"confirm_late": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "sent"
    assert CaseEvent.objects.get(case=case, kind="send").data["confirmed_late"] is True


def test_late_sending_on_the_edit_page_offers_to_send_anyway_or_pick_another_meeting(side_a):
    case, meeting, _deadline, days = _late_case(side_a)
    client = client_for(side_a.caseworker)
    before = snapshot(case)

    response = client.post(f"/sager/{case.pk}/rediger/", {"handling": "send"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Sagen sendes {days} hverdage for sent til mødet den {meeting:%d.%m.%Y}" in html
    assert 'href="#id_meeting_date">Vælg et andet møde' in html
    assert 'id="id_meeting_date"' in html
    assert snapshot(case) == before

    # Picking a later meeting: the case goes without a warning.
    later = configured_calendar().add_working_days(timezone.localdate(), 15)
    response = client.post(
        f"/sager/{case.pk}/rediger/",
        {
            "felter": "1",
            "handling": "send",
            "meeting_date": f"{later:%d.%m.%Y}",
            "purpose": case.purpose,
        },
    )
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.meeting_date) == ("sent", later)
    assert "confirmed_late" not in CaseEvent.objects.get(case=case, kind="send").data


def test_late_sending_confirmed_on_the_edit_page(side_a):
    case, _meeting, _deadline, _days = _late_case(side_a)
    client = client_for(side_a.caseworker)
    response = client.post(f"/sager/{case.pk}/rediger/", {"handling": "send", "confirm_late": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "sent"
    assert CaseEvent.objects.get(case=case, kind="send").data["confirmed_late"] is True
