"""The caseworker creates a case of each subtype on the pages, fills it in, attaches the
documents, registers consent where the subtype needs it, and sends it to the region. The
genforelæggelse is created from a closed ressourceforløb case with the reopen action."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case
from sagsbro.cases.rules.consent import SCOPE_LABELS
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import SUBTYPE_LABELS
from sagsbro.conftest import COMPLETE, attach, make_case, on_meeting_day
from sagsbro.documents.rules import Category
from sagsbro.e2e.conftest import (
    PASSWORD,
    attach_on_page,
    check_page,
    follow,
    login,
    screenshot,
)
from sagsbro.meetings import services as meeting_services
from sagsbro.workdays.services import configured_calendar

pytestmark = pytest.mark.e2e

# A genforelæggelse is reopened from the earlier case, and a klinisk funktion case is made by
# the referral from the team case or løbende sag (the clinical referral tests).
CREATED_ON_THE_CREATE_PAGE = [
    s for s in Subtype if s not in (Subtype.GENFORELAEGGELSE, Subtype.KLINISK_FUNKTION)
]


def meeting_date() -> datetime.date:
    """A team meeting far enough ahead for every deadline before it."""
    return configured_calendar().add_working_days(timezone.localdate(), 30)


def case_fields(subtype: Subtype) -> list[tuple[str, str, str]]:
    """What the caseworker fills in on the draft page: (kind, label, value)."""
    meeting = ("text", "Dato for rehabiliteringsteamets møde", f"{meeting_date():%d.%m.%Y}")
    question = ("text", "Sagsresumé og spørgsmål", COMPLETE[subtype][0].get("question", ""))
    return {
        Subtype.REHABILITERINGSTEAM: [("radio", "Ressourceforløb", ""), meeting],
        Subtype.LOEBENDE_SAG: [question, ("radio", "Kun skriftligt svar", "")],
        Subtype.RET_TIL_SUNDHEDSKOORDINATOR: [
            meeting,
            ("text", "Det konkrete beskæftigelsestilbud", "Praktik i butik, 20 timer om ugen"),
            ("text", "Borgerens beskrivelse", "Kan ikke stå op i længere tid ad gangen"),
            (
                "checkbox",
                "Borgeren er orienteret om retten til en samtale med sundhedskoordinatoren",
                "",
            ),
        ],
        Subtype.AABENBAR_FOERTIDSPENSION: [question],
        Subtype.KLINISK_FUNKTION: [question],
        Subtype.SENIORPENSION: [
            question,
            ("text", "Seneste job", "Sosu-hjælper, 37 timer om ugen, tunge løft"),
        ],
        Subtype.JOBAFKLARING_4AAR: [question],
        Subtype.GENFORELAEGGELSE: [],
    }[subtype]


def fill_case_fields(page: Page, subtype: Subtype) -> None:
    form = page.locator("#case-form")
    for kind, label, value in case_fields(subtype):
        if kind == "text":
            form.get_by_label(label, exact=True).fill(value)
        elif kind == "radio":
            form.get_by_role("radio", name=label, exact=True).check()
        else:
            assert kind == "checkbox", kind
            form.get_by_role("checkbox", name=label, exact=True).check()


def register_consent_on_page(page: Page, scope) -> None:
    form = page.locator("#consent-form")
    form.get_by_label("Samtykket dækker").select_option(label=SCOPE_LABELS[scope])
    given = timezone.localdate() - datetime.timedelta(days=7)
    form.get_by_label("Dato for samtykket").fill(f"{given:%d.%m.%Y}")
    form.get_by_role("checkbox", name="Samtykket er givet skriftligt").check()
    follow(form.get_by_role("button", name="Registrér samtykke"))
    expect(page.get_by_role("status")).to_contain_text("Samtykket er registreret.")


def complete_and_send(page: Page, subtype: Subtype, *, attachments=None) -> None:
    """On the draft page: attach, consent, fill in, check the checklist, send."""
    _fields, categories, consents = COMPLETE[subtype]
    for category in categories if attachments is None else attachments:
        attach_on_page(page, category)
    for scope in consents:
        register_consent_on_page(page, scope)
    fill_case_fields(page, subtype)
    if subtype in (Subtype.LOEBENDE_SAG, Subtype.GENFORELAEGGELSE):
        if case_fields(subtype):
            follow(page.get_by_role("button", name="Gem kladde"))
            expect(page.get_by_role("status")).to_contain_text("Kladden er gemt.")
        expect(page.locator("#checklist-status")).to_contain_text("krav er opfyldt. Sagen er klar")
        name = "kladde" if subtype == Subtype.LOEBENDE_SAG else "genforelaeggelse"
        screenshot(page, f"sagsbehandler-rediger-{name}-klar")
    # Otherwise sending saves what was just filled in.
    follow(page.get_by_role("button", name="Send til regionen"))
    expect(page.get_by_role("status")).to_contain_text("Sagen er sendt til")
    expect(page.locator(".case-status")).to_contain_text("Sendt til regionen")


def find_citizen(page: Page, typed: str, label: str) -> None:
    """Opret sag: search (HTMX, no new page) and choose the citizen among the matches."""
    page.get_by_label("Borger", exact=True).fill(typed)
    with page.expect_response(
        lambda r: r.url.endswith("/sager/ny/borgersoegning/") and r.request.method == "POST"
    ):
        page.get_by_role("button", name="Søg", exact=True).click()
    results = page.get_by_role("group", name="Vælg borger")
    results.get_by_role("radio", name=label, exact=True).check()
    expect(page.locator("#citizen-search-announcement")).not_to_be_empty()
    check_page(page)


def urls_requested(page: Page) -> list[str]:
    """Every URL the page asks for from now on (pages, HTMX requests, static files)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.mark.parametrize("subtype", CREATED_ON_THE_CREATE_PAGE, ids=str)
