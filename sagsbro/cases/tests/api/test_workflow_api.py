"""The case workflow through the REST API.

Every subtype's happy path from creation to closing, every deviation (returned, resent,
withdrawn, discarded, postponed, reopened as genforelæggelse), and the rules the law and the
regional procedures put on the steps: consent, conflict of interest (§ 12 stk. 2), the same
person as coordinator and assessor (§ 13 stk. 3), the GP's copies (§ 15 stk. 2), agreed
deadlines (§ 20) and the designated inbox (§ 24).

Everything a user does goes through the API with a real database. Dates that deadlines are
anchored to are set explicitly, and the expected due dates are written out literally.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Advice, Case, CaseEvent
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.testing import booked_time_passed, free_slot_for, sign_complete_certificate
from sagsbro.conftest import (
    COMPLETE,
    MEETING,
    api_client,
    assigned_case,
    attach,
    on_meeting_day,
    sent_case,
    upload,
)
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    CollaborationAgreement,
    User,
)
from sagsbro.organisations.roles import Role
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"
CPH = ZoneInfo("Europe/Copenhagen")
CONSENT_DATE = datetime.date(2026, 1, 5)

REHAB = Subtype.REHABILITERINGSTEAM
GENFORELAEGGELSE = Subtype.GENFORELAEGGELSE
LOEBENDE = Subtype.LOEBENDE_SAG
KLINISK = Subtype.KLINISK_FUNKTION

WRITTEN_ANSWER_SUBTYPES = [
    Subtype.LOEBENDE_SAG,
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR,
    Subtype.AABENBAR_FOERTIDSPENSION,
    Subtype.SENIORPENSION,
    Subtype.JOBAFKLARING_4AAR,
]

CONFLICT_MESSAGE = (
    "Sundhedskoordinatoren er eller har været borgerens praktiserende læge eller "
    "behandlende læge og kan derfor ikke rådgive i sagen (BEK § 12, stk. 2)."
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- helpers: one API call each ------------------------------------------------------------


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _payload(data):
    return {key: _json(value) for key, value in (data or {}).items()}


def _results(body):
    return body["results"] if isinstance(body, dict) and "results" in body else body


def create(side, subtype, **fields):
    payload = {"subtype": str(subtype), "citizen": side.citizen.pk, **_payload(fields)}
    response = api_client(side.caseworker).post(f"{API}/cases/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["subtype"] == str(subtype)
    return body["id"]


def upload_doc(user, case_id, category, text="Testdokument"):
    response = api_client(user).post(
        f"{API}/documents/",
        {"case": case_id, "category": str(category), "file": upload(category, text)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def give_consent(side, scope, *, written=True, case=None):
    body = {
        "citizen": side.citizen.pk,
        "scope": str(scope),
        "given_on": CONSENT_DATE.isoformat(),
        "written": written,
    }
    if case is not None:
        body["case"] = case
    response = api_client(side.caseworker).post(f"{API}/consents/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def withdraw_consent(side, consent_id):
    response = api_client(side.caseworker).post(f"{API}/consents/{consent_id}/withdraw/")
    assert response.status_code == 200, response.json()
    assert response.json()["withdrawn_on"] is not None


def post(user, case_id, name, data=None):
    """POST a transition; the caller checks the answer."""
    url = f"{API}/cases/{case_id}/{name.replace('_', '-')}/"
    return api_client(user).post(url, _payload(data), format="json")


def get(user, case_id, what=""):
    url = f"{API}/cases/{case_id}/" + (f"{what}/" if what else "")
    return api_client(user).get(url)


def case_body(user, case_id):
    response = get(user, case_id)
    assert response.status_code == 200, response.json()
    return response.json()


def history(side, case_id):
    response = get(side.caseworker, case_id, "events")
    assert response.status_code == 200, response.json()
    return response.json()


def history_rows(side, case_id):
    return [(e["kind"], e["actor"]["id"], e["to_state"]) for e in history(side, case_id)]


def deadlines(user, case_id):
    response = get(user, case_id, "deadlines")
    assert response.status_code == 200, response.json()
    return {d["kind"]: d for d in response.json()}


def transitions(user, case_id):
    response = get(user, case_id, "transitions")
    assert response.status_code == 200, response.json()
    return response.json()


def transition_names(user, case_id):
    return [t["name"] for t in transitions(user, case_id)["transitions"]]


def step(user, case_id, name, data=None, *, state, side):
    """Take a transition that must succeed, and check the state and the history it leaves."""
    response = post(user, case_id, name, data)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == state
    assert Case.objects.get(pk=case_id).state == state
    last = [e for e in history(side, case_id) if e["kind"] == name][-1]
    assert last["actor"]["id"] == user.pk
    assert last["to_state"] == state
    return response.json()


def refused(response, status, code, detail=None):
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    if detail is not None:
        assert body["detail"] == detail
    return body


def snapshot(case_id):
    """What a refused action must leave untouched."""
    case = Case.objects.get(pk=case_id)
    return (
        case.state,
        case.coordinator_id,
        case.specialist_id,
        case.meeting_date,
        case.received_at,
        CaseEvent.objects.filter(case_id=case_id).count(),
        # A refusal leaves only its DENIED entry (sagsbro/tests/test_tenant_isolation.py).
        AuditEntry.objects.filter(case_id=case_id).exclude(action=AuditEntry.Action.DENIED).count(),
        Case.objects.count(),
    )


def freeze_received(case_id, when, *, designated_inbox=True):
    """Pin the moment the region received the case and recompute its deadlines."""
    Case.objects.filter(pk=case_id).update(
        received_at=when, received_in_designated_inbox=designated_inbox
    )
    services.recompute_deadlines(Case.objects.get(pk=case_id))


def gp_documents(user):
    response = api_client(user).get(f"{API}/documents/")
    assert response.status_code == 200, response.json()
    return _results(response.json())


def document_content(user, document_id):
    response = api_client(user).get(f"{API}/documents/{document_id}/content/")
    assert response.status_code == 200
    # Consuming the stream closes the file (the test client wraps it).
    return b"".join(response.streaming_content)


# --- helpers: a case built and moved through the API ---------------------------------------


def complete_draft(side, subtype, **overrides):
    """A draft carrying everything its subtype needs, built as a caseworker builds it."""
    fields, categories, consents = COMPLETE[Subtype(subtype)]
    case_id = create(side, subtype, **{**fields, **overrides})
    for category in categories:
        upload_doc(side.caseworker, case_id, category)
    for scope in consents:
        give_consent(side, scope)
    return case_id


def send(side, case_id):
    return step(side.caseworker, case_id, "send", state="sent", side=side)


def assign(side, case_id, coordinator=None):
    coordinator = coordinator or side.coordinator
    return step(
        side.secretariat,
        case_id,
        "assign",
        {"assignee": coordinator.pk},
        state="assigned",
        side=side,
    )


def screen(side, case_id, text="Sagen er lægefagligt tilstrækkeligt belyst."):
    return step(
        side.coordinator,
        case_id,
        "screen",
        {"text": text, "medically_clarified": True, "treatment_exhausted": False},
        state="screened",
        side=side,
    )


def hold_meeting(side, case_id):
    with on_meeting_day(case_id):
        return step(side.team_member, case_id, "hold_meeting", state="meeting_held", side=side)


def send_indstilling(side, case_id):
    indstilling = upload_doc(side.team_member, case_id, Category.INDSTILLING, "Indstilling")
    step(side.caseworker, case_id, "send_indstilling", state="closed", side=side)
    return indstilling


def answer(side, case_id):
    return step(
        side.coordinator,
        case_id,
        "answer",
        {"text": "Borgeren kan fortsætte planen.", "recommendations": ["continue_plan"]},
        state="answered",
        side=side,
    )


def closed_rehab_case(side, purpose="ressourceforloeb"):
    """A rehabiliteringsteam case taken through screening, meeting and indstilling."""
    case_id = complete_draft(side, REHAB, purpose=purpose)
    send(side, case_id)
    assign(side, case_id)
    screen(side, case_id, "Screening: helbredsforholdene er belyst; behandling er ikke udtømt.")
    hold_meeting(side, case_id)
    send_indstilling(side, case_id)
    return case_id


def referral_origin(side):
    """A rehabiliteringsteam case, sent, assigned and screened through the API: the team case a
    klinisk funktion referral is made from (BEK § 13)."""
    origin_id = complete_draft(side, REHAB)
    send(side, origin_id)
    assign(side, origin_id)
    screen(side, origin_id, "Ikke tilstrækkeligt belyst; anbefaler speciallægeattest.")
    return origin_id


def refer(side, origin_id=None):
    """A klinisk funktion case, made the only way there is: the caseworker's referral (LÆ 271)
    from the screened team case, through POST /referrals/. The case arrives sent."""
    origin_id = origin_id or referral_origin(side)
    origin = Case.objects.get(pk=origin_id)
    body = {
        "origin_case": origin_id,
        "origin_kind": "screening",
        "origin_advice": origin.advice.get(kind=Advice.Kind.SCREENING).pk,
        "question": COMPLETE[KLINISK][0]["question"],
        "specialty": "reumatologi",
        "documents": [d.pk for d in origin.documents.filter(withdrawn_at__isnull=True)],
    }
    response = api_client(side.caseworker).post(f"{API}/referrals/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "sent"
    return response.json()["case"]


def assigned_klinisk_case(side):
    case_id = refer(side)
    step(
        side.secretariat,
        case_id,
        "assign_specialist",
        {"assignee": side.specialist.pk},
        state="assigned",
        side=side,
    )
    return case_id


# --- happy paths ---------------------------------------------------------------------------


def test_rehabiliteringsteam_happy_path(side_a):
    s = side_a
    case_id = create(s, REHAB, purpose="ressourceforloeb", meeting_date=MEETING)
    assert {m["key"] for m in transitions(s.caseworker, case_id)["missing"]} == {
        "attachment:forberedende_del",
        "attachment:lae_265",
    }
    # An incomplete case is not sent, and says what it lacks.
    body = refused(post(s.caseworker, case_id, "send"), 400, "incomplete")
    assert body["detail"] == (
        "Sagen kan ikke sendes, fordi der mangler: Rehabiliteringsplanens forberedende del; "
        "LÆ 265 Lægeattest fra egen læge."
    )
    upload_doc(s.caseworker, case_id, Category.FORBEREDENDE_DEL)
    upload_doc(s.caseworker, case_id, Category.LAE_265)
    assert transitions(s.caseworker, case_id)["missing"] == []
    assert transition_names(s.caseworker, case_id) == ["send", "discard_draft", "postpone"]
    # A draft is the municipality's own.
    assert get(s.secretariat, case_id).status_code == 404

    body = send(s, case_id)
    assert body["received_at"] is not None
    assert body["received_in_designated_inbox"] is True
    assert get(s.coordinator, case_id).status_code == 404  # not assigned yet
    freeze_received(case_id, datetime.datetime(2027, 2, 22, 9, 30, tzinfo=CPH))

    assignable = api_client(s.secretariat).get(f"{API}/cases/{case_id}/assignable/").json()
    assert {(row["id"], row["conflict_of_interest"]) for row in assignable} == {
        (s.coordinator.pk, False),
        (s.coordinator_2.pk, False),
    }
    body = assign(s, case_id)
    assert body["coordinator"]["id"] == s.coordinator.pk
    assert case_body(s.coordinator, case_id)["state"] == "assigned"

    screen(s, case_id, "Sagen er belyst. Egen læge kan kontaktes ved behov.")
    advice = get(s.caseworker, case_id, "advice").json()
    assert [(a["kind"], a["author"]["id"], a["medically_clarified"]) for a in advice] == [
        ("screening", s.coordinator.pk, True)
    ]

    hold_meeting(s, case_id)
    assert gp_documents(s.gp) == []
    indstilling = send_indstilling(s, case_id)
    # The indstilling goes to the citizen's GP when it is sent (evaluation table 8, step 4).
    assert [d["id"] for d in gp_documents(s.gp)] == [indstilling]
    assert DocumentShare.objects.get(document_id=indstilling).recipient == s.gp
    assert transition_names(s.caseworker, case_id) == ["reopen_as_genforelaeggelse"]

    due = deadlines(s.caseworker, case_id)
    # The municipality's material reached the region on the day it was received ...
    assert due["material_to_region"]["due"] == "2027-02-24"
    assert due["material_to_region"]["fulfilled_on"] == "2027-02-22"
    assert due["material_to_region"]["state"] == "met"
    # ... and the secretariat's forwarding to the coordinator is met by the assignment.
    assigned_on = CaseEvent.objects.get(case_id=case_id, kind="assign").at
    assert due["send_to_coordinator"]["due"] == "2027-02-24"
    assert due["send_to_coordinator"]["fulfilled_on"] == timezone.localdate(assigned_on).isoformat()
    assert due["send_to_coordinator"]["state"] == "met"
    assert due["screening_feedback"]["due"] == "2027-03-01"
    assert due["coordinator_available"]["due"] == "2027-03-08"
    assert due["citizen_conclusion"]["due"] == "2027-03-17"
    # Sending the indstilling is no letter to the citizen: only a letter recorded as sent
    # through the outgoing messages meets this deadline (meetings tests).
    assert due["citizen_conclusion"]["fulfilled_on"] is None

    cw, tm = s.caseworker.pk, s.team_member.pk
    assert history_rows(s, case_id) == [
        ("created", cw, "draft"),
        ("document_added", cw, "draft"),
        ("document_added", cw, "draft"),
        ("send", cw, "sent"),
        ("assign", s.secretariat.pk, "assigned"),
        ("screen", s.coordinator.pk, "screened"),
        ("hold_meeting", tm, "meeting_held"),
        ("document_added", tm, "meeting_held"),
        ("send_indstilling", cw, "closed"),
    ]
    audited = AuditEntry.objects.filter(case_id=case_id, action=AuditEntry.Action.TRANSITION)
    assert [(e.user_id, e.detail) for e in audited] == [
        (cw, "send"),
        (s.secretariat.pk, "assign"),
        (s.coordinator.pk, "screen"),
        (tm, "hold_meeting"),
        (cw, "send_indstilling"),
    ]


def test_genforelaeggelse_happy_path(side_a):
    s = side_a
    parent = closed_rehab_case(s)
    meeting = datetime.date(2027, 9, 15)
    case_id = create(
        s, GENFORELAEGGELSE, parent=parent, purpose="ressourceforloeb", meeting_date=meeting
    )
    assert case_body(s.caseworker, case_id)["parent"] == parent
    assert {m["key"] for m in transitions(s.caseworker, case_id)["missing"]} == {
        "attachment:indsatsplan|indstilling",
        "attachment:coordinator_advice|forwarded_coordinator_advice",
        "attachment:caseworker_summary",
        "attachment:documentation",
    }
    for category in (
        Category.INDSTILLING,
        Category.FORWARDED_COORDINATOR_ADVICE,
        Category.CASEWORKER_SUMMARY,
        Category.DOCUMENTATION,
    ):
        upload_doc(s.caseworker, case_id, category)
    assert transitions(s.caseworker, case_id)["missing"] == []

    send(s, case_id)
    assign(s, case_id)
    screen(s, case_id)
    hold_meeting(s, case_id)
    indstilling = send_indstilling(s, case_id)
    assert indstilling in [d["id"] for d in gp_documents(s.gp)]

    due = deadlines(s.caseworker, case_id)
    # Procedure Genforelæggelse: created and sent 5 working days before the meeting.
    assert due["created_before_meeting"]["due"] == "2027-09-08"
    assert due["send_to_coordinator"]["due"] == "2027-09-08"
    assert due["citizen_conclusion"]["due"] == "2027-09-22"

    cw, tm = s.caseworker.pk, s.team_member.pk
    assert history_rows(s, case_id) == [
        ("created", cw, "draft"),
        ("document_added", cw, "draft"),
        ("document_added", cw, "draft"),
        ("document_added", cw, "draft"),
        ("document_added", cw, "draft"),
        ("send", cw, "sent"),
        ("assign", s.secretariat.pk, "assigned"),
        ("screen", s.coordinator.pk, "screened"),
        ("hold_meeting", tm, "meeting_held"),
        ("document_added", tm, "meeting_held"),
        ("send_indstilling", cw, "closed"),
    ]


@pytest.mark.parametrize("subtype", WRITTEN_ANSWER_SUBTYPES)
def test_written_answer_happy_path(side_a, subtype):
    s = side_a
    fields, categories, consents = COMPLETE[subtype]
    case_id = create(s, subtype, **fields)
    for category in categories:
        upload_doc(s.caseworker, case_id, category)
    for scope in consents:
        give_consent(s, scope)
    assert transitions(s.caseworker, case_id)["missing"] == []

    send(s, case_id)
    assign(s, case_id)
    assert transition_names(s.coordinator, case_id) == ["return_for_information", "answer"]
    answer(s, case_id)
    advice = get(s.caseworker, case_id, "advice").json()
    assert [(a["kind"], a["author"]["id"], a["recommendations"]) for a in advice] == [
        ("written_answer", s.coordinator.pk, ["continue_plan"])
    ]
    assert transition_names(s.caseworker, case_id) == ["withdraw", "close"]
    step(s.caseworker, case_id, "close", state="closed", side=s)
    assert transition_names(s.caseworker, case_id) == []

    cw = s.caseworker.pk
    expected = [("created", cw, "draft")]
    expected += [("document_added", cw, "draft")] * len(categories)
    expected += [("consent_registered", cw, "draft")] * len(consents)
    expected += [
        ("send", cw, "sent"),
        ("assign", s.secretariat.pk, "assigned"),
        ("answer", s.coordinator.pk, "answered"),
        ("close", cw, "closed"),
    ]
    assert history_rows(s, case_id) == expected

    due = deadlines(s.caseworker, case_id)
    if subtype in (LOEBENDE, Subtype.JOBAFKLARING_4AAR):
        # A løbende sag about the 4-year jobafklaring conversation too (BEK § 22).
        assert due["written_answer"]["source"] == "BEK § 22"
        assert due["written_answer"]["fulfilled_on"] is not None
        assert due["written_answer"]["state"] == "met"
    elif subtype == Subtype.RET_TIL_SUNDHEDSKOORDINATOR:
        assert due["send_to_coordinator"]["due"] == "2027-02-24"
    else:
        assert due == {}


def test_klinisk_funktion_cannot_be_created_directly(side_a):
    """POST /cases/ refuses a klinisk funktion case: it is made by the referral from the case
    it concerns (BEK § 13), with its intake, origin, specialty and prescribed attachments."""
    s = side_a
    before = Case.objects.count()
    payload = {"subtype": str(KLINISK), "citizen": s.citizen.pk, "question": "Vurdering?"}
    body = refused(
        api_client(s.caseworker).post(f"{API}/cases/", payload, format="json"),
        400,
        "use_referral",
    )
    assert "Henvis til klinisk funktion (LÆ 271)" in body["detail"]
    assert body["fields"] == {"subtype": [body["detail"]]}
    assert Case.objects.count() == before
    # Not even as a child of a team case: the referral is the way.
    origin_id = referral_origin(s)
    body = refused(
        api_client(s.caseworker).post(
            f"{API}/cases/", {**payload, "parent": origin_id}, format="json"
        ),
        400,
        "use_referral",
    )
    assert not Case.objects.filter(subtype=KLINISK).exists()


def test_klinisk_funktion_happy_path(side_a):
    s = side_a
    origin_id = referral_origin(s)
    case_id = refer(s, origin_id)
    case = Case.objects.get(pk=case_id)
    assert (case.subtype, case.parent_id, case.referral.origin_case_id) == (
        KLINISK,
        origin_id,
        origin_id,
    )
    # The LÆ 271 and the prescribed attachments came along from the team case.
    assert set(case.documents.values_list("category", flat=True)) >= {
        Category.LAE_271,
        Category.FORBEREDENDE_DEL,
    }
    freeze_received(case_id, datetime.datetime(2026, 3, 25, 10, 0, tzinfo=CPH))
    assert deadlines(s.caseworker, case_id)["certificate_after_request"]["due"] == "2026-04-24"

    # Klinisk funktion gets a specialist, not a coordinator.
    refused(
        post(s.secretariat, case_id, "assign", {"assignee": s.coordinator.pk}),
        400,
        "unknown_transition",
    )
    assignable = api_client(s.secretariat).get(f"{API}/cases/{case_id}/assignable/").json()
    assert [row["id"] for row in assignable] == [s.specialist.pk]
    body = step(
        s.secretariat,
        case_id,
        "assign_specialist",
        {"assignee": s.specialist.pk},
        state="assigned",
        side=s,
    )
    assert body["specialist"]["id"] == s.specialist.pk

    # The first free time, today, is long after receipt: the caseworker is told first, and
    # accepts it, before the citizen is invited to it (EVAL table 8 step 2.2).
    slot = free_slot_for(Case.objects.get(pk=case_id))
    late = timezone.localdate(slot.starts_at)
    body = step(
        s.secretariat,
        case_id,
        "notify_late_appointment",
        {"appointment_date": late},
        state="assigned",
        side=s,
    )
    assert body["appointment_date"] == late.isoformat()
    refused(
        post(s.secretariat, case_id, "invite", {"slot": slot.pk}),
        400,
        "late_appointment_not_accepted",
    )
    step(
        s.caseworker,
        case_id,
        "accept_late_appointment",
        {"appointment_date": late},
        state="assigned",
        side=s,
    )
    step(s.secretariat, case_id, "invite", {"slot": slot.pk}, state="invited", side=s)
    booked_time_passed(Case.objects.get(pk=case_id))
    step(
        s.specialist,
        case_id,
        "hold_consultation",
        {"consultation_date": late},
        state="consultation_held",
        side=s,
    )
    due = deadlines(s.caseworker, case_id)
    expected = configured_calendar().add_calendar_days(late, 14)
    assert due["certificate_after_consultation"]["due"] == expected.isoformat()
    assert due["certificate_after_request"]["due"] == "2026-04-24"

    sign_complete_certificate(s.specialist, Case.objects.get(pk=case_id))
    step(s.specialist, case_id, "deliver_certificate", state="answered", side=s)
    certificate = Document.objects.get(case_id=case_id, category=Category.LAE_275).pk
    assert [d["id"] for d in gp_documents(s.gp)] == [certificate]
    due = deadlines(s.caseworker, case_id)
    assert due["certificate_after_consultation"]["fulfilled_on"] is not None
    assert due["certificate_after_request"]["fulfilled_on"] is not None
    # Delivered: the caseworker reads the certificate, then closes the case.
    assert "close" in transition_names(s.caseworker, case_id)
    step(s.caseworker, case_id, "close", state="closed", side=s)

    cw, sec, sp = s.caseworker.pk, s.secretariat.pk, s.specialist.pk
    assert history_rows(s, case_id) == [
        # The referral makes the case and sends it in one step.
        ("created", cw, "draft"),
        ("send", cw, "sent"),
        ("referral_made", cw, "sent"),
        ("assign_specialist", sec, "assigned"),
        ("notify_late_appointment", sec, "assigned"),
        ("accept_late_appointment", cw, "assigned"),
        ("invite", sec, "invited"),
        ("invitation_letter", sec, "invited"),
        ("hold_consultation", sp, "consultation_held"),
        ("certificate_drafted", sp, "consultation_held"),
        ("certificate_signed", sp, "consultation_held"),
        ("deliver_certificate", sp, "answered"),
        ("close", cw, "closed"),
    ]
    labels = [e["label"] for e in history(s, case_id)]
    assert f"Sagsbehandler orienteret om tid {late:%d.%m.%Y}" in labels
    assert f"Sagsbehandler har accepteret tid {late:%d.%m.%Y}" in labels
    assert f"Borgeren indkaldt til {late:%d.%m.%Y}" in labels


# --- returned and resent -------------------------------------------------------------------


def test_returned_by_secretariat_and_resent_goes_to_the_inbox(side_a):
    s = side_a
    case_id = complete_draft(s, REHAB)
    send(s, case_id)
    refused(
        post(s.caseworker, case_id, "return_for_information", {"reason": "x"}),
        403,
        "role_not_allowed",
    )
    reason = "LÆ 265 er ældre end et år; vedhæft en ny."
    step(
        s.secretariat,
        case_id,
        "return_for_information",
        {"reason": reason},
        state="returned",
        side=s,
    )
    event = history(s, case_id)[-1]
    assert (event["kind"], event["from_state"], event["comment"]) == (
        "return_for_information",
        "sent",
        reason,
    )

    # While returned, the caseworker may complete the case again.
    response = api_client(s.caseworker).patch(
        f"{API}/cases/{case_id}/", {"question": "Ny LÆ 265 vedhæftet."}, format="json"
    )
    assert response.status_code == 200, response.json()
    upload_doc(s.caseworker, case_id, Category.LAE_265, "Ny LÆ 265")
    assert transition_names(s.caseworker, case_id) == ["resend", "withdraw", "postpone"]

    body = step(
        s.caseworker, case_id, "resend", {"comment": "Ny attest vedhæftet."}, state="sent", side=s
    )
    assert body["coordinator"] is None
    # Back in the inbox: the secretariat assigns it.
    assign(s, case_id)

    # A sent case cannot be edited.
    response = api_client(s.caseworker).patch(
        f"{API}/cases/{case_id}/", {"question": "Ændring"}, format="json"
    )
    refused(
        response, 400, "invalid_state", "Sagen kan kun ændres, mens den er kladde eller returneret."
    )


def test_returned_by_coordinator_and_resent_goes_back_to_the_coordinator(side_a):
    s = side_a
    case_id = complete_draft(s, REHAB)
    send(s, case_id)
    assign(s, case_id)
    screen(s, case_id)
    reason = "Journal fra psykiatrisk afdeling mangler."
    step(
        s.coordinator,
        case_id,
        "return_for_information",
        {"reason": reason},
        state="returned",
        side=s,
    )
    assert case_body(s.coordinator, case_id)["state"] == "returned"
    # Nothing for the coordinator to do until the case comes back.
    assert transition_names(s.coordinator, case_id) == []

    upload_doc(s.caseworker, case_id, Category.OTHER_HEALTH_INFORMATION, "Journal")
    body = step(s.caseworker, case_id, "resend", state="assigned", side=s)
    assert body["coordinator"]["id"] == s.coordinator.pk
    # The case is with the same coordinator again, who can screen it anew.
    assert transition_names(s.coordinator, case_id) == ["return_for_information", "screen"]
    screen(s, case_id, "Journal modtaget; sagen er belyst.")
    rows = history_rows(s, case_id)
    assert rows[-4:] == [
        ("return_for_information", s.coordinator.pk, "returned"),
        ("document_added", s.caseworker.pk, "returned"),
        ("resend", s.caseworker.pk, "assigned"),
        ("screen", s.coordinator.pk, "screened"),
    ]


def test_returned_by_specialist_and_resent_goes_back_to_the_specialist(side_a):
    s = side_a
    case_id = assigned_klinisk_case(s)
    step(
        s.specialist,
        case_id,
        "return_for_information",
        {"reason": "LÆ 271 mangler de foreskrevne bilag."},
        state="returned",
        side=s,
    )
    upload_doc(s.caseworker, case_id, Category.OTHER_HEALTH_INFORMATION)
    body = step(s.caseworker, case_id, "resend", state="assigned", side=s)
    assert body["specialist"]["id"] == s.specialist.pk


def test_return_needs_a_reason(side_a):
    s = side_a
    case_id = complete_draft(s, REHAB)
    send(s, case_id)
    before = snapshot(case_id)
    response = post(s.secretariat, case_id, "return_for_information", {"reason": ""})
    assert response.status_code == 400
    assert response.json() == {"reason": ["Angiv en begrundelse."]}
    assert snapshot(case_id) == before


# --- withdrawn and discarded ---------------------------------------------------------------


def _drive(side, subtype, state):
    """A case of the subtype taken through the API to the state."""
    if subtype == KLINISK:
        case_id = refer(side)
        if state == "sent":
            return case_id
        step(
            side.secretariat,
            case_id,
            "assign_specialist",
            {"assignee": side.specialist.pk},
            state="assigned",
            side=side,
        )
        if state == "assigned":
            return case_id
        # A free time today, within 14 days of receipt: no notice needed.
        slot = free_slot_for(Case.objects.get(pk=case_id))
        appointment = timezone.localdate(slot.starts_at)
        step(side.secretariat, case_id, "invite", {"slot": slot.pk}, state="invited", side=side)
        if state == "invited":
            return case_id
        # The consultation is recorded once its time has begun.
        booked_time_passed(Case.objects.get(pk=case_id))
        step(
            side.specialist,
            case_id,
            "hold_consultation",
            {"consultation_date": appointment},
            state="consultation_held",
            side=side,
        )
        assert state == "consultation_held"
        return case_id
    case_id = complete_draft(side, subtype)
    send(side, case_id)
    if state == "sent":
        return case_id
    assign(side, case_id)
    if state == "assigned":
        return case_id
    if state == "returned":
        step(
            side.coordinator,
            case_id,
            "return_for_information",
            {"reason": "Mangler"},
            state="returned",
            side=side,
        )
        return case_id
    if state == "answered":
        answer(side, case_id)
        return case_id
    screen(side, case_id)
    if state == "screened":
        return case_id
    hold_meeting(side, case_id)
    assert state == "meeting_held"
    return case_id


@pytest.mark.parametrize(
    ("subtype", "state"),
    [
        (REHAB, "sent"),
        (REHAB, "assigned"),
        (REHAB, "returned"),
        (REHAB, "screened"),
        (REHAB, "meeting_held"),
        (LOEBENDE, "answered"),
        (KLINISK, "invited"),
        (KLINISK, "consultation_held"),
    ],
)
def test_withdraw_from_open_states(side_a, subtype, state):
    s = side_a
    case_id = _drive(s, subtype, state)
    reason = "Borgeren er overgået til anden ydelse."
    refused(
        post(s.secretariat, case_id, "withdraw", {"reason": reason}),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Træk sagen tilbage«.",
    )
    step(s.caseworker, case_id, "withdraw", {"reason": reason}, state="withdrawn", side=s)
    # The withdrawal (an invited case's booked time is freed after it, in its own event).
    event = [e for e in history(s, case_id) if e["kind"] == "withdraw"][-1]
    assert (event["from_state"], event["comment"]) == (state, reason)
    # A withdrawn case is final for everyone.
    for user in (s.caseworker, s.team_member, s.secretariat):
        assert transition_names(user, case_id) == []
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "withdraw", {"reason": reason}),
        400,
        "invalid_state",
        "Handlingen »Træk sagen tilbage« kan ikke udføres, når sagen har status »Trukket tilbage«.",
    )
    assert snapshot(case_id) == before


def test_withdraw_refused_when_closed_or_draft(side_a):
    s = side_a
    closed = closed_rehab_case(s)
    before = snapshot(closed)
    refused(
        post(s.caseworker, closed, "withdraw", {"reason": "For sent"}),
        400,
        "invalid_state",
        "Handlingen »Træk sagen tilbage« kan ikke udføres, når sagen har status »Afsluttet«.",
    )
    assert snapshot(closed) == before

    draft = complete_draft(s, REHAB)
    before = snapshot(draft)
    refused(post(s.caseworker, draft, "withdraw", {"reason": "Fejl"}), 400, "invalid_state")
    assert snapshot(draft) == before


def test_withdraw_needs_a_reason(side_a):
    s = side_a
    case_id = complete_draft(s, LOEBENDE)
    send(s, case_id)
    before = snapshot(case_id)
    response = post(s.caseworker, case_id, "withdraw", {"reason": "   "})
    assert response.status_code == 400
    assert snapshot(case_id) == before


def test_discard_draft(side_a):
    s = side_a
    case_id = create(s, LOEBENDE, question="Kladde")
    step(s.caseworker, case_id, "discard_draft", state="withdrawn", side=s)
    assert history_rows(s, case_id) == [
        ("created", s.caseworker.pk, "draft"),
        ("discard_draft", s.caseworker.pk, "withdrawn"),
    ]
    # It never reached the region, and cannot be edited or sent any more.
    assert get(s.secretariat, case_id).status_code == 404
    response = api_client(s.caseworker).patch(
        f"{API}/cases/{case_id}/", {"question": "Igen"}, format="json"
    )
    refused(response, 400, "invalid_state")
    refused(post(s.caseworker, case_id, "send"), 400, "invalid_state")


def test_discard_refused_once_sent(side_a):
    s = side_a
    case_id = complete_draft(s, REHAB)
    send(s, case_id)
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "discard_draft"),
        400,
        "invalid_state",
        "Handlingen »Slet kladde« kan ikke udføres, når sagen har status »Sendt til regionen«.",
    )
    assert snapshot(case_id) == before


# --- meeting postponed ---------------------------------------------------------------------


def test_postpone_recomputes_deadlines(side_a):
    s = side_a
    case_id = complete_draft(s, REHAB)
    due = deadlines(s.caseworker, case_id)
    # 10 working days before Wednesday 10 March 2027.
    assert due["send_to_coordinator"]["due"] == "2027-02-24"
    assert due["citizen_conclusion"]["due"] == "2027-03-17"
    send(s, case_id)
    assign(s, case_id)

    new_meeting = datetime.date(2027, 4, 7)
    body = step(
        s.secretariat,
        case_id,
        "postpone",
        {"meeting_date": new_meeting, "reason": "Borgeren er indlagt."},
        state="assigned",
        side=s,
    )
    assert body["meeting_date"] == "2027-04-07"
    due = deadlines(s.caseworker, case_id)
    # 10 working days before 7 April 2027, skipping Easter (25, 26 and 29 March).
    assert due["send_to_coordinator"]["due"] == "2027-03-19"
    assert due["citizen_conclusion"]["due"] == "2027-04-14"
    event = history(s, case_id)[-1]
    assert event["data"] == {"from": "2027-03-10", "to": "2027-04-07"}
    assert event["label"] == "Udsat til møde 07.04.2027"
    assert event["comment"] == "Borgeren er indlagt."

    # The caseworker may postpone too; the same date again is refused.
    step(
        s.caseworker,
        case_id,
        "postpone",
        {"meeting_date": datetime.date(2027, 4, 14)},
        state="assigned",
        side=s,
    )
    assert deadlines(s.caseworker, case_id)["send_to_coordinator"]["due"] == "2027-03-31"
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "postpone", {"meeting_date": "2027-04-14"}),
        400,
        "unchanged",
        "Den nye mødedato er den samme som den gamle.",
    )
    assert snapshot(case_id) == before


def test_postpone_only_for_meeting_cases(side_a):
    s = side_a
    case_id = complete_draft(s, LOEBENDE)
    send(s, case_id)
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "postpone", {"meeting_date": "2027-04-07"}),
        400,
        "unknown_transition",
        "Handlingen findes ikke for denne type sag.",
    )
    assert snapshot(case_id) == before


def test_postpone_refused_after_the_meeting(side_a):
    s = side_a
    case_id = _drive(s, REHAB, "meeting_held")
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "postpone", {"meeting_date": "2027-04-07"}),
        400,
        "invalid_state",
    )
    assert snapshot(case_id) == before


# --- reopened as genforelæggelse -----------------------------------------------------------


def test_reopen_as_genforelaeggelse(side_a):
    s = side_a
    screening_text = "Screening: helbredsforholdene er belyst; behandling er ikke udtømt."
    original = closed_rehab_case(s)
    original_documents = {
        d["id"]: d
        for d in _results(
            api_client(s.caseworker).get(f"{API}/documents/", {"case": original}).json()
        )
    }
    assert len(original_documents) == 3  # forberedende del, LÆ 265, indstilling

    meeting = datetime.date(2027, 9, 15)
    response = post(s.caseworker, original, "reopen_as_genforelaeggelse", {"meeting_date": meeting})
    assert response.status_code == 201, response.json()
    new = response.json()
    assert new["id"] != original
    assert (new["subtype"], new["state"], new["parent"], new["purpose"], new["meeting_date"]) == (
        "genforelaeggelse",
        "draft",
        original,
        "ressourceforloeb",
        "2027-09-15",
    )
    # The original stays closed and records the reopening.
    assert case_body(s.caseworker, original)["state"] == "closed"
    last = history(s, original)[-1]
    assert (last["kind"], last["actor"]["id"], last["to_state"], last["data"]) == (
        "reopen_as_genforelaeggelse",
        s.caseworker.pk,
        "closed",
        {"new_case": new["id"]},
    )
    assert [(e["kind"], e["actor"]["id"]) for e in history(s, new["id"])] == [
        ("created", s.caseworker.pk),
        ("carried_over", s.caseworker.pk),
    ]

    documents = _results(
        api_client(s.caseworker).get(f"{API}/documents/", {"case": new["id"]}).json()
    )
    carried = {d["carried_over_from"]: d for d in documents if d["carried_over_from"]}
    assert set(carried) == set(original_documents)
    for source_id, copy in carried.items():
        assert copy["category"] == original_documents[source_id]["category"]
        assert copy["sha256"] == original_documents[source_id]["sha256"]
    advice_documents = [d for d in documents if d["carried_over_from"] is None]
    assert len(advice_documents) == 1
    advice_document = advice_documents[0]
    assert advice_document["category"] == "coordinator_advice"
    assert advice_document["title"].startswith("Sundhedskoordinators screeningstilbagemelding")
    assert document_content(s.caseworker, advice_document["id"]) == screening_text.encode()

    # What the procedure asks for beyond the carried-over material.
    assert {m["key"] for m in transitions(s.caseworker, new["id"])["missing"]} == {
        "attachment:caseworker_summary",
        "attachment:documentation",
    }
    upload_doc(s.caseworker, new["id"], Category.CASEWORKER_SUMMARY)
    upload_doc(s.caseworker, new["id"], Category.DOCUMENTATION)
    send(s, new["id"])
    assign(s, new["id"])
    screen(s, new["id"])
    hold_meeting(s, new["id"])
    send_indstilling(s, new["id"])


def test_genforelaeggelse_needs_this_meetings_indstilling(side_a):
    """The carried-over indstilling is the previous team's; the new one must be attached."""
    s = side_a
    original = closed_rehab_case(s)
    response = post(
        s.caseworker, original, "reopen_as_genforelaeggelse", {"meeting_date": "2027-09-15"}
    )
    assert response.status_code == 201, response.json()
    new_id = response.json()["id"]
    upload_doc(s.caseworker, new_id, Category.CASEWORKER_SUMMARY)
    upload_doc(s.caseworker, new_id, Category.DOCUMENTATION)
    send(s, new_id)
    assign(s, new_id)
    hold_meeting(s, new_id)
    shared_before = DocumentShare.objects.count()
    before = snapshot(new_id)
    refused(
        post(s.caseworker, new_id, "send_indstilling"),
        400,
        "attachment_missing",
        "Vedhæft rehabiliteringsteamets indstilling, før den sendes.",
    )
    assert snapshot(new_id) == before
    assert DocumentShare.objects.count() == shared_before

    indstilling = send_indstilling(s, new_id)
    shared = DocumentShare.objects.filter(document__case_id=new_id)
    assert [share.document_id for share in shared] == [indstilling]


