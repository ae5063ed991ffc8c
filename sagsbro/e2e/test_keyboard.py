"""The whole løbende-sag flow with the keyboard only: Tab, Shift+Tab, Enter, Space, arrow keys
and typing. No clicks and no filling; at every tab stop the focus must be visible."""

import pytest
from playwright.sync_api import Page, expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.e2e.conftest import PASSWORD, focused, goto, press_and_follow, tab_to

pytestmark = pytest.mark.e2e

RECOMMENDATION = "Borgeren kan fortsætte i ressourceforløb, fleksjob eller jobafklaringsforløb"
ANSWER = "Borgeren kan fortsætte i ressourceforløbet med den aftalte gradvise optrapning."


def keyboard_login(page: Page, live_server, username: str) -> None:
    if not page.url.startswith(live_server.url + "/login/"):
        goto(page, live_server, "/login/")
    tab_to(page, "Brugernavn")
    page.keyboard.type(username)
    tab_to(page, "Adgangskode")
    page.keyboard.type(PASSWORD)
    press_and_follow(page, "Enter")
    expect(page.get_by_role("heading", level=1, name="Arbejdsliste")).to_be_visible()


def keyboard_logout(page: Page) -> None:
    tab_to(page, "Log af")
    press_and_follow(page, "Enter")
    expect(page.get_by_role("heading", level=1, name="Log ind")).to_be_visible()


def open_link(page: Page, name: str) -> None:
    tab_to(page, name)
    press_and_follow(page, "Enter")


def test_loebende_sag_from_sending_to_closing_with_the_keyboard_only(page, live_server, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    status = page.locator(".case-status")

    # The caseworker sends the case. The skip link comes first and moves focus to the content.
    keyboard_login(page, live_server, side_a.caseworker.username)
    assert tab_to(page, "Gå til hovedindhold", max_tabs=1)["tag"] == "a"
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    open_link(page, case.reference)
    open_link(page, "Send til regionen")
    tab_to(page, "Send til regionen")
    press_and_follow(page, "Space")
    expect(status).to_contain_text("Sendt til regionen")
    keyboard_logout(page)

    # The secretariat assigns a coordinator, choosing with the arrow keys.
    keyboard_login(page, live_server, side_a.secretariat.username)
    open_link(page, case.reference)
    open_link(page, "Tildel sundhedskoordinator")
    tab_to(page, "Anna Coordinator")
    page.keyboard.press("ArrowDown")
    assert focused(page)["name"] == "Anna Coordinator2"
    expect(page.get_by_role("radio", name="Anna Coordinator2", exact=True)).to_be_checked()
    # Back and forth: Shift+Tab returns to the radio group from the button.
    tab_to(page, "Tildel sundhedskoordinator")
    assert tab_to(page, "Anna Coordinator2", backwards=True)["type"] == "radio"
    tab_to(page, "Tildel sundhedskoordinator")
    press_and_follow(page, "Enter")
    expect(status).to_contain_text("Tildelt")
    keyboard_logout(page)

    # The coordinator answers in writing.
    keyboard_login(page, live_server, side_a.coordinator_2.username)
    open_link(page, case.reference)
    open_link(page, "Afgiv skriftligt svar")
    tab_to(page, RECOMMENDATION)
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=RECOMMENDATION)).to_be_checked()
    tab_to(page, "Begrundelse og rådgivning")
    page.keyboard.type(ANSWER)
    tab_to(page, "Afgiv skriftligt svar")
    press_and_follow(page, "Enter")
    expect(status).to_contain_text("Besvaret")
    keyboard_logout(page)

    # The caseworker reads the answer and closes the case.
    keyboard_login(page, live_server, side_a.caseworker.username)
    expect(page.get_by_role("region", name="Afventer dig")).to_contain_text(case.reference)
    open_link(page, case.reference)
    open_link(page, "Sundhedskoordinator")
    expect(page.locator(".advice")).to_contain_text(ANSWER)
    expect(page.locator(".advice")).to_contain_text(RECOMMENDATION)
    open_link(page, "Afslut sagen (svar modtaget)")
    tab_to(page, "Afslut sagen (svar modtaget)")
    press_and_follow(page, "Enter")
    expect(status).to_contain_text("Afsluttet")

    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.coordinator) == ("closed", side_a.coordinator_2)
    assert case.advice.get().recommendations == ["continue_plan"]
