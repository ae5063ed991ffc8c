"""The price of assessments in the browser (BEK § 18, stk. 2): the national administrator sets
the year's national price index, the region's administrator sees it read-only as the national
figure, the secretariat records a cost on a klinisk-funktion case and sees the average per case
approach the cap. Every page is checked with axe-core."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import AssessmentCost, PriceIndex
from sagsbro.conftest import assigned_case
from sagsbro.e2e.conftest import follow, login, logout, screenshot

pytestmark = pytest.mark.e2e


def test_index_then_cost_then_warning(page, live_server, side_a, national_admin):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    year = timezone.localdate().year
    incurred = datetime.date(year, 1, 2)

    login(page, live_server, national_admin.username)
    follow(page.get_by_role("link", name="Priser").first)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Priser for vurderinger i klinisk funktion"
    )
    expect(page.get_by_text("Prisindekset er nationalt: det samme indeks gælder")).to_be_visible()
    page.get_by_role("textbox", name="År", exact=True).fill(str(year))
    page.get_by_label("Indeks (2011 = 100)").fill("128,00")
    follow(page.get_by_role("button", name="Gem indekset"))
    expect(page.get_by_role("status").first).to_contain_text(f"Prisindekset for {year} er gemt.")
    # One national row, no region's.
    assert list(PriceIndex.objects.values_list("year", "index")) == [(year, Decimal("128.00"))]
    expect(page.get_by_role("row").filter(has_text=str(year)).first).to_contain_text("17.920,00")
    screenshot(page, "national-systemansvarlig-prisindeks")
    logout(page)

    # The region's administrator sees the national figure, with no form to change it.
    login(page, live_server, side_a.regional_admin.username)
    follow(page.get_by_role("link", name="Priser").first)
    note = page.get_by_text("Prisindekset er nationalt og gælder for alle regioner.")
    expect(note).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=str(year)).first).to_contain_text("128,00")
    expect(page.get_by_role("button", name="Gem indekset")).to_have_count(0)
    logout(page)

    login(page, live_server, side_a.secretariat.username)
    follow(page.get_by_role("link", name="Priser").first)
    # A bad amount is refused with the reason and nothing is saved.
    page.get_by_label("Sagsnummer").fill(case.reference)
    page.get_by_label("Egen udredning").check()
    page.get_by_label("Beløb (kr.)").fill("mange penge")
    page.get_by_label("Dato for udgiften").fill(f"{incurred:%d.%m.%Y}")
    follow(page.get_by_role("button", name="Registrér udgiften"))
    expect(page.get_by_role("alert")).to_contain_text("Angiv beløbet som et tal, fx 14.000,00.")
    assert not AssessmentCost.objects.exists()

    page.get_by_label("Beløb (kr.)").fill("16.640,00")
    follow(page.get_by_role("button", name="Registrér udgiften"))
    expect(page.get_by_role("status").first).to_contain_text("Udgiften er registreret.")
    # 16,640 / 1.28 = 13,000 in 2011 prices = 92.9 % of 14,000: the warning shows.
    warning = page.get_by_role("status").filter(has_text="nærmer sig loftet")
    expect(warning).to_contain_text("16.640,00 kr. pr. sag mod et loft på 17.920,00 kr.")
    expect(page.get_by_role("row").filter(has_text=case.reference)).to_contain_text("16.640,00")
    screenshot(page, "sekretariat-priser")
    assert AssessmentCost.objects.get().amount == Decimal("16640.00")
