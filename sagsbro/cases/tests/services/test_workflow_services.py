"""The state machine: complete and consistent.

* For every subtype, state and role, `available_transitions` and `check_transition` say the
  same as the TRANSITIONS table, with the refusal that fits (unknown for the subtype, wrong
  state, wrong role).
* Each subtype reaches exactly the states its procedure has, every open state has a way to
  end, and the final states stay final.
* Through the API, every transition attempted in a state it does not start from answers
  400 "invalid_state" (404 when no one allowed to take it may see the case), a role the
  table does not allow answers 403, and nothing about the case changes.
"""

from collections import deque

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Advice, Case, CaseEvent, CaseNote, Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import Purpose
from sagsbro.cases.rules.workflow import (
    FINAL_STATES,
    STATE_LABELS,
    TRANSITIONS,
    State,
    TransitionRefused,
    available_transitions,
    can_reopen_as_genforelaeggelse,
    check_transition,
    target_after_resend,
)
from sagsbro.clinical.testing import (
    book_consultation,
    deliver_complete_certificate,
    hold_consultation_at_booked_time,
)
from sagsbro.conftest import api_client, attach, make_case, on_meeting_day, sent_case
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.roles import Role

API = "/api/v1"

TEAM = (Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE)
WRITTEN = (
    Subtype.LOEBENDE_SAG,
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR,
    Subtype.AABENBAR_FOERTIDSPENSION,
    Subtype.SENIORPENSION,
    Subtype.JOBAFKLARING_4AAR,
)
KLINISK = Subtype.KLINISK_FUNKTION

S = State
# The states each subtype's procedure passes through, written out from the procedures.
STATES_OF = {
    **{
        subtype: {
            S.DRAFT,
            S.SENT,
            S.ASSIGNED,
            S.RETURNED,
            S.SCREENED,
            S.MEETING_HELD,
            S.CLOSED,
            S.WITHDRAWN,
        }
        for subtype in TEAM
    },
    **{
        subtype: {S.DRAFT, S.SENT, S.ASSIGNED, S.RETURNED, S.ANSWERED, S.CLOSED, S.WITHDRAWN}
        for subtype in WRITTEN
    },
    KLINISK: {
        S.DRAFT,
        S.SENT,
        S.ASSIGNED,
        S.RETURNED,
        S.INVITED,
        S.CONSULTATION_HELD,
        # The certificate is delivered; the caseworker reads it and closes the case.
        S.ANSWERED,
        S.CLOSED,
        S.WITHDRAWN,
    },
}

R = Role
# Each subtype's straight line: (transition, role, state after).
HAPPY_PATHS = {
    **{
        subtype: [
            ("send", R.CASEWORKER, S.SENT),
            ("assign", R.SECRETARIAT, S.ASSIGNED),
            ("screen", R.COORDINATOR, S.SCREENED),
            ("hold_meeting", R.TEAM_MEMBER, S.MEETING_HELD),
            ("send_indstilling", R.CASEWORKER, S.CLOSED),
        ]
        for subtype in TEAM
    },
    **{
        subtype: [
            ("send", R.CASEWORKER, S.SENT),
            ("assign", R.SECRETARIAT, S.ASSIGNED),
            ("answer", R.COORDINATOR, S.ANSWERED),
            ("close", R.CASEWORKER, S.CLOSED),
        ]
        for subtype in WRITTEN
    },
    KLINISK: [
        ("send", R.CASEWORKER, S.SENT),
        ("assign_specialist", R.SECRETARIAT, S.ASSIGNED),
        ("notify_late_appointment", R.SECRETARIAT, S.ASSIGNED),
        ("accept_late_appointment", R.CASEWORKER, S.ASSIGNED),
        ("invite", R.SECRETARIAT, S.INVITED),
        ("hold_consultation", R.CLINICAL_SPECIALIST, S.CONSULTATION_HELD),
        ("deliver_certificate", R.CLINICAL_SPECIALIST, S.ANSWERED),
        ("close", R.CASEWORKER, S.CLOSED),
    ],
}


