"""The coordinator's written answer in a løbende sag (BEK § 11, procedure Løbende sag)."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import COMPLETE, assigned_case
from sagsbro.e2e.conftest import follow, login, screenshot

pytestmark = pytest.mark.e2e

CONTINUE = "Borgeren kan fortsætte i ressourceforløb, fleksjob eller jobafklaringsforløb"
GP_VISIT = "Borgeren bør opfordres til at opsøge egen læge for udredning eller behandling"
TEXT = (
    "De nye oplysninger fra hospitalet ændrer ikke vurderingen. Borgeren kan fortsætte i "
    "ressourceforløbet med gradvis optrapning og bør følges af egen læge."
)


def test_coordinator_answers_a_loebende_sag_in_writing(page, live_server, side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    question = COMPLETE[Subtype.LOEBENDE_SAG][0]["question"]

    login(page, live_server, side_a.coordinator.username)
    cases = page.get_by_role("region", name="Mine sager")
    expect(cases).to_contain_text(question)
    follow(cases.get_by_role("link", name=case.reference))
    follow(page.get_by_role("link", name="Afgiv skriftligt svar"))

    # The form shows the municipality's question and the reminder of BEK § 11, stk. 4.
    expect(page.get_by_role("region", name="Kommunens spørgsmål")).to_contain_text(question)
    expect(page.locator("#benefit-reminder")).to_contain_text("BEK § 11, stk. 4")
    screenshot(page, "koordinator-skriftligt-svar")

    # Nothing written: a Danish error, linked to the field; the case stays assigned.
    follow(page.get_by_role("button", name="Afgiv skriftligt svar"))
    summary = page.get_by_role("alert").filter(has_text="Handlingen blev ikke udført")
    expect(summary.get_by_role("link", name="Skriv begrundelse og rådgivning.")).to_have_attribute(
        "href", "#id_text"
    )
    assert Case.objects.get(pk=case.pk).state == "assigned"

    page.get_by_role("checkbox", name=CONTINUE).check()
    page.get_by_role("checkbox", name=GP_VISIT).check()
    page.get_by_label("Begrundelse og rådgivning").fill(TEXT)
    follow(page.get_by_role("button", name="Afgiv skriftligt svar"))
    expect(page.get_by_role("status")).to_contain_text(
        "Det skriftlige svar er sendt til Københavns Kommune."
    )
    expect(page.locator(".case-status")).to_contain_text("Besvaret")

    follow(
        page.get_by_role("navigation", name="Sagens faner").get_by_role(
            "link", name="Sundhedskoordinator"
        )
    )
    answer = page.locator(".advice")
    expect(answer).to_contain_text(TEXT)
    expect(answer).to_contain_text(CONTINUE)
    expect(answer).to_contain_text(GP_VISIT)
    screenshot(page, "koordinator-sag-sundhedskoordinator-besvaret")

    advice = Case.objects.get(pk=case.pk).advice.get()
    assert advice.kind == "written_answer"
    assert sorted(advice.recommendations) == ["continue_plan", "gp_visit"]


def test_coordinator_drafts_previews_and_gives_the_answer(page, live_server, side_a):
    """The answer is saved as a draft, previewed as the PDF will read, warned about wording
    that names a benefit decision (BEK § 11, stk. 4), then given."""
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    login(page, live_server, side_a.coordinator.username)
    follow(page.get_by_role("link", name=case.reference).first)
    follow(page.get_by_role("link", name="Afgiv skriftligt svar"))

    page.get_by_role("checkbox", name=CONTINUE).check()
    page.get_by_label("Begrundelse og rådgivning").fill(TEXT + " Borgeren bør have fleksjob.")
    follow(page.get_by_role("button", name="Gem som kladde"))
    expect(page.get_by_role("status").first).to_contain_text("Svaret er gemt som kladde")
    assert Case.objects.get(pk=case.pk).state == "assigned"

    follow(page.get_by_role("button", name="Gem og vis udkast"))
    preview = page.locator("#answer-preview")
    expect(preview).to_contain_text("Sundhedskoordinators skriftlige svar")
    expect(preview).to_contain_text(CONTINUE)
    expect(page.locator("#benefit-warning")).to_contain_text("»bør have fleksjob«")
    screenshot(page, "koordinator-udkast-til-svar")

    # Given without confirming: the warning stands and nothing is given.
    follow(page.get_by_role("button", name="Afgiv svar"))
    expect(page.locator("#benefit-warning")).to_contain_text("»bør have fleksjob«")
    assert Case.objects.get(pk=case.pk).state == "assigned"

    page.get_by_role("checkbox", name="Jeg har læst advarslen").check()
    follow(page.get_by_role("button", name="Afgiv skriftligt svar"))
    expect(page.locator(".case-status")).to_contain_text("Besvaret")
    assert Case.objects.get(pk=case.pk).advice.get().text.endswith("Borgeren bør have fleksjob.")
