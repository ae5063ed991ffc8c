"""The secretariat's pages: distributing a new case, and the conflict-of-interest refusal."""

import pytest
from playwright.sync_api import expect

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import sent_case
from sagsbro.e2e.conftest import follow, login, screenshot

pytestmark = pytest.mark.e2e


def test_secretariat_is_refused_a_conflicted_coordinator_and_assigns_another(
    page, live_server, side_a
):
    # The citizen's GP is the same doctor as the coordinator (same authorisation ID).
    side_a.gp.authorisation_id = side_a.coordinator.authorisation_id
    side_a.gp.save()
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)

    login(page, live_server, side_a.secretariat.username)
    inbox = page.get_by_role("region", name="Nye sager til fordeling")
    expect(inbox).to_contain_text(case.reference)

    follow(inbox.get_by_role("link", name=case.reference))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Løbende sag")
    follow(page.get_by_role("link", name="Tildel sundhedskoordinator"))
    conflicted = page.get_by_role(
        "radio", name="Anna Coordinator – inhabil (BEK § 12, stk. 2)", exact=True
    )
    expect(conflicted).to_be_visible()
    screenshot(page, "sekretariat-tildel-sundhedskoordinator")

    conflicted.check()
    follow(page.get_by_role("button", name="Tildel sundhedskoordinator"))
    summary = page.get_by_role("alert").filter(has_text="Handlingen blev ikke udført")
    expect(summary).to_contain_text("kan derfor ikke rådgive i sagen (BEK § 12, stk. 2)")
    screenshot(page, "sekretariat-tildeling-afvist-inhabilitet")
    case.refresh_from_db()
    assert (case.state, case.coordinator_id) == ("sent", None)

    page.get_by_role("radio", name="Anna Coordinator2", exact=True).check()
    follow(page.get_by_role("button", name="Tildel sundhedskoordinator"))
    expect(page.get_by_role("status")).to_contain_text(
        "Sundhedskoordinator Anna Coordinator2 er tildelt sagen."
    )
    expect(page.locator(".case-status")).to_contain_text("Tildelt")
    coordinator_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Sundhedskoordinator", exact=True)
    )
    expect(coordinator_row).to_contain_text("Anna Coordinator2")
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.coordinator) == ("assigned", side_a.coordinator_2)