def _allowed(name, subtype, state, role):
    t = TRANSITIONS[name]
    return subtype in t.subtypes and state in t.sources and role in t.roles


def _expected_refusal(name, subtype, state, role):
    t = TRANSITIONS[name]
    if subtype not in t.subtypes:
        return "unknown_transition"
    if state not in t.sources:
        return "invalid_state"
    if role not in t.roles:
        return "role_not_allowed"
    return None


def _reachable(subtype):
    """States reachable from a draft, following the table (a None target stays put)."""
    seen = {S.DRAFT}
    queue = deque([S.DRAFT])
    while queue:
        state = queue.popleft()
        for t in TRANSITIONS.values():
            if subtype in t.subtypes and state in t.sources:
                target = t.target or state
                if t.name == "resend":
                    # Back to the coordinator when one was assigned, else to the inbox.
                    targets = {target_after_resend(True), target_after_resend(False)}
                else:
                    targets = {target}
                for nxt in targets - seen:
                    seen.add(nxt)
                    queue.append(nxt)
    return seen


# --- the table, the checker and the list agree ---------------------------------------------


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("subtype", list(Subtype))
def test_available_and_check_agree_with_the_table(subtype, state, role):
    expected = [name for name in TRANSITIONS if _allowed(name, subtype, state, role)]
    assert [t.name for t in available_transitions(subtype, state, role)] == expected
    for name, transition in TRANSITIONS.items():
        code = _expected_refusal(name, subtype, state, role)
        if code is None:
            assert check_transition(name, subtype, state, role) is transition
            continue
        with pytest.raises(TransitionRefused) as refused:
            check_transition(name, subtype, state, role)
        assert refused.value.code == code
        message = refused.value.message
        if code == "unknown_transition":
            assert message == "Handlingen findes ikke for denne type sag."
        elif code == "invalid_state":
            assert message == (
                f"Handlingen »{transition.label}« kan ikke udføres, når sagen har status "
                f"»{STATE_LABELS[state]}«."
            )
        else:
            assert message == f"Din rolle må ikke udføre handlingen »{transition.label}«."


def test_unknown_transition_name():
    with pytest.raises(TransitionRefused) as refused:
        check_transition("fly", Subtype.LOEBENDE_SAG, S.ASSIGNED, R.COORDINATOR)
    assert refused.value.code == "unknown_transition"


def test_every_state_has_a_danish_label():
    assert set(STATE_LABELS) == set(State)
    assert all(label.strip() for label in STATE_LABELS.values())


def test_every_transition_names_a_source_and_a_label():
    for name, t in TRANSITIONS.items():
        assert t.name == name
        assert t.label and t.source_ref
        assert t.sources and t.roles and t.subtypes
        assert t.target is None or t.target in State


def test_only_these_transitions_leave_the_state_as_it_is():
    assert {n for n, t in TRANSITIONS.items() if t.target is None} == {
        "postpone",
        "notify_late_appointment",
        "accept_late_appointment",
        "reopen_as_genforelaeggelse",
        "reassign",
        "record_contact_time",
    }


@pytest.mark.parametrize("role", [R.ADMINISTRATOR, R.GENERAL_PRACTITIONER])
def test_administrators_and_gps_take_no_steps(role):
    for subtype in Subtype:
        for state in State:
            assert available_transitions(subtype, state, role) == []


# --- each subtype's graph ------------------------------------------------------------------


@pytest.mark.parametrize("subtype", list(Subtype))
def test_reachable_states(subtype):
    assert _reachable(subtype) == STATES_OF[subtype]