@pytest.mark.parametrize(
    "purpose", ["fleksjob", "foertidspension", "jobafklaringsforloeb", "sygedagpenge_kategori_3"]
)
def test_reopen_only_for_ressourceforloeb(side_a, purpose):
    s = side_a
    original = closed_rehab_case(s, purpose=purpose)
    before = snapshot(original)
    refused(
        post(s.caseworker, original, "reopen_as_genforelaeggelse", {"meeting_date": "2027-09-15"}),
        400,
        "not_ressourceforloeb",
        "Kun sager om ressourceforløb kan genforelægges (procedure Genforelæggelse).",
    )
    assert snapshot(original) == before
    assert not Case.objects.filter(parent_id=original).exists()


def test_reopen_refused_before_the_case_is_closed(side_a):
    s = side_a
    case_id = _drive(s, REHAB, "meeting_held")
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "reopen_as_genforelaeggelse", {"meeting_date": "2027-09-15"}),
        400,
        "invalid_state",
    )
    assert snapshot(case_id) == before


def test_reopen_refused_for_written_answer_cases(side_a):
    s = side_a
    case_id = complete_draft(s, LOEBENDE)
    send(s, case_id)
    assign(s, case_id)
    answer(s, case_id)
    step(s.caseworker, case_id, "close", state="closed", side=s)
    refused(
        post(s.caseworker, case_id, "reopen_as_genforelaeggelse", {"meeting_date": "2027-09-15"}),
        400,
        "unknown_transition",
    )


