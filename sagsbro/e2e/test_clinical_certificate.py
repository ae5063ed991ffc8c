"""The specialist's tab »Konsultation og attest« in a browser: the consultation note, an
investigation, the structured LÆ 275 from draft over preview to signature, then delivery; the
caseworker finds the certificate in »Afventer dig«. Every page is checked with axe-core."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import Certificate
from sagsbro.clinical.testing import book_consultation, hold_consultation_at_booked_time
from sagsbro.conftest import assigned_case
from sagsbro.e2e.conftest import follow, goto, login, logout

pytestmark = pytest.mark.e2e


def test_specialist_writes_signs_and_delivers_the_certificate(page, live_server, side_a):
    s = side_a
    case = assigned_case(s, Subtype.KLINISK_FUNKTION)
    book_consultation(s.secretariat, case)
    hold_consultation_at_booked_time(s.specialist, case)

    login(page, live_server, s.specialist.username)
    goto(page, live_server, f"/sager/{case.pk}/vurdering/")
    follow(page.get_by_role("link", name="Skriv notat fra konsultationen"))
    page.get_by_label("Notat fra konsultationen").fill("Hævet knæ, nedsat bøjning.")
    follow(page.get_by_role("button", name="Gem notatet"))
    expect(page.get_by_role("status")).to_contain_text("Notatet fra konsultationen er gemt.")

    follow(page.get_by_role("link", name="Bestil undersøgelse"))
    page.get_by_label("Billeddiagnostik").check()
    page.get_by_label("Undersøgelse og begrundelse").fill("Røntgen af knæ")
    # Without the citizen's consent confirmed, nothing is ordered.
    follow(page.get_by_role("button", name="Bestil undersøgelsen"))
    expect(page.get_by_role("alert")).to_contain_text("informerede samtykke")
    page.get_by_label("Borgeren har givet informeret samtykke til undersøgelsen").check()
    follow(page.get_by_role("button", name="Bestil undersøgelsen"))
    expect(
        page.get_by_role("table", name="Undersøgelser bestilt som led i vurderingen")
    ).to_contain_text("Røntgen af knæ")

    follow(page.get_by_role("link", name="Skriv speciallægeattest"))
    page.get_by_label("Funktionsevne", exact=True).fill("Kan arbejde siddende.")
    page.get_by_label("Helbredsforhold og resultatet af den objektive undersøgelse").fill(
        "Artrose i højre knæ."
    )
    page.get_by_label("Borgerens vurdering af helbredsforholdenes betydning").fill(
        "Borgeren vil gerne prøve kontorarbejde."
    )
    follow(page.get_by_role("button", name="Gem og forhåndsvis"))
    expect(page.get_by_role("alert")).to_contain_text("Attesten kan ikke underskrives endnu")
    follow(page.get_by_role("link", name="Ret kladden"))
    page.get_by_label("Lægens vurdering af helbredsforholdenes betydning").fill(
        "Siddende arbejde 30 timer om ugen."
    )
    follow(page.get_by_role("button", name="Gem og forhåndsvis"))
    expect(page.locator("#certificate-preview")).to_contain_text("Kan arbejde siddende.")
    follow(page.get_by_role("button", name="Underskriv attesten"))
    expect(page.get_by_role("status")).to_contain_text("underskrevet")
    certificate = Certificate.objects.get(case=case)
    # Signed, not yet on the case (BEK § 15 stk. 2); klinisk funktion opens it from the tab.
    assert certificate.status == Certificate.Status.SIGNED and certificate.document is None
    pdf_link = page.locator("#certificates").get_by_role("link", name="PDF af attesten")
    expect(pdf_link).to_have_attribute(
        "href", f"/sager/{case.pk}/vurdering/attest/{certificate.pk}/pdf/"
    )
    served = page.request.get(f"{live_server.url}{pdf_link.get_attribute('href')}")
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.body().startswith(b"%PDF")

    goto(page, live_server, f"/sager/{case.pk}/handling/deliver_certificate/")
    # The reason for a delivery without the GP's copy is asked for only when there is no GP
    # (BEK § 15 stk. 2); this citizen has one, so it stays empty.
    reason = page.get_by_label("Begrundelse for levering uden kopi til egen læge")
    expect(reason).to_be_visible()
    expect(reason).to_have_value("")
    follow(page.get_by_role("button", name="Lever speciallægeattest (LÆ 275)"))
    assert Case.objects.get(pk=case.pk).state == "answered"
    certificate.refresh_from_db()
    assert certificate.document is not None

    logout(page)
    login(page, live_server, s.caseworker.username)
    awaiting = page.locator("#awaiting-heading").locator("xpath=..")
    expect(awaiting).to_contain_text("Læs speciallægeattesten, og afslut sagen")
