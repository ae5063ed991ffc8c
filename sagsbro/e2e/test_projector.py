"""The indstilling written at the meeting, with the projector view open in a second page: the
citizen sees the new text without the page being reloaded (HTMX polling)."""

import pytest
from playwright.sync_api import expect

from sagsbro.conftest import MEETING
from sagsbro.e2e.conftest import _AUDITS, AccessibilityAudit, check_page, goto, login, screenshot
from sagsbro.meetings.models import Indstilling
from sagsbro.meetings.tests.held_day import attendees, book, meeting_day, today_is

pytestmark = pytest.mark.e2e

GOAL = "Arbejde i en butik 12 timer om ugen uden tunge løft"


def test_the_projector_shows_the_indstilling_as_it_is_written(page, live_server, side_a):
    meeting = meeting_day(side_a)
    attendees(side_a, meeting)
    booking = book(side_a, meeting)
    with today_is(MEETING):
        login(page, live_server, side_a.caseworker.username)
        goto(page, live_server, f"/moeder/{meeting.pk}/indstilling/{booking.pk}/")

        projector = page.context.new_page()
        _AUDITS[projector] = AccessibilityAudit(projector)
        projector.goto(f"{live_server.url}/moeder/{meeting.pk}/projektor/{booking.pk}/")
        check_page(projector)
        expect(projector.locator("#projector-content")).to_contain_text(
            "Indstillingen er ikke skrevet endnu"
        )
        loads = len(_AUDITS[projector].loads)

        # A vague goal first: the hint shows while writing.
        goal = page.get_by_label("Beskæftigelses- eller uddannelsesmål")
        goal.fill("Borgeren skal i arbejde")
        page.get_by_role("button", name="Gem indstillingen").click()
        expect(page.locator("#goal-hint")).to_contain_text("Målet er uklart")
        expect(projector.locator("#projector-content")).to_contain_text("Borgeren skal i arbejde")

        page.get_by_label("Beskæftigelses- eller uddannelsesmål").fill(GOAL)
        page.get_by_label("Hovedindsatser").fill("Virksomhedspraktik med mentor")
        page.get_by_role("button", name="Gem indstillingen").click()
        expect(page.locator(".saved-note")).to_contain_text("version 2")
        expect(page.locator("#goal-hint")).to_have_count(0)

        content = projector.locator("#projector-content")
        expect(content).to_contain_text(GOAL)
        expect(content).to_contain_text("Virksomhedspraktik med mentor")
        expect(content).to_have_attribute("data-version", "2")
        # The projector page was never reloaded: only its fragment was swapped.
        assert len(_AUDITS[projector].loads) == loads
        assert side_a.citizen.cpr[:6] not in projector.content()
        check_page(projector)
        screenshot(projector, "projektorvisning-indstilling")
        projector.close()
    assert Indstilling.objects.get(booking=booking).version == 2
