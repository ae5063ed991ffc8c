"""The specialist's pages: the tab »Konsultation og attest«, the note, an investigation, a
record request and the certificate from draft over preview to signature; then delivery, the
caseworker's »Afventer dig« and the GP's copy on the GP's page."""

import datetime

from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import Certificate, Investigation, RecordRequest
from sagsbro.clinical.testing import (
    book_consultation,
    hold_consultation_at_booked_time,
    sign_complete_certificate,
)
from sagsbro.conftest import assigned_case, upload

SECTIONS = {
    "functional_capacity": "Kan arbejde siddende.",
    "health": "Artrose i knæet, objektivt hævelse.",
    "citizen_view": "Borgeren ønsker at prøve kontorarbejde.",
    "doctor_view": "Siddende arbejde 30 timer om ugen.",
}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def consulted(side):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    book_consultation(side.secretariat, case)
    return hold_consultation_at_booked_time(side.specialist, case)


def test_the_specialist_works_the_case_from_its_tab(side_a):
    s = side_a
    case = consulted(s)
    page = client_for(s.specialist)
    base = f"/sager/{case.pk}/vurdering/"

    tab = page.get(base)
    assert tab.status_code == 200
    html = tab.content.decode()
    assert "Konsultation og attest" in html and "Skriv speciallægeattest" in html

    assert page.post(f"{base}notat/", {"note": "Knæet er hævet."}).status_code == 302
    assert "Knæet er hævet." in page.get(base).content.decode()

    refused = page.post(
        f"{base}undersoegelser/ny/", {"kind": "imaging", "description": "Røntgen af knæ"}
    )
    assert refused.status_code == 400
    assert "informerede samtykke" in refused.content.decode()
    assert not Investigation.objects.exists()
    response = page.post(
        f"{base}undersoegelser/ny/",
        {"kind": "imaging", "description": "Røntgen af knæ", "citizen_consented": "1"},
    )
    assert response.status_code == 302
    investigation = Investigation.objects.get()
    response = page.post(
        f"{base}undersoegelser/{investigation.pk}/udfoert/",
        {"done_on": f"{datetime.date.today():%d.%m.%Y}"},
    )
    assert response.status_code == 302

    refused = page.post(f"{base}journaler/ny/", {"source": "Hvidovre Hospital"})
    assert refused.status_code == 400
    assert "skriftlige samtykke" in refused.content.decode()
    Consent.objects.create(
        citizen=s.citizen,
        scope="obtain_records",
        given_on=datetime.date.today(),
        written=True,
        registered_by=s.caseworker,
    )
    assert page.post(f"{base}journaler/ny/", {"source": "Hvidovre Hospital"}).status_code == 302
    made = RecordRequest.objects.get()
    assert page.post(f"{base}journaler/{made.pk}/modtaget/").status_code == 302
    made.refresh_from_db()
    assert made.received_at is not None

    # The draft: saved incomplete, previewed with what is missing, then completed and signed.
    response = page.post(f"{base}attest/", {"health": "Artrose", "intent": "preview"})
    assert response.status_code == 302
    draft = Certificate.objects.get(case=case)
    preview = page.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Attesten kan ikke underskrives endnu" in html
    assert "Beskriv borgerens funktionsevne" in html
    assert "Underskriv attesten" not in html

    response = page.post(f"{base}attest/", {**SECTIONS, "intent": "preview"})
    assert response.status_code == 302
    html = page.get(response["Location"]).content.decode()
    assert "Kan arbejde siddende." in html and s.region.klinisk_funktion_name in html
    assert "Underskriv attesten" in html
    response = page.post(f"{base}attest/{draft.pk}/underskriv/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Certificate.Status.SIGNED and draft.document is None
    # Before delivery the PDF is klinisk funktion's alone: opened from the tab, audited, and
    # not found by the municipality.
    pdf_url = f"{base}attest/{draft.pk}/pdf/"
    assert pdf_url in page.get(base).content.decode()
    response = page.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DOWNLOAD, object_type="certificate", object_id=str(draft.pk)
    ).exists()
    assert client_for(s.caseworker).get(pdf_url).status_code == 404
    assert client_for(s.gp).get(pdf_url).status_code == 404

    # Delivery: the municipality's »Afventer dig«, and the GP's copy on the GP's page.
    response = page.post(f"/sager/{case.pk}/handling/deliver_certificate/")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "answered"
    worklist = client_for(s.caseworker).get("/")
    awaiting = {c.pk: c.next_step for c in worklist.context["worklist"].awaiting.rows}
    assert awaiting == {case.pk: "Læs speciallægeattesten, og afslut sagen"}
    draft.refresh_from_db()
    assert draft.document is not None
    gp_page = client_for(s.gp).get("/").content.decode()
    assert draft.document.title in gp_page


def test_the_municipality_and_other_regions_do_not_get_the_pages(side_a, side_b):
    s = side_a
    case = consulted(s)
    base = f"/sager/{case.pk}/vurdering/"
    caseworker = client_for(s.caseworker)
    assert "Konsultation og attest" not in caseworker.get(f"/sager/{case.pk}/").content.decode()
    assert caseworker.get(f"{base}notat/").status_code == 403
    assert caseworker.post(f"{base}attest/", SECTIONS).status_code == 403
    assert not Certificate.objects.exists()
    for user in (side_b.specialist, side_b.secretariat):
        mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        assert client_for(user).get(f"{base}attest/").status_code == 404
        denied = AuditEntry.objects.filter(id__gt=mark, action=AuditEntry.Action.DENIED)
        assert denied.count() == 1
    # The region's secretariat reads the tab but does not write.
    secretariat = client_for(s.secretariat)
    html = secretariat.get(base).content.decode()
    assert "Konsultation og attest" in html and "Skriv speciallægeattest" not in html
    assert secretariat.post(f"{base}attest/", SECTIONS).status_code == 400
    assert not Certificate.objects.exists()


def test_no_lae_275_file_on_the_documents_tab(side_a):
    # The case's LÆ 275 is the signed certificate, filed at delivery: the Dokumenter tab
    # refuses a file of that type with the reason, and nothing is stored.
    s = side_a
    case = consulted(s)
    # Not offered in the tab's list of document types at all.
    tab = client_for(s.specialist).get(f"/sager/{case.pk}/dokumenter/").content.decode()
    assert 'name="category"' in tab and 'value="lae_275"' not in tab
    response = client_for(s.specialist).post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {"category": "lae_275", "file": upload("lae_275"), "tilbage": "dokumenter"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "kan ikke vedhæftes som fil" in html and "fanen Vurdering" in html
    assert not case.documents.filter(category="lae_275").exists()


def test_delivery_page_asks_why_when_the_citizen_has_no_gp(side_a):
    s = side_a
    case = consulted(s)
    sign_complete_certificate(s.specialist, case)
    s.citizen.general_practitioner = None
    s.citizen.save(update_fields=["general_practitioner"])
    page = client_for(s.specialist)
    url = f"/sager/{case.pk}/handling/deliver_certificate/"
    form = page.get(url).content.decode()
    assert "Begrundelse for levering uden kopi til egen læge" in form
    assert "sygesikringsgruppe 2" in form
    refused = page.post(url, {"no_gp_reason": ""})
    assert refused.status_code == 400
    assert "Borgeren har ingen egen læge registreret" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).state == "consultation_held"
    response = page.post(url, {"no_gp_reason": "Sygesikringsgruppe 2."})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "answered"
    followed = page.get(response["Location"]).content.decode()
    assert "Borgeren har ingen egen læge registreret, så der er ikke sendt en kopi." in followed