@pytest.mark.parametrize("subtype", list(Subtype))
def test_every_open_state_can_end(subtype):
    for state in STATES_OF[subtype] - FINAL_STATES:
        # Someone can act on it.
        assert any(available_transitions(subtype, state, role) for role in Role), state
        # The municipality can always let go of it.
        names = [t.name for t in available_transitions(subtype, state, R.CASEWORKER)]
        assert ("discard_draft" if state == S.DRAFT else "withdraw") in names, state
        # And it can still be closed by the procedure, or withdrawn.
        assert _reachable_from(subtype, state) & FINAL_STATES == FINAL_STATES, state


def _reachable_from(subtype, start):
    seen = {start}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for t in TRANSITIONS.values():
            if subtype in t.subtypes and state in t.sources:
                targets = (
                    {target_after_resend(True), target_after_resend(False)}
                    if t.name == "resend"
                    else {t.target or state}
                )
                for nxt in targets - seen:
                    seen.add(nxt)
                    queue.append(nxt)
    return seen


@pytest.mark.parametrize("subtype", list(Subtype))
def test_final_states_stay_final(subtype):
    for role in Role:
        assert available_transitions(subtype, S.WITHDRAWN, role) == []
        closed = [t.name for t in available_transitions(subtype, S.CLOSED, role)]
        if subtype in TEAM and role == R.CASEWORKER:
            # Reopening makes a new case; the closed one stays closed.
            assert closed == ["reopen_as_genforelaeggelse"]
            assert TRANSITIONS["reopen_as_genforelaeggelse"].target is None
        else:
            assert closed == []


@pytest.mark.parametrize("subtype", list(Subtype))
def test_happy_path_is_allowed_step_by_step(subtype):
    state = S.DRAFT
    for name, role, after in HAPPY_PATHS[subtype]:
        transition = check_transition(name, subtype, state, role)
        state = transition.target or state
        assert state == after, name
    assert state == S.CLOSED


@pytest.mark.parametrize("subtype", list(Subtype))
def test_deviations_are_available_where_the_procedures_need_them(subtype):
    def names(state, role):
        return {t.name for t in available_transitions(subtype, state, role)}

    # Returned for more information by the region, from the inbox and from the assignee.
    assert "return_for_information" in names(S.SENT, R.SECRETARIAT)
    assignee = R.CLINICAL_SPECIALIST if subtype == KLINISK else R.COORDINATOR
    assert "return_for_information" in names(S.ASSIGNED, assignee)
    assert "resend" in names(S.RETURNED, R.CASEWORKER)
    # Postponing a meeting exists only where there is a meeting.
    has_meeting = subtype in (*TEAM, Subtype.RET_TIL_SUNDHEDSKOORDINATOR)
    assert ("postpone" in names(S.ASSIGNED, R.SECRETARIAT)) is has_meeting
    assert ("postpone" in names(S.ASSIGNED, R.CASEWORKER)) is has_meeting
    # A meeting is held only with the coordinator assigned (or after screening).
    if subtype in TEAM:
        assert "hold_meeting" not in names(S.SENT, R.TEAM_MEMBER)
        assert "hold_meeting" in names(S.ASSIGNED, R.TEAM_MEMBER)
        assert "hold_meeting" in names(S.SCREENED, R.CASEWORKER)


def test_resend_goes_to_the_assignee_or_the_inbox():
    assert target_after_resend(True) == S.ASSIGNED
    assert target_after_resend(False) == S.SENT


@pytest.mark.parametrize("subtype", list(Subtype))
@pytest.mark.parametrize("purpose", [*list(Purpose), ""])
def test_only_ressourceforloeb_team_cases_are_reopened(subtype, purpose):
    expected = subtype in TEAM and purpose == Purpose.RESSOURCEFORLOEB
    assert can_reopen_as_genforelaeggelse(subtype, purpose) is expected


# --- through the API: refusals change nothing ----------------------------------------------


def _assign(side, case):
    if case.subtype == KLINISK:
        return services.assign_specialist(side.secretariat, case, side.specialist)
    return services.assign_coordinator(side.secretariat, case, side.coordinator)