def test_caseworker_creates_and_sends_a_case(page, live_server, side_a, subtype):
    requested = urls_requested(page)
    login(page, live_server, side_a.caseworker.username)
    follow(page.get_by_role("link", name="Opret sag"))
    citizen_label = "Borger Anna (CPR 010180-XXXX)"
    if subtype == Subtype.REHABILITERINGSTEAM:
        # A citizen the municipality has not registered yet: create them first.
        follow(page.get_by_role("link", name="Opret ny borger"))
        page.get_by_label("CPR-nummer").fill("120390-1234")
        page.get_by_label("Navn", exact=True).fill("Karin Holm")
        page.get_by_label("Praktiserende læge").select_option(label="Anna Gp (ydernr. 012345)")
        page.get_by_role("checkbox", name="Borgeren har børn").check()
        screenshot(page, "sagsbehandler-opret-borger")
        follow(page.get_by_role("button", name="Opret borger"))
        expect(page.get_by_role("status")).to_contain_text("Borgeren Karin Holm er oprettet.")
        citizen_label = "Karin Holm (CPR 120390-XXXX)"
        # Back on Opret sag with the new citizen chosen, and no one else on the page.
        expect(page.get_by_role("radio", name=citizen_label, exact=True)).to_be_checked()
        expect(page.get_by_role("radio", name=re.compile(r"\(CPR "))).to_have_count(1)
    if subtype == Subtype.LOEBENDE_SAG:
        # Klinisk funktion is not offered here: the page says where referrals are made.
        kf = page.get_by_role("radio", name=SUBTYPE_LABELS[Subtype.KLINISK_FUNKTION])
        expect(kf).to_have_count(0)
        expect(page.locator("#id_subtype-hint")).to_contain_text(
            "»Henvis til klinisk funktion (LÆ 271)«"
        )
    page.get_by_role("radio", name=SUBTYPE_LABELS[subtype], exact=True).check()
    if subtype == Subtype.LOEBENDE_SAG:
        find_citizen(page, "borger an", citizen_label)
        screenshot(page, "sagsbehandler-opret-sag")
    elif subtype != Subtype.REHABILITERINGSTEAM:
        # The whole CPR number finds the one citizen and chooses them.
        find_citizen(page, "010180-1234", citizen_label)
        expect(page.get_by_role("radio", name=citizen_label, exact=True)).to_be_checked()
    follow(page.get_by_role("button", name="Opret sag"))
    expect(page.get_by_role("heading", level=1, name="Redigér kladde")).to_be_visible()
    case = Case.objects.select_related("citizen").get(caseworker=side_a.caseworker)
    assert (case.subtype, case.state) == (subtype, "draft")
    assert case.citizen.name == citizen_label.partition(" (")[0]
    if subtype == Subtype.REHABILITERINGSTEAM:
        assert (case.citizen.general_practitioner, case.citizen.has_children) == (side_a.gp, True)

    if subtype == Subtype.LOEBENDE_SAG:
        # Sending too early is refused and the checklist says what is missing.
        screenshot(page, "sagsbehandler-rediger-kladde")
        follow(page.get_by_role("button", name="Send til regionen"))
        refusal = page.get_by_role("alert").filter(has_text="Sagen er ikke sendt")
        expect(refusal).to_contain_text("Nye helbredsoplysninger")
        screenshot(page, "sagsbehandler-rediger-kladde-mangler")
        assert Case.objects.get(pk=case.pk).state == "draft"

    complete_and_send(page, subtype)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.subtype, case.caseworker) == ("sent", subtype, side_a.caseworker)
    assert case.received_in_designated_inbox
    # What was typed on the page is what the case carries.
    expected = COMPLETE[subtype][0]
    if "meeting_date" in expected:
        assert case.meeting_date == meeting_date()
    if "question" in expected:
        assert case.question == expected["question"]
    # The CPR numbers typed never went into a URL: they travel in POST bodies.
    assert any("/sager/ny/" in url for url in requested)
    for url in requested:
        assert not re.search(r"010180-?1234|120390-?1234", url), url


