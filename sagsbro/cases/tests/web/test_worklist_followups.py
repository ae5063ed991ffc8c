"""Work that ended leaves the lists: the secretariat records the agreed phone/virtual contact
time and the case leaves "Ønsker telefonisk eller virtuel kontakt"; a delivered clinical
certificate waits in the caseworker's "Afventer dig" until the case is closed."""

import datetime

from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.testing import (
    book_consultation,
    hold_consultation_at_booked_time,
    sign_complete_certificate,
)
from sagsbro.conftest import api_client, assigned_case, sent_case

API = "/api/v1"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def contact_box(user):
    response = client_for(user).get("/")
    assert response.status_code == 200
    return [case.pk for case in response.context["worklist"].contact.rows]


def awaiting(user):
    response = client_for(user).get("/")
    assert response.status_code == 200
    return {case.pk: case.next_step for case in response.context["worklist"].awaiting.rows}


def writes(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        CaseEvent.objects.filter(case=case).count(),
        # Reads and refusals (DENIED) are no writes.
        AuditEntry.objects.filter(case_id=case.pk)
        .exclude(action__in=[AuditEntry.Action.READ, AuditEntry.Action.DENIED])
        .count(),
    )


def wanting_contact(side):
    return sent_case(
        side,
        Subtype.LOEBENDE_SAG,
        contact_preference="contact_first",
        contact_times="Mandag kl. 9–12",
    )


# --- the agreed contact time ----------------------------------------------------------------


def test_recorded_contact_time_takes_the_case_out_of_the_contact_box(side_a):
    s = side_a
    case = wanting_contact(s)
    assert contact_box(s.secretariat) == [case.pk]

    at = timezone.localtime() + datetime.timedelta(days=3)
    at = at.replace(hour=10, minute=30, second=0, microsecond=0)
    response = api_client(s.secretariat).post(
        f"{API}/cases/{case.pk}/record-contact-time/",
        {"at": at.isoformat(), "how": "phone"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "sent"  # the state stays

    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None
    assert (event.kind, event.actor_id) == ("record_contact_time", s.secretariat.pk)
    assert event.label == f"Telefonisk kontakt aftalt {at:%d.%m.%Y} kl. 10.30"
    assert event.data["how"] == "phone"
    audit = AuditEntry.objects.filter(case_id=case.pk).order_by("-id").first()
    assert audit is not None
    assert (audit.action, audit.detail) == (AuditEntry.Action.TRANSITION, "record_contact_time")

    assert contact_box(s.secretariat) == []

    # The municipality asks again in a later note: the case is back in the box.
    services.add_note(
        s.caseworker,
        case,
        text="Vi vil gerne tale med koordinatoren igen.",
        contact_preference="contact_first",
        contact_times="Tirsdag kl. 10–11",
    )
    assert contact_box(s.secretariat) == [case.pk]


def test_contact_asked_for_in_a_note_is_recorded_on_the_page(side_a):
    s = side_a
    case = sent_case(s, Subtype.REHABILITERINGSTEAM)
    services.add_note(s.caseworker, case, text="Ring venligst.", contact_preference="contact_first")
    assert contact_box(s.secretariat) == [case.pk]
    client = client_for(s.secretariat)
    worklist = client.get("/").content.decode()
    assert f'href="/sager/{case.pk}/handling/record_contact_time/"' in worklist

    day = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(
        f"/sager/{case.pk}/handling/record_contact_time/",
        {"day": f"{day:%d.%m.%Y}", "time": "14.15", "how": "virtual"},
    )
    assert response.status_code == 302
    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None
    assert event.label == (f"Virtuel kontakt aftalt {day:%d.%m.%Y} kl. 14.15")
    assert contact_box(s.secretariat) == []


def test_contact_time_is_refused_when_not_wanted_in_the_past_or_by_others(side_a):
    s = side_a
    not_wanted = sent_case(s, Subtype.LOEBENDE_SAG)  # "written_only"
    before = writes(not_wanted)
    at = (timezone.localtime() + datetime.timedelta(days=1)).isoformat()
    response = api_client(s.secretariat).post(
        f"{API}/cases/{not_wanted.pk}/record-contact-time/",
        {"at": at, "how": "phone"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "contact_not_wanted"
    assert writes(not_wanted) == before

    case = wanting_contact(s)
    before = writes(case)
    past = (timezone.localtime() - datetime.timedelta(days=2)).isoformat()
    response = api_client(s.secretariat).post(
        f"{API}/cases/{case.pk}/record-contact-time/", {"at": past, "how": "phone"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"at": ["Tidspunktet for kontakten ligger før i dag."]}
    response = api_client(s.caseworker).post(
        f"{API}/cases/{case.pk}/record-contact-time/", {"at": at, "how": "phone"}, format="json"
    )
    assert response.status_code == 403
    page = client_for(s.secretariat).post(
        f"/sager/{case.pk}/handling/record_contact_time/",
        {"day": "", "time": "25.99", "how": ""},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Angiv en dato." in html and "Angiv et gyldigt klokkeslæt som tt.mm." in html
    assert writes(case) == before
    assert contact_box(s.secretariat) == [case.pk]


# --- a delivered certificate waits for the caseworker ---------------------------------------


def test_delivered_certificate_waits_in_afventer_dig_until_closed(side_a):
    s = side_a
    case = assigned_case(s, Subtype.KLINISK_FUNKTION)
    today = timezone.localdate()
    book_consultation(s.secretariat, case, on=today)
    hold_consultation_at_booked_time(s.specialist, case)
    sign_complete_certificate(s.specialist, case)
    assert case.pk not in awaiting(s.caseworker)

    response = client_for(s.specialist).post(f"/sager/{case.pk}/handling/deliver_certificate/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "answered"
    # The certificate deadlines are met by the delivery.
    assert set(case.deadlines.values_list("kind", "fulfilled_on", "state")) == {
        ("certificate_after_consultation", today, "met"),
        ("certificate_after_request", today, "met"),
    }
    assert awaiting(s.caseworker) == {case.pk: "Læs speciallægeattesten, og afslut sagen"}
    # It has left the specialist's open list: their part is done.
    response = client_for(s.specialist).get("/")
    assert case.pk not in [c.pk for c in response.context["worklist"].table.rows]

    response = client_for(s.caseworker).post(f"/sager/{case.pk}/handling/close/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "closed"
    assert awaiting(s.caseworker) == {}


def test_case_page_offers_the_contact_time_only_where_contact_is_wanted(side_a):
    s = side_a
    wanted = wanting_contact(s)
    written = sent_case(s, Subtype.LOEBENDE_SAG)
    client = client_for(s.secretariat)
    link = "/handling/record_contact_time/"
    assert f"/sager/{wanted.pk}{link}" in client.get(f"/sager/{wanted.pk}/").content.decode()
    assert link not in client.get(f"/sager/{written.pk}/").content.decode()
    # Nor can the action page be reached for it.
    response = client.get(f"/sager/{written.pk}{link}")
    assert response.status_code == 302
