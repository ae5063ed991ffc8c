"""A meeting day of the rehabilitation team end to end in a real browser, every page checked
with axe-core: the secretariat creates a meeting series; three cases are booked onto the
first day and a fourth is refused because the day is full; the agenda has its time slots and
prints as a PDF; the coordinator is assigned and the team set with a composition warning;
on the meeting day the meeting is held, the indstilling is written while the projector view
in a second page follows it without a reload, a follow-up is agreed for the coordinator, the
indstilling is finalised and made into a PDF by the task worker, and the follow-up is on the
coordinator's worklist."""

import dataclasses
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case
from sagsbro.e2e.conftest import _AUDITS, AccessibilityAudit, check_page, follow, goto, login
from sagsbro.meetings.models import Booking, FollowUp, Indstilling, MeetingDay
from sagsbro.meetings.tests.day_factory import citizen
from sagsbro.meetings.tests.held_day import run_worker
from sagsbro.workdays.services import configured_calendar

pytestmark = pytest.mark.e2e

GOAL = "Arbejde i en butik 12 timer om ugen uden tunge løft"
EFFORTS = "Virksomhedspraktik med mentor i tre måneder"
FOLLOW_UP = "Sundhedskoordinator kontakter egen læge om smerterne"


def _first_meeting_date() -> datetime.date:
    """The first working Tuesday at least 12 hverdage ahead: beyond the 10-hverdage material
    deadline of a case sent today."""
    calendar = configured_calendar()
    day = calendar.add_working_days(timezone.localdate(), 12)
    day += datetime.timedelta(days=(1 - day.weekday()) % 7)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(weeks=1)
    return day


def _team_case(side, first, cpr, name, **facts):
    person = citizen(side, cpr, name, **facts)
    owner = dataclasses.replace(side, citizen=person)
    return assigned_case(owner, Subtype.REHABILITERINGSTEAM, meeting_date=first)


def _switch_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def _book_first_suggestion(page, live_server, case, first):
    goto(page, live_server, f"/sager/{case.pk}/rehabiliteringsteam/booking/")
    first_option = page.locator("input[name=meeting]").first
    expect(first_option).to_be_checked()
    expect(page.locator("label[for=id_meeting_0]")).to_contain_text(f"{first:%d.%m.%Y}")
    follow(page.get_by_role("button", name="Book sagen"))
    expect(page.get_by_text("Sagen er booket på mødet")).to_be_visible()


