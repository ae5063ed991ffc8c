"""BEK § 12 stk. 2 is checked at every act of the assigned coordinator or specialist, not only
at assignment. A relation that appears after assignment refuses the act with a message citing
§ 12 stk. 2 and sends the case back to the secretariat for a new assignment, as an event; the
put-back stands even though the act is refused."""

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Advice, Case, CaseEvent
from sagsbro.cases.rules.conflict import state_after_conflict
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.web.worklist import secretariat_inbox
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.testing import (
    book_consultation,
    hold_consultation_at_booked_time,
    sign_complete_certificate,
)
from sagsbro.conftest import api_client, assigned_case
from sagsbro.core.errors import ServiceError
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import TreatmentRelation
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _relation_appears(side, doctor, kind="treating"):
    """A relation that reaches the register after assignment without the registration act
    (e.g. the citizen's GP changed in the register): only the act-time check can catch it."""
    TreatmentRelation.objects.get_or_create(citizen=side.citizen, doctor=doctor, kind=kind)


def _assert_put_back(side, case, field, actor, doctor=None):
    case.refresh_from_db()
    assert case.state == "sent"
    assert getattr(case, f"{field}_id") is None
    # A consultation time booked and not yet held is freed just after (clinical/slot_release).
    event = case.events.exclude(kind="consultation_slot_released").last()
    assert (event.kind, event.actor_id, event.to_state) == ("conflict_put_back", actor.pk, "sent")
    assert "BEK § 12, stk. 2" in event.label
    assert event.data["role"] == field
    assert AuditEntry.objects.filter(
        case_id=case.pk, action=AuditEntry.Action.TRANSITION, detail="conflict_put_back"
    ).exists()
    # Back in the secretariat's inbox, and out of the disqualified doctor's sight.
    inbox = secretariat_inbox(side.secretariat, timezone.localdate(), configured_calendar())
    assert case.pk in [row.pk for row in inbox.rows]
    doctor = doctor or actor
    assert not Case.objects.visible_to(doctor).filter(pk=case.pk).exists()


def _screen(side, case):
    return meeting_services.record_screening(
        side.coordinator, case, text="Belyst.", medically_clarified=True, treatment_exhausted=None
    )


def _answer(side, case):
    return services.answer_in_writing(side.coordinator, case, text="Svar.", recommendations=[])


def _invite(side, case):
    return book_consultation(side.specialist, case)


def _consultation(side, case):
    book_consultation(side.secretariat, case)
    _relation_appears(side, side.specialist)
    return hold_consultation_at_booked_time(side.specialist, case, timezone.localdate())


def _certificate(side, case):
    book_consultation(side.secretariat, case)
    hold_consultation_at_booked_time(side.specialist, case, timezone.localdate())
    sign_complete_certificate(side.specialist, case)
    _relation_appears(side, side.specialist)
    return clinical_services.deliver_certificate(side.specialist, case)


ACTS = [
    ("screen", Subtype.REHABILITERINGSTEAM, "coordinator", _screen),
    ("answer", Subtype.LOEBENDE_SAG, "coordinator", _answer),
    ("answer", Subtype.SENIORPENSION, "coordinator", _answer),
    ("invite", Subtype.KLINISK_FUNKTION, "specialist", _invite),
    ("hold_consultation", Subtype.KLINISK_FUNKTION, "specialist", _consultation),
    ("deliver_certificate", Subtype.KLINISK_FUNKTION, "specialist", _certificate),
]


@pytest.mark.parametrize(("act", "subtype", "field", "run"), ACTS, ids=[a[0] for a in ACTS])
def test_relation_after_assignment_refuses_the_act_and_puts_the_case_back(
    side_a, act, subtype, field, run
):
    s = side_a
    case = assigned_case(s, subtype)
    doctor = getattr(s, field)
    _relation_appears(s, doctor)
    advice_before = Advice.objects.count()
    with pytest.raises(ServiceError) as refused:
        run(s, case)
    assert refused.value.code == "conflict_of_interest"
    assert "BEK § 12, stk. 2" in refused.value.message
    assert "sendt tilbage til sekretariatet" in refused.value.message
    assert Advice.objects.count() == advice_before
    assert not case.events.filter(kind=act, actor=doctor).exists()
    _assert_put_back(s, case, field, doctor)


