"""The meeting day's page (the agenda) and the booking page make the same number of SQL
queries whether the municipality holds 5 meeting days or 55 with many more bookings: nothing
on them is fetched per meeting day or per booking."""

import datetime

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
