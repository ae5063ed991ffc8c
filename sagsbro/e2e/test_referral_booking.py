"""A referral (LÆ 271) in the browser: the caseworker refers from the team case's screening
recommendation on the case's "Klinisk funktion" tab, the secretariat finds it in the intake
list, plans a place and a slot in the calendar and books it, which invites the citizen. Every
page is checked with axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case
from sagsbro.clinical.models import ConsultationSlot, Referral
from sagsbro.clinical.tests.services.test_referrals import screened_team_case
from sagsbro.e2e.conftest import follow, goto, login, logout, screenshot

pytestmark = pytest.mark.e2e


def test_refer_then_book(page, live_server, side_a):
    team = screened_team_case(side_a)

    login(page, live_server, side_a.caseworker.username)
    goto(page, live_server, f"/sager/{team.pk}/henvisninger/")
    expect(page.get_by_text("Der er ikke henvist til klinisk funktion fra sagen.")).to_be_visible()
    follow(page.get_by_role("link", name="Henvis til klinisk funktion (LÆ 271)"))
    page.get_by_label("Screeningstilbagemelding", exact=True).check()
    page.get_by_role("radio", name="Screeningstilbagemelding af").check()
    page.get_by_label("Spørgsmål til klinisk funktion").fill("Hvilken funktionsevne har borgeren?")
    page.get_by_label("Psykiatri").check()
    screenshot(page, "sagsbehandler-henvisning")
    follow(page.get_by_role("button", name="Send henvisningen"))
    referral = Referral.objects.get()
    expect(page.get_by_role("status").first).to_contain_text(referral.case.reference)
    goto(page, live_server, f"/sager/{team.pk}/henvisninger/")
    expect(page.get_by_role("row").filter(has_text=referral.case.reference)).to_contain_text(
        "Ikke leveret endnu"
    )
    logout(page)

    case_services.assign_specialist(side_a.secretariat, referral.case, side_a.specialist)
    login(page, live_server, side_a.secretariat.username)
    follow(page.get_by_role("link", name="Henvisninger").first)
    expect(page.get_by_role("row").filter(has_text=referral.case.reference)).to_contain_text(
        "Psykiatri"
    )
    follow(page.get_by_role("link", name="Konsultationskalender"))
    page.get_by_label("Navn").fill("Klinik Nord")
    page.get_by_label("Adresse").fill("Nordvej 1, 2200 København N")
    follow(page.get_by_role("button", name="Opret sted"))
    day = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label(side_a.specialist.get_full_name()).check()
    page.get_by_label("Klinik Nord").check()
    page.get_by_label("Dato").fill(f"{day:%d.%m.%Y}")
    page.get_by_label("Klokkeslæt").fill("09.30")
    follow(page.get_by_role("button", name="Opret tid"))
    assert ConsultationSlot.objects.count() == 1
    screenshot(page, "sekretariat-konsultationskalender")
    follow(page.get_by_role("link", name="Book tiden"))
    page.get_by_label(referral.case.reference, exact=False).check()
    follow(page.get_by_role("button", name="Book og indkald borgeren"))
    expect(page.get_by_role("status").first).to_contain_text("Borgeren er indkaldt.")
    assert Case.objects.get(pk=referral.case_id).state == "invited"
    assert ConsultationSlot.objects.get().case_id == referral.case_id
