"""The deadline calculator (Fristberegner): working days across Christmas and New Year."""

import pytest
from playwright.sync_api import expect

from sagsbro.e2e.conftest import check_page, follow, login, screenshot

pytestmark = pytest.mark.e2e


def test_calculator_counts_working_days_over_christmas_and_lists_closed_days(
    page, live_server, side_a
):
    login(page, live_server, side_a.coordinator.username)
    follow(
        page.get_by_role("navigation", name="Hovedmenu").first.get_by_role(
            "link", name="Fristberegner"
        )
    )
    expect(page.get_by_role("heading", level=1, name="Fristberegner")).to_be_visible()

    # Friday 18 December 2026 + 10 working days: 24, 25 and 31 December and 1 January are
    # closed, 26 December is a Saturday.
    calculator = page.locator("#calculator-form")
    calculator.get_by_label("Startdato").fill("18.12.2026")
    calculator.get_by_label("Antal").fill("10")
    calculator.get_by_role("radio", name="Arbejdsdage (hverdage)").check()
    calculator.get_by_role("button", name="Beregn frist").click()
    result = page.locator(".calculation-result")
    expect(result).to_have_attribute("data-result-date", "2027-01-07")
    skipped = result.locator(".skipped-days")
    for name in ("Juleaftensdag", "Juledag", "Nytårsaftensdag", "Nytårsdag"):
        expect(skipped).to_contain_text(name)
    check_page(page)

    year = page.locator("#closed-days-form")
    year.get_by_label("År").fill("2027")
    year.get_by_role("button", name="Vis lukkedage").click()
    closed_days = page.get_by_role("region", name="Helligdage og lukkedage i 2027")
    expect(closed_days).to_contain_text("Grundlovsdag")
    expect(closed_days).not_to_contain_text("Store bededag")
    check_page(page)
    screenshot(page, "fristberegner")