def build(side, subtype, state):
    """A case of the subtype in the state, moved there through the services."""
    parent = build(side, Subtype.REHABILITERINGSTEAM, S.CLOSED) if subtype == TEAM[1] else None
    if state == S.DRAFT:
        return make_case(side, subtype, parent=parent)
    case = sent_case(side, subtype, parent=parent)
    if state == S.SENT:
        return case
    if state == S.WITHDRAWN:
        return services.withdraw_case(side.caseworker, case, "Borgeren er raskmeldt.")
    case = _assign(side, case)
    if state == S.ASSIGNED:
        return case
    if state == S.RETURNED:
        assignee = side.specialist if subtype == KLINISK else side.coordinator
        return services.return_for_information(assignee, case, "Oplysninger mangler.")
    if subtype in TEAM:
        if state == S.SCREENED:
            return meeting_services.record_screening(
                side.coordinator,
                case,
                text="Belyst.",
                medically_clarified=True,
                treatment_exhausted=None,
            )
        with on_meeting_day(case):
            case = meeting_services.hold_meeting(side.team_member, case)
        if state == S.MEETING_HELD:
            return case
        attach(side.team_member, case, Category.INDSTILLING)
        case = meeting_services.send_indstilling(side.caseworker, case)
    elif subtype == KLINISK:
        # Invited for today, so the consultation can be recorded as held today.
        appointment = timezone.localdate(case.received_at)
        case = book_consultation(side.secretariat, case, on=appointment)
        if state == S.INVITED:
            return case
        case = hold_consultation_at_booked_time(side.specialist, case, appointment)
        if state == S.CONSULTATION_HELD:
            return case
        case = deliver_complete_certificate(side.specialist, case)
        if state == S.ANSWERED:
            return case
        case = services.close_case(side.caseworker, case)
    else:
        case = services.answer_in_writing(
            side.coordinator, case, text="Borgeren kan fortsætte.", recommendations=[]
        )
        if state == S.ANSWERED:
            return case
        case = services.close_case(side.caseworker, case)
    assert state == S.CLOSED
    return case


def _payload(name, side):
    return {
        "assign": {"assignee": side.coordinator.pk},
        "assign_specialist": {"assignee": side.specialist.pk},
        "reassign": {"assignee": side.coordinator_2.pk},
        "record_contact_time": {"at": "2027-04-07T10:00:00+02:00", "how": "phone"},
        "return_for_information": {"reason": "Oplysninger mangler."},
        "withdraw": {"reason": "Borgeren er raskmeldt."},
        "resend": {"comment": ""},
        "postpone": {"meeting_date": "2027-04-07"},
        "screen": {"text": "Belyst.", "medically_clarified": True},
        "answer": {"text": "Svar.", "recommendations": []},
        "notify_late_appointment": {"appointment_date": "2027-04-07"},
        "accept_late_appointment": {"appointment_date": "2027-04-07"},
        # The rule is checked before the slot: any id will do for a refusal.
        "invite": {"slot": 1},
        "hold_consultation": {"consultation_date": "2027-04-07"},
        "reopen_as_genforelaeggelse": {"meeting_date": "2027-09-15"},
    }.get(name, {})


def _users(side):
    return {
        R.CASEWORKER: side.caseworker,
        R.TEAM_MEMBER: side.team_member,
        R.SECRETARIAT: side.secretariat,
        R.COORDINATOR: side.coordinator,
        R.CLINICAL_SPECIALIST: side.specialist,
    }


def _sees(user, case):
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


NOT_CHANGES = [AuditEntry.Action.READ, AuditEntry.Action.DENIED]


