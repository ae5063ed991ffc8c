"""The meeting-day pages in a real browser (each checked with axe-core): the list, a series
created with its skipped closed days shown, the meeting day's agenda, and booking a case onto
a meeting with the keyboard only (radio buttons and the submit button)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.e2e.conftest import (
    check_page,
    focused_element,
    goto,
    login,
    press_and_follow,
    tab_to,
)
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.workdays.services import configured_calendar

pytestmark = pytest.mark.e2e

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _upcoming_working_days(count):
    """Tuesdays from four weeks ahead that are working days: beyond every material deadline."""
    calendar = configured_calendar()
    day = timezone.localdate() + datetime.timedelta(weeks=4)
    day += datetime.timedelta(days=(1 - day.weekday()) % 7)
    found: list[datetime.date] = []
    while len(found) < count:
        if calendar.is_working_day(day):
            found.append(day)
        day += datetime.timedelta(weeks=1)
    return found


def test_meeting_pages_and_keyboard_booking(page, live_server, side_a):
    days = [
        MeetingDay.objects.create(
            municipality=side_a.municipality,
            date=day,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
            place="Jobcentret",
            pre_meeting_minutes=15,
        )
        for day in _upcoming_working_days(3)
    ]
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, meeting_date=None)
    login(page, live_server, side_a.caseworker.username)

    goto(page, live_server, "/moeder/")
    expect(
        page.get_by_role("heading", level=1, name="Møder i rehabiliteringsteamet")
    ).to_be_visible()

    goto(page, live_server, "/moeder/serier/ny/")
    page.get_by_label("Ugedag").select_option("4")  # Fridays: 24 and 31 December 2027
    page.get_by_label("Første dato").fill("01.12.2027")
    page.get_by_label("Sidste dato").fill("31.12.2027")
    page.get_by_label("Starttid").fill("09.00")
    page.get_by_label("Sluttid").fill("12.00")
    page.get_by_label("Mødested").fill("Rådhuset")
    with page.expect_navigation():
        page.get_by_role("button", name="Opret mødeserie").click()

    check_page(page)
    expect(page.get_by_text("Juleaftensdag")).to_be_visible()
    expect(page.get_by_text("Nytårsaftensdag")).to_be_visible()

    goto(page, live_server, f"/moeder/{days[0].pk}/")
    expect(page.get_by_role("heading", level=2, name="Dagsorden")).to_be_visible()

    # Booking with the keyboard only: the earliest meeting is preselected; the arrow key
    # chooses the next one and Enter on the submit button books it.
    goto(page, live_server, f"/sager/{case.pk}/rehabiliteringsteam/booking/")
    first = days[0].date
    weekday = WEEKDAYS[first.weekday()]
    tab_to(page, f"{weekday} {first:%d.%m.%Y} kl. 09.00, Jobcentret (0 af 6 pladser booket)")
    page.keyboard.press("ArrowDown")
    assert focused_element(page)["name"].startswith(
        f"{WEEKDAYS[days[1].date.weekday()]} {days[1].date:%d.%m.%Y}"
    )
    tab_to(page, "Book sagen")
    press_and_follow(page, "Enter")
    expect(page.get_by_text("Sagen er booket på mødet")).to_be_visible()
    booking = Booking.objects.get(case=case)
    assert booking.meeting == days[1] and booking.state == Booking.State.BOOKED

    goto(page, live_server, f"/moeder/{days[1].pk}/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
