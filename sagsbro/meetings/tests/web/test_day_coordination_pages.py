"""The meeting day page's coordinator and team parts: candidates with workload and conflicts,
assigning and its refusal with the case references, cancelling, the screening per case, the
team with its warnings shown before the meeting, and the agenda PDF download."""

from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.tests.day_factory import booked_case, citizen, make_day
from sagsbro.organisations.models import TreatmentRelation


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def page(user, day):
    response = client_for(user).get(f"/moeder/{day.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_secretariat_sees_candidates_and_assigns(side_a):
    day = make_day(side_a)
    case = booked_case(side_a, day)
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator_2, kind="former_gp"
    )
    html = page(side_a.secretariat, day)
    assert "Regionens sundhedskoordinatorer" in html
    assert "0 mødedage i ugen, 1 åben sag" in html  # side_a.coordinator has the case
    assert case.reference in html  # coordinator_2's conflict
    assert side_a.citizen.cpr not in html

    client = client_for(side_a.secretariat)
    refused = client.post(
        f"/moeder/{day.pk}/koordinator/", {"coordinator-coordinator": side_a.coordinator_2.pk}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "inhabil i sager på dagsordenen" in body and case.reference in body
    assert side_a.citizen.cpr not in body

    done = client.post(
        f"/moeder/{day.pk}/koordinator/", {"coordinator-coordinator": side_a.coordinator.pk}
    )
    assert done.status_code == 302
    day.refresh_from_db()
    assert day.coordinator == side_a.coordinator


def test_others_do_not_see_or_use_the_assignment(side_a, side_b):
    day = make_day(side_a)
    assert "Regionens sundhedskoordinatorer" not in page(side_a.caseworker, day)
    post = {"coordinator-coordinator": side_a.coordinator.pk}
    assert (
        client_for(side_a.caseworker).post(f"/moeder/{day.pk}/koordinator/", post).status_code
        == 403
    )
    assert (
        client_for(side_b.secretariat).post(f"/moeder/{day.pk}/koordinator/", post).status_code
        == 404
    )
    assert client_for(side_b.caseworker).get(f"/moeder/{day.pk}/dagsorden.pdf").status_code == 404


def test_a_conflict_after_booking_warns_the_secretariat_on_the_page(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator_2)
    case = booked_case(side_a, day)
    assert "inhabil i sager på dagsordenen" not in page(side_a.secretariat, day)
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator_2, kind="treating"
    )
    html = page(side_a.secretariat, day)
    assert "Sundhedskoordinatoren er inhabil i sager på dagsordenen" in html
    assert f"Sager: {case.reference}" in html


def test_cancelling_from_the_page(side_a):
    day = make_day(side_a)
    case = booked_case(side_a, day)
    client = client_for(side_a.secretariat)
    assert client.post(f"/moeder/{day.pk}/aflys/", {"cancel-reason": ""}).status_code == 400
    response = client.post(f"/moeder/{day.pk}/aflys/", {"cancel-reason": "Koordinator syg"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.state == MeetingDay.State.CANCELLED
    worklist = client_for(side_a.caseworker).get("/").content.decode()
    assert "Mødet den 10.03.2027 er aflyst – vælg et nyt møde" in worklist
    assert case.reference in worklist


def test_the_coordinator_screens_from_the_page_and_the_caseworker_sees_it(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    booking = case.bookings.get()
    html = page(side_a.coordinator, day)
    assert f"Giv screening for {case.reference}" in html
    client = client_for(side_a.coordinator)
    prefix = f"screening-{booking.pk}"
    missing = client.post(
        f"/moeder/{day.pk}/screening/{booking.pk}/", {f"{prefix}-verdict": "postpone"}
    )
    assert missing.status_code == 400
    assert "Skriv, hvorfor du anbefaler udsættelse." in missing.content.decode()
    done = client.post(
        f"/moeder/{day.pk}/screening/{booking.pk}/",
        {f"{prefix}-verdict": "postpone", f"{prefix}-reason": "Mangler lægeattest"},
    )
    assert done.status_code == 302
    assert Booking.objects.get(pk=booking.pk).screening == Booking.Screening.POSTPONE
    assert Case.objects.get(pk=case.pk).state == "screened"
    worklist = client_for(side_a.caseworker).get("/").content.decode()
    assert "Sundhedskoordinatoren anbefaler udsættelse" in worklist
    # The caseworker may not screen.
    assert (
        client_for(side_a.caseworker)
        .post(f"/moeder/{day.pk}/screening/{booking.pk}/", {f"{prefix}-verdict": "clarified"})
        .status_code
        == 403
    )


def test_the_team_is_set_and_its_warnings_shown_before_the_meeting(side_a):
    day = make_day(side_a)
    young = citizen(side_a, "0101001234", "Ung Borger", under_30_without_education=True)
    case = booked_case(side_a, day, young)
    data = {
        "team-TOTAL_FORMS": "4",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "20",
        "team-0-name": "Anna Andersen",
        "team-0-area": "employment",
        "team-1-name": "Bo Berg",
        "team-1-area": "health",
        "team-2-name": "Anna Andersen",
        "team-2-area": "social",
        "team-3-name": "",
        "team-3-area": "",
        "roles-chair": "0",
        "roles-minute_taker": "1",
    }
    response = client_for(side_a.team_member).post(f"/moeder/{day.pk}/hold/", data)
    assert response.status_code == 302
    rows = list(day.attendees.order_by("id").values_list("name", "area", "chair", "minute_taker"))
    assert rows == [
        ("Anna Andersen", "employment", True, False),
        ("Bo Berg", "health", False, True),
        ("Anna Andersen", "social", False, False),
    ]
    html = page(side_a.caseworker, day)
    assert "Opmærksomhedspunkter om holdets sammensætning" in html
    assert "Anna Andersen dækker både beskæftigelse og socialområdet" in html
    assert f"Sag {case.reference}: borgeren er under 30 år" in html
    # A row with a name and no area is refused beside the field.
    bad = {**data, "team-3-name": "Eva", "team-3-area": ""}
    refused = client_for(side_a.team_member).post(f"/moeder/{day.pk}/hold/", bad)
    assert refused.status_code == 400
    assert "Vælg det område, deltageren repræsenterer." in refused.content.decode()


def test_the_agenda_pdf_download_is_audited(side_a):
    day = make_day(side_a)
    booked_case(side_a, day)
    response = client_for(side_a.secretariat).get(f"/moeder/{day.pk}/dagsorden.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DOWNLOAD, object_type="meeting_day", object_id=str(day.pk)
    ).exists()


def test_the_caseworker_sees_the_screening_on_the_case(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    from sagsbro.meetings import services

    services.screen_booking(
        side_a.coordinator, case.bookings.get(), clarified=False, reason="Afvent scanning"
    )
    response = client_for(side_a.caseworker).get(f"/sager/{case.pk}/rehabiliteringsteam/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sundhedskoordinatorens screening" in html
    assert "Anbefaler udsættelse" in html and "Afvent scanning" in html


def test_the_day_page_warns_when_the_days_coordinator_has_a_conflict(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator_2)
    case = booked_case(side_a, day)
    assert "Sundhedskoordinatoren er inhabil" not in page(side_a.secretariat, day)
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator_2, kind="former_treating"
    )
    html = page(side_a.secretariat, day)
    assert "Sundhedskoordinatoren er inhabil" in html
    assert f"inhabil i sag {case.reference} (BEK § 12, stk. 2)" in html
    assert side_a.citizen.cpr not in html
