"""A tour of the main pages for each role on the demo data, with a full-page screenshot of
each in screenshots/. Every page is checked with axe-core like everywhere else."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.demo.load import PASSWORD as DEMO_PASSWORD
from sagsbro.demo.load import load_demo
from sagsbro.e2e.conftest import follow, goto, login, logout, screenshot

pytestmark = pytest.mark.e2e

TABS = [
    ("Overblik", "overblik"),
    ("Dokumenter", "dokumenter"),
    ("Rehabiliteringsteam", "rehabiliteringsteam"),
    ("Sundhedskoordinator", "sundhedskoordinator"),
    ("Historik", "historik"),
    ("Noter", "noter"),
]


def test_main_pages_for_each_role(page, live_server):
    load_demo()
    # A rehabiliteringsteam case in København that has documents, a screening, a note and
    # a history.
    case = Case.objects.get(
        municipality__code="101", subtype=Subtype.REHABILITERINGSTEAM, state="screened"
    )

    goto(page, live_server, "/login/")
    screenshot(page, "log-ind")

    login(page, live_server, "sagsbehandler.kbh", DEMO_PASSWORD)
    expect(page.get_by_role("region", name="Afventer dig")).to_be_visible()
    screenshot(page, "sagsbehandler-arbejdsliste")
    follow(page.get_by_role("link", name=case.reference).first)
    for label, name in TABS:
        if name != "overblik":
            follow(
                page.get_by_role("navigation", name="Sagens faner").get_by_role("link", name=label)
            )
        expect(page.locator(".tab-button[aria-current=page]")).to_have_text(label)
        screenshot(page, f"sagsbehandler-sag-{name}")
    logout(page)

    login(page, live_server, "sekretariat.hovedstaden", DEMO_PASSWORD)
    expect(page.get_by_role("region", name="Nye sager til fordeling")).to_be_visible()
    screenshot(page, "sekretariat-arbejdsliste")
    logout(page)

    login(page, live_server, "koordinator.hovedstaden", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=2, name="Mine sager")).to_be_visible()
    screenshot(page, "koordinator-arbejdsliste")
    follow(page.get_by_role("link", name=case.reference).first)
    screenshot(page, "koordinator-sag-overblik")
    logout(page)

    # The GP sees the documents sent to them, and nothing else of the cases.
    login(page, live_server, "laege.noerrebro", DEMO_PASSWORD)
    shared = page.get_by_role("region", name="Dokumenter sendt til dig")
    expect(shared).to_be_visible()
    expect(shared.get_by_role("link").first).to_be_visible()
    screenshot(page, "egen-laege-dokumenter")
