"""The ressourceforløb's follow-up in a real browser (each page checked with axe-core): the
dates recorded from the case's Rehabiliteringsteam tab, the case on the caseworker's worklist
as due for genforelæggelse, and the genforelæggelsessag made from there onto a meeting day
chosen with the keyboard only."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.e2e.conftest import follow, goto, login, press_and_follow, tab_to
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.followup import add_months
from sagsbro.meetings.tests.services.test_forloeb_follow_up import closed_forloeb_case
from sagsbro.workdays.services import configured_calendar

pytestmark = pytest.mark.e2e


def test_follow_up_to_genforelaeggelse(page, live_server, side_a):
    case = closed_forloeb_case(side_a)
    meeting = MeetingDay.objects.create(
        municipality=side_a.municipality,
        date=configured_calendar().add_working_days(timezone.localdate(), 15),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )
    login(page, live_server, side_a.caseworker.username)

    goto(page, live_server, f"/sager/{case.pk}/rehabiliteringsteam/")
    follow(page.get_by_role("link", name="Registrér ressourceforløbets datoer"))
    start = add_months(timezone.localdate(), -7)
    page.get_by_label("Ressourceforløbet begyndte").fill(f"{start:%d.%m.%Y}")
    follow(page.get_by_role("button", name="Gem datoer"))
    expect(page.get_by_text("Sagen skal genforelægges")).to_be_visible()

    goto(page, live_server, "/")
    expect(page.get_by_role("heading", level=2, name="Skal genforelægges (1)")).to_be_visible()
    follow(page.get_by_role("link", name=f"Opret genforelæggelsessag for {case.reference}"))

    # The meeting with the keyboard only: the radio button, then the submit button.
    tab_to(page, f"{meeting.date:%d.%m.%Y} kl. 09.00 – Jobcentret")
    page.keyboard.press("Space")
    tab_to(page, "Opret genforelæggelsessag")
    press_and_follow(page, "Enter")
    new = Case.objects.get(parent=case, subtype=Subtype.GENFORELAEGGELSE)
    expect(page.get_by_text(f"Genforelæggelsessagen {new.reference} er oprettet")).to_be_visible()
    assert Booking.objects.get(case=new, state=Booking.State.BOOKED).meeting == meeting
