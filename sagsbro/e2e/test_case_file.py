""" "Åbn alle dokumenter" in a browser: the button on the Dokumenter tab shows that the case
file is being built, the page polls until the task has built it, and the link then opens the
PDF; a build that failed says so and "Prøv igen" builds it anew. The tab's list is paged."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tests.web.test_case_file_pages import case_with_documents
from sagsbro.cases.web import case_page
from sagsbro.conftest import make_case
from sagsbro.documents.case_file import BUILD_ERROR, combined_case_file
from sagsbro.documents.models import CombinedCaseFile, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import store_blob
from sagsbro.documents.tasks import build_combined_case_file
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.e2e.conftest import check_page, follow, goto, login

pytestmark = pytest.mark.e2e


def test_open_all_documents_shows_progress_then_the_pdf(page, live_server, side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    for n in range(12):
        Document.objects.create(
            case=case,
            category=Category.OTHER,
            title=f"Bilag {n}",
            filename=f"bilag-{n}.pdf",
            content_type="application/pdf",
            blob=store_blob(multi_page_pdf(f"Bilag {n}", 2)),
            uploaded_by=side_a.caseworker,
        )

    login(page, live_server, side_a.caseworker.username)
    goto(page, live_server, f"/sager/{case.pk}/dokumenter/")
    page.get_by_role("link", name="Åbn alle dokumenter").click()
    expect(page.locator("#case-file-status")).to_contain_text("Dokumentsamlingen dannes …")
    check_page(page)

    # The worker builds it; the page's polling shows the link without a reload.
    build_combined_case_file.call(CombinedCaseFile.objects.get(case=case).pk)
    link = page.get_by_role("link", name="Åbn dokumentsamlingen")
    expect(link).to_be_visible()
    expect(page.locator("#case-file-status")).to_contain_text("12 dokumenter, 25 sider")
    check_page(page)

    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_a_failed_case_file_says_so_and_is_built_again_on_request(page, live_server, side_a):
    case = case_with_documents(side_a, 12)
    row = combined_case_file(case)
    CombinedCaseFile.objects.filter(pk=row.pk).update(error=BUILD_ERROR)

    login(page, live_server, side_a.caseworker.username)
    goto(page, live_server, f"/sager/{case.pk}/dokumenter/")
    page.get_by_role("link", name="Åbn alle dokumenter").click()
    status = page.locator("#case-file-status")
    expect(status).to_contain_text("Dokumentsamlingen kunne ikke dannes")
    expect(status).to_contain_text(BUILD_ERROR)
    check_page(page)

    page.get_by_role("button", name="Prøv igen").click()
    expect(status).to_contain_text("Dokumentsamlingen dannes …")
    build_combined_case_file.call(row.pk)
    expect(page.get_by_role("link", name="Åbn dokumentsamlingen")).to_be_visible()
    check_page(page)


def test_the_documents_tab_pages_its_list(page, live_server, side_a, monkeypatch):
    monkeypatch.setattr(case_page, "DOCUMENTS_PER_PAGE", 5)
    case = case_with_documents(side_a, 7)

    login(page, live_server, side_a.caseworker.username)
    goto(page, live_server, f"/sager/{case.pk}/dokumenter/")
    rows = page.locator("#documents-table tbody tr")
    expect(rows).to_have_count(5)
    pager = page.get_by_role("navigation", name="Sider i listen over dokumenter")
    expect(pager).to_contain_text("Viser 1–5")

    follow(pager.get_by_role("link", name="Næste"))
    expect(rows).to_have_count(2)
    expect(pager).to_contain_text("Viser 6–7")
    follow(pager.get_by_role("link", name="Forrige"))
    expect(rows).to_have_count(5)
