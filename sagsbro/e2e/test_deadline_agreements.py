"""Deadlines in the browser: the secretariat agrees another due date for a concrete case
(BEK § 22, 2nd sentence), and the region's administrator changes a collaboration agreement."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases.models import Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case
from sagsbro.e2e.conftest import follow, goto, login, screenshot
from sagsbro.organisations.models import CollaborationAgreement

pytestmark = pytest.mark.e2e


def _working_day_in(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or (day.month, day.day) in ((12, 24), (12, 25), (12, 26), (1, 1)):
        day += datetime.timedelta(days=1)
    return day


def test_secretariat_agrees_a_due_date_for_the_case(page, live_server, side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    agreed = _working_day_in(35)
    login(page, live_server, side_a.secretariat.username)
    goto(page, live_server, f"/sager/{case.pk}/")
    follow(page.get_by_role("link", name="Aftal anden frist for skriftligt svar"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aftal anden frist")

    follow(page.get_by_role("button", name="Gem aftalt frist"))
    summary = page.get_by_role("alert").filter(has_text="Handlingen blev ikke udført")
    expect(summary).to_contain_text("Angiv en dato.")

    page.get_by_label("Aftalt frist").fill(f"{agreed:%d.%m.%Y}")
    page.get_by_label("Omstændigheder i sagen").fill("Afventer journal fra sygehuset.")
    follow(page.get_by_role("button", name="Gem aftalt frist"))
    expect(page.get_by_role("status")).to_contain_text(f"er aftalt til {agreed:%d.%m.%Y}")
    row = page.get_by_role("row").filter(has_text="Skriftligt svar fra sundhedskoordinator")
    expect(row).to_contain_text(f"{agreed:%d.%m.%Y}")
    expect(row).to_contain_text("Aftalt i den konkrete sag: Afventer journal fra sygehuset.")
    screenshot(page, "sekretariat-aftalt-frist")
    assert Deadline.objects.get(case=case, kind="written_answer").agreed_due == agreed


def test_region_administrator_changes_an_agreement(page, live_server, side_a):
    login(page, live_server, side_a.regional_admin.username)
    follow(page.get_by_role("link", name="Samarbejdsaftaler").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Samarbejdsaftaler")
    follow(page.get_by_role("link", name="Albertslund Kommune"))
    expect(page.get_by_role("main")).to_contain_text("Der er ingen aftale i kraft")

    page.get_by_label("Undertype, linje 1").select_option("loebende_sag")
    page.get_by_label("Frist, linje 1").select_option("written_answer")
    page.get_by_label("Antal, linje 1").fill("10")
    page.get_by_label("Enhed, linje 1").select_option("working_days")
    page.get_by_label("Kilde, linje 1").fill("Procedure Løbende sag")
    follow(page.get_by_role("button", name="Gem aftalen"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    expect(page.get_by_role("status")).to_contain_text(
        f"Fristerne gælder for sager, regionen modtager fra {tomorrow:%d.%m.%Y}."
    )
    expect(page.get_by_role("heading", name=f"Ny version fra {tomorrow:%d.%m.%Y}")).to_be_visible()
    screenshot(page, "administrator-samarbejdsaftale")
    agreement = CollaborationAgreement.objects.get(municipality__name="Albertslund Kommune")
    assert list(agreement.deadline_rules.values_list("kind", "count")) == [("written_answer", 10)]
