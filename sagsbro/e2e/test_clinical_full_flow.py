"""One referral through klinisk funktion in a browser, from start to end: the caseworker
refers from the team case's screening recommendation (LÆ 271); the secretariat finds it in the
intake list, gives the specialist the referral's specialty, assigns the specialist and books a
slot, which invites the citizen with a letter on the case; on the day of the appointment the
specialist holds the consultation, writes, previews, signs and delivers the structured LÆ 275;
the GP finds the copy on the GP's worklist and the caseworker the certificate on the
originating team case and in »Afventer dig«. Every page is checked with axe-core."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.services import common
from sagsbro.clinical.models import Certificate, ConsultationSlot, Referral
from sagsbro.clinical.pdf.certificate import TITLE as CERTIFICATE_TITLE
from sagsbro.clinical.pdf.letters import INVITATION_TITLE
from sagsbro.clinical.tests.services.test_referrals import screened_team_case
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.e2e.conftest import follow, goto, login, logout
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.workdays.services import configured_calendar

pytestmark = pytest.mark.e2e


def appointment_day() -> datetime.date:
    """The next working day: a slot must lie in the future, and within 14 days of the referral
    so that no late notice is needed before the citizen is invited."""
    calendar = configured_calendar()
    return calendar.roll_forward(common.local_today() + datetime.timedelta(days=1))


def test_a_referral_from_screening_to_the_delivered_certificate(
    page, live_server, side_a, monkeypatch
):
    s = side_a
    team = screened_team_case(s)

    # The caseworker refers from the team case, resting on the coordinator's screening advice.
    login(page, live_server, s.caseworker.username)
    goto(page, live_server, f"/sager/{team.pk}/")
    follow(page.get_by_role("link", name="Klinisk funktion", exact=True))
    follow(page.get_by_role("link", name="Henvis til klinisk funktion (LÆ 271)"))
    page.get_by_label("Screeningstilbagemelding", exact=True).check()
    page.get_by_role("radio", name="Screeningstilbagemelding af").check()
    page.get_by_label("Spørgsmål til klinisk funktion").fill("Hvilken funktionsevne har borgeren?")
    page.get_by_label("Psykiatri").check()
    follow(page.get_by_role("button", name="Send henvisningen"))
    referral = Referral.objects.select_related("case").get()
    case = referral.case
    assert case.parent_id == team.pk and referral.origin_kind == "screening"
    # The recommendation is linked, not retyped.
    assert referral.origin_advice is not None and referral.origin_advice.case_id == team.pk
    expect(page.get_by_role("status").first).to_contain_text(case.reference)
    logout(page)

    # The secretariat: the intake list, the specialist's specialty, the assignment.
    login(page, live_server, s.secretariat.username)
    follow(page.get_by_role("link", name="Henvisninger").first)
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Psykiatri")
    expect(row).to_contain_text("Ikke tildelt")
    specialist_name = s.specialist.get_full_name()
    follow(page.get_by_role("link", name="Konsultationskalender"))
    follow(page.get_by_role("link", name=specialist_name, exact=True))
    page.get_by_label("Psykiatri").check()
    follow(page.get_by_role("button", name="Gem"))
    expect(page.get_by_role("status").first).to_contain_text("Specialerne")
    follow(page.get_by_role("link", name="Henvisninger").first)
    # The specialist now appears among those with the referral's specialty.
    expect(page.get_by_role("row").filter(has_text=case.reference)).to_contain_text(specialist_name)
    follow(page.get_by_role("link", name=case.reference))
    follow(page.get_by_role("link", name="Tildel speciallæge"))
    page.get_by_label(specialist_name, exact=False).check()
    follow(page.get_by_role("button", name="Tildel speciallæge"))
    assert Case.objects.get(pk=case.pk).specialist_id == s.specialist.pk

    # A place, a slot on the next working day, and the booking that invites the citizen.
    day = appointment_day()
    goto(page, live_server, "/klinisk/kalender/")
    page.get_by_label("Navn").fill("Klinik Nord")
    page.get_by_label("Adresse").fill("Nordvej 1, 2200 København N")
    follow(page.get_by_role("button", name="Opret sted"))
    page.get_by_label(specialist_name).check()
    page.get_by_label("Klinik Nord").check()
    page.get_by_label("Dato").fill(f"{day:%d.%m.%Y}")
    page.get_by_label("Klokkeslæt").fill("09.30")
    follow(page.get_by_role("button", name="Opret tid"))
    follow(page.get_by_role("link", name="Book tiden"))
    page.get_by_label(case.reference, exact=False).check()
    follow(page.get_by_role("button", name="Book og indkald borgeren"))
    expect(page.get_by_role("status").first).to_contain_text("Borgeren er indkaldt.")
    assert ConsultationSlot.objects.get().case_id == case.pk
    letter = Document.objects.get(case=case, title=INVITATION_TITLE)
    assert letter.content_type == "application/pdf" and letter.pages
    goto(page, live_server, f"/sager/{case.pk}/")
    follow(page.get_by_role("link", name="Dokumenter", exact=True))
    expect(page.get_by_role("main")).to_contain_text(INVITATION_TITLE)
    logout(page)

    # The day and time of the appointment arrive (the services read them through
    # common.local_today and common.local_now; a consultation cannot be recorded before its
    # booked time): the specialist holds it.
    monkeypatch.setattr(common, "local_today", lambda: day)
    monkeypatch.setattr(
        common,
        "local_now",
        lambda: timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 15))),
    )
    login(page, live_server, s.specialist.username)
    goto(page, live_server, f"/sager/{case.pk}/handling/hold_consultation/")
    follow(page.get_by_role("button", name="Registrér afholdt konsultation"))
    case.refresh_from_db()
    assert case.state == "consultation_held" and case.consultation_date == day

    goto(page, live_server, f"/sager/{case.pk}/vurdering/")
    follow(page.get_by_role("link", name="Skriv notat fra konsultationen"))
    page.get_by_label("Notat fra konsultationen").fill("Træthed og koncentrationsbesvær.")
    follow(page.get_by_role("button", name="Gem notatet"))
    expect(page.get_by_role("status")).to_contain_text("Notatet fra konsultationen er gemt.")

    # The structured LÆ 275: draft, preview, signature.
    follow(page.get_by_role("link", name="Skriv speciallægeattest"))
    page.get_by_label("Funktionsevne", exact=True).fill("Kan arbejde 20 timer om ugen.")
    page.get_by_label("Helbredsforhold og resultatet af den objektive undersøgelse").fill(
        "Moderat depression i bedring."
    )
    page.get_by_label("Borgerens vurdering af helbredsforholdenes betydning").fill(
        "Borgeren ønsker at starte på nedsat tid."
    )
    page.get_by_label("Lægens vurdering af helbredsforholdenes betydning").fill(
        "Gradvis optrapning fra 20 timer om ugen."
    )
    follow(page.get_by_role("button", name="Gem og forhåndsvis"))
    expect(page.locator("#certificate-preview")).to_contain_text("Kan arbejde 20 timer om ugen.")
    follow(page.get_by_role("button", name="Underskriv attesten"))
    expect(page.get_by_role("status")).to_contain_text("underskrevet")
    assert Certificate.objects.get(case=case).status == Certificate.Status.SIGNED

    # Delivery: to the municipality and the GP's copy in one step.
    goto(page, live_server, f"/sager/{case.pk}/handling/deliver_certificate/")
    follow(page.get_by_role("button", name="Lever speciallægeattest (LÆ 275)"))
    case.refresh_from_db()
    assert case.state == "answered"
    certificate = Certificate.objects.select_related("document").get(case=case)
    assert certificate.status == Certificate.Status.DELIVERED
    document = certificate.document
    assert document is not None and document.category == Category.LAE_275
    assert DocumentShare.objects.filter(document=document, recipient=s.gp).exists()
    assert OutgoingMessage.objects.filter(
        document=document, purpose=OutgoingMessage.Purpose.GP_CERTIFICATE_COPY
    ).exists()
    logout(page)

    # The GP's copy on the GP's pages.
    login(page, live_server, s.gp.username)
    shared = page.locator("#shared-heading").locator("xpath=..")
    copy = shared.get_by_role("row").filter(has_text=case.reference)
    expect(copy).to_contain_text(CERTIFICATE_TITLE)
    expect(copy).to_contain_text(s.citizen.name)
    assert_pdf(page, live_server, copy.get_by_role("link", name=CERTIFICATE_TITLE))
    logout(page)

    # The caseworker: the certificate on the originating team case, and in »Afventer dig«.
    login(page, live_server, s.caseworker.username)
    awaiting = page.locator("#awaiting-heading").locator("xpath=..")
    expect(awaiting).to_contain_text("Læs speciallægeattesten, og afslut sagen")
    goto(page, live_server, f"/sager/{team.pk}/")
    follow(page.get_by_role("link", name="Klinisk funktion", exact=True))
    origin_row = page.get_by_role("row").filter(has_text=case.reference)
    expect(origin_row).to_contain_text("Psykiatri")
    link = origin_row.get_by_role("link", name=CERTIFICATE_TITLE)
    expect(link).to_have_attribute("href", reverse("document-content", args=[document.pk]))
    assert_pdf(page, live_server, link)


def assert_pdf(page, live_server, link) -> None:
    """The link downloads the certificate as a PDF for the logged-in user."""
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
