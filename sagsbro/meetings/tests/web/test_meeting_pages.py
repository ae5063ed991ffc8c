"""The meeting-day pages: the list (next first, paginated, free places), creating a series
(the skipped closed days shown), the day's agenda, and booking from the case's team tab
(suggested meetings as radio buttons, the others with their Danish reasons)."""

import datetime
import html
import re
from datetime import date

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.tests.services.test_booking import draft, meeting, today_is


def login(client, user):
    client.force_login(user)
    return client


def _link(page: str, label: str) -> str:
    """The list page the pagination's "Næste" or "Forrige" link leads to."""
    found = re.search(
        r'href="([^"]*)"[^>]*>(?:<svg.*?</svg>)?\s*<span class="pagination-nav-link">' + label,
        page,
        re.S,
    )
    assert found is not None, label
    return "/moeder/" + html.unescape(found.group(1))


def test_list_shows_next_meetings_first_with_free_places_and_pages(client, side_a, side_b):
    first = date(2027, 3, 2)
    for week in range(25):
        meeting(side_a, first + datetime.timedelta(weeks=week), capacity=5)
    meeting(side_b, first)
    with today_is():
        page = login(client, side_a.caseworker).get("/moeder/").content.decode()
        second = client.get(_link(page, "Næste")).content.decode()
        back = client.get(_link(second, "Forrige")).content.decode()
    assert "Møder 1–20" in page
    assert page.index("tirsdag 02.03.2027") < page.index("tirsdag 09.03.2027")
    assert "5 af 5" in page
    assert side_b.municipality.name not in page
    # The second page starts where the first ended (keyset), with the five last meetings.
    assert "Møder 21–25" in second
    assert "tirsdag 20.07.2027" in second and "tirsdag 13.07.2027" not in second
    assert "Næste" not in second
    assert "Møder 1–20" in back and "tirsdag 02.03.2027" in back
    assert 'href="/moeder/"' in page  # the header's link


def test_past_meetings_page_newest_first_and_keep_the_view(client, side_a):
    first = date(2026, 1, 6)
    for week in range(23):
        meeting(side_a, first + datetime.timedelta(weeks=week), capacity=5)
    with today_is(date(2027, 1, 4)):
        page = login(client, side_a.caseworker).get("/moeder/?vis=tidligere").content.decode()
        following = _link(page, "Næste")
        second = client.get(following).content.decode()
    assert "vis=tidligere" in following
    assert page.index("tirsdag 09.06.2026") < page.index("tirsdag 02.06.2026")
    assert "Møder 21–23" in second and "tirsdag 06.01.2026" in second
    assert "tirsdag 09.06.2026" not in second and "tirsdag 27.01.2026" not in second


def test_gp_and_region_admin_have_no_meeting_list(client, side_a):
    assert login(client, side_a.gp).get("/moeder/").status_code == 403
    assert login(client, side_a.regional_admin).get("/moeder/").status_code == 403


