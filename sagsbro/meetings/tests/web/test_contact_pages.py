"""The region's phone/video times for løbende sager on the pages: the secretariat creates a
contact day on the single-day page, the case's tab offers "Book telefon-/videotid" to the
caseworker, the secretariat and the case's coordinator, and the day's page lists the slots."""

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import assign_coordinator, common
from sagsbro.conftest import sent_case
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.workdays.services import configured_calendar


def login(client, user):
    client.force_login(user)
    return client


def contact_values(side, day):
    return {
        "municipality": side.municipality.pk,
        "kind": "contact",
        "date": f"{day:%d.%m.%Y}",
        "start_time": "13.00",
        "end_time": "15.00",
        "virtual": "on",
        "capacity": "4",
        "pre_meeting_minutes": "0",
    }


def test_secretariat_creates_a_contact_day_and_the_caseworker_books_a_slot(client, side_a):
    day = configured_calendar().add_working_days(common.local_today(), 2)
    case = sent_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
    # A municipality's planner is not offered the region's contact times.
    form = login(client, side_a.municipal_admin).get("/moeder/ny/").content.decode()
    assert 'value="preparation"' in form and 'value="contact"' not in form
    assert client.post("/moeder/ny/", contact_values(side_a, day)).status_code == 400
    login(client, side_a.secretariat)
    assert 'value="contact"' in client.get("/moeder/ny/").content.decode()
    assert client.post("/moeder/ny/", contact_values(side_a, day)).status_code == 302
    contact = MeetingDay.objects.get(kind=MeetingDay.Kind.CONTACT)

    tab_url = f"/sager/{case.pk}/rehabiliteringsteam/"
    for user in (side_a.secretariat, side_a.caseworker):
        tab = login(client, user).get(tab_url).content.decode()
        assert "Book telefon-/videotid" in tab and "Ingen tid booket" in tab
    url = f"/sager/{case.pk}/rehabiliteringsteam/booking/"
    page = client.get(url).content.decode()
    assert "Book en telefon-/videotid" in page and f"{day:%d.%m.%Y}" in page
    response = client.post(url, {"meeting": contact.pk})
    assert response.status_code == 302 and response.url == tab_url
    booking = Booking.objects.get(case=case)
    assert booking.meeting == contact and booking.kind == "contact"
    case.refresh_from_db()
    assert case.meeting_date is None
    tab = client.get(tab_url).content.decode()
    assert f"{day:%d.%m.%Y} kl. 13.00 (30 minutter" in tab and "Flyt telefon-/videotid" in tab

    agenda = login(client, side_a.secretariat).get(f"/moeder/{contact.pk}/").content.decode()
    assert "Telefon- og videotider (løbende sager)" in agenda
    assert "13.00–13.30" in agenda and case.reference in agenda and "Afrunding" not in agenda


def test_the_cases_coordinator_is_offered_the_booking_and_a_written_only_case_is_not(
    client, side_a
):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG, contact_preference="contact_first")
    tab_url = f"/sager/{case.pk}/rehabiliteringsteam/"
    assign_coordinator(side_a.secretariat, case, side_a.coordinator)
    tab = login(client, side_a.coordinator).get(tab_url).content.decode()
    assert "Book telefon-/videotid" in tab
    assert client.get(f"/sager/{case.pk}/rehabiliteringsteam/booking/").status_code == 200
    written = sent_case(side_a, Subtype.LOEBENDE_SAG)
    tab = (
        login(client, side_a.caseworker)
        .get(f"/sager/{written.pk}/rehabiliteringsteam/")
        .content.decode()
    )
    assert "Telefon- og videotid" not in tab and "Book telefon-/videotid" not in tab


def test_a_team_cases_tab_does_not_offer_a_contact_slot(client, side_a):
    case = sent_case(side_a, Subtype.REHABILITERINGSTEAM)
    tab = login(client, side_a.caseworker).get(f"/sager/{case.pk}/rehabiliteringsteam/")
    text = tab.content.decode()
    assert "Book telefon-/videotid" not in text and "Book møde" in text


def test_contact_day_page_for_another_region_is_hidden(client, side_a, side_b):
    day = configured_calendar().add_working_days(common.local_today(), 2)
    login(client, side_a.secretariat).post("/moeder/ny/", contact_values(side_a, day))
    contact = MeetingDay.objects.get(kind=MeetingDay.Kind.CONTACT)
    assert login(client, side_b.secretariat).get(f"/moeder/{contact.pk}/").status_code == 404
