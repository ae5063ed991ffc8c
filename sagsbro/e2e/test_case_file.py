""" "Åbn alle dokumenter" in a browser: the button on the Dokumenter tab shows that the case
file is being built, the page polls until the task has built it, and the link then opens the
PDF."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.documents.models import CombinedCaseFile, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import store_blob
from sagsbro.documents.tasks import build_combined_case_file
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.e2e.conftest import check_page, goto, login

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
