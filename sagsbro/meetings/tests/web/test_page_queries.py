"""The meeting day's page (the agenda) and the booking page make the same number of SQL
queries whether the municipality holds 5 meeting days or 55 with many more bookings: nothing
on them is fetched per meeting day or per booking."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case
from sagsbro.meetings.tests.bulk import generate


def _queries(client, url):
    client.get(url)  # sessions, caches and templates warmed once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def _urls(generated, unbooked):
    day = generated.upcoming()[0]
    held = next(d for d in generated.days if d.state == "held")
    booked = next(b.case for b in generated.bookings if b.meeting_id == day.pk)
    return {
        "agenda": reverse("meetings:day", args=[day.pk]),
        "held agenda": reverse("meetings:day", args=[held.pk]),
        "booking (unbooked)": reverse("meetings:booking", args=[unbooked.pk]),
        "booking (booked)": reverse("meetings:booking", args=[booked.pk]),
    }


def test_agenda_and_booking_pages_do_not_grow_with_the_meetings(side_a, client):
    # Drafted before the municipality has meeting days (then any working day may be given).
    unbooked = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    few = generate(
        side_a.municipality,
        caseworker=side_a.caseworker,
        coordinator=side_a.coordinator,
        days=5,
        cases_per_day=2,
        prefix="FEW",
    )
    users = [side_a.caseworker, side_a.team_member, side_a.secretariat, side_a.coordinator]
    before = {}
    for user in users:
        client.force_login(user)
        for name, url in _urls(few, unbooked).items():
            if name.startswith("booking") and user in (side_a.team_member, side_a.coordinator):
                continue  # they do not book (403)
            before[user.username, name] = _queries(client, url)

    many = generate(
        side_a.municipality,
        caseworker=side_a.caseworker,
        coordinator=side_a.coordinator,
        days=50,
        cases_per_day=6,
        prefix="MANY",
        start_time=datetime.time(13),
    )
    after = {}
    for user in users:
        client.force_login(user)
        for name, url in _urls(many, unbooked).items():
            if (user.username, name) in before:
                after[user.username, name] = _queries(client, url)
    assert after == before


def _list_urls(client):
    """The meeting list ahead and behind, and the second page of each (keyset cursors)."""
    urls = {}
    for name, first in (("ahead", "/moeder/"), ("past", "/moeder/?vis=tidligere")):
        urls[name] = first
        html = client.get(first).content.decode()
        following = re.search(r'href="(\?[^"]*efter=[^"]*)"', html)
        if following is not None:
            urls[f"{name}, page 2"] = "/moeder/" + following.group(1).replace("&amp;", "&")
    return urls


API_LISTS = {"api": "/api/v1/meeting-days/", "api held": "/api/v1/meeting-days/?state=held"}


def test_meeting_list_and_api_read_one_page_whatever_the_years_of_meetings(side_a, client):
    generate(
        side_a.municipality,
        caseworker=side_a.caseworker,
        coordinator=side_a.coordinator,
        days=4,
        cases_per_day=1,
        prefix="FEW",
    )
    users = [side_a.caseworker, side_a.secretariat]
    before = {}
    for user in users:
        client.force_login(user)
        for name, url in (_list_urls(client) | API_LISTS).items():
            before[user.username, name] = _queries(client, url)

    generate(
        side_a.municipality,
        caseworker=side_a.caseworker,
        coordinator=side_a.coordinator,
        days=120,
        cases_per_day=3,
        prefix="MANY",
        start_time=datetime.time(13),
    )
    after = {}
    for user in users:
        client.force_login(user)
        for name, url in (_list_urls(client) | API_LISTS).items():
            after[user.username, name] = _queries(client, url)
    # Four meetings fit one page; 124 take several (20 a page), and the second page of
    # each list costs what the first does.
    for user in users:
        for name in ("ahead", "past"):
            assert after.pop((user.username, f"{name}, page 2")) == before[user.username, name]
    assert after == before
