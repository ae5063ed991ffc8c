""" "Åbn alle dokumenter" on the documents tab and in the API: a small case file is served at
once, a large one answers with its status (202, the page polling) until the task has built
it; every download is audited; another organisation and the GP get nothing."""

import io

import pytest
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case
from sagsbro.documents.models import CombinedCaseFile, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import store_blob
from sagsbro.documents.tasks import build_combined_case_file
from sagsbro.documents.tests.case_file_files import multi_page_pdf


def case_with_documents(side, count, pages=2):
    case = make_case(side, Subtype.REHABILITERINGSTEAM, complete=False)
    for n in range(count):
        Document.objects.create(
            case=case,
            category=Category.LAE_265 if n % 2 else Category.FORBEREDENDE_DEL,
            title=f"Bilag {n}",
            filename=f"bilag-{n}.pdf",
            content_type="application/pdf",
            blob=store_blob(multi_page_pdf(f"Bilag {n}", pages)),
            uploaded_by=side.caseworker,
        )
    return case


def downloads(case):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.DOWNLOAD, object_type="combined_case_file", case_id=case.pk
    )


def built_now(case):
    row = CombinedCaseFile.objects.get(case=case)
    build_combined_case_file.call(row.pk)


@pytest.mark.django_db
def test_the_api_serves_a_small_case_file_at_once_and_audits_it(side_a):
    case = case_with_documents(side_a, 3)
    url = f"/api/v1/cases/{case.pk}/documents/combined/"

    response = api_client(side_a.caseworker).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="dokumentsamling-{case.reference}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.outline) == 3
    assert len(reader.pages) == 3 * 2 + 1
    assert downloads(case).filter(user=side_a.caseworker, channel="api").count() == 1
    # Asked again: the same file, not built again.
    assert api_client(side_a.caseworker).get(url).status_code == 200
    assert CombinedCaseFile.objects.filter(case=case).count() == 1
    assert downloads(case).count() == 2


@pytest.mark.django_db
def test_the_api_answers_202_while_a_large_case_file_is_built(side_a):
    case = case_with_documents(side_a, 12)
    url = f"/api/v1/cases/{case.pk}/documents/combined/"
    client = api_client(side_a.caseworker)

    building = client.get(url)
    assert building.status_code == 202
    assert building.json() == {
        "status": "building",
        "detail": "Dokumentsamlingen dannes …",
        "retry_after": 2,
    }
    assert building["Retry-After"] == "2"
    assert not downloads(case).exists()

    built_now(case)
    ready = client.get(url)
    assert ready.status_code == 200
    assert len(PdfReader(io.BytesIO(b"".join(ready.streaming_content))).outline) == 12
    assert downloads(case).count() == 1


@pytest.mark.django_db
def test_another_organisation_and_the_gp_get_nothing(side_a, side_b):
    case = case_with_documents(side_a, 2)
    url = f"/api/v1/cases/{case.pk}/documents/combined/"
    for user in (side_b.caseworker, side_b.coordinator, side_a.gp):
        assert api_client(user).get(url).status_code == 404
        client = Client()
        client.force_login(user)
        assert client.get(reverse("cases:case-file", args=[case.pk])).status_code == 404
        assert client.get(reverse("cases:case-file-status", args=[case.pk])).status_code == 404
    assert api_client().get(url).status_code in (401, 403)
    assert not CombinedCaseFile.objects.filter(case=case).exists()
    assert not downloads(case).exists()


@pytest.mark.django_db
def test_the_documents_tab_button_polls_until_the_file_is_ready(side_a):
    case = case_with_documents(side_a, 12)
    client = Client()
    client.force_login(side_a.caseworker)

    tab = client.get(reverse("cases:detail-tab", args=[case.pk, "dokumenter"]))
    assert "Åbn alle dokumenter" in tab.text
    status_url = reverse("cases:case-file-status", args=[case.pk])
    assert f'hx-get="{status_url}"' in tab.text

    building = client.get(status_url, headers={"HX-Request": "true"})
    assert "Dokumentsamlingen dannes …" in building.text
    assert 'hx-trigger="every 2s"' in building.text
    # Without JavaScript the link answers with the same status on a page of its own.
    page = client.get(reverse("cases:case-file", args=[case.pk]))
    assert page.status_code == 202
    assert "Dokumentsamlingen dannes …" in page.text

    built_now(case)
    ready = client.get(status_url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in ready.text
    assert "Åbn dokumentsamlingen" in ready.text
    assert "12 dokumenter, 25 sider" in ready.text

    pdf = client.get(reverse("cases:case-file", args=[case.pk]))
    assert isinstance(pdf, FileResponse)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    assert len(PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages) == 25
    assert downloads(case).filter(channel="web", user=side_a.caseworker).count() == 1


@pytest.mark.django_db
def test_the_gp_sees_no_button(side_a):
    from sagsbro.documents.models import DocumentShare

    case = case_with_documents(side_a, 1)
    DocumentShare.objects.create(
        document=case.documents.get(), recipient=side_a.gp, reason="Til orientering"
    )
    client = Client()
    client.force_login(side_a.gp)
    tab = client.get(reverse("cases:detail-tab", args=[case.pk, "dokumenter"]))
    assert "Åbn alle dokumenter" not in tab.text