def test_without_script_the_citizen_search_reloads_the_page(e2e_browser, live_server, side_a):
    """Progressive enhancement: with JavaScript off the search posts to Opret sag itself."""
    context = e2e_browser.new_context(locale="da-DK", java_script_enabled=False)
    try:
        page = context.new_page()
        requested = urls_requested(page)
        page.goto(live_server.url + "/login/")
        page.get_by_label("Brugernavn").fill(side_a.caseworker.username)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log ind").click()
        page.goto(live_server.url + "/sager/ny/")
        page.get_by_role("radio", name=SUBTYPE_LABELS[Subtype.SENIORPENSION], exact=True).check()
        page.get_by_label("Borger", exact=True).fill("0101801234")
        with page.expect_navigation():
            page.get_by_label("Borger", exact=True).press("Enter")
        label = "Borger Anna (CPR 010180-XXXX)"
        expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()
        subtype = page.get_by_role("radio", name=SUBTYPE_LABELS[Subtype.SENIORPENSION])
        expect(subtype).to_be_checked()
        with page.expect_navigation():
            page.get_by_role("button", name="Opret sag").click()
        expect(page.get_by_role("heading", level=1, name="Redigér kladde")).to_be_visible()
    finally:
        context.close()
    case = Case.objects.get(caseworker=side_a.caseworker)
    assert (case.subtype, case.citizen) == (Subtype.SENIORPENSION, side_a.citizen)
    assert not any("borgersoegning" in url or "0101801234" in url for url in requested)


def closed_ressourceforloeb_case(side) -> Case:
    """A rehabiliteringsteam case about ressourceforløb, screened, held and closed with the
    indstilling sent."""
    case = make_case(side, Subtype.REHABILITERINGSTEAM, meeting_date=meeting_date())
    case = case_services.send_case(side.caseworker, case)
    case = case_services.assign_coordinator(side.secretariat, case, side.coordinator)
    case = meeting_services.record_screening(
        side.coordinator,
        case,
        text="Sagen er lægefagligt belyst.",
        medically_clarified=True,
        treatment_exhausted=False,
    )
    with on_meeting_day(case):
        case = meeting_services.hold_meeting(side.caseworker, case)
    attach(side.caseworker, case, Category.INDSTILLING)
    return meeting_services.send_indstilling(side.caseworker, case)


def test_caseworker_reopens_a_ressourceforloeb_case_as_genforelaeggelse_and_sends_it(
    page, live_server, side_a
):
    original = closed_ressourceforloeb_case(side_a)
    new_meeting = configured_calendar().add_working_days(timezone.localdate(), 20)

    login(page, live_server, side_a.caseworker.username)
    # The filter swaps the list in place (HTMX); check the new content too.
    page.get_by_label("Status", exact=True).select_option(label="Afsluttet")
    expect(page.locator("#case-results")).to_contain_text(original.reference)
    check_page(page)
    follow(page.locator("#case-results").get_by_role("link", name=original.reference))
    follow(page.get_by_role("link", name="Genoptag som genforelæggelsessag"))
    page.get_by_label("Dato for det nye møde i rehabiliteringsteamet").fill(
        f"{new_meeting:%d.%m.%Y}"
    )
    follow(page.get_by_role("button", name="Genoptag som genforelæggelsessag"))

    new = Case.objects.get(parent=original)
    assert (new.subtype, new.state) == (Subtype.GENFORELAEGGELSE, "draft")
    expect(page.get_by_role("heading", level=1)).to_contain_text(new.reference)
    follow(page.get_by_role("link", name="Redigér kladde"))
    expect(page.get_by_role("main")).to_contain_text(f"Tidligere sag: {original.reference}")
    # The earlier documents and the coordinator's screening came along; the caseworker adds
    # the summary since the last meeting and its documentation.
    complete_and_send(
        page,
        Subtype.GENFORELAEGGELSE,
        attachments=[Category.CASEWORKER_SUMMARY, Category.DOCUMENTATION],
    )
    new = Case.objects.get(pk=new.pk)
    assert new.state == "sent"
    assert new.meeting_date == new_meeting
    assert new.documents.filter(carried_over_from__case=original).count() == 3