# --- the GP's copies -----------------------------------------------------------------------


def test_lae_275_goes_to_the_gp_at_delivery_and_nothing_else(side_a, side_b):
    s = side_a
    case_id = _drive(s, KLINISK, "consultation_held")
    lae_271 = Document.objects.get(case_id=case_id, category=Category.LAE_271).pk
    before = snapshot(case_id)
    body = refused(
        post(s.specialist, case_id, "deliver_certificate"),
        400,
        "certificate_missing",
        "Skriv og underskriv speciallægeattesten (LÆ 275) under fanen Vurdering, før den leveres.",
    )
    assert body["missing"] == [
        {"key": "certificate", "label": "Underskrevet speciallægeattest (LÆ 275)"}
    ]
    # An LÆ 275 is not uploaded to a klinisk-funktion case: it is made from the signed
    # certificate at delivery.
    response = api_client(s.specialist).post(
        f"{API}/documents/",
        {"case": case_id, "category": "lae_275", "file": upload(Category.LAE_275)},
        format="multipart",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "category_not_for_subtype"
    assert "fanen Vurdering" in response.json()["fields"]["category"][0]
    assert snapshot(case_id) == before

    sign_complete_certificate(s.specialist, Case.objects.get(pk=case_id))
    # Signed is not delivered: the GP sees nothing yet.
    assert gp_documents(s.gp) == []
    assert _results(api_client(s.gp).get(f"{API}/cases/").json()) == []

    step(s.specialist, case_id, "deliver_certificate", state="answered", side=s)
    certificate = Document.objects.get(case_id=case_id, category=Category.LAE_275).pk
    share = DocumentShare.objects.get(document_id=certificate)
    assert share.recipient == s.gp
    assert share.reason == "Kopi af speciallægeattest (BEK § 15, stk. 2)"
    delivered = CaseEvent.objects.get(case_id=case_id, kind="deliver_certificate")
    assert abs(share.shared_at - delivered.at) < datetime.timedelta(seconds=5)

    documents = gp_documents(s.gp)
    assert [(d["id"], d["category"]) for d in documents] == [(certificate, "lae_275")]
    assert document_content(s.gp, certificate).startswith(b"%PDF")
    assert api_client(s.gp).get(f"{API}/documents/{lae_271}/").status_code == 404
    for what in ("events", "deadlines", "notes", "advice", "transitions"):
        assert get(s.gp, case_id, what).status_code == 404, what
    cases = _results(api_client(s.gp).get(f"{API}/cases/").json())
    assert [(c["id"], sorted(c)) for c in cases] == [
        (case_id, ["citizen", "id", "municipality", "reference", "subtype", "subtype_label"])
    ]
    # Another citizen's GP sees nothing.
    assert gp_documents(side_b.gp) == []


def test_delivery_to_a_citizen_without_a_gp_states_why(side_a):
    # BEK § 15 stk. 2: no GP registered, so no copy can go; the API asks for the reason.
    s = side_a
    case_id = _drive(s, KLINISK, "consultation_held")
    sign_complete_certificate(s.specialist, Case.objects.get(pk=case_id))
    s.citizen.general_practitioner = None
    s.citizen.save(update_fields=["general_practitioner"])
    before = snapshot(case_id)
    body = refused(post(s.specialist, case_id, "deliver_certificate"), 400, "no_gp_reason_required")
    assert "sygesikringsgruppe 2" in body["fields"]["no_gp_reason"][0]
    response = post(s.specialist, case_id, "deliver_certificate", {"no_gp_reason": "x" * 201})
    assert response.status_code == 400, response.json()
    assert response.json()["no_gp_reason"] == ["Begrundelsen må højst være 200 tegn."]
    assert snapshot(case_id) == before

    reason = "Borgeren er i sygesikringsgruppe 2."
    step(
        s.specialist,
        case_id,
        "deliver_certificate",
        {"no_gp_reason": reason},
        state="answered",
        side=s,
    )
    delivered = CaseEvent.objects.get(case_id=case_id, kind="deliver_certificate")
    assert delivered.data["no_gp_reason"] == reason and delivered.data["gp_copy"] is False
    assert not DocumentShare.objects.filter(document__case_id=case_id).exists()


def test_indstilling_needs_an_attachment_and_goes_to_the_gp(side_a):
    s = side_a
    case_id = _drive(s, REHAB, "meeting_held")
    before = snapshot(case_id)
    refused(post(s.caseworker, case_id, "send_indstilling"), 400, "attachment_missing")
    assert snapshot(case_id) == before
    assert gp_documents(s.gp) == []
    indstilling = send_indstilling(s, case_id)
    assert [d["id"] for d in gp_documents(s.gp)] == [indstilling]
    assert document_content(s.gp, indstilling).startswith(b"%PDF")


# --- the meeting needs a coordinator -------------------------------------------------------


def test_meeting_cannot_be_recorded_without_a_coordinator(side_a):
    s = side_a
    case_id = complete_draft(s, REHAB)
    send(s, case_id)
    before = snapshot(case_id)
    refused(
        post(s.team_member, case_id, "hold_meeting"),
        400,
        "invalid_state",
        "Handlingen »Registrér afholdt møde« kan ikke udføres, når sagen har status "
        "»Sendt til regionen«.",
    )
    assert snapshot(case_id) == before

    # Even a case that stands as assigned without a coordinator is refused.
    Case.objects.filter(pk=case_id).update(state="assigned", coordinator=None)
    before = snapshot(case_id)
    body = refused(post(s.team_member, case_id, "hold_meeting"), 400, "coordinator_missing")
    assert body["detail"].startswith("Mødet kan ikke holdes uden sundhedskoordinator")
    assert snapshot(case_id) == before


# --- klinisk funktion: late appointments ---------------------------------------------------


def test_invite_late_appointment_only_after_the_caseworker_was_told_and_accepted(side_a):
    s = side_a
    case_id = assigned_klinisk_case(s)
    today = timezone.localdate()
    # Received 15 days before the first free time, and 16 before the second.
    freeze_received(
        case_id,
        timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=14), datetime.time(10))
        ),
    )
    case = Case.objects.get(pk=case_id)
    first = free_slot_for(case, on=today + datetime.timedelta(days=1))
    second = free_slot_for(case, on=today + datetime.timedelta(days=2))
    message = (
        "Tiden ligger mere end 14 dage efter, at anmodningen blev modtaget. Orientér "
        "sagsbehandleren, før borgeren indkaldes."
    )
    before = snapshot(case_id)
    refused(
        post(s.secretariat, case_id, "invite", {"slot": first.pk}),
        400,
        "late_appointment_not_notified",
        message,
    )
    assert snapshot(case_id) == before

    day = timezone.localdate(first.starts_at)
    step(
        s.secretariat,
        case_id,
        "notify_late_appointment",
        {"appointment_date": day},
        state="assigned",
        side=s,
    )
    # The caseworker was told about the first day, not about another late day.
    refused(
        post(s.secretariat, case_id, "invite", {"slot": second.pk}),
        400,
        "late_appointment_not_notified",
        message,
    )
    # Told is not accepted.
    refused(
        post(s.secretariat, case_id, "invite", {"slot": first.pk}),
        400,
        "late_appointment_not_accepted",
    )
    step(
        s.caseworker,
        case_id,
        "accept_late_appointment",
        {"appointment_date": day},
        state="assigned",
        side=s,
    )
    body = step(s.secretariat, case_id, "invite", {"slot": first.pk}, state="invited", side=s)
    assert body["appointment_date"] == day.isoformat()


