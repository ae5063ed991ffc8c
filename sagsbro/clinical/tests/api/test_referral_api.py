"""Referrals, specialists and the consultation calendar over the API: the municipality refers,
the secretariat reads its intake list, plans slots and books one (the invitation with the
14-day late notice); structured Danish errors that change nothing; reads audited."""

import datetime

from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import ConsultationSlot, Referral
from sagsbro.clinical.tests.services.test_referrals import screened_team_case
from sagsbro.conftest import api_client


def referral_body(team, **overrides):
    return {
        "origin_case": team.pk,
        "origin_kind": "screening",
        "origin_advice": team.advice.get().pk,
        "question": "Hvilken funktionsevne har borgeren?",
        "specialty": "neurologi",
        "documents": [d.pk for d in team.documents.all()],
    } | overrides


def test_refer_then_intake_then_plan_and_book(side_a):
    team = screened_team_case(side_a)
    response = api_client(side_a.caseworker).post(
        "/api/v1/referrals/", referral_body(team), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "sent"
    assert body["specialty"] == "neurologi"
    assert body["origin_case"] == team.pk

    secretariat = api_client(side_a.secretariat)
    intake = secretariat.get("/api/v1/referrals/?open=true").json()["results"]
    assert [row["id"] for row in intake] == [body["id"]]
    assert AuditEntry.objects.filter(
        object_type="referral", object_id=str(body["id"]), action="list"
    ).exists()

    # The secretariat gives the neurologist the specialty, and picks by it.
    response = secretariat.post(
        f"/api/v1/specialists/{side_a.specialist.pk}/specialties/",
        {"specialties": ["neurologi"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    picked = secretariat.get("/api/v1/specialists/?specialty=neurologi").json()["results"]
    assert [row["id"] for row in picked] == [side_a.specialist.pk]
    case = Case.objects.get(pk=body["case"])
    assert (
        secretariat.post(
            f"/api/v1/cases/{case.pk}/assign-specialist/", {"assignee": side_a.specialist.pk}
        ).status_code
        == 200
    )

    place = secretariat.post(
        "/api/v1/consultation-places/", {"name": "Klinik Syd", "address": "Sydvej 2"}
    ).json()
    starts = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=20), datetime.time(9, 30)
        )
    )
    response = secretariat.post(
        "/api/v1/consultation-slots/",
        {"specialist": side_a.specialist.pk, "place": place["id"], "starts_at": starts.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    slot = response.json()

    # 20 days after the request arrived: the caseworker must be told first.
    url = f"/api/v1/consultation-slots/{slot['id']}/book/"
    response = secretariat.post(url, {"case": case.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "late_appointment_not_notified"
    assert ConsultationSlot.objects.get(pk=slot["id"]).case_id is None
    assert (
        secretariat.post(
            f"/api/v1/cases/{case.pk}/notify-late-appointment/",
            {"appointment_date": starts.date().isoformat()},
        ).status_code
        == 200
    )
    # Told is not accepted: the caseworker accepts the late time before the invitation.
    response = secretariat.post(url, {"case": case.pk}, format="json")
    assert response.json()["code"] == "late_appointment_not_accepted"
    assert (
        api_client(side_a.caseworker)
        .post(
            f"/api/v1/cases/{case.pk}/accept-late-appointment/",
            {"appointment_date": starts.date().isoformat()},
            format="json",
        )
        .status_code
        == 200
    )
    response = secretariat.post(url, {"case": case.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["case"] == case.pk
    assert Case.objects.get(pk=case.pk).state == "invited"


def test_a_referral_missing_attachments_is_refused_with_the_list(side_a):
    team = screened_team_case(side_a)
    before = (Case.objects.count(), Referral.objects.count())
    response = api_client(side_a.caseworker).post(
        "/api/v1/referrals/", referral_body(team, documents=[]), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "referral_incomplete"
    assert [m["key"] for m in body["missing"]] == [
        "attachment:forberedende_del",
        "attachment:health_information",
    ]
    response = api_client(side_a.caseworker).post(
        "/api/v1/referrals/", referral_body(team, specialty="ukendt"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["specialty"] == ["Specialet findes ikke."]
    assert (Case.objects.count(), Referral.objects.count()) == before


def test_the_other_region_and_the_gp_see_no_referrals(side_a, side_b):
    team = screened_team_case(side_a)
    api_client(side_a.caseworker).post("/api/v1/referrals/", referral_body(team), format="json")
    referral = Referral.objects.get()
    for user in (side_b.secretariat, side_b.caseworker, side_a.gp, side_a.coordinator_2):
        client = api_client(user)
        assert client.get("/api/v1/referrals/").json()["results"] == []
        assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    listed = api_client(side_b.secretariat).get("/api/v1/specialists/").json()["results"]
    assert [row["id"] for row in listed] == [side_b.specialist.pk]
    assert (
        api_client(side_b.secretariat)
        .post(f"/api/v1/specialists/{side_a.specialist.pk}/specialties/", {"specialties": []})
        .status_code
        == 404
    )
    assert Subtype.KLINISK_FUNKTION == referral.case.subtype
