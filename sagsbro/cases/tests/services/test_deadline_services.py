"""Deadlines on real cases: which act meets which deadline, the løbende sag about the
4-year jobafklaring conversation, and a due date agreed in the concrete case (BEK § 22 and
§ 23, 2nd sentence), through the services and the API against the real database."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Case, CaseEvent, Deadline
from sagsbro.cases.rules.deadlines import AGREEMENT_REASON_TOO_LONG, MAX_AGREEMENT_REASON_LENGTH
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case, sent_case
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import AgreementDeadlineRule, CollaborationAgreement

CPH = ZoneInfo("Europe/Copenhagen")
API = "/api/v1"


def freeze_received(case, when):
    Case.objects.filter(pk=case.pk).update(received_at=when, received_in_designated_inbox=True)
    case.refresh_from_db()
    services.recompute_deadlines(case)


def deadlines(case):
    return {d.kind: d for d in Deadline.objects.filter(case=case)}


def move_event(case, kind, when):
    CaseEvent.objects.filter(case=case, kind=kind).update(at=when)
    services.recompute_deadlines(Case.objects.get(pk=case.pk))


# --- "sent to the coordinator" is the secretariat's act ------------------------------------


def test_forwarding_to_the_coordinator_is_met_by_the_assignment_not_by_receipt(side_a):
    case = sent_case(side_a, Subtype.REHABILITERINGSTEAM)  # meeting Wednesday 10 March 2027
    freeze_received(case, datetime.datetime(2027, 2, 22, 9, 30, tzinfo=CPH))
    due = deadlines(case)
    # The municipality's own deadline: the complete case in the region's inbox in time.
    material = due["material_to_region"]
    assert (material.due, material.fulfilled_on, material.state) == (
        datetime.date(2027, 2, 24),
        datetime.date(2027, 2, 22),
        "met",
    )
    assert material.label == "Kommunen har sendt sagen til regionen før mødet"
    # The secretariat has not forwarded it yet: receipt does not meet its deadline.
    forward = due["send_to_coordinator"]
    assert (forward.due, forward.fulfilled_on, forward.state) == (
        datetime.date(2027, 2, 24),
        None,
        "open",
    )
    assert forward.label == "Sekretariatet har sendt sagen til sundhedskoordinator før mødet"

    services.assign_coordinator(side_a.secretariat, case, side_a.coordinator)
    forward = deadlines(case)["send_to_coordinator"]
    assert (forward.fulfilled_on, forward.state) == (timezone.localdate(), "met")

    # Forwarded two days late while the municipality was on time: only the secretariat's
    # deadline is missed.
    move_event(case, "assign", datetime.datetime(2027, 2, 26, 10, 0, tzinfo=CPH))
    due = deadlines(case)
    assert (due["send_to_coordinator"].fulfilled_on, due["send_to_coordinator"].state) == (
        datetime.date(2027, 2, 26),
        "missed",
    )
    assert due["material_to_region"].state == "met"


def test_material_sent_late_is_the_municipalitys_missed_deadline(side_a):
    case = sent_case(side_a, Subtype.RET_TIL_SUNDHEDSKOORDINATOR)  # meeting 10 March 2027
    freeze_received(case, datetime.datetime(2027, 3, 1, 9, 0, tzinfo=CPH))
    due = deadlines(case)
    assert (due["material_to_region"].due, due["material_to_region"].state) == (
        datetime.date(2027, 2, 24),
        "missed",
    )
    assert due["material_to_region"].source == "Procedure Ret til sundhedskoordinator"
    assert due["send_to_coordinator"].fulfilled_on is None


def test_screening_feedback_is_due_five_working_days_after_receipt(side_a):
    case = sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    # Thursday 4 March 2027: 5, 8, 9, 10, 11 March (5 calendar days would be Tuesday 9).
    freeze_received(case, datetime.datetime(2027, 3, 4, 9, 0, tzinfo=CPH))
    screening = deadlines(case)["screening_feedback"]
    assert screening.due == datetime.date(2027, 3, 11)
    assert screening.source == "Samarbejdsaftale (alle fem regioner)"


# --- jobafklaring after 4 years: a løbende sag ---------------------------------------------


def _agreement(side, subtype="loebende_sag"):
    agreement = CollaborationAgreement.objects.create(
        region=side.region, municipality=side.municipality, valid_from=datetime.date(2026, 1, 1)
    )
    AgreementDeadlineRule.objects.create(
        agreement=agreement,
        subtype=subtype,
        kind="written_answer",
        count=10,
        unit="working_days",
        source="Procedure Løbende sag",
    )
    return agreement


def test_jobafklaring_4aar_gets_the_written_statement_deadline(side_a, side_b):
    received = datetime.datetime(2026, 3, 25, 10, 0, tzinfo=CPH)
    without = sent_case(side_b, Subtype.JOBAFKLARING_4AAR)
    freeze_received(without, received)
    written = deadlines(without)["written_answer"]
    # BEK § 22: 14 days after Wednesday 25 March 2026.
    assert (written.due, written.source, written.binding) == (
        datetime.date(2026, 4, 8),
        "BEK § 22",
        True,
    )

    _agreement(side_a)
    agreed = sent_case(side_a, Subtype.JOBAFKLARING_4AAR)
    freeze_received(agreed, received)
    written = deadlines(agreed)["written_answer"]
    # The agreement's 10 hverdage for løbende sager, skipping Easter (2, 3 and 6 April).
    assert (written.due, written.source) == (datetime.date(2026, 4, 13), "Procedure Løbende sag")

    services.assign_coordinator(side_a.secretariat, agreed, side_a.coordinator)
    services.answer_in_writing(
        side_a.coordinator, agreed, text="Borgeren kan fortsætte.", recommendations=[]
    )
    written = deadlines(agreed)["written_answer"]
    assert written.fulfilled_on == timezone.localdate()


def test_an_agreement_rule_for_the_subtype_itself_wins(side_a):
    agreement = _agreement(side_a)
    AgreementDeadlineRule.objects.create(
        agreement=agreement,
        subtype="jobafklaring_4aar",
        kind="written_answer",
        count=5,
        unit="working_days",
        source="Samarbejdsaftale, jobafklaring",
    )
    case = sent_case(side_a, Subtype.JOBAFKLARING_4AAR)
    freeze_received(case, datetime.datetime(2026, 3, 25, 10, 0, tzinfo=CPH))
    written = deadlines(case)["written_answer"]
    assert (written.due, written.source) == (
        datetime.date(2026, 4, 1),
        "Samarbejdsaftale, jobafklaring",
    )


# --- a due date agreed in the concrete case ------------------------------------------------


def _agree_url(case, kind="written_answer"):
    return f"{API}/cases/{case.pk}/deadlines/{kind}/agree/"


def _state(case):
    return (
        list(
            Deadline.objects.filter(case=case)
            .order_by("kind")
            .values_list("kind", "due", "source", "agreed_due", "agreed_reason", "agreed_by")
        ),
        CaseEvent.objects.filter(case=case).count(),
        # A refusal leaves only its DENIED entry (sagsbro/tests/test_tenant_isolation.py).
        AuditEntry.objects.filter(case_id=case.pk).exclude(action=AuditEntry.Action.DENIED).count(),
    )


def _in_days(days):
    """A working day about ``days`` days from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or (day.month, day.day) in ((12, 24), (12, 25), (12, 26), (1, 1)):
        day += datetime.timedelta(days=1)
    return day