def test_invite_within_14_days_needs_no_notice(side_a):
    s = side_a
    case_id = assigned_klinisk_case(s)
    today = timezone.localdate()
    # Day 14 after receipt is still in time.
    freeze_received(
        case_id,
        timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=13), datetime.time(10))
        ),
    )
    slot = free_slot_for(Case.objects.get(pk=case_id), on=today + datetime.timedelta(days=1))
    step(s.specialist, case_id, "invite", {"slot": slot.pk}, state="invited", side=s)


# --- § 13 stk. 3: the same person as coordinator and assessor ------------------------------


def test_parent_coordinator_as_specialist_needs_the_citizens_agreement(side_a):
    s = side_a
    parent = referral_origin(s)
    # The coordinator's account in klinisk funktion: the same doctor, another account.
    same_doctor = User.objects.create_user(
        username="anna_coordinator_kf",
        password="test-password-1",
        first_name="Anna",
        last_name="Coordinator",
        role=Role.CLINICAL_SPECIALIST,
        region=s.region,
        authorisation_id=s.coordinator.authorisation_id,
    )
    case_id = refer(s, parent)
    before = snapshot(case_id)
    refused(
        post(s.secretariat, case_id, "assign_specialist", {"assignee": same_doctor.pk}),
        400,
        "same_person_without_consent",
        "Speciallægen har været sundhedskoordinator i borgerens sag og kan kun foretage "
        "vurderingen i klinisk funktion, hvis borgeren er indforstået hermed (BEK § 13, "
        "stk. 3). Registrér borgerens accept under Samtykke på denne sag i klinisk funktion, "
        "eller vælg en anden speciallæge.",
    )
    assert snapshot(case_id) == before

    # The agreement is given for this klinisk-funktion case: without the case it is refused,
    # on the team case it is refused, on the klinisk-funktion case it counts.
    for case in (None, parent):
        body = {
            "citizen": s.citizen.pk,
            "scope": str(ConsentScope.SAME_PERSON_ASSESSMENT),
            "given_on": CONSENT_DATE.isoformat(),
            "written": True,
            **({"case": case} if case else {}),
        }
        response = api_client(s.caseworker).post(f"{API}/consents/", body, format="json")
        assert response.status_code == 400, response.json()
        assert "case" in response.json()["fields"]
    give_consent(s, ConsentScope.SAME_PERSON_ASSESSMENT, case=case_id)
    body = step(
        s.secretariat,
        case_id,
        "assign_specialist",
        {"assignee": same_doctor.pk},
        state="assigned",
        side=s,
    )
    assert body["specialist"]["id"] == same_doctor.pk


