"""The whole løbende-sag flow with the keyboard only: Tab, Shift+Tab, Enter, Space, arrow keys
and typing. No clicks and no filling; at every tab stop the focus must be visible. The one step
outside the page is the operating system's file dialog, which a test cannot drive by keyboard."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import FileChooser, FilePayload, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sagsbro.cases.models import Case
from sagsbro.cases.rules.consent import SCOPE_LABELS, ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import (
    CONTACT_PREFERENCE_LABELS,
    SUBTYPE_LABELS,
    ContactPreference,
)
from sagsbro.cases.web.worklist import masked_cpr
from sagsbro.conftest import pdf_bytes
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.e2e.conftest import (
    PASSWORD,
    focused_element,
    goto,
    press_and_follow,
    tab_to,
)

pytestmark = pytest.mark.e2e

QUESTION = "Borgeren har fået nye helbredsoplysninger. Kan borgeren fortsætte i ressourceforløbet?"
CONTACT_TIMES = "man–ons kl. 9–12"
ATTACHMENTS = [
    Category.INDSATSPLAN,
    Category.FORWARDED_COORDINATOR_ADVICE,
    Category.NEW_HEALTH_INFORMATION,
]
RECOMMENDATION = "Borgeren kan fortsætte i ressourceforløb, fleksjob eller jobafklaringsforløb"
ANSWER = "Borgeren kan fortsætte i ressourceforløbet med den aftalte gradvise optrapning."

# The text of the focused <select>'s selected option.
SELECTED_JS = "() => document.activeElement.selectedOptions[0]?.text.trim() ?? null"


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


def choose_option(page: Page, label: str) -> None:
    """In the focused select, go to the first option with Home, then down to `label`."""
    assert focused_element(page)["tag"] == "select"
    page.keyboard.press("Home")
    seen = []
    for _ in range(60):
        selected = page.evaluate(SELECTED_JS)
        if selected == label:
            return
        seen.append(selected)
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"No option {label!r} with the arrow keys: {seen}")


def open_file_chooser_with_space(page: Page) -> FileChooser:
    """Space on the focused file input. Under heavy load Chromium now and then drops the
    first dialog request, so the key is pressed once more, still on the same input."""
    for attempt in (1, 2):
        try:
            with page.expect_file_chooser(timeout=5_000 * attempt) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            assert focused_element(page)["type"] == "file"
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def attach_with_keyboard(page: Page, category: Category) -> None:
    """On the draft page: choose the document type, pick the file and attach it."""
    label = CATEGORY_LABELS[category]
    tab_to(page, "Dokumenttype")
    choose_option(page, label)
    assert tab_to(page, "Fil")["type"] == "file"
    # Space on the focused file input opens the operating system's file dialog. That dialog
    # is outside the page and is the one step not taken with the keyboard here: the test
    # hands the browser the file the user would pick in it.
    chooser = open_file_chooser_with_space(page)
    chooser.set_files(
        files=[
            FilePayload(
                name=f"{category}.pdf",
                mimeType="application/pdf",
                buffer=pdf_bytes(label),
            )
        ]
    )
    tab_to(page, "Vedhæft dokument")
    press_and_follow(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Dokumentet »{label}« er vedhæftet.")


def register_consent_with_keyboard(page: Page, scope: ConsentScope) -> None:
    """On the draft page: the written consent of a week ago."""
    tab_to(page, "Samtykket dækker")
    choose_option(page, SCOPE_LABELS[scope])
    given = timezone.localdate() - datetime.timedelta(days=7)
    tab_to(page, "Dato for samtykket")
    page.keyboard.type(f"{given:%d.%m.%Y}")
    tab_to(page, "Samtykket er givet skriftligt")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Samtykket er givet skriftligt")).to_be_checked()
    tab_to(page, "Registrér samtykke")
    press_and_follow(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text("Samtykket er registreret.")


def test_loebende_sag_from_creating_to_closing_with_the_keyboard_only(page, live_server, side_a):
    status = page.locator(".case-status")

    # The caseworker logs in. The skip link comes first and moves focus to the content.
    keyboard_login(page, live_server, side_a.caseworker.username)
    assert tab_to(page, "Gå til hovedindhold", max_tabs=1)["tag"] == "a"
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    # Opret sag: the subtype with the arrow keys in the radio group, then the citizen.
    open_link(page, "Opret sag")
    expect(page.get_by_role("heading", level=1, name="Opret sag")).to_be_visible()
    loebende_sag = SUBTYPE_LABELS[Subtype.LOEBENDE_SAG]
    assert tab_to(page, SUBTYPE_LABELS[Subtype.REHABILITERINGSTEAM])["type"] == "radio"
    page.keyboard.press("ArrowDown")
    assert focused_element(page)["name"] == loebende_sag
    expect(page.get_by_role("radio", name=loebende_sag, exact=True)).to_be_checked()
    # The citizen: the CPR number in the search field and Enter; the one match is chosen.
    tab_to(page, "Borger")
    page.keyboard.type("010180-1234")
    page.keyboard.press("Enter")
    citizen = f"{side_a.citizen.name} (CPR {masked_cpr(side_a.citizen.cpr)})"
    expect(page.get_by_role("radio", name=citizen, exact=True)).to_be_checked()
    assert tab_to(page, citizen)["type"] == "radio"
    tab_to(page, "Opret sag")
    press_and_follow(page, "Enter")
    expect(page.get_by_role("heading", level=1, name="Redigér kladde")).to_be_visible()
    case = Case.objects.get(caseworker=side_a.caseworker)
    assert (case.subtype, case.state) == (Subtype.LOEBENDE_SAG, "draft")
    assert case.citizen == side_a.citizen

    # The draft: the summary and question, a wish for contact before the answer with the
    # caseworker's contact times; then "Gem kladde".
    tab_to(page, "Sagsresumé og spørgsmål")
    page.keyboard.type(QUESTION)
    written_only = CONTACT_PREFERENCE_LABELS[ContactPreference.WRITTEN_ONLY]
    contact_first = CONTACT_PREFERENCE_LABELS[ContactPreference.CONTACT_FIRST]
    assert tab_to(page, written_only)["type"] == "radio"
    page.keyboard.press("ArrowDown")
    assert focused_element(page)["name"] == contact_first
    expect(page.get_by_role("radio", name=contact_first, exact=True)).to_be_checked()
    tab_to(page, "Dine kontakttider")
    page.keyboard.type(CONTACT_TIMES)
    tab_to(page, "Gem kladde")
    press_and_follow(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text("Kladden er gemt.")

    # The three documents the subtype needs, and the written consent to contact the GP.
    for category in ATTACHMENTS:
        attach_with_keyboard(page, category)
    register_consent_with_keyboard(page, ConsentScope.CONTACT_GP)
    expect(page.locator("#checklist-status")).to_contain_text("krav er opfyldt. Sagen er klar")
    tab_to(page, "Send til regionen")
    press_and_follow(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text("Sagen er sendt til")
    expect(status).to_contain_text("Sendt til regionen")
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.question, case.contact_times) == ("sent", QUESTION, CONTACT_TIMES)
    assert case.contact_preference == ContactPreference.CONTACT_FIRST
    assert sorted(case.documents.values_list("category", flat=True)) == sorted(ATTACHMENTS)
    consent = case.citizen.consents.get()
    assert (consent.scope, consent.written) == (ConsentScope.CONTACT_GP, True)
    keyboard_logout(page)

    # The secretariat assigns a coordinator, choosing with the arrow keys.
    keyboard_login(page, live_server, side_a.secretariat.username)
    open_link(page, case.reference)
    open_link(page, "Tildel sundhedskoordinator")
    tab_to(page, "Anna Coordinator")
    page.keyboard.press("ArrowDown")
    assert focused_element(page)["name"] == "Anna Coordinator2"
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
