"""The caseworker accepts a late appointment before the citizen is invited (EVAL table 8 step
2.2): only after klinisk funktion's notice of the same day, only the case's municipality's
caseworker, and a notice of another day takes the acceptance back."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import TRANSITIONS, State
from sagsbro.clinical import services as clinical_services
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import ServiceError


def later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_rule_is_the_caseworkers_and_changes_no_state():
    rule = TRANSITIONS["accept_late_appointment"]
    assert rule.target is None
    assert set(rule.sources) == {State.ASSIGNED}
    assert {str(r) for r in rule.roles} == {"caseworker"}
    assert {str(s) for s in rule.subtypes} == {"klinisk_funktion"}
    assert "tabel 8, trin 2.2" in rule.source_ref


def test_acceptance_after_the_notice_of_the_same_day(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    clinical_services.notify_late_appointment(side_a.secretariat, case, later(20))
    case = clinical_services.accept_late_appointment(side_a.caseworker, case, later(20))
    case.refresh_from_db()
    assert case.state == State.ASSIGNED
    assert case.late_appointment_accepted_by == side_a.caseworker
    assert case.late_appointment_accepted_at is not None
    event = case.events.get(kind="accept_late_appointment")
    assert event.data == {"appointment_date": later(20).isoformat()}
    assert event.label == f"Sagsbehandler har accepteret tid {later(20):%d.%m.%Y}"
    assert AuditEntry.objects.filter(
        case_id=case.pk, action=AuditEntry.Action.TRANSITION, detail="accept_late_appointment"
    ).exists()


def _unchanged(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.late_appointment_accepted_at,
        CaseEvent.objects.filter(case=case, kind="accept_late_appointment").count(),
    )


def test_acceptance_is_refused_without_a_notice_or_for_another_day(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    with pytest.raises(ServiceError) as refused:
        clinical_services.accept_late_appointment(side_a.caseworker, case, later(20))
    assert refused.value.code == "no_late_notice"
    assert refused.value.fields == {
        "appointment_date": ["Klinisk funktion har ikke orienteret om en sen konsultationstid."]
    }
    assert _unchanged(case) == (None, 0)

    clinical_services.notify_late_appointment(side_a.secretariat, case, later(20))
    with pytest.raises(ServiceError) as refused:
        clinical_services.accept_late_appointment(side_a.caseworker, case, later(21))
    assert refused.value.code == "late_notice_other_date"
    assert refused.value.message == (
        f"Klinisk funktion har orienteret om tiden {later(20):%d.%m.%Y}, ikke {later(21):%d.%m.%Y}."
    )
    assert _unchanged(case) == (None, 0)

    clinical_services.accept_late_appointment(side_a.caseworker, case, later(20))
    with pytest.raises(ServiceError) as refused:
        clinical_services.accept_late_appointment(side_a.caseworker, case, later(20))
    assert refused.value.code == "late_appointment_already_accepted"


def test_only_the_municipalitys_caseworker_accepts(side_a, side_b):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    clinical_services.notify_late_appointment(side_a.secretariat, case, later(20))
    for user in (side_a.secretariat, side_a.specialist, side_a.team_member):
        with pytest.raises(ServiceError) as refused:
            clinical_services.accept_late_appointment(user, case, later(20))
        assert refused.value.code in {"role_not_allowed", "not_found"}
    with pytest.raises(ServiceError) as refused:
        clinical_services.accept_late_appointment(side_b.caseworker, case, later(20))
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
    assert _unchanged(case) == (None, 0)


def test_a_notice_of_another_day_takes_the_acceptance_back_the_same_day_keeps_it(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    clinical_services.notify_late_appointment(side_a.secretariat, case, later(20))
    clinical_services.accept_late_appointment(side_a.caseworker, case, later(20))
    # Told again of the same day: the acceptance stands.
    clinical_services.notify_late_appointment(side_a.secretariat, case, later(20))
    assert Case.objects.get(pk=case.pk).late_appointment_accepted_at is not None
    clinical_services.notify_late_appointment(side_a.secretariat, case, later(25))
    case.refresh_from_db()
    assert (case.late_appointment_accepted_at, case.appointment_date) == (None, later(25))
    clinical_services.accept_late_appointment(side_a.caseworker, case, later(25))
    assert Case.objects.get(pk=case.pk).late_appointment_accepted_by == side_a.caseworker
