"""The ressourceforløb follow-up on the pages: the dates on the case's Rehabiliteringsteam
tab, the caseworker's "Skal genforelægges" on the worklist, and the genforelæggelsessag made
from it onto one of the municipality's meeting days."""

import datetime

from django.urls import reverse
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.meetings import services
from sagsbro.meetings.models import Booking, ForloebFollowUp, MeetingDay
from sagsbro.meetings.rules.followup import add_months
from sagsbro.meetings.tests.services.test_forloeb_follow_up import closed_forloeb_case
from sagsbro.workdays.services import configured_calendar


def _due_case(side):
    case = closed_forloeb_case(side)
    services.record_forloeb(side.caseworker, case, started_on=add_months(timezone.localdate(), -7))
    return case


def test_the_caseworker_records_the_dates_on_the_team_tab(side_a, client):
    case = closed_forloeb_case(side_a)
    client.force_login(side_a.caseworker)
    tab = client.get(reverse("cases:detail-tab", args=[case.pk, "rehabiliteringsteam"]))
    assert "Registrér ressourceforløbets datoer" in tab.content.decode()
    url = reverse("meetings:record-forloeb", args=[case.pk])
    assert client.get(url).status_code == 200
    start = timezone.localdate() - datetime.timedelta(days=30)
    response = client.post(url, {"started_on": start.strftime("%d.%m.%Y")})
    assert response.status_code == 302
    follow_up = ForloebFollowUp.objects.get(case=case)
    assert follow_up.started_on == start
    tab = client.get(reverse("cases:detail-tab", args=[case.pk, "rehabiliteringsteam"]))
    text = tab.content.decode()
    assert f"{start:%d.%m.%Y}" in text
    assert f"{add_months(start, 6):%d.%m.%Y}" in text


def test_a_refused_date_is_shown_beside_the_field(side_a, client):
    case = closed_forloeb_case(side_a)
    client.force_login(side_a.caseworker)
    url = reverse("meetings:record-forloeb", args=[case.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"started_on": tomorrow.strftime("%d.%m.%Y")})
    assert response.status_code == 400
    assert "Ressourceforløbets start må ikke ligge i fremtiden." in response.content.decode()
    assert not ForloebFollowUp.objects.exists()


def test_another_role_is_sent_back_and_another_municipality_gets_404(side_a, side_b, client):
    case = closed_forloeb_case(side_a)
    url = reverse("meetings:record-forloeb", args=[case.pk])
    client.force_login(side_a.team_member)
    response = client.post(url, {"started_on": "01.01.2026"})
    assert response.status_code == 302
    assert not ForloebFollowUp.objects.exists()
    client.force_login(side_b.caseworker)
    assert client.get(url).status_code == 404
    denied = AuditEntry.objects.filter(user=side_b.caseworker, action=AuditEntry.Action.DENIED)
    assert list(denied.values_list("object_type", "object_id")) == [("case", str(case.pk))]


def test_the_worklist_shows_the_case_due_and_audits_it(side_a, client):
    case = _due_case(side_a)
    client.force_login(side_a.caseworker)
    response = client.get(reverse("cases:worklist"))
    text = response.content.decode()
    assert "Skal genforelægges" in text
    assert case.reference in text
    assert reverse("meetings:reopen-for-meeting", args=[case.pk]) in text
    assert AuditEntry.objects.filter(
        user=side_a.caseworker, action=AuditEntry.Action.LIST, case_id=case.pk, channel="web"
    ).exists()
    client.force_login(side_a.team_member)
    assert "Skal genforelægges" not in client.get(reverse("cases:worklist")).content.decode()


def test_the_genforelaeggelse_is_made_onto_a_chosen_meeting_day(side_a, client):
    case = _due_case(side_a)
    calendar = configured_calendar()
    today = timezone.localdate()
    too_soon = MeetingDay.objects.create(
        municipality=side_a.municipality,
        date=calendar.add_working_days(today, 3),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )
    chosen = MeetingDay.objects.create(
        municipality=side_a.municipality,
        date=calendar.add_working_days(today, 15),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place="Jobcentret",
    )
    client.force_login(side_a.caseworker)
    url = reverse("meetings:reopen-for-meeting", args=[case.pk])
    page = client.get(url).content.decode()
    assert f"{chosen.date:%d.%m.%Y}" in page
    # Less than 5 working days ahead: not offered.
    assert f"{too_soon.date:%d.%m.%Y}" not in page
    response = client.post(url, {"meeting": chosen.pk})
    assert response.status_code == 302, response.content.decode()
    new = Case.objects.get(parent=case, subtype=Subtype.GENFORELAEGGELSE)
    assert response["Location"] == reverse("cases:detail", args=[new.pk])
    assert new.meeting_date == chosen.date
    assert Booking.objects.get(case=new, state=Booking.State.BOOKED).meeting == chosen
    # The earlier documents came along, and the case left the list.
    assert new.documents.filter(carried_over_from__case=case).exists()
    assert "Skal genforelægges" not in client.get(reverse("cases:worklist")).content.decode()


def test_without_meeting_days_a_date_is_given(side_a, client):
    case = _due_case(side_a)
    client.force_login(side_a.caseworker)
    url = reverse("meetings:reopen-for-meeting", args=[case.pk])
    calendar = configured_calendar()
    # Counted from the first working day on or after today: on a weekend the fifth working
    # day ahead of today has its "5 hverdage før" deadline on the Friday already passed.
    first_working_day = calendar.roll_forward(timezone.localdate())
    meeting = calendar.add_working_days(first_working_day, 4)
    response = client.post(url, {"meeting_date": meeting.strftime("%d.%m.%Y")})
    assert response.status_code == 400
    assert "Fristen er overskredet" in response.content.decode()
    meeting = calendar.add_working_days(first_working_day, 5)
    response = client.post(url, {"meeting_date": meeting.strftime("%d.%m.%Y")})
    assert response.status_code == 302
    assert Case.objects.get(parent=case).meeting_date == meeting
