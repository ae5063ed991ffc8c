"""The transition registry: complete, refusing what is incomplete, and what it generates.

Every rule in ``rules/workflow.py`` has its entry; registering a transition (rule, service,
registry line) is enough for it to appear on the case page, in the API and its schema, and in
the isolation matrices; and every registered transition, walked through its API endpoint,
succeeds for its roles on a case in a source state, is refused to every other role, and writes
its event and audit entry.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import clear_url_caches

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.api import serializers as api_serializers
from sagsbro.cases.api import views as api_views
from sagsbro.cases.apps import _check_every_transition_registered
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.registry import (
    RegisteredTransition,
    register,
    transitions,
    unregistered_rules,
)
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import TRANSITIONS, State, Transition
from sagsbro.cases.services.transitions import begin, finish
from sagsbro.cases.web.forms import ConfirmForm
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.testing import (
    book_consultation,
    booked_time_passed,
    free_slot_for,
    hold_consultation_at_booked_time,
    sign_complete_certificate,
)
from sagsbro.conftest import Side, api_client, assigned_case, attach, make_case, on_meeting_day
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role
from sagsbro.tests import test_page_isolation, test_tenant_isolation
from sagsbro.tests.test_tenant_isolation import victim  # noqa: F401 (a fixture)
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"

# The isolation matrices, run again below with a transition registered by the test.
api_matrix = test_tenant_isolation.test_other_organisations_get_nothing_from_any_endpoint
page_matrix = test_page_isolation.test_pages_are_restricted


# --- the registry is complete and refuses what is incomplete ------------------------------------


def test_every_rule_has_its_registry_entry():
    assert unregistered_rules() == []
    assert _check_every_transition_registered() == []
    for entry in transitions:
        assert TRANSITIONS[entry.name] is entry.rule
        assert entry.rule.source_ref, entry.name


def test_every_transition_has_its_event_kind():
    """Code that matches on a transition's event uses the enum, never a literal."""
    assert set(TRANSITIONS) <= {str(kind) for kind in EventKind}


def test_a_rule_without_a_registry_entry_fails_the_system_check():
    rule = dataclasses.replace(TRANSITIONS["close"], name="unregistered")
    rules = cast(dict[str, Transition], TRANSITIONS)
    rules[rule.name] = rule
    try:
        errors = _check_every_transition_registered()
    finally:
        del rules[rule.name]
    assert [(e.id, e.msg) for e in errors] == [
        ("cases.E001", "The transition 'unregistered' has a rule but no registry entry.")
    ]


@pytest.mark.parametrize(
    ("missing", "problem"),
    [
        ("rule", "its rule is not a rules.workflow.Transition"),
        ("service", "it names no service function"),
        ("form_class", "it names no form class"),
        ("serializer_class", "it names no serializer class"),
        ("call", "it has no call from the validated input to the service"),
    ],
)
def test_registration_refuses_an_entry_missing_what_it_must_name(missing, problem):
    complete = dataclasses.replace(
        transitions["close"], rule=dataclasses.replace(TRANSITIONS["close"], name="incomplete")
    )
    # Deliberately ill-typed: registration must refuse at run time what mypy would refuse.
    without: dict[str, Any] = {missing: None}
    with pytest.raises(ImproperlyConfigured, match=problem):
        transitions.register(dataclasses.replace(complete, **without))
    assert "incomplete" not in transitions


def test_registration_refuses_a_second_entry_for_a_transition():
    with pytest.raises(ImproperlyConfigured, match="registered already"):
        transitions.register(transitions["close"])


# --- a transition registered in a test appears everywhere ---------------------------------------

DUMMY = "mark_reviewed"


def mark_reviewed(user: User, case: Case, channel: str = "api") -> Case:
    """The dummy transition's service: the coordinator marks the case as reviewed."""
    with transaction.atomic():
        case, transition = begin(user, case, DUMMY)
        return finish(user, case, transition, case.state, channel)


def _mark_reviewed(user: User, case: Case, data: Mapping[str, Any], channel: str) -> Case:
    return mark_reviewed(user, case, channel)


def rebuild_url_configuration() -> None:
    """The API's transition endpoints are made when the URL configuration is imported: after
    the registry changes, make them again and import the URL configuration anew."""
    api_views.install_transition_endpoints()
    for module in ("sagsbro.cases.api.urls", "sagsbro.api_urls", settings.ROOT_URLCONF):
        importlib.reload(importlib.import_module(module))
    clear_url_caches()


@pytest.fixture
def dummy_transition():
    rule = Transition(
        DUMMY,
        "Markér som gennemset",
        frozenset({State.ASSIGNED}),
        None,
        frozenset({Role.COORDINATOR}),
        frozenset(Subtype),
        "Testregel § 1",
    )
    rules = cast(dict[str, Transition], TRANSITIONS)
    rules[DUMMY] = rule
    # The one registry line.
    entry = register(
        rule,
        service=mark_reviewed,
        form_class=ConfirmForm,
        serializer_class=api_serializers.EmptySerializer,
        call=_mark_reviewed,
    )
    rebuild_url_configuration()
    yield entry
    transitions.unregister(DUMMY)
    del rules[DUMMY]
    rebuild_url_configuration()


