"""The caseworker's pages for creating, filling in and sending a case of every subtype."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case, CaseEvent, Consent
from sagsbro.cases.rules.consent import ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import REQUIREMENTS
from sagsbro.cases.web.create_flow import CREATABLE_SUBTYPES, edit_field_names
from sagsbro.conftest import (
    COMPLETE,
    assigned_case,
    attach,
    make_case,
    on_meeting_day,
    pdf_bytes,
    sent_case,
)
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services
from sagsbro.organisations.models import Citizen

MISSING = re.compile(r'data-state="mangler"')
MET = re.compile(r'data-state="opfyldt"')


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def search(client, text, **extra):
    """The citizen search on Opret sag as HTMX sends it: a POST with the typed text."""
    return client.post("/sager/ny/borgersoegning/", {"q": text, **extra}, HTTP_HX_REQUEST="true")


def pdf(name="dokument.pdf", text="Testdokument"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def form_value(value):
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def field_data(case, values=None, **extra):
    """What the browser posts with the case form: every field the subtype shows."""
    values = values or {}
    data = {"felter": "1", **extra}
    for name in edit_field_names(case.subtype_enum):
        value = values.get(name, getattr(case, name))
        if value in (None, "", False):
            continue  # an empty text field posts "", an unticked checkbox nothing
        data[name] = form_value(value)
    return data


def checklist_counts(html):
    section = html.split('id="tjekliste"')[1].split("</ul>")[0]
    return len(MET.findall(section)), len(MISSING.findall(section))


def requirement_count(subtype):
    spec = REQUIREMENTS[subtype]
    return (
        len(spec.fields) + len(spec.attachments) + len(spec.consents) + len(spec.consent_statements)
    )


def upload(client, case, category, page="rediger", **extra):
    return client.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {"category": str(category), "title": "", "file": pdf(f"{category}.pdf"), "tilbage": page}
        | extra,
    )


def register_consent(client, case, scope, page="rediger", given_on="05-01-2026", written=True):
    data = {"scope": str(scope), "given_on": given_on, "tilbage": page}
    if written:
        data["written"] = "on"
    return client.post(f"/sager/{case.pk}/samtykke/ny/", data)


def edit_html(client, case):
    response = client.get(f"/sager/{case.pk}/rediger/")
    assert response.status_code == 200
    return response.content.decode()


def fill_in_and_send(client, case, subtype):
    """Fields, documents and consents through the pages; the checklist shrinks at each step."""
    fields, categories, scopes = COMPLETE[subtype]
    total = requirement_count(subtype)
    met, missing = checklist_counts(edit_html(client, case))
    assert met + missing == total

    response = client.post(f"/sager/{case.pk}/rediger/", field_data(case, fields, handling="gem"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/sager/{case.pk}/rediger/#send"
    case.refresh_from_db()
    for name in edit_field_names(subtype):
        if name in fields:
            assert getattr(case, name) == fields[name], name
    previous = missing
    met, missing = checklist_counts(edit_html(client, case))
    assert missing < previous or not any(n in fields for n in edit_field_names(subtype))

    for category in categories:
        previous = missing
        response = upload(client, case, category)
        assert response.status_code == 302
        assert response["Location"] == f"/sager/{case.pk}/rediger/#dokumenter"
        met, missing = checklist_counts(edit_html(client, case))
        assert missing <= previous
    for scope in scopes:
        previous = missing
        response = register_consent(client, case, scope)
        assert response.status_code == 302
        met, missing = checklist_counts(edit_html(client, case))
        assert missing == previous - 1

    assert (met, missing) == (total, 0)
    assert "Sagen er klar til at blive sendt" in edit_html(client, case)

    response = client.post(f"/sager/{case.pk}/rediger/", field_data(case, handling="send"))
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/"
    case.refresh_from_db()
    assert case.state == "sent"
    assert case.events.filter(kind="send").count() == 1
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Sagen er sendt til Region Hovedstaden." in page
    return case


# --- every subtype, created through the pages -----------------------------------------------


@pytest.mark.parametrize("subtype", CREATABLE_SUBTYPES, ids=str)
def test_caseworker_creates_fills_in_and_sends_every_subtype(side_a, subtype):
    client = client_for(side_a.caseworker)
    worklist = client.get("/").content.decode()
    assert 'href="/sager/ny/"' in worklist

    page = client.get("/sager/ny/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-post="/sager/ny/borgersoegning/"' in html
    assert 'href="/borgere/ny/"' in html
    found = search(client, "010180-1234").content.decode()
    assert f'value="{side_a.citizen.pk}" checked' in found
    assert "Borger Anna (CPR 010180-XXXX)" in found
    assert side_a.citizen.cpr not in found and "1234" not in found

    response = client.post("/sager/ny/", {"subtype": str(subtype), "citizen": side_a.citizen.pk})
    assert response.status_code == 302
    case = Case.objects.get(municipality=side_a.municipality)
    assert response["Location"] == f"/sager/{case.pk}/rediger/"
    assert (case.subtype, case.state, case.citizen) == (subtype, "draft", side_a.citizen)
    assert side_a.citizen.cpr not in response["Location"]

    fill_in_and_send(client, case, subtype)


def test_genforelaeggelse_is_reopened_from_a_closed_case_and_sent_through_the_pages(side_a):
    original = make_case(side_a, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    original = case_services.send_case(side_a.caseworker, original)
    original = case_services.assign_coordinator(side_a.secretariat, original, side_a.coordinator)
    meeting_services.record_screening(
        side_a.coordinator,
        original,
        text="Sagen er belyst.",
        medically_clarified=True,
        treatment_exhausted=None,
    )
    with on_meeting_day(original):
        original = meeting_services.hold_meeting(side_a.caseworker, original)
    attach(side_a.caseworker, original, Category.INDSTILLING)
    original = meeting_services.send_indstilling(side_a.caseworker, original)
    assert original.state == "closed"

    client = client_for(side_a.caseworker)
    response = client.post(
        f"/sager/{original.pk}/handling/reopen_as_genforelaeggelse/",
        {"meeting_date": "10-03-2027"},
    )
    assert response.status_code == 302
    case = Case.objects.get(parent=original)
    assert case.subtype == Subtype.GENFORELAEGGELSE

    html = edit_html(client, case)
    # Meeting date, the earlier case, the indstilling and the coordinator's advice are there.
    assert checklist_counts(html) == (4, 2)
    assert original.reference in html
    assert "Overført fra tidligere sag" in html

    for category in (Category.CASEWORKER_SUMMARY, Category.DOCUMENTATION):
        assert upload(client, case, category).status_code == 302
    assert checklist_counts(edit_html(client, case)) == (6, 0)
    response = client.post(f"/sager/{case.pk}/rediger/", field_data(case, handling="send"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "sent"


def test_returned_case_is_completed_and_sent_again_with_a_comment(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    case_services.return_for_information(side_a.coordinator, case, "Vedhæft LÆ 265.")
    client = client_for(side_a.caseworker)
    html = edit_html(client, case)
    assert "Redigér returneret sag" in html
    assert "Vedhæft LÆ 265." in html
    assert "Send igen til regionen" in html
    assert upload(client, case, Category.LAE_265).status_code == 302
    response = client.post(
        f"/sager/{case.pk}/rediger/",
        field_data(case, handling="send", comment="LÆ 265 er vedhæftet."),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "assigned"
    assert case.events.get(kind="resend").comment == "LÆ 265 er vedhæftet."
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Sagen er sendt igen til" in page


# --- sending an incomplete case -------------------------------------------------------------


@pytest.mark.parametrize("with_fields", [True, False])
def test_incomplete_case_is_not_sent_and_every_missing_item_is_shown(side_a, with_fields):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    events = CaseEvent.objects.filter(case=case).count()
    data = field_data(case, handling="send") if with_fields else {"handling": "send"}
    response = client_for(side_a.caseworker).post(f"/sager/{case.pk}/rediger/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-module="error-summary"' in html
    assert "Sagen er ikke sendt" in html
    missing = case_services.missing_requirements(case)
    assert len(missing) == 6
    for item in missing:
        assert f"Mangler: {item.label}" in html
    # Each item links to where it is fixed.
    assert 'href="#id_question">Mangler: Sagsresumé' in html
    assert 'href="#samtykke">Mangler: Borgerens svar om samtykke (givet eller afslået)' in html
    case.refresh_from_db()
    assert case.state == "draft"
    assert case.received_at is None
    assert CaseEvent.objects.filter(case=case).count() == events


def test_send_saves_the_fields_typed_before_refusing(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    response = client_for(side_a.caseworker).post(
        f"/sager/{case.pk}/rediger/",
        field_data(case, {"question": "Kan borgeren fortsætte?"}, handling="send"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Dine ændringer er gemt i kladden." in html
    assert "Mangler: Sagsresumé" not in html
    case.refresh_from_db()
    assert (case.state, case.question) == ("draft", "Kan borgeren fortsætte?")
    assert not case.events.filter(kind="send").exists()


def test_field_errors_are_danish_and_linked(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = client_for(side_a.caseworker)
    response = client.post(
        f"/sager/{case.pk}/rediger/",
        field_data(case, {"contact_preference": "contact_first"}, handling="gem"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_contact_times"' in html
    assert "Skriv, hvornår du kan kontaktes." in html
    assert 'aria-describedby="id_contact_times-hint id_contact_times-error"' in html

    team = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    response = client.post(
        f"/sager/{team.pk}/rediger/", {"felter": "1", "meeting_date": "31-02-2027"}
    )
    assert response.status_code == 400
    assert "Skriv en gyldig dato som dd.mm.åååå" in response.content.decode()
    response = client.post(
        f"/sager/{team.pk}/rediger/", {"felter": "1", "meeting_date": "2020-01-02"}
    )
    assert "Mødedatoen ligger før i dag." in response.content.decode()
    # A date at the end of the calendar is refused, not an overflow in the deadlines.
    for far in ("31.12.9999", "01.01.2201"):
        response = client.post(f"/sager/{team.pk}/rediger/", {"felter": "1", "meeting_date": far})
        assert response.status_code == 400
        assert "Datoen skal ligge mellem år 1900 og 2200." in response.content.decode()
    team.refresh_from_db()
    assert team.meeting_date is None
    # Both date formats are accepted.
    response = client.post(
        f"/sager/{team.pk}/rediger/", {"felter": "1", "meeting_date": "2027-03-10"}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.meeting_date == datetime.date(2027, 3, 10)


def test_edit_form_has_exactly_the_fields_the_subtype_needs(side_a):
    client = client_for(side_a.caseworker)
    team = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    html = edit_html(client, team)
    for name in ("purpose", "meeting_date", "urgent"):
        assert f'name="{name}"' in html
    for name in ("question", "employment_offer", "latest_job", "contact_preference"):
        assert f'name="{name}"' not in html
    senior = make_case(side_a, Subtype.SENIORPENSION, complete=False)
    html = edit_html(client, senior)
    assert 'name="latest_job"' in html and 'name="question"' in html
    assert 'name="meeting_date"' not in html and 'name="urgent"' not in html
    # Labels on every input of the page.
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_edit_page_is_audited_once_and_shows_no_full_cpr(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    client = client_for(side_a.caseworker)
    before = AuditEntry.objects.filter(user=side_a.caseworker, action="read").count()
    html = edit_html(client, case)
    reads = AuditEntry.objects.filter(user=side_a.caseworker, action="read")
    assert reads.count() == before + 1
    last_read = reads.last()
    assert last_read is not None
    assert (last_read.case_id, last_read.channel) == (case.pk, "web")
    assert side_a.citizen.cpr not in html
    assert "010180-XXXX" in html
    assert "/api/v1/documents/" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert ' style="' not in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    overview = client.get(f"/sager/{case.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', overview)
    assert len(ids) == len(set(ids))


def test_create_page_refuses_other_municipalities_citizens_and_genforelaeggelse(side_a, side_b):
    client = client_for(side_a.caseworker)
    html = client.get("/sager/ny/").content.decode()
    assert side_b.citizen.name not in html
    assert "Genforelæggelsessag</label>" not in html
    response = client.post("/sager/ny/", {"subtype": "loebende_sag", "citizen": side_b.citizen.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vælg en borger fra listen." in html
    assert 'id="id_citizen-error"' in html and 'href="#id_citizen"' in html
    assert side_b.citizen.name not in html
    assert not AuditEntry.objects.filter(citizen_id=side_b.citizen.pk).exists()
    response = client.post(
        "/sager/ny/", {"subtype": "genforelaeggelse", "citizen": side_a.citizen.pk}
    )
    assert response.status_code == 400
    assert "Vælg en af sagstyperne på listen." in response.content.decode()
    response = client.post("/sager/ny/", {})
    html = response.content.decode()
    assert "Vælg sagens type." in html and "Vælg en borger." in html
    assert 'href="#id_subtype_0"' in html
    assert not Case.objects.exists()


def test_create_page_does_not_offer_klinisk_funktion_and_says_where_referrals_are_made(side_a):
    """A klinisk funktion case is made by the referral from the case it concerns (BEK § 13);
    the page does not offer it, says where it is made, and refuses it posted anyway."""
    assert Subtype.KLINISK_FUNKTION not in CREATABLE_SUBTYPES
    client = client_for(side_a.caseworker)
    html = client.get("/sager/ny/").content.decode()
    assert 'value="klinisk_funktion"' not in html
    assert "Vurdering i klinisk funktion</label>" not in html
    assert "»Henvis til klinisk funktion (LÆ 271)«" in html
    response = client.post(
        "/sager/ny/", {"subtype": "klinisk_funktion", "citizen": side_a.citizen.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_subtype-error"' in html
    assert "En sag til klinisk funktion oprettes ikke for sig selv, men som en henvisning" in html
    assert "Vælg en af sagstyperne på listen." not in html
    assert not Case.objects.exists()


# --- documents ------------------------------------------------------------------------------


def test_document_errors_are_shown_in_danish_and_nothing_is_stored(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = client_for(side_a.caseworker)
    empty = client.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {
            "category": "lae_265",
            "file": SimpleUploadedFile("tom.pdf", b"", content_type="application/pdf"),
            "tilbage": "rediger",
        },
    )
    assert empty.status_code == 400
    assert "Filen er tom." in empty.content.decode()
    assert 'href="#id_file"' in empty.content.decode()
    wrong = client.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {
            "category": "lae_265",
            "file": SimpleUploadedFile("arkiv.zip", b"PK\x03\x04", content_type="application/zip"),
            "tilbage": "dokumenter",
        },
    )
    html = wrong.content.decode()
    assert wrong.status_code == 400
    assert "Filtypen er ikke tilladt" in html
    assert 'aria-current="page"><span>Dokumenter' in html
    missing = client.post(f"/sager/{case.pk}/dokumenter/ny/", {"tilbage": "rediger"})
    assert "Vælg dokumenttypen." in missing.content.decode()
    assert "Vælg en fil." in missing.content.decode()
    # The municipality cannot add the region's documents.
    regional = upload(client, case, Category.LAE_275)
    assert regional.status_code == 400
    assert "Vælg en dokumenttype fra listen." in regional.content.decode()
    assert not Document.objects.filter(case=case).exists()


def test_documents_tab_uploads_and_lists_with_title(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = client_for(side_a.caseworker)
    tab = client.get(f"/sager/{case.pk}/dokumenter/").content.decode()
    assert 'enctype="multipart/form-data"' in tab
    assert "Nye helbredsoplysninger" in tab
    response = upload(
        client, case, Category.NEW_HEALTH_INFORMATION, page="dokumenter", title="Epikrise"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/dokumenter/"
    tab = client.get(f"/sager/{case.pk}/dokumenter/").content.decode()
    document = case.documents.get()
    assert document.title == "Epikrise"
    assert f"/api/v1/documents/{document.pk}/content/" in tab
    assert client.get(f"/api/v1/documents/{document.pk}/content/").status_code == 200


def test_edit_page_queries_do_not_grow_with_the_number_of_documents(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = client_for(side_a.caseworker)

    def queries():
        client.get(f"/sager/{case.pk}/rediger/")  # warm up
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/sager/{case.pk}/rediger/").status_code == 200
        return len(captured)

    for _ in range(2):
        attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION)
    with_two = queries()
    for _ in range(10):
        attach(side_a.caseworker, case, Category.OTHER_HEALTH_INFORMATION)
    assert case.documents.count() == 12
    assert queries() == with_two


# --- consents -------------------------------------------------------------------------------


def test_consent_is_registered_and_withdrawn_on_the_overview(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    client = client_for(side_a.caseworker)
    html = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Registrér samtykke" in html
    assert "Der er ikke registreret samtykke for borgeren." in html
    response = register_consent(
        client, case, ConsentScope.OBTAIN_RECORDS, page="overblik", given_on="2026-01-05"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sager/{case.pk}/"
    consent = Consent.objects.get(citizen=side_a.citizen)
    assert (consent.scope, consent.given_on, consent.written) == (
        "obtain_records",
        datetime.date(2026, 1, 5),
        True,
    )
    html = client.get(f"/sager/{case.pk}/").content.decode()
    assert "Journaloplysninger og statusattester" in html
    assert "Gældende" in html
    response = client.post(
        f"/sager/{case.pk}/samtykke/{consent.pk}/tilbagekald/", {"tilbage": "overblik"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    assert "Tilbagekaldt" in client.get(f"/sager/{case.pk}/").content.decode()


def test_consent_errors_and_unwritten_consent_to_contact_the_gp(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    client = client_for(side_a.caseworker)
    response = register_consent(client, case, "", given_on="i går")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg, hvad samtykket dækker." in html
    assert "Skriv en gyldig dato som dd.mm.åååå" in html
    future = register_consent(client, case, ConsentScope.CONTACT_GP, given_on="01-01-2099")
    assert "Datoen må ikke ligge i fremtiden." in future.content.decode()
    # Not written: registered, but it does not cover contact with the GP.
    response = register_consent(client, case, ConsentScope.CONTACT_GP, written=False)
    assert response.status_code == 302
    html = edit_html(client, case)
    assert "Gælder ikke: skal være givet skriftligt" in html
    assert 'data-key="consent:contact_gp"' in html
    item = html.split('data-key="consent:contact_gp"')[0].rsplit("<li", 1)[1]
    assert 'data-state="mangler"' in item


def test_withdrawing_consent_puts_it_back_on_the_checklist(side_a):
    case = make_case(side_a, Subtype.JOBAFKLARING_4AAR)
    client = client_for(side_a.caseworker)
    assert checklist_counts(edit_html(client, case)) == (2, 0)
    consent = Consent.objects.get(citizen=side_a.citizen)
    response = client.post(
        f"/sager/{case.pk}/samtykke/{consent.pk}/tilbagekald/", {"tilbage": "rediger"}
    )
    assert response["Location"] == f"/sager/{case.pk}/rediger/#samtykke"
    assert checklist_counts(edit_html(client, case)) == (1, 1)


# --- citizens -------------------------------------------------------------------------------


def test_citizen_form_rejects_a_malformed_cpr_in_danish(side_a):
    client = client_for(side_a.caseworker)
    page = client.get("/borgere/ny/").content.decode()
    assert side_a.gp.get_full_name() in page
    response = client.post("/borgere/ny/", {"cpr": "12345", "name": "Ny Borger"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "CPR-nummeret skal have formen DDMMÅÅ-XXXX." in html
    assert 'id="id_cpr-error"' in html
    assert 'aria-describedby="id_cpr-hint id_cpr-error"' in html
    assert 'href="#id_cpr"' in html
    response = client.post("/borgere/ny/", {"cpr": "3102801234", "name": "Ny Borger"})
    assert "CPR-nummeret indeholder ikke en gyldig fødselsdato." in response.content.decode()
    duplicate = client.post("/borgere/ny/", {"cpr": side_a.citizen.cpr, "name": "Igen"})
    assert "Borgeren er allerede oprettet i kommunen." in duplicate.content.decode()
    assert not Citizen.objects.filter(name="Ny Borger").exists()


def test_citizen_is_created_and_preselected_for_the_new_case(side_a):
    client = client_for(side_a.caseworker)
    response = client.post(
        "/borgere/ny/",
        {
            "cpr": "150392-4321",
            "name": "Ny Borger",
            "general_practitioner": side_a.gp.pk,
            "has_children": "on",
        },
    )
    assert response.status_code == 302
    citizen = Citizen.objects.get(name="Ny Borger")
    assert response["Location"] == f"/sager/ny/?borger={citizen.pk}"
    assert "4321" not in response["Location"]
    assert (citizen.cpr, citizen.general_practitioner, citizen.has_children) == (
        "1503924321",
        side_a.gp,
        True,
    )
    assert citizen.municipality == side_a.municipality
    html = client.get(response["Location"]).content.decode()
    assert re.search(
        rf'<input type="radio" class="form-radio" id="(id_citizen_0)" name="citizen" '
        rf'value="{citizen.pk}" checked>\s*<label class="form-label" for="\1">'
        r"Ny Borger \(CPR 150392-XXXX\)</label>",
        html,
    )
    assert html.count('name="citizen"') == 1
    assert "4321" not in html


# --- access ---------------------------------------------------------------------------------


def test_other_municipality_gets_404_on_every_case_page_and_form(side_a, side_b):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    consent = Consent.objects.get(citizen=side_a.citizen)
    client = client_for(side_b.caseworker)
    base = f"/sager/{case.pk}"
    assert client.get(f"{base}/rediger/").status_code == 404
    assert client.post(f"{base}/rediger/", {"handling": "send"}).status_code == 404
    assert upload(client, case, Category.LAE_265).status_code == 404
    assert register_consent(client, case, ConsentScope.CONTACT_GP).status_code == 404
    assert client.post(f"{base}/samtykke/{consent.pk}/tilbagekald/").status_code == 404
    case.refresh_from_db()
    assert case.state == "draft"
    assert case.documents.count() == 3
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    # A consent of another citizen cannot be reached through this case.
    other = make_case(side_b, Subtype.JOBAFKLARING_4AAR)
    foreign = Consent.objects.get(citizen=side_b.citizen)
    own = client_for(side_a.caseworker)
    assert own.post(f"{base}/samtykke/{foreign.pk}/tilbagekald/").status_code == 404
    # The other municipality's probes are recorded as refused, and as nothing else.
    probes = AuditEntry.objects.filter(user=side_b.caseworker, case_id=case.pk)
    assert probes.exists()
    assert set(probes.values_list("action", flat=True)) == {AuditEntry.Action.DENIED}
    assert other.pk != case.pk


def test_region_team_members_and_gps_cannot_edit(side_a):
    draft = make_case(side_a, Subtype.LOEBENDE_SAG)
    assigned = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    assert client_for(side_a.coordinator).get(f"/sager/{draft.pk}/rediger/").status_code == 404
    assert client_for(side_a.coordinator).get(f"/sager/{assigned.pk}/rediger/").status_code == 403
    assert client_for(side_a.secretariat).get(f"/sager/{draft.pk}/rediger/").status_code == 404
    assert client_for(side_a.team_member).get(f"/sager/{draft.pk}/rediger/").status_code == 403
    assert client_for(side_a.gp).get(f"/sager/{draft.pk}/rediger/").status_code == 404
    for user in (side_a.coordinator, side_a.secretariat, side_a.team_member, side_a.gp):
        assert client_for(user).get("/sager/ny/").status_code == 403, user
        assert client_for(user).get("/borgere/ny/").status_code == 403, user
    # The coordinator sees the consents on the overview but cannot register or withdraw.
    html = client_for(side_a.coordinator).get(f"/sager/{assigned.pk}/").content.decode()
    assert "Sundhedskoordinatoren må drøfte sagen" in html
    assert "Registrér samtykke" not in html
    consent = Consent.objects.filter(citizen=side_a.citizen).first()
    assert consent is not None
    response = client_for(side_a.coordinator).post(
        f"/sager/{assigned.pk}/samtykke/{consent.pk}/tilbagekald/"
    )
    assert response.status_code == 403


def test_sent_case_is_no_longer_editable(side_a):
    case = sent_case(side_a, Subtype.KLINISK_FUNKTION)
    client = client_for(side_a.caseworker)
    response = client.get(f"/sager/{case.pk}/rediger/", follow=True)
    assert response.redirect_chain[-1][0] == f"/sager/{case.pk}/"
    assert "kan kun redigeres, mens den er kladde" in response.content.decode()
    assert "Redigér kladde" not in response.content.decode()


def test_login_is_required_on_every_new_page(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    client = Client()
    for url in ("/sager/ny/", "/borgere/ny/", f"/sager/{case.pk}/rediger/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    response = client.post(f"/sager/{case.pk}/dokumenter/ny/")
    assert response.status_code == 302