def test_other_specialist_needs_no_agreement(side_a):
    s = side_a
    parent = referral_origin(s)
    case_id = refer(s, parent)
    step(
        s.secretariat,
        case_id,
        "assign_specialist",
        {"assignee": s.specialist.pk},
        state="assigned",
        side=s,
    )


# --- § 12 stk. 2: conflict of interest -----------------------------------------------------


def test_conflict_of_interest(side_a):
    s = side_a
    # The citizen's own GP also works as a coordinator in the region (same authorisation ID).
    gp_as_coordinator = User.objects.create_user(
        username="anna_gp_coordinator",
        password="test-password-1",
        first_name="Anna",
        last_name="Gp",
        role=Role.COORDINATOR,
        region=s.region,
        authorisation_id=s.gp.authorisation_id,
    )
    case_id = complete_draft(s, REHAB)
    send(s, case_id)
    response = api_client(s.secretariat).post(
        f"{API}/treatment-relations/",
        {"citizen": s.citizen.pk, "doctor": s.coordinator_2.pk, "kind": "former_treating"},
        format="json",
    )
    assert response.status_code == 201, response.json()

    assignable = api_client(s.secretariat).get(f"{API}/cases/{case_id}/assignable/")
    assert assignable.status_code == 200
    assert {(row["id"], row["conflict_of_interest"]) for row in assignable.json()} == {
        (s.coordinator.pk, False),
        (s.coordinator_2.pk, True),
        (gp_as_coordinator.pk, True),
    }
    # Only the secretariat assigns, so only it is shown the list.
    assert api_client(s.caseworker).get(f"{API}/cases/{case_id}/assignable/").status_code == 404

    before = snapshot(case_id)
    for barred in (s.coordinator_2, gp_as_coordinator):
        refused(
            post(s.secretariat, case_id, "assign", {"assignee": barred.pk}),
            400,
            "conflict_of_interest",
            CONFLICT_MESSAGE,
        )
        assert snapshot(case_id) == before
    body = assign(s, case_id)
    assert body["coordinator"]["id"] == s.coordinator.pk


