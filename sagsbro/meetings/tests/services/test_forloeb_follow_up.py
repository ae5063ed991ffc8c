"""The ressourceforløb's follow-up (procedure 002; O-57): the caseworker records the dates,
6 months after the start without an effort the case is on the caseworker's list as due for
genforelæggelse, and the genforelæggelsessag made from it takes it off the list."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.models import ForloebFollowUp
from sagsbro.meetings.rules.followup import add_months
from sagsbro.workdays.services import configured_calendar


def closed_forloeb_case(side, purpose="ressourceforloeb", state="closed"):
    case = make_case(side, Subtype.REHABILITERINGSTEAM, purpose=purpose)
    Case.objects.filter(pk=case.pk).update(state=state)
    return Case.objects.get(pk=case.pk)


def months_ago(months, days=0):
    return add_months(timezone.localdate(), -months) - datetime.timedelta(days=days)


def test_the_caseworker_records_both_dates_with_events_and_audit(side_a):
    case = closed_forloeb_case(side_a)
    start = months_ago(2)
    follow_up = services.record_forloeb(side_a.caseworker, case, started_on=start)
    assert follow_up.effort_deadline == add_months(start, 6)
    assert follow_up.first_effort_started_on is None
    effort = start + datetime.timedelta(days=10)
    services.record_forloeb(
        side_a.caseworker, case, started_on=start, first_effort_started_on=effort
    )
    kinds = list(
        CaseEvent.objects.filter(case=case)
        .filter(kind__in=[EventKind.FORLOEB_STARTED, EventKind.FORLOEB_EFFORT_STARTED])
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [EventKind.FORLOEB_STARTED, EventKind.FORLOEB_EFFORT_STARTED]
    actions = list(
        AuditEntry.objects.filter(user=side_a.caseworker, detail="ressourceforløbets datoer")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    assert ForloebFollowUp.objects.get(case=case).first_effort_started_on == effort


def test_recording_the_same_dates_again_changes_nothing(side_a):
    case = closed_forloeb_case(side_a)
    start = months_ago(1)
    services.record_forloeb(side_a.caseworker, case, started_on=start)
    events = CaseEvent.objects.count()
    services.record_forloeb(side_a.caseworker, case, started_on=start)
    assert CaseEvent.objects.count() == events


def test_only_the_municipalitys_caseworker_records(side_a, side_b):
    case = closed_forloeb_case(side_a)
    with pytest.raises(PermissionRefused):
        services.record_forloeb(side_a.team_member, case, started_on=months_ago(1))
    with pytest.raises(ServiceError) as refused:
        services.record_forloeb(side_b.caseworker, case, started_on=months_ago(1))
    assert refused.value.status == 404
    assert not ForloebFollowUp.objects.exists()


@pytest.mark.parametrize("purpose", ["fleksjob", "foertidspension"])
def test_only_for_ressourceforloeb(side_a, purpose):
    case = closed_forloeb_case(side_a, purpose=purpose)
    with pytest.raises(ServiceError) as refused:
        services.record_forloeb(side_a.caseworker, case, started_on=months_ago(1))
    assert refused.value.code == "not_ressourceforloeb"


def test_not_before_the_meeting_is_held(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    with pytest.raises(ServiceError) as refused:
        services.record_forloeb(side_a.caseworker, case, started_on=months_ago(1))
    assert refused.value.code == "invalid_state"


def test_dates_in_the_future_or_effort_before_start_refused(side_a):
    case = closed_forloeb_case(side_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        services.record_forloeb(side_a.caseworker, case, started_on=tomorrow)
    assert "started_on" in refused.value.fields
    with pytest.raises(ServiceError) as refused:
        services.record_forloeb(
            side_a.caseworker,
            case,
            started_on=months_ago(1),
            first_effort_started_on=months_ago(2),
        )
    assert "first_effort_started_on" in refused.value.fields


def test_due_six_months_after_the_start_without_an_effort(side_a):
    today = timezone.localdate()
    due = closed_forloeb_case(side_a)
    services.record_forloeb(side_a.caseworker, due, started_on=months_ago(6, days=1))
    on_the_day = closed_forloeb_case(side_a)
    # Deadline today: the effort may still start today.
    services.record_forloeb(side_a.caseworker, on_the_day, started_on=months_ago(6))
    started = closed_forloeb_case(side_a)
    start = months_ago(7)
    services.record_forloeb(
        side_a.caseworker,
        started,
        started_on=start,
        first_effort_started_on=add_months(start, 6),  # on the last day: in time
    )
    late = closed_forloeb_case(side_a)
    start = months_ago(8)
    services.record_forloeb(
        side_a.caseworker,
        late,
        started_on=start,
        first_effort_started_on=add_months(start, 6) + datetime.timedelta(days=1),
    )
    shown = [f.case_id for f in services.due_follow_ups(side_a.caseworker, today)]
    assert shown == [late.pk, due.pk]
    assert list(services.due_follow_ups(side_a.team_member, today)) == []


def _from_first_working_day(n):
    """`n` working days after the first working day on or after today: on a weekend, the
    fifth working day after today has its "5 hverdage før" deadline on a day already passed."""
    calendar = configured_calendar()
    return calendar.add_working_days(calendar.roll_forward(timezone.localdate()), n)


def test_the_genforelaeggelse_made_from_the_list_takes_it_off(side_a):
    case = closed_forloeb_case(side_a)
    services.record_forloeb(side_a.caseworker, case, started_on=months_ago(7))
    assert [f.case_id for f in services.due_follow_ups(side_a.caseworker)] == [case.pk]
    meeting = _from_first_working_day(5)
    new = services.reopen_as_genforelaeggelse(side_a.caseworker, case, meeting)
    assert new.subtype == Subtype.GENFORELAEGGELSE
    assert new.parent_id == case.pk
    assert list(services.due_follow_ups(side_a.caseworker)) == []


def test_the_genforelaeggelse_is_made_at_the_latest_5_working_days_before(side_a):
    case = closed_forloeb_case(side_a)
    services.record_forloeb(side_a.caseworker, case, started_on=months_ago(7))
    meeting = _from_first_working_day(4)
    with pytest.raises(ServiceError) as refused:
        services.reopen_as_genforelaeggelse(side_a.caseworker, case, meeting)
    assert refused.value.code == "deadline_passed"
    assert [f.case_id for f in services.due_follow_ups(side_a.caseworker)] == [case.pk]
