"""The Dokumenter tab shows each document's pages and the case's total, and warns past the
collaboration agreement's page budget (50 pages without an agreement). Its query count does not
grow with the documents: test_page_queries.test_case_page_queries_do_not_grow["dokumenter"]."""

import datetime
import re

import pytest
from django.test import Client

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document, withdraw_case_document
from sagsbro.conftest import assigned_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.organisations.models import CollaborationAgreement


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _attach(side, case, label, pages):
    return add_case_document(
        side.caseworker,
        case,
        category=str(Category.OTHER_HEALTH_INFORMATION),
        title=label,
        filename=f"{label}.pdf",
        content=multi_page_pdf(label, pages),
    )


def _pages_already(case):
    """The pages of what the case was created with (the subtype's required attachments)."""
    pages = list(Document.objects.filter(case=case).values_list("pages", flat=True))
    assert None not in pages
    return sum(pages)


def _tab(user, case):
    client = Client()
    client.force_login(user)
    response = client.get(f"/sager/{case.pk}/dokumenter/")
    assert response.status_code == 200
    return response.content.decode()


def _total_shown(tab):
    match = re.search(r"I alt (\d+) side", tab)
    assert match is not None
    return int(match.group(1))


def test_pages_per_document_and_the_total_without_copies_or_withdrawn(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    # As the tab counts what the case was created with (whether their texts were found to be
    # the same yet depends on the background fingerprinting): the new documents add to it.
    before = _total_shown(_tab(side_a.caseworker, case))
    _attach(side_a, case, "Epikrise", 30)
    _attach(side_a, case, "Epikrise", 30)  # the same bytes again: counted once
    _attach(side_a, case, "Notat", 1)
    mistaken = _attach(side_a, case, "Forkert", 40)
    withdraw_case_document(side_a.caseworker, case, mistaken, reason="Forkert borger")

    tab = _tab(side_a.caseworker, case)
    assert "30 sider" in tab
    assert "1 side<" in tab
    assert "40 sider" in tab  # the withdrawn one is still listed to its uploader
    assert f"I alt {before + 31} sider" in tab
    assert "page-budget-warning" not in tab


def test_past_the_default_budget_the_tab_warns(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    _attach(side_a, case, "Journal", 50 - _pages_already(case))
    assert "page-budget-warning" not in _tab(side_a.secretariat, case)

    _attach(side_a, case, "Notat", 1)
    tab = _tab(side_a.secretariat, case)
    assert "I alt 51 sider" in tab
    assert "alert alert-warning" in tab
    assert "Sagen fylder 51 sider – over samarbejdsaftalens grænse på 50 sider." in tab


def test_the_agreements_budget_is_used(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2000, 1, 1),
        page_budget=10,
    )
    _attach(side_a, case, "Journal", 11 - _pages_already(case))
    tab = _tab(side_a.caseworker, case)
    assert "Sagen fylder 11 sider – over samarbejdsaftalens grænse på 10 sider." in tab