# --- consent -------------------------------------------------------------------------------


def test_loebende_sag_needs_written_consent_to_contact_the_gp(side_a):
    s = side_a
    fields, categories, _ = COMPLETE[LOEBENDE]
    case_id = create(s, LOEBENDE, **fields)
    for category in categories:
        upload_doc(s.caseworker, case_id, category)
    # The case must state the citizen's answer: a written consent or a recorded refusal.
    missing_label = (
        "Borgerens svar om samtykke (givet eller afslået): Sundhedskoordinatoren må drøfte "
        "sagen med borgerens praktiserende læge"
    )
    assert transitions(s.caseworker, case_id)["missing"] == [
        {"key": "consent:contact_gp", "label": missing_label}
    ]

    def send_refused():
        before = snapshot(case_id)
        body = refused(post(s.caseworker, case_id, "send"), 400, "incomplete")
        assert body["detail"] == f"Sagen kan ikke sendes, fordi der mangler: {missing_label}."
        assert body["missing"] == [{"key": "consent:contact_gp", "label": missing_label}]
        assert snapshot(case_id) == before

    send_refused()
    # Oral consent does not count (BEK § 5, stk. 2).
    give_consent(s, ConsentScope.CONTACT_GP, written=False)
    send_refused()
    written = give_consent(s, ConsentScope.CONTACT_GP)
    assert transitions(s.caseworker, case_id)["missing"] == []
    # A withdrawn consent blocks again.
    withdraw_consent(s, written)
    send_refused()
    again = give_consent(s, ConsentScope.CONTACT_GP)
    send(s, case_id)
    assign(s, case_id)

    # Returned and resent: the consent must still be in place.
    step(
        s.coordinator,
        case_id,
        "return_for_information",
        {"reason": "Uddyb spørgsmålet."},
        state="returned",
        side=s,
    )
    withdraw_consent(s, again)
    before = snapshot(case_id)
    refused(post(s.caseworker, case_id, "resend"), 400, "incomplete")
    assert snapshot(case_id) == before
    give_consent(s, ConsentScope.CONTACT_GP)
    step(s.caseworker, case_id, "resend", state="assigned", side=s)
    kinds = [e["kind"] for e in history(s, case_id)]
    assert kinds.count("consent_registered") == 4
    assert kinds.count("consent_withdrawn") == 2