@pytest.fixture
def loebende(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    freeze_received(case, timezone.now())
    return case


def test_secretariat_agrees_another_due_date_for_the_case(side_a, loebende):
    computed = deadlines(loebende)["written_answer"].due
    agreed_due = _in_days(40)
    response = api_client(side_a.secretariat).post(
        _agree_url(loebende),
        {"agreed_due": agreed_due.isoformat(), "reason": "Afventer journal fra sygehuset."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["kind"] == "written_answer"
    assert body["due"] == agreed_due.isoformat()
    assert body["agreed_due"] == agreed_due.isoformat()
    assert body["agreed_reason"] == "Afventer journal fra sygehuset."
    assert body["agreed_by"]["id"] == side_a.secretariat.pk
    assert body["source"] == "Aftalt i den konkrete sag (BEK § 22, 2. pkt.)"

    event = CaseEvent.objects.filter(case=loebende).last()
    assert event is not None
    assert (event.kind, event.actor_id, event.comment) == (
        "deadline_agreed",
        side_a.secretariat.pk,
        "Afventer journal fra sygehuset.",
    )
    assert event.label == (
        "Frist aftalt i den konkrete sag: Skriftligt svar fra sundhedskoordinator "
        f"senest {agreed_due:%d.%m.%Y}"
    )
    assert event.data == {
        "kind": "written_answer",
        "from": computed.isoformat(),
        "to": agreed_due.isoformat(),
    }
    audit = AuditEntry.objects.filter(case_id=loebende.pk, user=side_a.secretariat).last()
    assert audit is not None
    assert (audit.action, audit.detail) == ("update", "frist aftalt written_answer")
    assert "sygehuset" not in audit.detail

    # Later recomputations keep the agreed date; the answer meets it.
    services.recompute_deadlines(Case.objects.get(pk=loebende.pk))
    services.answer_in_writing(
        side_a.coordinator, loebende, text="Borgeren kan fortsætte.", recommendations=[]
    )
    written = deadlines(loebende)["written_answer"]
    assert (written.due, written.state, written.fulfilled_on) == (
        agreed_due,
        "met",
        timezone.localdate(),
    )
    # A deadline already met has nothing left to agree.
    before = _state(loebende)
    again = api_client(side_a.secretariat).post(
        _agree_url(loebende),
        {"agreed_due": _in_days(50).isoformat(), "reason": "Ny aftale"},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["code"] == "already_met"
    assert _state(loebende) == before

    # Both parties see it, with its source, in the case and its deadlines.
    for user in (side_a.caseworker, side_a.coordinator):
        shown = api_client(user).get(f"{API}/cases/{loebende.pk}/deadlines/").json()
        (row,) = [d for d in shown if d["kind"] == "written_answer"]
        assert (row["due"], row["agreed_reason"]) == (
            agreed_due.isoformat(),
            "Afventer journal fra sygehuset.",
        )
        case_body = api_client(user).get(f"{API}/cases/{loebende.pk}/").json()
        (row,) = [d for d in case_body["deadlines"] if d["kind"] == "written_answer"]
        assert row["source"] == "Aftalt i den konkrete sag (BEK § 22, 2. pkt.)"


@pytest.mark.parametrize(
    "payload, status, code, field",
    [
        ({"agreed_due": "+40", "reason": "   "}, 400, None, "reason"),
        ({"agreed_due": "+40", "reason": ""}, 400, None, "reason"),
        ({"agreed_due": "-1", "reason": "Afventer journal"}, 400, "date_in_past", "agreed_due"),
        ({"agreed_due": "+400", "reason": "Afventer journal"}, 400, "date_too_far", "agreed_due"),
        ({"agreed_due": "31.02.2027", "reason": "Afventer journal"}, 400, None, "agreed_due"),
        ({"reason": "Afventer journal"}, 400, None, "agreed_due"),
    ],
)
def test_bad_agreements_are_refused_and_change_nothing(
    side_a, loebende, payload, status, code, field
):
    payload = dict(payload)
    if str(payload.get("agreed_due", "")).startswith(("+", "-")):
        days = int(payload["agreed_due"])
        payload["agreed_due"] = (
            timezone.localdate() + datetime.timedelta(days=days) if days < 0 else _in_days(days)
        ).isoformat()
    before = _state(loebende)
    response = api_client(side_a.secretariat).post(_agree_url(loebende), payload, format="json")
    assert response.status_code == status, response.json()
    body = response.json()
    if code is not None:
        assert body["code"] == code
        assert body["fields"][field]
    else:
        assert field in body
    assert _state(loebende) == before


def test_an_agreed_date_on_a_closed_day_is_refused(side_a, loebende):
    day = _in_days(30)
    while day.weekday() != 5:
        day += datetime.timedelta(days=1)
    before = _state(loebende)
    response = api_client(side_a.secretariat).post(
        _agree_url(loebende), {"agreed_due": day.isoformat(), "reason": "Ferie"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "closed_day"
    assert response.json()["detail"] == f"{day:%d.%m.%Y} er ikke en arbejdsdag. Vælg en hverdag."
    assert _state(loebende) == before


def test_only_the_regions_secretariat_agrees_a_due_date(side_a, side_b, loebende):
    payload = {"agreed_due": _in_days(40).isoformat(), "reason": "Afventer journal"}
    before = _state(loebende)
    for user, status in [
        (side_a.caseworker, 403),
        (side_a.coordinator, 403),
        (side_a.coordinator_2, 404),
        (side_a.regional_admin, 404),
        (side_b.secretariat, 404),
        (side_b.caseworker, 404),
    ]:
        response = api_client(user).post(_agree_url(loebende), payload, format="json")
        assert response.status_code == status, (user.username, response.json())
    assert (
        api_client(side_a.caseworker)
        .post(_agree_url(loebende), payload, format="json")
        .json()["detail"]
        == "Kun regionens sekretariat kan aftale en anden frist i sagen."
    )
    assert _state(loebende) == before


def test_only_the_deadlines_of_22_and_23_can_be_agreed(side_a):
    case = sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    before = _state(case)
    payload = {"agreed_due": _in_days(40).isoformat(), "reason": "Afventer journal"}
    client = api_client(side_a.secretariat)
    response = client.post(_agree_url(case, "coordinator_available"), payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_agreeable"
    # A kind the case has not got, or no kind at all.
    assert client.post(_agree_url(case, "written_answer"), payload).status_code == 404
    assert client.post(_agree_url(case, "ukendt"), payload).status_code == 404
    assert _state(case) == before


def test_no_agreement_on_a_withdrawn_case(side_a, loebende):
    services.withdraw_case(side_a.caseworker, loebende, "Borgeren er raskmeldt.")
    before = _state(loebende)
    response = api_client(side_a.secretariat).post(
        _agree_url(loebende),
        {"agreed_due": _in_days(40).isoformat(), "reason": "Afventer journal"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert _state(loebende) == before


def test_the_reason_has_one_limit_on_the_page_in_the_api_and_in_the_service(side_a, loebende):
    """The circumstances of an agreed due date: at most MAX_AGREEMENT_REASON_LENGTH characters
    (the rule's limit), with the same Danish message whichever way the secretariat writes."""
    limit = MAX_AGREEMENT_REASON_LENGTH
    assert AGREEMENT_REASON_TOO_LONG == "Omstændighederne må højst være 2.000 tegn."
    agreed_due = _in_days(40)
    before = _state(loebende)
    too_long = "x" * (limit + 1)

    response = api_client(side_a.secretariat).post(
        _agree_url(loebende),
        {"agreed_due": agreed_due.isoformat(), "reason": too_long},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"reason": [AGREEMENT_REASON_TOO_LONG]}

    page = Client()
    page.force_login(side_a.secretariat)
    url = f"/sager/{loebende.pk}/frister/written_answer/aftal/"
    response = page.post(url, {"agreed_due": f"{agreed_due:%d.%m.%Y}", "reason": too_long})
    assert response.status_code == 400
    assert AGREEMENT_REASON_TOO_LONG in response.content.decode()

    with pytest.raises(ServiceError) as refused:
        services.agree_deadline(
            side_a.secretariat, loebende, "written_answer", agreed_due=agreed_due, reason=too_long
        )
    assert (refused.value.code, refused.value.fields) == (
        "too_long",
        {"reason": [AGREEMENT_REASON_TOO_LONG]},
    )
    # Nothing agreed and no event (the page shown again is a read, audited as such).
    assert _state(loebende)[:2] == before[:2]

    # The limit itself is taken, on the page as in the API.
    response = page.post(url, {"agreed_due": f"{agreed_due:%d.%m.%Y}", "reason": "y" * limit})
    assert response.status_code == 302
    assert deadlines(loebende)["written_answer"].agreed_reason == "y" * limit


def test_a_draft_is_unknown_to_the_secretariat(side_a):
    draft = make_case(side_a, Subtype.LOEBENDE_SAG)
    response = api_client(side_a.secretariat).post(
        _agree_url(draft),
        {"agreed_due": _in_days(40).isoformat(), "reason": "Afventer journal"},
        format="json",
    )
    assert response.status_code == 404


# --- an agreement extends a deadline before it runs out (BEK § 23, 2. pkt.) ----------------


@pytest.fixture
def clinical_case(side_a):
    """A referral to klinisk funktion, received now, sent to the designated inbox."""
    case = sent_case(side_a, Subtype.KLINISK_FUNKTION)
    freeze_received(case, timezone.now())
    return case


def test_a_missed_deadline_stays_missed_and_is_not_agreed_away(side_a, clinical_case):
    # Received 45 days ago: the 30 days after the request ran out some two weeks ago.
    freeze_received(clinical_case, timezone.now() - datetime.timedelta(days=45))
    missed = deadlines(clinical_case)["certificate_after_request"]
    assert missed.state == "missed"
    before = _state(clinical_case)
    response = api_client(side_a.secretariat).post(
        _agree_url(clinical_case, "certificate_after_request"),
        {"agreed_due": _in_days(20).isoformat(), "reason": "Journal fra sygehuset afventes."},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "deadline_passed"
    assert f"{missed.due:%d.%m.%Y}" in body["fields"]["agreed_due"][0]
    assert _state(clinical_case) == before
    assert deadlines(clinical_case)["certificate_after_request"].state == "missed"


def test_the_agreed_date_lies_after_the_one_that_would_apply(side_a, clinical_case):
    statutory = deadlines(clinical_case)["certificate_after_request"].due
    before = _state(clinical_case)
    earlier = _in_days(10)
    assert earlier <= statutory
    refused = api_client(side_a.secretariat).post(
        _agree_url(clinical_case, "certificate_after_request"),
        {"agreed_due": earlier.isoformat(), "reason": "Journal fra sygehuset afventes."},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_later"
    assert _state(clinical_case) == before

    later = _in_days(45)
    agreed = api_client(side_a.secretariat).post(
        _agree_url(clinical_case, "certificate_after_request"),
        {"agreed_due": later.isoformat(), "reason": "Journal fra sygehuset afventes."},
        format="json",
    )
    assert agreed.status_code == 200, agreed.json()
    row = deadlines(clinical_case)["certificate_after_request"]
    assert (row.due, row.state, row.source) == (
        later,
        "open",
        "Aftalt i den konkrete sag (BEK § 23, 2. pkt.)",
    )
