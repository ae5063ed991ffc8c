"""Consent to contact the GP (BEK § 5 stk. 2; procedure Løbende sag). The municipality states
the citizen's answer: a written consent or a recorded refusal. A case with a refusal can be
sent; the coordinator then sees "Må ikke kontakte egen læge", and recording a contact with the
GP is refused on it."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.consent import (
    ConsentRecord,
    ConsentScope,
    ConsentStatus,
    consent_status,
    covering_consent,
)
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import COMPLETE, api_client, attach, make_case
from sagsbro.core.errors import ServiceError

API = "/api/v1"
GP = ConsentScope.CONTACT_GP
D1 = datetime.date(2026, 1, 5)
D2 = datetime.date(2026, 2, 5)
D3 = datetime.date(2026, 3, 5)


def _loebende_draft(side):
    fields, categories, _ = COMPLETE[Subtype.LOEBENDE_SAG]
    case = services.create_case(
        side.caseworker, subtype=Subtype.LOEBENDE_SAG, citizen=side.citizen, **fields
    )
    for category in categories:
        attach(side.caseworker, case, category)
    return case


def _refuse(side, given_on=D1):
    return services.register_consent(
        side.caseworker, side.citizen, scope=GP, given_on=given_on, written=True, refused=True
    )


def _consent(side, given_on=D1):
    return services.register_consent(
        side.caseworker, side.citizen, scope=GP, given_on=given_on, written=True
    )


def _assigned_with_refusal(side):
    case = _loebende_draft(side)
    _refuse(side)
    case = services.send_case(side.caseworker, case)
    return services.assign_coordinator(side.secretariat, case, side.coordinator)


# --- the rules --------------------------------------------------------------------------------


def test_a_refusal_covers_nothing_but_states_the_answer():
    refusal = ConsentRecord(GP, D1, written=True, refused=True)
    assert covering_consent([refusal], GP, D2) is None
    assert consent_status([refusal], GP, D2) == ConsentStatus.REFUSED
    assert consent_status([], GP, D2) == ConsentStatus.MISSING


def test_the_later_of_consent_and_refusal_stands():
    consent = ConsentRecord(GP, D1, written=True)
    refusal = ConsentRecord(GP, D2, written=True, refused=True)
    assert consent_status([consent, refusal], GP, D1) == ConsentStatus.GIVEN
    assert consent_status([consent, refusal], GP, D3) == ConsentStatus.REFUSED
    later_consent = ConsentRecord(GP, D3, written=True)
    assert consent_status([consent, refusal, later_consent], GP, D3) == ConsentStatus.GIVEN
    withdrawn_refusal = ConsentRecord(GP, D1, written=True, refused=True, withdrawn_on=D2)
    assert consent_status([withdrawn_refusal], GP, D3) == ConsentStatus.MISSING


# --- sending ----------------------------------------------------------------------------------


def test_loebende_sag_is_sendable_with_the_refusal_recorded(side_a):
    case = _loebende_draft(side_a)
    assert [m.key for m in services.missing_requirements(case)] == ["consent:contact_gp"]
    with pytest.raises(ServiceError) as refused:
        services.send_case(side_a.caseworker, case)
    assert refused.value.code == "incomplete"
    _refuse(side_a)
    assert services.missing_requirements(case) == []
    case = services.send_case(side_a.caseworker, case)
    assert case.state == "sent"
    event = CaseEvent.objects.filter(case=case, kind="consent_refused").get()
    assert event.label == "Borgerens afslag på samtykke registreret"


def test_refusal_through_the_api(side_a):
    case = _loebende_draft(side_a)
    response = api_client(side_a.caseworker).post(
        f"{API}/consents/",
        {
            "citizen": side_a.citizen.pk,
            "scope": "contact_gp",
            "given_on": "2026-01-05",
            "refused": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["refused"] is True
    send = api_client(side_a.caseworker).post(f"{API}/cases/{case.pk}/send/", {}, format="json")
    assert send.status_code == 200, send.json()


def test_refusal_on_the_edit_page_makes_the_case_sendable(side_a, client):
    case = _loebende_draft(side_a)
    client.force_login(side_a.caseworker)
    response = client.post(
        f"/sager/{case.pk}/samtykke/ny/",
        {"scope": "contact_gp", "given_on": "05.01.2026", "refused": "on"},
    )
    assert response.status_code == 302
    assert services.missing_requirements(case) == []
    html = client.get(f"/sager/{case.pk}/rediger/").content.decode()
    assert "Borgeren har ikke givet samtykke (05.01.2026)" in html


# --- what the coordinator sees ----------------------------------------------------------------


def test_coordinator_sees_the_warning_on_the_page_and_in_the_api(side_a, client):
    case = _assigned_with_refusal(side_a)
    client.force_login(side_a.coordinator)
    html = client.get(f"/sager/{case.pk}/sundhedskoordinator/").content.decode()
    assert "Må ikke kontakte egen læge" in html
    assert "Borgeren har ikke givet samtykke til, at sundhedskoordinatoren kontakter" in html
    assert 'id="gp-contact-form"' not in html
    body = api_client(side_a.coordinator).get(f"{API}/cases/{case.pk}/").json()
    assert body["gp_contact"] == {
        "allowed": False,
        "consent": "refused",
        "label": "Må ikke kontakte egen læge: borgeren har ikke givet samtykke",
    }


def test_with_written_consent_the_coordinator_may_contact_the_gp(side_a, client):
    case = _loebende_draft(side_a)
    _consent(side_a)
    case = services.assign_coordinator(
        side_a.secretariat, services.send_case(side_a.caseworker, case), side_a.coordinator
    )
    body = api_client(side_a.coordinator).get(f"{API}/cases/{case.pk}/").json()
    assert body["gp_contact"]["allowed"] is True
    client.force_login(side_a.coordinator)
    html = client.get(f"/sager/{case.pk}/sundhedskoordinator/").content.decode()
    assert "Må ikke kontakte egen læge" not in html
    assert 'id="gp-contact-form"' in html


# --- recording a contact with the GP ----------------------------------------------------------


def test_gp_contact_is_refused_on_a_case_with_a_refusal(side_a):
    case = _assigned_with_refusal(side_a)
    events = CaseEvent.objects.filter(case=case).count()
    response = api_client(side_a.coordinator).post(
        f"{API}/cases/{case.pk}/gp-contact/",
        {"contacted_on": timezone.localdate().isoformat(), "summary": "Drøftet behandling."},
        format="json",
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "consent_refused"
    assert body["detail"].startswith("Må ikke kontakte egen læge")
    assert "BEK § 5, stk. 2" in body["detail"]
    assert CaseEvent.objects.filter(case=case).count() == events


def test_gp_contact_is_refused_without_any_consent(side_a):
    case = make_case(side_a, Subtype.AABENBAR_FOERTIDSPENSION)
    case = services.send_case(side_a.caseworker, case)
    case = services.assign_coordinator(side_a.secretariat, case, side_a.coordinator)
    with pytest.raises(ServiceError) as refused:
        services.record_gp_contact(
            side_a.coordinator, case, contacted_on=timezone.localdate(), summary="Drøftet."
        )
    assert refused.value.code == "consent_missing"
    assert "BEK § 5, stk. 2" in refused.value.message


def test_gp_contact_is_recorded_with_written_consent(side_a, client):
    case = _loebende_draft(side_a)
    _consent(side_a)
    case = services.assign_coordinator(
        side_a.secretariat, services.send_case(side_a.caseworker, case), side_a.coordinator
    )
    today = timezone.localdate()
    response = api_client(side_a.coordinator).post(
        f"{API}/cases/{case.pk}/gp-contact/",
        {"contacted_on": today.isoformat(), "summary": "Drøftet behandlingsplanen."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    event = CaseEvent.objects.filter(case=case, kind="gp_contact").get()
    assert (event.actor_id, event.comment, event.data) == (
        side_a.coordinator.pk,
        "Drøftet behandlingsplanen.",
        {"contacted_on": today.isoformat()},
    )
    assert AuditEntry.objects.filter(
        case_id=case.pk, user=side_a.coordinator, detail="kontakt egen læge"
    ).exists()
    # Through the page too, and the contacts are listed on the tab.
    client.force_login(side_a.coordinator)
    response = client.post(
        f"/sager/{case.pk}/egen-laege/kontakt/",
        {"contacted_on": today.strftime("%d.%m.%Y"), "summary": "Opfølgning."},
    )
    assert response.status_code == 302
    html = client.get(f"/sager/{case.pk}/sundhedskoordinator/").content.decode()
    assert f"{today:%d.%m.%Y}" in html
    assert "Opfølgning." in html
    # Only the assigned coordinator records contacts.
    with pytest.raises(ServiceError) as refused:
        services.record_gp_contact(
            side_a.coordinator_2, case, contacted_on=today, summary="Drøftet."
        )
    assert refused.value.status == 404
    # Not in the future.
    with pytest.raises(ServiceError) as refused:
        services.record_gp_contact(
            side_a.coordinator,
            case,
            contacted_on=today + datetime.timedelta(days=1),
            summary="Drøftet.",
        )
    assert refused.value.code == "future_date"
    assert Case.objects.get(pk=case.pk).state == "assigned"
