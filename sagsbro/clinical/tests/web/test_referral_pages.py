"""The referral and calendar pages: the caseworker refers from the team case's tab, the
secretariat sees the intake list, plans a place and a slot, books it (the invitation), and the
originating case shows the referral. Danish errors that change nothing; other organisations
get nothing."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case
from sagsbro.clinical.models import ConsultationPlace, ConsultationSlot, Referral, Specialty
from sagsbro.clinical.services import booking
from sagsbro.clinical.testing import (
    book_consultation,
    deliver_complete_certificate,
    hold_consultation_at_booked_time,
)
from sagsbro.clinical.tests.services.test_referrals import screened_team_case
from sagsbro.documents.rules import Category


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_refer_from_the_team_case_and_see_it_on_the_tab(side_a):
    team = screened_team_case(side_a)
    caseworker = client_for(side_a.caseworker)

    tab = caseworker.get(f"/sager/{team.pk}/henvisninger/")
    assert tab.status_code == 200
    assert "Der er ikke henvist til klinisk funktion" in tab.text
    url = f"/sager/{team.pk}/klinisk/henvis/"
    form = caseworker.get(url)
    assert form.status_code == 200
    assert "Henvis til klinisk funktion (LÆ 271)" in form.text

    # Nothing chosen: Danish errors, nothing made.
    response = caseworker.post(url, {"origin_kind": "screening", "question": ""})
    assert response.status_code == 400
    assert "Skriv spørgsmålet til klinisk funktion." in response.text
    assert "Vælg speciale." in response.text
    response = caseworker.post(
        url,
        {
            "origin_kind": "screening",
            "origin_advice": str(team.advice.get().pk),
            "question": "Funktionsevne?",
            "specialty": "psykiatri",
        },
    )
    assert response.status_code == 400
    assert "Mangler: Rehabiliteringsplanens forberedende del" in response.text
    assert not Referral.objects.exists()

    response = caseworker.post(
        url,
        {
            "origin_kind": "screening",
            "origin_advice": str(team.advice.get().pk),
            "question": "Funktionsevne?",
            "specialty": "psykiatri",
            "documents": [str(d.pk) for d in team.documents.all()],
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{referral.case_id}/"
    tab = caseworker.get(f"/sager/{team.pk}/henvisninger/")
    assert referral.case.reference in tab.text
    assert "Ikke leveret endnu" in tab.text


def test_the_secretariat_plans_and_books(side_a, side_b):
    team = screened_team_case(side_a)
    client_for(side_a.caseworker).post(
        f"/sager/{team.pk}/klinisk/henvis/",
        {
            "origin_kind": "screening",
            "origin_advice": str(team.advice.get().pk),
            "question": "Funktionsevne?",
            "specialty": "psykiatri",
            "documents": [str(d.pk) for d in team.documents.all()],
        },
    )
    case = Referral.objects.get().case
    booking.set_specialties(
        side_a.secretariat, side_a.specialist, [Specialty.objects.get(code="psykiatri")]
    )
    secretariat = client_for(side_a.secretariat)
    intake = secretariat.get("/klinisk/henvisninger/")
    assert intake.status_code == 200
    row = intake.text.split(case.reference, 1)[1].split("</tr>", 1)[0]
    assert side_a.specialist.get_full_name() in row  # picked by the referral's specialty
    assert AuditEntry.objects.filter(object_type="referral", action="list", channel="web").exists()
    # Another region's secretariat sees none of it; a caseworker may not open the list.
    assert case.reference not in client_for(side_b.secretariat).get("/klinisk/henvisninger/").text
    assert client_for(side_a.caseworker).get("/klinisk/henvisninger/").status_code == 403

    case_services.assign_specialist(side_a.secretariat, case, side_a.specialist)
    assert secretariat.get("/klinisk/kalender/").status_code == 200
    response = secretariat.post("/klinisk/kalender/steder/", {"name": "", "address": ""})
    assert response.status_code == 400
    assert not ConsultationPlace.objects.exists()
    secretariat.post("/klinisk/kalender/steder/", {"name": "Klinik Øst", "address": "Østvej 3"})
    place = ConsultationPlace.objects.get()
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = secretariat.post(
        "/klinisk/kalender/tider/",
        {
            "specialist": str(side_a.specialist.pk),
            "place": str(place.pk),
            "day": f"{day:%d.%m.%Y}",
            "time": "25.00",
            "minutes": "45",
        },
    )
    assert response.status_code == 400
    assert "Skriv klokkeslættet som tt.mm" in response.text
    assert not ConsultationSlot.objects.exists()
    secretariat.post(
        "/klinisk/kalender/tider/",
        {
            "specialist": str(side_a.specialist.pk),
            "place": str(place.pk),
            "day": f"{day:%d.%m.%Y}",
            "time": "09.30",
            "minutes": "45",
        },
    )
    slot = ConsultationSlot.objects.get()
    assert (
        client_for(side_b.secretariat).get(f"/klinisk/kalender/tider/{slot.pk}/book/").status_code
        == 404
    )
    page = secretariat.get(f"/klinisk/kalender/tider/{slot.pk}/book/")
    assert case.reference in page.text
    response = secretariat.post(f"/klinisk/kalender/tider/{slot.pk}/book/", {"case": str(case.pk)})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "invited"
    assert case.documents.filter(title="Indkaldelse til konsultation").exists()


def test_the_originating_case_shows_the_certificate(side_a, side_b):
    team = screened_team_case(side_a)
    client_for(side_a.caseworker).post(
        f"/sager/{team.pk}/klinisk/henvis/",
        {
            "origin_kind": "screening",
            "origin_advice": str(team.advice.get().pk),
            "question": "Funktionsevne?",
            "specialty": "psykiatri",
            "documents": [str(d.pk) for d in team.documents.all()],
        },
    )
    case = Referral.objects.get().case
    case = case_services.assign_specialist(side_a.secretariat, case, side_a.specialist)
    book_consultation(side_a.secretariat, case)
    case = hold_consultation_at_booked_time(side_a.specialist, case)
    deliver_complete_certificate(side_a.specialist, case)
    certificate = case.documents.get(category=Category.LAE_275)
    tab = client_for(side_a.caseworker).get(f"/sager/{team.pk}/henvisninger/")
    assert f'href="{reverse("document-content", args=[certificate.pk])}"' in tab.text
    assert "Ikke leveret endnu" not in tab.text
    # The team case's coordinator sees the referral, not the clinical case's documents.
    tab = client_for(side_a.coordinator).get(f"/sager/{team.pk}/henvisninger/")
    assert tab.status_code == 200
    assert certificate.title not in tab.text
    assert client_for(side_b.caseworker).get(f"/sager/{team.pk}/henvisninger/").status_code == 404


def test_the_referral_is_offered_once_the_case_holds_a_recommendation(side_a):
    """Before the coordinator has screened or advised, the tab says what the referral waits
    for and the form is not opened (it could never be sent); after the screening the link
    is there."""
    from sagsbro.cases.rules.kinds import Subtype
    from sagsbro.conftest import assigned_case
    from sagsbro.meetings import services as meeting_services

    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    caseworker = client_for(side_a.caseworker)
    url = f"/sager/{team.pk}/klinisk/henvis/"
    tab = caseworker.get(f"/sager/{team.pk}/henvisninger/")
    assert url not in tab.text
    assert "når sundhedskoordinatoren har givet en anbefaling" in tab.text
    response = caseworker.get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/sager/{team.pk}/henvisninger/"
    assert "når sundhedskoordinatoren har givet en anbefaling" in response.text

    meeting_services.record_screening(
        side_a.coordinator,
        team,
        text="Anbefaler speciallægeattest.",
        medically_clarified=False,
        treatment_exhausted=False,
    )
    tab = caseworker.get(f"/sager/{team.pk}/henvisninger/")
    assert url in tab.text
    assert "når sundhedskoordinatoren har givet en anbefaling" not in tab.text
    assert caseworker.get(url).status_code == 200