# --- roles ---------------------------------------------------------------------------------


def test_roles(side_a):
    s = side_a
    draft = complete_draft(s, LOEBENDE)
    # A team member prepares, but does not send.
    before = snapshot(draft)
    refused(
        post(s.team_member, draft, "send"),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Send til regionen«.",
    )
    # A coordinator cannot even see the municipality's draft.
    assert post(s.coordinator, draft, "send").status_code == 404
    assert snapshot(draft) == before

    send(s, draft)
    case_id = draft
    before = snapshot(case_id)
    refused(
        post(s.caseworker, case_id, "assign", {"assignee": s.coordinator.pk}),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Tildel sundhedskoordinator«.",
    )
    assert snapshot(case_id) == before
    assign(s, case_id)

    before = snapshot(case_id)
    refused(
        post(s.secretariat, case_id, "answer", {"text": "Svar"}),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Afgiv skriftligt svar«.",
    )
    refused(
        post(s.coordinator, case_id, "withdraw", {"reason": "Ingen grund"}),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Træk sagen tilbage«.",
    )
    # Another coordinator in the region does not see the case.
    assert post(s.coordinator_2, case_id, "answer", {"text": "Svar"}).status_code == 404
    assert snapshot(case_id) == before

    step(
        s.coordinator,
        case_id,
        "return_for_information",
        {"reason": "Mangler plan."},
        state="returned",
        side=s,
    )
    before = snapshot(case_id)
    # The coordinator cannot send the case (again); that is the municipality's.
    refused(
        post(s.coordinator, case_id, "resend"),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Send igen med flere oplysninger«.",
    )
    assert snapshot(case_id) == before
    step(s.caseworker, case_id, "resend", state="assigned", side=s)
    answer(s, case_id)
    before = snapshot(case_id)
    refused(
        post(s.coordinator, case_id, "close"),
        403,
        "role_not_allowed",
        "Din rolle må ikke udføre handlingen »Afslut sagen (svar modtaget)«.",
    )
    assert snapshot(case_id) == before


