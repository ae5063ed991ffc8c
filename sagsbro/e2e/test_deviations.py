"""The deviations from the straight line: a case returned for more information and sent
again, and a case withdrawn by the municipality."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, sent_case
from sagsbro.documents.rules import Category
from sagsbro.e2e.conftest import attach_on_page, follow, login, logout, screenshot

pytestmark = pytest.mark.e2e

REASON = "LÆ 265 mangler. Send venligst den nyeste attest fra egen læge."
COMMENT = "LÆ 265 fra egen læge er vedhæftet."


def test_coordinator_returns_a_case_and_the_caseworker_sends_it_again(page, live_server, side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)

    login(page, live_server, side_a.coordinator.username)
    follow(page.get_by_role("link", name=case.reference).first)
    follow(page.get_by_role("link", name="Returnér for flere oplysninger"))

    # Without a reason: a Danish error, linked to the field.
    follow(page.get_by_role("button", name="Returnér for flere oplysninger"))
    error_link = page.get_by_role("alert").get_by_role("link", name="Angiv en begrundelse.")
    expect(error_link).to_have_attribute("href", "#id_reason")
    expect(page.get_by_label("Begrundelse")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "koordinator-returner-fejl")

    page.get_by_label("Begrundelse").fill(REASON)
    follow(page.get_by_role("button", name="Returnér for flere oplysninger"))
    # The coordinator keeps the case, now with the municipality.
    expect(page.locator(".case-status")).to_contain_text("Returneret for flere oplysninger")
    logout(page)

    login(page, live_server, side_a.caseworker.username)
    awaiting = page.get_by_role("region", name="Afventer dig")
    expect(awaiting).to_contain_text(case.reference)
    expect(awaiting).to_contain_text("Send sagen igen med de manglende oplysninger")
    follow(awaiting.get_by_role("link", name=case.reference))
    follow(page.get_by_role("link", name="Historik"))
    expect(page.locator(".case-history")).to_contain_text(REASON)
    screenshot(page, "sagsbehandler-sag-historik-returneret")

    follow(page.get_by_role("link", name="Overblik"))
    follow(page.get_by_role("link", name="Redigér og send igen"))
    expect(page.get_by_role("heading", level=1, name="Redigér returneret sag")).to_be_visible()
    expect(
        page.locator(".alert-warning").filter(has_text="Regionen har returneret sagen")
    ).to_contain_text(REASON)
    attach_on_page(page, Category.LAE_265)
    page.get_by_label("Bemærkning til regionen").fill(COMMENT)
    screenshot(page, "sagsbehandler-rediger-returneret")
    follow(page.get_by_role("button", name="Send igen til regionen"))
    expect(page.get_by_role("status")).to_contain_text("Sagen er sendt igen til")
    # It goes straight back to the coordinator who returned it.
    expect(page.locator(".case-status")).to_contain_text("Tildelt")
    follow(page.get_by_role("link", name="Historik"))
    expect(page.locator(".case-history")).to_contain_text(COMMENT)
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.coordinator) == ("assigned", side_a.coordinator)
    assert case.documents.filter(category=Category.LAE_265).count() == 1


def test_caseworker_withdraws_a_sent_case_with_a_reason(page, live_server, side_a):
    case = sent_case(side_a, Subtype.SENIORPENSION)
    reason = "Borgeren er overgået til seniorpension efter egen ansøgning."

    login(page, live_server, side_a.caseworker.username)
    follow(page.get_by_role("link", name=case.reference))
    follow(page.get_by_role("link", name="Træk sagen tilbage"))
    screenshot(page, "sagsbehandler-traek-tilbage")
    page.get_by_label("Begrundelse").fill(reason)
    follow(page.get_by_role("button", name="Træk sagen tilbage"))

    expect(page.locator(".case-status")).to_contain_text("Trukket tilbage")
    expect(page.get_by_role("region", name="Handlinger")).to_contain_text(
        "Der er ingen handlinger, du kan udføre på sagen lige nu."
    )
    follow(page.get_by_role("link", name="Historik"))
    expect(page.locator(".case-history")).to_contain_text(reason)
    assert Case.objects.get(pk=case.pk).state == "withdrawn"
    logout(page)

    # The region no longer has it to distribute.
    login(page, live_server, side_a.secretariat.username)
    expect(page.get_by_text("Der er ingen nye sager at fordele.")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(case.reference)