def test_creating_a_series_shows_the_skipped_closed_days(client, side_a):
    login(client, side_a.caseworker)
    assert client.get("/moeder/serier/ny/").status_code == 200
    response = client.post(
        "/moeder/serier/ny/",
        {
            "municipality": side_a.municipality.pk,
            "weekday": "0",
            "every_weeks": "1",
            "first_date": "01.03.2027",
            "last_date": "30.04.2027",
            "start_time": "09.00",
            "end_time": "12.00",
            "place": "Jobcentret",
            "capacity": "6",
            "pre_meeting_minutes": "15",
            "exceptions": "12.04.2027",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Mødeserien er oprettet med 7 mødedage" in text
    assert "mandag 29.03.2027" in text and "Anden påskedag" in text
    assert "Undtaget fra serien" in text
    assert MeetingDay.objects.filter(municipality=side_a.municipality).count() == 7
    refused = client.post(
        "/moeder/serier/ny/",
        {
            "municipality": side_a.municipality.pk,
            "weekday": "5",
            "every_weeks": "1",
            "first_date": "01.03.2027",
            "last_date": "30.04.2027",
            "start_time": "12.00",
            "end_time": "09.00",
            "capacity": "6",
            "pre_meeting_minutes": "0",
        },
    )
    assert refused.status_code == 400
    assert "Vælg en hverdag." in refused.content.decode()
    assert login(client, side_a.coordinator).get("/moeder/serier/ny/").status_code == 403


def test_meeting_day_page_shows_the_agenda_in_slots_and_audits_each_case(client, side_a):
    day = meeting(side_a, date(2027, 3, 10), pre_meeting_minutes=15)
    cases = [draft(side_a), draft(side_a, Subtype.RET_TIL_SUNDHEDSKOORDINATOR)]
    from sagsbro.meetings import services

    with today_is():
        for case in cases:
            services.book_case(side_a.caseworker, case, day)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    text = login(client, side_a.caseworker).get(f"/moeder/{day.pk}/").content.decode()
    assert "09.00–09.15" in text and "Formøde" in text
    assert "09.15–10.00" in text and cases[0].reference in text
    assert "10.00–10.15" in text and "Ret til sundhedskoordinator" in text
    assert "10.15–10.25" in text and "Afrunding" in text
    assert side_a.citizen.cpr not in text and side_a.citizen.name not in text
    listed = AuditEntry.objects.filter(id__gt=mark, action=AuditEntry.Action.LIST)
    assert set(listed.values_list("case_id", flat=True)) == {c.pk for c in cases}
    assert listed.count() == len(cases)
    # A coordinator of the region sees the day but not cases not assigned to them.
    other = login(client, side_a.coordinator_2).get(f"/moeder/{day.pk}/").content.decode()
    assert cases[0].reference not in other
    assert "Sag, du ikke har adgang til" in other


def test_booking_page_suggests_feasible_meetings_and_explains_the_others(client, side_a):
    days = [meeting(side_a, date(2027, 3, 10) + datetime.timedelta(weeks=w)) for w in range(3)]
    MeetingDay.objects.filter(pk=days[1].pk).update(capacity=0)
    case = draft(side_a)
    login(client, side_a.caseworker)
    url = f"/sager/{case.pk}/rehabiliteringsteam/booking/"
    with today_is(date(2027, 2, 26)):
        text = client.get(url).content.decode()
        assert 'type="radio"' in text and f'value="{days[2].pk}"' in text
        assert "Fristen for materialet er overskredet" in text  # 10.03
        assert "er fuldt: 0 af 0 pladser er booket" in text  # 17.03
        response = client.post(url, {"meeting": days[1].pk})
        assert response.status_code == 400
        assert "Vælg et af de mulige møder." in response.content.decode()
        response = client.post(url, {"meeting": days[2].pk})
    assert response.status_code == 302
    assert Booking.objects.get(case=case).meeting == days[2]
    tab = client.get(f"/sager/{case.pk}/rehabiliteringsteam/").content.decode()
    assert "Flyt til andet møde" in tab


def test_moving_on_the_page_needs_a_reason(client, side_a):
    days = [meeting(side_a, date(2027, 3, 10) + datetime.timedelta(weeks=w)) for w in range(3)]
    case = draft(side_a)
    from sagsbro.meetings import services

    login(client, side_a.caseworker)
    url = f"/sager/{case.pk}/rehabiliteringsteam/booking/"
    with today_is():
        services.book_case(side_a.caseworker, case, days[0])
        response = client.post(url, {"meeting": days[1].pk})
        assert response.status_code == 400
        assert "Angiv, hvorfor sagen flyttes til et andet møde." in response.content.decode()
        response = client.post(url, {"meeting": days[1].pk, "reason": "Tolk mangler"})
    assert response.status_code == 302
    assert list(case.bookings.order_by("id").values_list("state", flat=True)) == [
        "moved",
        "booked",
    ]


def test_a_single_preparation_consultation(client, side_a):
    login(client, side_a.municipal_admin)
    response = client.post(
        "/moeder/ny/",
        {
            "municipality": side_a.municipality.pk,
            "kind": "preparation",
            "date": "02.03.2027",
            "start_time": "13.00",
            "end_time": "13.30",
            "virtual": "on",
            "capacity": "1",
            "pre_meeting_minutes": "0",
        },
    )
    assert response.status_code == 302
    day = MeetingDay.objects.get()
    text = client.get(f"/moeder/{day.pk}/").content.decode()
    assert "Forberedende konsultation" in text and "har ingen dagsorden" in text


def test_editing_a_day_keeps_its_date_and_refuses_less_capacity_than_booked(client, side_a):
    day = meeting(side_a, date(2027, 3, 10))
    from sagsbro.meetings import services

    with today_is():
        services.book_case(side_a.caseworker, draft(side_a), day)
        services.book_case(side_a.caseworker, draft(side_a), day)
    login(client, side_a.secretariat)
    url = f"/moeder/{day.pk}/rediger/"
    assert client.get(url).status_code == 200
    values = {
        "start_time": "10.00",
        "end_time": "13.00",
        "place": "Lokale 4",
        "capacity": "1",
        "pre_meeting_minutes": "0",
    }
    refused = client.post(url, values)
    assert refused.status_code == 400
    assert "Der er allerede booket 2 sager" in refused.content.decode()
    assert client.post(url, values | {"capacity": "4"}).status_code == 302
    day.refresh_from_db()
    assert (day.date, day.start_time, day.place, day.capacity) == (
        date(2027, 3, 10),
        datetime.time(10),
        "Lokale 4",
        4,
    )
    assert login(client, side_a.coordinator).get(url).status_code == 403