def test_the_other_side_sees_nothing(side_a, side_b):
    case_id = complete_draft(side_a, REHAB)
    send(side_a, case_id)
    before = snapshot(case_id)
    assert (
        post(side_b.secretariat, case_id, "assign", {"assignee": side_b.coordinator.pk}).status_code
        == 404
    )
    assert post(side_b.caseworker, case_id, "withdraw", {"reason": "x"}).status_code == 404
    assert snapshot(case_id) == before
    # A coordinator from another region cannot be assigned.
    refused(
        post(side_a.secretariat, case_id, "assign", {"assignee": side_b.coordinator.pk}),
        400,
        "invalid_assignee",
    )
    assert snapshot(case_id) == before


# --- § 11 stk. 4: no advice on benefits ----------------------------------------------------


def test_written_answer_stores_no_benefit(side_a):
    s = side_a
    case_id = complete_draft(s, LOEBENDE)
    send(s, case_id)
    assign(s, case_id)
    response = post(
        s.coordinator,
        case_id,
        "answer",
        {
            "text": "Borgeren kan fortsætte i ressourceforløbet.",
            "recommendations": ["continue_plan"],
            "benefit": "fleksjob",
            "ydelse": "førtidspension",
        },
    )
    assert response.status_code == 200, response.json()

    names = [field.name for field in Advice._meta.get_fields()]
    assert not [n for n in names if "benefit" in n.lower() or "ydelse" in n.lower()]
    advice = Advice.objects.get(case_id=case_id)
    stored = [getattr(advice, field.attname) for field in Advice._meta.concrete_fields]
    assert "fleksjob" not in repr(stored)
    assert "førtidspension" not in repr(stored)
    shown = get(s.caseworker, case_id, "advice").json()
    assert len(shown) == 1
    assert not [key for key in shown[0] if "benefit" in key or "ydelse" in key]
    assert "fleksjob" not in repr(shown)
    events = CaseEvent.objects.filter(case_id=case_id)
    assert "fleksjob" not in repr([(e.label, e.comment, e.data) for e in events])


# --- deadlines: agreements (§ 20) and the designated inbox (§ 24) --------------------------


def test_agreement_sets_the_written_answer_deadline(side_a, side_b):
    agreement = CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2026, 1, 1),
    )
    AgreementDeadlineRule.objects.create(
        agreement=agreement,
        subtype="loebende_sag",
        kind="written_answer",
        count=10,
        unit="working_days",
        source="Procedure Løbende sag",
    )
    received = datetime.datetime(2026, 3, 25, 10, 0, tzinfo=CPH)

    agreed = complete_draft(side_a, LOEBENDE)
    send(side_a, agreed)
    freeze_received(agreed, received)
    written = deadlines(side_a.caseworker, agreed)["written_answer"]
    # 10 working days after Wednesday 25 March 2026, skipping Easter (2, 3 and 6 April).
    assert (written["due"], written["source"], written["binding"]) == (
        "2026-04-13",
        "Procedure Løbende sag",
        True,
    )

    fallback = complete_draft(side_b, LOEBENDE)
    send(side_b, fallback)
    freeze_received(fallback, received)
    written = deadlines(side_b.caseworker, fallback)["written_answer"]
    # BEK § 22: 14 days.
    assert (written["due"], written["source"]) == ("2026-04-08", "BEK § 22")

    # Received before the agreement took effect: the executive order's deadline applies.
    freeze_received(agreed, datetime.datetime(2025, 11, 19, 10, 0, tzinfo=CPH))
    written = deadlines(side_a.caseworker, agreed)["written_answer"]
    assert (written["due"], written["source"]) == ("2025-12-03", "BEK § 22")


def test_deadlines_do_not_bind_outside_the_designated_inbox(side_a):
    s = side_a
    received = datetime.datetime(2026, 3, 25, 10, 0, tzinfo=CPH)
    loebende = complete_draft(s, LOEBENDE)
    send(s, loebende)
    freeze_received(loebende, received)
    assert deadlines(s.caseworker, loebende)["written_answer"]["binding"] is True

    freeze_received(loebende, received, designated_inbox=False)
    assert case_body(s.caseworker, loebende)["received_in_designated_inbox"] is False
    written = deadlines(s.caseworker, loebende)["written_answer"]
    assert (written["due"], written["binding"]) == ("2026-04-08", False)

    rehab = complete_draft(s, REHAB)
    send(s, rehab)
    freeze_received(rehab, received, designated_inbox=False)
    due = deadlines(s.caseworker, rehab)
    # § 24 concerns the executive order's deadlines (§§ 21–23), not the agreed practice.
    assert (due["coordinator_available"]["due"], due["coordinator_available"]["binding"]) == (
        "2026-04-08",
        False,
    )
    assert due["send_to_coordinator"]["binding"] is True
    # 5 working days after Wednesday 25 March 2026 (5 calendar days would be Monday 30).
    assert (due["screening_feedback"]["due"], due["screening_feedback"]["binding"]) == (
        "2026-04-01",
        True,
    )
    # The flag survives later steps: deadlines recomputed on assignment stay non-binding.
    assign(s, rehab)
    assert deadlines(s.caseworker, rehab)["coordinator_available"]["binding"] is False


def test_reopen_refused_when_the_meeting_is_too_close(side_a):
    """Procedure Genforelæggelse: created at the latest 5 working days before the meeting."""
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    with on_meeting_day(case):
        meeting_services.hold_meeting(side_a.caseworker, case)
    attach(side_a.caseworker, case, Category.INDSTILLING)
    meeting_services.send_indstilling(side_a.caseworker, case)
    # A working day, so only the procedure's deadline stands in the way.
    too_close = configured_calendar().add_working_days(timezone.localdate(), 2)
    response = api_client(side_a.caseworker).post(
        f"/api/v1/cases/{case.pk}/reopen-as-genforelaeggelse/",
        {"meeting_date": too_close.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"
    assert "Procedure Genforelæggelse" in response.json()["detail"]
    assert not Case.objects.filter(parent=case).exists()


def test_postpone_to_a_past_date_is_refused(side_a):
    case = sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    response = api_client(side_a.caseworker).post(
        f"/api/v1/cases/{case.pk}/postpone/",
        {"meeting_date": "2020-01-06"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "deadline_passed"
    case.refresh_from_db()
    assert case.meeting_date == MEETING