def test_the_put_back_case_is_assigned_again_and_the_new_coordinator_answers(side_a):
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    _relation_appears(s, s.coordinator, "current_gp")
    with pytest.raises(ServiceError):
        _answer(s, case)
    case = services.assign_coordinator(s.secretariat, Case.objects.get(pk=case.pk), s.coordinator_2)
    services.answer_in_writing(s.coordinator_2, case, text="Svar.", recommendations=[])
    assert Case.objects.get(pk=case.pk).state == "answered"


def test_other_coordinators_relation_does_not_stop_the_assignee(side_a):
    s = side_a
    case = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    _relation_appears(s, s.coordinator_2)
    _screen(s, case)
    assert Case.objects.get(pk=case.pk).state == "screened"


@pytest.mark.django_db(transaction=True)
def test_api_refuses_the_answer_and_the_put_back_is_committed(side_a):
    """No surrounding test transaction: the put-back must be committed by itself."""
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    _relation_appears(s, s.coordinator)
    response = api_client(s.coordinator).post(
        f"{API}/cases/{case.pk}/answer/", {"text": "Svar.", "recommendations": []}, format="json"
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "conflict_of_interest"
    assert "BEK § 12, stk. 2" in body["detail"]
    _assert_put_back(s, case, "coordinator", s.coordinator)
    # The secretariat sees the event in the case's history.
    events = api_client(s.secretariat).get(f"{API}/cases/{case.pk}/events/").json()
    assert events[-1]["kind"] == "conflict_put_back"


def test_registering_a_relation_for_the_assignee_puts_the_case_back_at_once(side_a):
    s = side_a
    case = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    other = assigned_case(s, Subtype.LOEBENDE_SAG)
    response = api_client(s.secretariat).post(
        f"{API}/treatment-relations/",
        {"citizen": s.citizen.pk, "doctor": s.coordinator.pk, "kind": "former_treating"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    for put_back in (case, other):
        _assert_put_back(s, put_back, "coordinator", s.secretariat, s.coordinator)
    # The case's history is left as it was for a relation to a doctor not on the case.
    events = CaseEvent.objects.count()
    services.register_treatment_relation(s.secretariat, s.citizen, s.coordinator_2, "treating")
    assert CaseEvent.objects.count() == events


def test_answered_case_is_not_put_back(side_a):
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    _answer(s, case)
    services.register_treatment_relation(s.secretariat, s.citizen, s.coordinator, "treating")
    case.refresh_from_db()
    assert (case.state, case.coordinator_id) == ("answered", s.coordinator.pk)


def test_page_shows_the_conflict_message_on_the_worklist(side_a, client):
    s = side_a
    case = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    _relation_appears(s, s.coordinator)
    client.force_login(s.coordinator)
    response = client.post(
        f"/sager/{case.pk}/handling/screen/",
        {"text": "Belyst.", "medically_clarified": "ja", "treatment_exhausted": ""},
        follow=True,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "inhabil i sagen (BEK § 12, stk. 2)" in content
    assert "sendt tilbage til sekretariatet" in content
    assert response.redirect_chain[-1][0] == "/"
    assert Case.objects.get(pk=case.pk).state == "sent"


@pytest.mark.parametrize(
    ("state", "after"),
    [
        ("assigned", "sent"),
        ("screened", "sent"),
        ("invited", "sent"),
        ("consultation_held", "sent"),
        ("returned", "returned"),
        ("sent", None),
        ("answered", None),
        ("meeting_held", None),
        ("closed", None),
        ("withdrawn", None),
    ],
)
def test_state_after_conflict(state, after):
    assert state_after_conflict(state) == after