def _snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        case.coordinator_id,
        case.specialist_id,
        case.meeting_date,
        case.received_at,
        case.appointment_date,
        case.consultation_date,
        CaseEvent.objects.filter(case=case).count(),
        # Only writes count: reading the offered steps is a READ, and a refusal leaves only
        # its DENIED entry (sagsbro/tests/test_tenant_isolation.py).
        AuditEntry.objects.filter(case_id=case.pk).exclude(action__in=NOT_CHANGES).count(),
        AuditEntry.objects.exclude(action__in=NOT_CHANGES).count(),
        Case.objects.count(),
        Document.objects.count(),
        DocumentShare.objects.count(),
        Advice.objects.count(),
        CaseNote.objects.count(),
        list(Deadline.objects.filter(case=case).values_list("kind", "due", "fulfilled_on")),
    )


def _post(user, case, name, payload):
    url = f"{API}/cases/{case.pk}/{name.replace('_', '-')}/"
    return api_client(user).post(url, payload, format="json")


CASES = [(subtype, state) for subtype in Subtype for state in sorted(STATES_OF[subtype])]


@pytest.mark.parametrize(("subtype", "state"), CASES)
def test_refused_transitions_through_the_api_change_nothing(side_a, subtype, state):
    s = side_a
    case = build(s, subtype, state)
    assert case.state == state
    users = _users(s)
    before = _snapshot(case)

    # What each party is offered is what the table allows.
    for role, user in users.items():
        if _sees(user, case):
            response = api_client(user).get(f"{API}/cases/{case.pk}/transitions/")
            assert response.status_code == 200
            offered = [t["name"] for t in response.json()["transitions"]]
            assert offered == [t.name for t in available_transitions(subtype, state, role)]

    for name, transition in TRANSITIONS.items():
        payload = _payload(name, s)
        if subtype not in transition.subtypes:
            response = _post(s.caseworker, case, name, payload)
            assert response.status_code == 400, (name, response.json())
            assert response.json()["code"] == "unknown_transition", name
        elif state not in transition.sources:
            allowed = [users[r] for r in transition.roles if r in users]
            seeing = [u for u in allowed if _sees(u, case)]
            if seeing:
                for user in seeing:
                    response = _post(user, case, name, payload)
                    assert response.status_code == 400, (name, user.role, response.json())
                    body = response.json()
                    assert body["code"] == "invalid_state", (name, user.role, body)
                    assert body["detail"] == (
                        f"Handlingen »{transition.label}« kan ikke udføres, når sagen har "
                        f"status »{STATE_LABELS[state]}«."
                    )
            else:
                # No one who may take the step can see the case in this state.
                response = _post(allowed[0], case, name, payload)
                assert response.status_code == 404, (name, response.json())
        else:
            for role, user in users.items():
                if role in transition.roles or not _sees(user, case):
                    continue
                response = _post(user, case, name, payload)
                assert response.status_code == 403, (name, role, response.json())
                assert response.json() == {
                    "detail": f"Din rolle må ikke udføre handlingen »{transition.label}«.",
                    "code": "role_not_allowed",
                }, (name, role)
        assert _snapshot(case) == before, name


@pytest.mark.parametrize("state", [S.DRAFT, S.SENT, S.ASSIGNED, S.CLOSED])
def test_administrators_and_gps_cannot_act(side_a, state):
    s = side_a
    case = build(s, Subtype.REHABILITERINGSTEAM, state)
    before = _snapshot(case)
    for user in (s.municipal_admin, s.regional_admin, s.gp):
        for name in TRANSITIONS:
            response = _post(user, case, name, _payload(name, s))
            assert response.status_code == 404, (name, user.role, response.json())
    assert _snapshot(case) == before


def test_unknown_transition_path_is_not_routed(side_a):
    case = build(side_a, Subtype.LOEBENDE_SAG, S.SENT)
    before = _snapshot(case)
    response = api_client(side_a.caseworker).post(f"{API}/cases/{case.pk}/fly/", {})
    assert response.status_code == 404
    assert _snapshot(case) == before
