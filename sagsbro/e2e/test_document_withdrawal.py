"""The Dokumenter tab in a browser: a PDF opens under its own name, and a document attached by
mistake is withdrawn with a reason and stays on the tab struck through."""

import re

import pytest
from playwright.sync_api import expect

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, attach
from sagsbro.documents.rules import Category
from sagsbro.e2e.conftest import follow, goto, login

pytestmark = pytest.mark.e2e


def test_caseworker_views_and_withdraws_a_mistaken_document(page, live_server, side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    document = attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION, "Forkert")
    title = document.title

    login(page, live_server, side_a.caseworker.username)
    goto(page, live_server, f"/sager/{case.pk}/dokumenter/")
    href = f"/api/v1/documents/{document.pk}/content/"
    expect(page.locator(f'a[href="{href}"]')).to_have_text(title)
    # What the link delivers, with the browser's session: the PDF inline under its name.
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'inline; filename="new_health_information.pdf"; '
        "filename*=UTF-8''new_health_information.pdf"
    )
    assert response.body().startswith(b"%PDF")

    confirm = f"/sager/{case.pk}/dokumenter/{document.pk}/traek-tilbage/"
    withdraw_link = page.locator(f'a[href="{confirm}"]')
    expect(withdraw_link).to_have_accessible_name(re.compile(rf"^Træk tilbage\W+{title}$"))
    follow(withdraw_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Træk dokument tilbage")
    follow(page.get_by_role("button", name="Træk dokumentet tilbage"))
    expect(page.get_by_role("alert")).to_contain_text("Skriv hvorfor dokumentet trækkes tilbage.")

    page.get_by_label("Begrundelse").fill("Vedhæftet på den forkerte sag.")
    follow(page.get_by_role("button", name="Træk dokumentet tilbage"))
    expect(page.get_by_role("status")).to_contain_text("er trukket tilbage.")
    row = page.get_by_role("row").filter(has=page.locator(f'a[href="{href}"]'))
    expect(row).to_contain_text("Trukket tilbage")
    expect(row.locator("s")).to_contain_text(title)
    expect(withdraw_link).to_have_count(0)