def test_a_meeting_day_end_to_end(page, live_server, side_a, monkeypatch):
    first = _first_meeting_date()
    cases = [
        _team_case(side_a, first, "0202851234", "Forælder Fisk", has_children=True),
        _team_case(side_a, first, "0303861234", "Bente Berg"),
        _team_case(side_a, first, "0404871234", "Carl Clausen"),
        _team_case(side_a, first, "0505881234", "Dorte Dahl"),
    ]
    assert not Booking.objects.filter(meeting__date=first).exists()

    # (1) The secretariat creates a series of Tuesdays, three cases a day.
    login(page, live_server, side_a.secretariat.username)
    goto(page, live_server, "/moeder/serier/ny/")
    municipality = page.get_by_label("Kommune")
    if municipality.count():
        municipality.select_option(label=side_a.municipality.name)
    page.get_by_label("Ugedag").select_option("1")
    page.get_by_label("Første dato").fill(f"{first:%d.%m.%Y}")
    page.get_by_label("Sidste dato").fill(f"{first + datetime.timedelta(weeks=3):%d.%m.%Y}")
    page.get_by_label("Starttid").fill("09.00")
    page.get_by_label("Sluttid").fill("12.00")
    page.get_by_label("Mødested").fill("Jobcentret, mødelokale 2")
    page.get_by_label("Sager pr. mødedag").fill("3")
    page.get_by_label("Formøde (minutter)").fill("15")
    follow(page.get_by_role("button", name="Opret mødeserie"))
    expect(page.get_by_role("heading", level=1, name="Mødeserien er oprettet")).to_be_visible()
    expect(page.get_by_text(f"Første møde er tirsdag {first:%d.%m.%Y}")).to_be_visible()
    day = MeetingDay.objects.get(municipality=side_a.municipality, date=first)
    assert day.capacity == 3 and day.series_id is not None

    # (2) The caseworker books three cases onto the first day; the fourth is refused there.
    _switch_user(page, live_server, side_a.caseworker.username)
    for case in cases[:3]:
        _book_first_suggestion(page, live_server, case, first)
    assert Booking.objects.filter(meeting=day, state=Booking.State.BOOKED).count() == 3
    goto(page, live_server, f"/sager/{cases[3].pk}/rehabiliteringsteam/booking/")
    refused = page.get_by_role("region", name="Øvrige kommende møder")
    expect(refused).to_contain_text(
        f"Mødet den {first:%d.%m.%Y} er fuldt: 3 af 3 pladser er booket"
    )
    expect(page.locator("label[for=id_meeting_0]")).not_to_contain_text(f"{first:%d.%m.%Y}")

    # (3) The agenda with its time slots, and the agenda as a PDF.
    goto(page, live_server, f"/moeder/{day.pk}/")
    agenda = page.get_by_role("table", name=f"Dagsorden for mødet {first:%d.%m.%Y} med tidspunkter")
    expect(agenda).to_contain_text("09.00–09.15")
    for case in cases[:3]:
        expect(agenda.get_by_role("link", name=case.reference)).to_be_visible()
    expect(agenda.get_by_role("row").filter(has_text=cases[0].reference)).to_contain_text(
        "09.15–10.00"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent dagsordenen som PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # (4) The secretariat assigns the day's coordinator; the team is set with a warning.
    _switch_user(page, live_server, side_a.secretariat.username)
    goto(page, live_server, f"/moeder/{day.pk}/")
    page.get_by_label("Sundhedskoordinator til mødet").select_option(str(side_a.coordinator.pk))
    follow(page.get_by_role("button", name="Tildel sundhedskoordinator"))
    expect(page.get_by_text("er sundhedskoordinator på mødet")).to_be_visible()
    day.refresh_from_db()
    assert day.coordinator_id == side_a.coordinator.pk

    _switch_user(page, live_server, side_a.team_member.username)
    goto(page, live_server, f"/moeder/{day.pk}/")
    page.get_by_label("Navn, række 1").fill("Anna Andersen")
    page.get_by_label("Område, række 1").select_option("employment")
    page.get_by_label("Navn, række 2").fill("Bo Berg")
    page.get_by_label("Område, række 2").select_option("health")
    page.get_by_label("Navn, række 3").fill("Cecilie Cold")
    page.get_by_label("Område, række 3").select_option("social")
    page.get_by_label("Mødeleder, række 1").check()
    page.get_by_label("Referent, række 2").check()
    follow(page.get_by_role("button", name="Gem holdet"))
    expect(page.locator("#team-warnings")).to_contain_text(
        f"Sag {cases[0].reference}: borgeren har børn"
    )

    # (5) The meeting day: every "today" of the product is read through django.utils.timezone.
    real_now = timezone.now
    shift = first - timezone.localdate()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)
    assert timezone.localdate() == first

    # (6) The team holds the meeting: attendance and each case's outcome.
    _switch_user(page, live_server, side_a.team_member.username)
    goto(page, live_server, f"/moeder/{day.pk}/")
    bookings = list(Booking.objects.filter(meeting=day).order_by("position"))
    page.get_by_label("Anna Andersen").check()
    page.get_by_label("Bo Berg").check()
    page.get_by_label("Cecilie Cold").check()
    for booking in bookings:
        page.locator(f"#outcome-{booking.pk}").select_option("indstilling")
        page.locator(f"#citizen-{booking.pk}").select_option("ja")
    follow(page.get_by_role("button", name="Registrér mødet som holdt"))
    expect(page.get_by_text("Mødet blev registreret som holdt")).to_be_visible()
    day.refresh_from_db()
    assert day.state == MeetingDay.State.HELD
    assert {b.outcome for b in Booking.objects.filter(meeting=day)} == {"indstilling"}

    # (7) The caseworker writes the indstilling; the projector follows in a second page.
    booking = bookings[0]
    _switch_user(page, live_server, side_a.caseworker.username)
    goto(page, live_server, f"/moeder/{day.pk}/indstilling/{booking.pk}/")
    projector = page.context.new_page()
    _AUDITS[projector] = AccessibilityAudit(projector)
    projector.goto(f"{live_server.url}/moeder/{day.pk}/projektor/{booking.pk}/")
    check_page(projector)
    content = projector.locator("#projector-content")
    expect(content).to_contain_text("Indstillingen er ikke skrevet endnu")
    projector.evaluate("window.notReloaded = true")
    loads = len(_AUDITS[projector].loads)

    page.get_by_label("Beskæftigelses- eller uddannelsesmål").fill(GOAL)
    page.get_by_label("Hovedindsatser").fill(EFFORTS)
    page.get_by_role("button", name="Gem indstillingen").click()
    expect(page.locator(".saved-note")).to_contain_text("version 1")
    expect(content).to_contain_text(GOAL)
    expect(content).to_contain_text(EFFORTS)
    assert projector.evaluate("window.notReloaded") is True
    assert len(_AUDITS[projector].loads) == loads
    check_page(projector)
    projector.close()

    # (8) A follow-up agreed for the coordinator at the meeting, before finalising.
    goto(page, live_server, f"/moeder/{day.pk}/indstilling/{booking.pk}/")
    due = first + datetime.timedelta(days=7)
    page.get_by_label("Hvad er aftalt?").fill(FOLLOW_UP)
    page.get_by_label("Ansvarlig").select_option(str(side_a.coordinator.pk))
    page.get_by_label("Senest (dd.mm.åååå)").fill(due.isoformat())
    follow(page.get_by_role("button", name="Tilføj aftale"))
    expect(page.get_by_text(FOLLOW_UP)).to_be_visible()
    assert FollowUp.objects.get(booking=booking).owner_id == side_a.coordinator.pk

    # (9) Finalised: the task worker makes the PDF on the case.
    follow(page.get_by_role("button", name="Afslut indstillingen og dan PDF"))
    indstilling = Indstilling.objects.get(booking=booking)
    assert indstilling.finalised_at is not None and indstilling.document_id is None
    run_worker()
    indstilling.refresh_from_db()
    assert indstilling.document is not None
    assert indstilling.document.case_id == booking.case_id
    with indstilling.document.blob.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    goto(page, live_server, f"/moeder/{day.pk}/indstilling/{booking.pk}/")
    expect(page.get_by_text("Indstillingen blev afsluttet")).to_be_visible()
    expect(page.get_by_text("PDF'en dannes")).to_have_count(0)

    # The follow-up is on the coordinator's worklist.
    _switch_user(page, live_server, side_a.coordinator.username)
    expect(page.get_by_role("heading", level=2, name="Aftaler fra møder (1)")).to_be_visible()
    section = page.locator("section[aria-labelledby=agreed-follow-ups-heading]")
    expect(section).to_contain_text(FOLLOW_UP)
    expect(section).to_contain_text(booking.case.reference)
    expect(section).to_contain_text(f"{due:%d.%m.%Y}")
