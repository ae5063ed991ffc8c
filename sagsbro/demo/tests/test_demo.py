import datetime
import io

import pytest
from django.core.management import call_command

from sagsbro.audit.services import seal_all, verify_chain
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.demo.load import load_demo
from sagsbro.meetings import services as meeting_services
from sagsbro.meetings.models import Booking, Indstilling, MeetingDay, MeetingSeries
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


@pytest.mark.django_db
def test_demo_covers_every_subtype_state_and_role():
    logins = load_demo(today=datetime.date(2026, 11, 26))

    assert {login.username for login in logins} >= {"sagsbehandler.kbh", "laege.valby"}
    subtypes = set(Case.objects.values_list("subtype", flat=True))
    states = set(Case.objects.values_list("state", flat=True))
    assert subtypes == {str(s) for s in Subtype}
    assert states == {str(s) for s in State}
    for code in ("101", "147", "751"):
        assert Case.objects.filter(municipality__code=code).exists()
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {str(r) for r in Role}
    purposes = set(
        Case.objects.filter(subtype=Subtype.REHABILITERINGSTEAM).values_list("purpose", flat=True)
    )
    assert purposes >= {"ressourceforloeb", "fleksjob", "foertidspension", "jobafklaringsforloeb"}
    seal_all()
    assert verify_chain().ok

    # The GP in Valby is the same doctor as the second coordinator in Hovedstaden.
    valby = User.objects.get(username="laege.valby")
    coordinator_2 = User.objects.get(username="koordinator2.hovedstaden")
    assert valby.authorisation_id == coordinator_2.authorisation_id
    assert not Case.objects.filter(
        citizen__general_practitioner=valby, coordinator=coordinator_2
    ).exists()

    # A coordinator can answer three løbende sager in a row, each getting its PDF.
    assert (
        Case.objects.filter(
            subtype=Subtype.LOEBENDE_SAG,
            state=State.ASSIGNED,
            coordinator__username="koordinator.hovedstaden",
        ).count()
        >= 3
    )

    # A new user sees a real meeting day: series, a held day with its team and structured
    # indstillinger, upcoming days with agendas and a coordinator, and a ressourceforløb due
    # for genforelæggelse on the caseworker's worklist.
    for code in ("101", "147", "751"):
        assert MeetingSeries.objects.filter(municipality__code=code).exists()
        held = MeetingDay.objects.filter(
            municipality__code=code, state=MeetingDay.State.HELD
        ).order_by("-date")
        assert held.count() == 2
        last = held.first()
        assert last is not None
        assert last.coordinator_id is not None
        assert last.attendees.filter(present=True, chair=True).exists()
        assert Indstilling.objects.filter(booking__meeting=last).count() == 3
        assert not Indstilling.objects.filter(booking__meeting=last, employment_goal="").exists()
        upcoming = MeetingDay.objects.filter(
            municipality__code=code,
            state=MeetingDay.State.PLANNED,
            bookings__state=Booking.State.BOOKED,
        ).distinct()
        assert upcoming.exists()
        assert upcoming.filter(coordinator__isnull=False).exists()
        caseworker = User.objects.get(municipality__code=code, role=Role.CASEWORKER)
        assert len(meeting_services.due_follow_ups(caseworker)) == 1

    count = Case.objects.count()
    assert load_demo() == []
    assert Case.objects.count() == count


@pytest.mark.django_db
def test_command_prints_logins_and_is_idempotent():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "sagsbehandler.kbh" in out.getvalue()
    assert "demo1234" in out.getvalue()

    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "Demodata er allerede indlæst." in again.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "clock",
    [
        # A Sunday before Christmas: the tenth working day ahead is a meeting whose
        # "10 hverdage før" deadline was the Friday before.
        datetime.datetime(2026, 12, 6, 10, 0, tzinfo=datetime.UTC),
        # Påskelørdag, between two closed days.
        datetime.datetime(2027, 3, 27, 10, 0, tzinfo=datetime.UTC),
    ],
    ids=["sunday-before-christmas", "easter-saturday"],
)
def test_demo_loads_on_a_weekend_or_holiday(monkeypatch, clock):
    """The demo is loaded on whatever day somebody runs it; its cases must be sent in time
    for their meetings from that day, not only from a working day."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock)

    assert load_demo(today=clock.date())
    assert Case.objects.exclude(state=State.DRAFT).exists()
