"""The secretariat moves a case to another coordinator (or specialist): the state stays, the
new one must not be disqualified (BEK § 12 stk. 2), the move is an event and audited, the new
coordinator sees the case and the old one sees only that it was moved."""

import datetime

from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

API = "/api/v1"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def reassign(user, case, assignee):
    return api_client(user).post(
        f"{API}/cases/{case.pk}/reassign/", {"assignee": assignee.pk}, format="json"
    )


def writes(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        case.coordinator_id,
        case.specialist_id,
        CaseEvent.objects.filter(case=case).count(),
        AuditEntry.objects.filter(case_id=case.pk)
        .exclude(action__in=[AuditEntry.Action.READ, AuditEntry.Action.DENIED])
        .count(),
    )


def test_secretariat_moves_a_case_to_another_coordinator_through_the_api(side_a):
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    response = reassign(s.secretariat, case, s.coordinator_2)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["state"], body["coordinator"]["id"]) == ("assigned", s.coordinator_2.pk)

    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None
    assert (event.kind, event.actor_id, event.from_state, event.to_state) == (
        "reassign",
        s.secretariat.pk,
        "assigned",
        "assigned",
    )
    assert event.label == (
        "Sagen er flyttet fra sundhedskoordinator Anna Coordinator til Anna Coordinator2"
    )
    assert event.data == {"from": s.coordinator.pk, "to": s.coordinator_2.pk, "role": "coordinator"}
    audit = AuditEntry.objects.filter(case_id=case.pk).order_by("-id").first()
    assert audit is not None
    assert (audit.user_id, audit.action, audit.detail) == (
        s.secretariat.pk,
        AuditEntry.Action.TRANSITION,
        "reassign",
    )

    # The new coordinator has the case; the old one no longer does.
    assert api_client(s.coordinator_2).get(f"{API}/cases/{case.pk}/").status_code == 200
    assert api_client(s.coordinator).get(f"{API}/cases/{case.pk}/").status_code == 404


def test_a_screened_team_case_can_be_moved_and_keeps_its_state(side_a):
    s = side_a
    case = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    meeting_services.record_screening(
        s.coordinator, case, text="Belyst.", medically_clarified=True, treatment_exhausted=None
    )
    case = services.reassign_coordinator(s.secretariat, case, s.coordinator_2)
    assert (case.state, case.coordinator_id) == ("screened", s.coordinator_2.pk)


def test_moving_to_the_same_coordinator_or_a_disqualified_one_is_refused(side_a):
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    before = writes(case)
    response = reassign(s.secretariat, case, s.coordinator)
    assert response.status_code == 400
    assert response.json()["code"] == "same_assignee"
    assert (
        response.json()["detail"]
        == "Sagen er allerede tildelt sundhedskoordinator Anna Coordinator."
    )
    assert writes(case) == before

    services.register_treatment_relation(s.secretariat, s.citizen, s.coordinator_2, "treating")
    before = writes(case)
    response = reassign(s.secretariat, case, s.coordinator_2)
    assert response.status_code == 400
    assert response.json()["code"] == "conflict_of_interest"
    assert writes(case) == before

    # Only a coordinator of the case's region.
    response = reassign(s.secretariat, case, s.specialist)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_assignee"
    assert writes(case) == before


def test_only_the_secretariat_moves_cases_and_only_assigned_or_screened_ones(side_a):
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    before = writes(case)
    response = reassign(s.coordinator, case, s.coordinator_2)
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_allowed"
    assert writes(case) == before

    services.answer_in_writing(s.coordinator, case, text="Svar.", recommendations=[])
    before = writes(case)
    response = reassign(s.secretariat, case, s.coordinator_2)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert writes(case) == before


def test_klinisk_funktion_is_moved_to_another_specialist(side_a):
    s = side_a
    other = User.objects.create_user(
        username="anna_specialist2",
        password="test-password-1",
        first_name="Anna",
        last_name="Specialist2",
        role=Role.CLINICAL_SPECIALIST,
        region=s.region,
        authorisation_id="annaS2",
    )
    case = assigned_case(s, Subtype.KLINISK_FUNKTION)
    response = reassign(s.secretariat, case, s.coordinator_2)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_assignee"
    response = reassign(s.secretariat, case, other)
    assert response.status_code == 200, response.json()
    assert response.json()["specialist"]["id"] == other.pk
    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None
    assert event.label == ("Sagen er flyttet fra speciallæge Anna Specialist til Anna Specialist2")
    assert api_client(s.specialist).get(f"{API}/cases/{case.pk}/").status_code == 404


def test_reassign_page_offers_the_others_and_the_old_coordinator_sees_the_move(side_a):
    s = side_a
    case = assigned_case(s, Subtype.LOEBENDE_SAG)
    client = client_for(s.secretariat)
    response = client.get(f"/sager/{case.pk}/handling/reassign/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{s.coordinator_2.pk}"' in html
    assert f'value="{s.coordinator.pk}"' not in html  # the one who has it now

    response = client.post(f"/sager/{case.pk}/handling/reassign/", {"assignee": s.coordinator_2.pk})
    assert response.status_code == 302
    follow = client.get(response.url)
    assert "Sagen er flyttet til sundhedskoordinator Anna Coordinator2." in follow.content.decode()
    case.refresh_from_db()
    assert case.coordinator_id == s.coordinator_2.pk

    # The new coordinator finds it on the worklist.
    new_list = client_for(s.coordinator_2).get("/")
    assert case.reference in new_list.content.decode()

    # The old one sees that it was moved: reference and date, nothing about the citizen.
    response = client_for(s.coordinator).get("/")
    html = response.content.decode()
    assert "Flyttet fra dig" in html
    moved = html.split('id="moved-heading"')[1].split("</section>")[0]
    assert case.reference in moved
    assert f"{timezone.localdate():%d.%m.%Y}" in moved
    assert s.citizen.name not in html
    assert s.citizen.cpr[:6] not in html
    assert [m.reference for m in response.context["worklist"].moved] == [case.reference]
    # ... and cannot open the case any longer.
    assert client_for(s.coordinator).get(f"/sager/{case.pk}/").status_code == 404

    # The new coordinator has no such list: the case was moved to them, not from them.
    assert client_for(s.coordinator_2).get("/").context["worklist"].moved == []


def test_moved_list_shows_the_last_30_days(side_a):
    s = side_a
    recent = assigned_case(s, Subtype.LOEBENDE_SAG)
    services.reassign_coordinator(s.secretariat, recent, s.coordinator_2)
    old = assigned_case(s, Subtype.SENIORPENSION)
    services.reassign_coordinator(s.secretariat, old, s.coordinator_2)
    CaseEvent.objects.filter(case=old, kind="reassign").update(
        at=timezone.now() - datetime.timedelta(days=31)
    )
    response = client_for(s.coordinator).get("/")
    assert [m.reference for m in response.context["worklist"].moved] == [recent.reference]
