"""Vedhæft dokument with the document's own date and author, and the draft page's recommended
documents (the evaluation's checklist): shown and checked, never holding up sending."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import withdraw_case_document
from sagsbro.cases.tests.web.test_create_pages import field_data
from sagsbro.conftest import make_case, pdf_bytes
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import Category


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post_document(client, case, category, **extra):
    data = {
        "category": str(category),
        "title": "",
        "file": SimpleUploadedFile("attest.pdf", pdf_bytes(), content_type="application/pdf"),
        "tilbage": "rediger",
    }
    return client.post(f"/sager/{case.pk}/dokumenter/ny/", data | extra)


def recommended(client, case):
    """The recommended items of the draft page: (label, state) in order."""
    html = client.get(f"/sager/{case.pk}/rediger/").content.decode()
    section = html.split('id="anbefalede-dokumenter"')[1].split("</ul>")[0]
    items = re.findall(
        r'data-state="([a-z-]+)" data-key="[^"]+">.*?<span class="weight-semibold">([^<]+)</span>',
        section,
        re.S,
    )
    return [(label, state) for state, label in items]


def test_the_form_takes_the_date_and_author_as_other_dates_are_written(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    client = client_for(side_a.caseworker)
    html = client.get(f"/sager/{case.pk}/rediger/").content.decode()
    assert "Dokumentets dato" in html and "Afsender (fx lægens klinik)" in html
    assert 'name="document_date"' in html and 'inputmode="numeric"' in html

    response = post_document(
        client,
        case,
        Category.LAE_265,
        document_date="14.09.2026",
        author_organisation="Lægehuset Nørrebrogade",
    )
    assert response.status_code == 302
    document = case.documents.get()
    assert document.document_date == datetime.date(2026, 9, 14)
    assert document.author_organisation == "Lægehuset Nørrebrogade"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"document_date": "01.01.2099"}, "Dokumentets dato kan ikke ligge i fremtiden."),
        ({"document_date": "31.02.2026"}, "Skriv en gyldig dato som dd.mm.åååå, fx 10.03.2027."),
        ({"author_organisation": "x" * 201}, "Afsenderen må højst være 200 tegn."),
        (
            {"author_organisation": "Klinik\x1bNord"},
            "Afsenderen indeholder tegn, der ikke kan gemmes.",
        ),
    ],
)
def test_a_bad_date_or_author_is_refused_in_danish_and_nothing_is_stored(side_a, values, message):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    blobs = Blob.objects.count()
    response = post_document(client_for(side_a.caseworker), case, Category.LAE_265, **values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.filter(case=case).exists()
    assert Blob.objects.count() == blobs


def test_today_is_a_valid_document_date(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    today = timezone.localdate()
    response = post_document(
        client_for(side_a.caseworker), case, Category.LAE_265, document_date=f"{today:%d.%m.%Y}"
    )
    assert response.status_code == 302
    assert case.documents.get().document_date == today


def test_the_draft_page_checks_the_recommended_documents_without_blocking_sending(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    client = client_for(side_a.caseworker)
    assert recommended(client, case) == [
        ("Sagsresumé til den forberedende del", "ikke-vedlagt"),
        ("Nyeste speciallægeattester og psykologiske undersøgelser", "ikke-vedlagt"),
        ("Nyeste øvrige lægeattester, der uddyber LÆ 265", "ikke-vedlagt"),
        ("Rapporter fra virksomhedspraktik, arbejdsprøvning eller opkvalificering", "ikke-vedlagt"),
    ]
    html = client.get(f"/sager/{case.pk}/rediger/").content.decode()
    assert "Anbefalet · ikke vedlagt" in html
    assert "Sagen er klar til at blive sendt" in html
    # The link preselects a category the municipality may add (not the region's LÆ 275).
    assert 'href="?kategori=psychological_assessment#dokument-form"' in html

    assert post_document(client, case, Category.PSYCHOLOGICAL_ASSESSMENT).status_code == 302
    state = dict(recommended(client, case))
    assert state["Nyeste speciallægeattester og psykologiske undersøgelser"] == "vedlagt"
    assert "Anbefalet · vedlagt" in client.get(f"/sager/{case.pk}/rediger/").content.decode()

    # A withdrawn attachment no longer counts.
    document = case.documents.get(category=Category.PSYCHOLOGICAL_ASSESSMENT)
    withdraw_case_document(side_a.caseworker, case, document, reason="Forkert borger.")
    state = dict(recommended(client, case))
    assert state["Nyeste speciallægeattester og psykologiske undersøgelser"] == "ikke-vedlagt"

    # Sent with three of four recommended documents missing.
    response = client.post(f"/sager/{case.pk}/rediger/", field_data(case, handling="send"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "sent"


def test_a_subtype_without_recommended_documents_shows_no_list(side_a):
    case = make_case(side_a, Subtype.JOBAFKLARING_4AAR, complete=False)
    html = client_for(side_a.caseworker).get(f"/sager/{case.pk}/rediger/").content.decode()
    assert 'id="tjekliste"' in html
    assert "anbefalede-dokumenter" not in html