def test_a_registered_transition_is_on_the_case_page_in_the_api_and_in_the_schema(
    side_a, client, dummy_transition
):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    action_url = f"/sager/{case.pk}/handling/{DUMMY}/"

    # The case page offers it to the role the rule names, and not to another.
    client.force_login(side_a.coordinator)
    assert action_url in client.get(f"/sager/{case.pk}/").content.decode()
    client.force_login(side_a.caseworker)
    assert action_url not in client.get(f"/sager/{case.pk}/").content.decode()

    # The schema describes its endpoint.
    schema = yaml.safe_load(api_client().get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/cases/{id}/mark-reviewed/"]["post"]
    assert operation["operationId"] == f"cases_{DUMMY}"
    assert "Testregel § 1" in operation["description"]

    # The endpoint answers: refused to the caseworker, done by the coordinator.
    url = f"{API}/cases/{case.pk}/mark-reviewed/"
    assert api_client(side_a.caseworker).post(url, {}, format="json").status_code == 403
    response = api_client(side_a.coordinator).post(url, {}, format="json")
    assert response.status_code == 200, response.content
    assert case.events.filter(kind=DUMMY, actor=side_a.coordinator).exists()
    assert AuditEntry.objects.filter(
        case_id=case.pk, action=AuditEntry.Action.TRANSITION, detail=DUMMY
    ).exists()

    # And the page runs it too.
    client.force_login(side_a.coordinator)
    response = client.post(action_url)
    assert response.status_code == 302
    assert case.events.filter(kind=DUMMY).count() == 2


def test_the_api_isolation_matrix_covers_a_registered_transition(
    side_a,
    side_b,
    national_admin,
    victim,  # noqa: F811 (the fixture imported above)
    dummy_transition,
):
    paths = [path for path, _, _ in test_tenant_isolation.api_endpoints()]
    assert any(path.endswith("/mark-reviewed/") for path in paths)
    api_matrix(side_a, side_b, national_admin, victim)


def test_the_page_isolation_matrix_covers_a_registered_transition(
    side_a, side_b, national_admin, client, dummy_transition
):
    assert DUMMY in transitions.names()  # the matrix walks every registered name's page
    page_matrix(side_a, side_b, national_admin, client)


# --- every registered transition, through its endpoint -----------------------------------------


@dataclass(frozen=True)
class Arrangement:
    """A case in one of the transition's source states, who takes it, and with what."""

    prepare: Callable[[Side], Case]
    actor: str  # the Side attribute of the user who may take it
    payload: Callable[[Side, Case], dict[str, Any]] = lambda side, case: {}
    on_meeting_day: bool = False


def _returned(side: Side) -> Case:
    case = _sent(side)
    return services.return_for_information(side.secretariat, case, "Mangler LÆ 265.")


def _sent(side: Side, subtype: Subtype = Subtype.LOEBENDE_SAG, **fields: Any) -> Case:
    return services.send_case(side.caseworker, make_case(side, subtype, **fields))


def _answered(side: Side) -> Case:
    case = assigned_case(side, Subtype.LOEBENDE_SAG)
    return services.answer_in_writing(side.coordinator, case, text="Svar.", recommendations=[])


def _invited(side: Side) -> Case:
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    return book_consultation(side.secretariat, case)


def _invited_time_passed(side: Side) -> Case:
    case = _invited(side)
    booked_time_passed(case)
    return case


def _late_notified(side: Side) -> Case:
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    late = datetime.date.today() + datetime.timedelta(days=30)
    return clinical_services.notify_late_appointment(side.secretariat, case, late)


def _consulted(side: Side) -> Case:
    case = hold_consultation_at_booked_time(side.specialist, _invited(side))
    sign_complete_certificate(side.specialist, case)
    return case


def _meeting_held(side: Side) -> Case:
    case = assigned_case(side, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    case = meeting_services.record_screening(
        side.coordinator, case, text="Belyst.", medically_clarified=True, treatment_exhausted=None
    )
    with on_meeting_day(case):
        case = meeting_services.hold_meeting(side.team_member, case)
    attach(side.team_member, case, Category.INDSTILLING)
    return case


def _closed_team_case(side: Side) -> Case:
    case = _meeting_held(side)
    with on_meeting_day(case):
        return meeting_services.send_indstilling(side.caseworker, case)


def _another_meeting_day(side: Side, case: Case) -> dict[str, Any]:
    calendar = configured_calendar()
    day = max(case.meeting_date or datetime.date.today(), datetime.date.today())
    day += datetime.timedelta(days=7)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return {"meeting_date": day.isoformat()}


ARRANGEMENTS: dict[str, Arrangement] = {
    "send": Arrangement(lambda side: make_case(side, Subtype.LOEBENDE_SAG), "caseworker"),
    "assign": Arrangement(
        _sent, "secretariat", lambda side, case: {"assignee": side.coordinator.pk}
    ),
    "assign_specialist": Arrangement(
        lambda side: _sent(side, Subtype.KLINISK_FUNKTION),
        "secretariat",
        lambda side, case: {"assignee": side.specialist.pk},
    ),
    "return_for_information": Arrangement(
        _sent, "secretariat", lambda side, case: {"reason": "Mangler LÆ 265."}
    ),
    "resend": Arrangement(_returned, "caseworker", lambda side, case: {"comment": "Vedhæftet."}),
    "withdraw": Arrangement(_sent, "caseworker", lambda side, case: {"reason": "Ikke aktuel."}),
    "discard_draft": Arrangement(lambda side: make_case(side, Subtype.LOEBENDE_SAG), "caseworker"),
    "postpone": Arrangement(
        lambda side: _sent(side, Subtype.REHABILITERINGSTEAM),
        "caseworker",
        _another_meeting_day,
    ),
    "screen": Arrangement(
        lambda side: assigned_case(side, Subtype.REHABILITERINGSTEAM),
        "coordinator",
        lambda side, case: {"text": "Belyst.", "medically_clarified": True},
    ),
    "hold_meeting": Arrangement(
        lambda side: assigned_case(side, Subtype.REHABILITERINGSTEAM),
        "team_member",
        on_meeting_day=True,
    ),
    "send_indstilling": Arrangement(_meeting_held, "caseworker", on_meeting_day=True),
    "answer": Arrangement(
        lambda side: assigned_case(side, Subtype.LOEBENDE_SAG),
        "coordinator",
        lambda side, case: {"text": "Borgeren kan fortsætte planen.", "recommendations": []},
    ),
    "close": Arrangement(_answered, "caseworker"),
    "notify_late_appointment": Arrangement(
        lambda side: assigned_case(side, Subtype.KLINISK_FUNKTION),
        "secretariat",
        lambda side, case: {
            "appointment_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        },
    ),
    "accept_late_appointment": Arrangement(
        _late_notified,
        "caseworker",
        lambda side, case: {"appointment_date": str(case.appointment_date)},
    ),
    "invite": Arrangement(
        lambda side: assigned_case(side, Subtype.KLINISK_FUNKTION),
        "secretariat",
        lambda side, case: {"slot": free_slot_for(case).pk},
    ),
    "hold_consultation": Arrangement(_invited_time_passed, "specialist"),
    "record_no_show": Arrangement(
        _invited_time_passed, "secretariat", lambda side, case: {"comment": "Ingen afbud."}
    ),
    "deliver_certificate": Arrangement(_consulted, "specialist"),
    "reassign": Arrangement(
        lambda side: assigned_case(side, Subtype.LOEBENDE_SAG),
        "secretariat",
        lambda side, case: {"assignee": side.coordinator_2.pk},
    ),
    "record_contact_time": Arrangement(
        lambda side: _sent(side, contact_preference="contact_first"),
        "secretariat",
        lambda side, case: {
            "at": (datetime.date.today() + datetime.timedelta(days=1)).isoformat() + "T10:00",
            "how": "phone",
        },
    ),
    "reopen_as_genforelaeggelse": Arrangement(
        _closed_team_case, "caseworker", lambda side, case: {"meeting_date": "2027-09-15"}
    ),
}


def test_every_registered_transition_has_an_arrangement():
    """A new transition gets its line here, so the test below walks it."""
    assert set(ARRANGEMENTS) == set(transitions.names())


def _post(user: User, case: Case, entry: RegisteredTransition, body: dict[str, Any]):
    url = f"{API}/cases/{case.pk}/{entry.url_path}/"
    return api_client(user).post(url, body, format="json")


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_a_registered_transition_is_taken_by_its_roles_only(side_a, name):
    entry = transitions[name]
    arrangement = ARRANGEMENTS[name]
    case = arrangement.prepare(side_a)
    case.refresh_from_db()
    assert case.state_enum in entry.rule.sources
    actor = getattr(side_a, arrangement.actor)
    assert actor.role in entry.rule.roles
    body = arrangement.payload(side_a, case)
    events_before = case.events.count()

    def attempt(user: User):
        if arrangement.on_meeting_day:
            with on_meeting_day(case):
                return _post(user, case, entry, body)
        return _post(user, case, entry, body)

    # Every other role is refused and nothing changes.
    for user in side_a.users():
        if user.role in entry.rule.roles:
            continue
        response = attempt(user)
        assert response.status_code in (403, 404), (user.username, response.status_code)
        case.refresh_from_db()
        assert case.state_enum in entry.rule.sources
        assert case.events.count() == events_before, user.username

    # The role the rule names takes it: the event and the audit entry are written.
    response = attempt(actor)
    assert response.status_code in (200, 201), response.content
    case.refresh_from_db()
    if entry.rule.target is not None:
        assert case.state_enum == entry.rule.target
    assert CaseEvent.objects.filter(case=case, kind=name, actor=actor).count() == 1
    assert AuditEntry.objects.filter(
        user=actor, case_id=case.pk, action=AuditEntry.Action.TRANSITION, detail=name
    ).exists()
