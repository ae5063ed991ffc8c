"""The record follows reality for klinisk funktion: a consultation is not recorded before its
appointment, nor in the future. Through the services, the API and the pages."""

import datetime

from django.utils import timezone

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tests.services.test_meeting_dates import client_for, post, snapshot
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.testing import book_consultation, booked_time_passed
from sagsbro.conftest import assigned_case

# --- a consultation is held on or after its appointment, not in the future -----------------


def _invited(side, appointment):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    return book_consultation(side.secretariat, case, on=appointment)


def test_consultation_is_not_recorded_before_its_appointment(side_a):
    today = timezone.localdate()
    appointment = today + datetime.timedelta(days=3)
    case = _invited(side_a, appointment)
    before = snapshot(case)

    # Today (the default) is before the appointment.
    response = post(side_a.specialist, case, "hold_consultation")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid_consultation_date"
    assert body["detail"] == (
        f"Konsultationen kan ikke være holdt den {today:%d.%m.%Y}, før den aftalte tid den "
        f"{appointment:%d.%m.%Y}."
    )
    assert body["fields"] == {"consultation_date": [body["detail"]]}
    # A date in the future is no record of a consultation either.
    response = post(
        side_a.specialist, case, "hold_consultation", {"consultation_date": appointment}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Konsultationen kan ikke være holdt den {appointment:%d.%m.%Y}, som er i fremtiden."
    )
    assert snapshot(case) == before

    # The page shows the reason at the field.
    response = client_for(side_a.specialist).post(
        f"/sager/{case.pk}/handling/hold_consultation/",
        {"consultation_date": f"{today:%d.%m.%Y}"},
    )
    assert response.status_code == 400
    assert "før den aftalte tid den" in response.content.decode()
    assert snapshot(case) == before


def test_consultation_is_not_recorded_before_its_booked_time(side_a):
    """The day is the appointment's, but the booked time has not begun: the record would say
    the consultation was held before it was."""
    today = timezone.localdate()
    case = _invited(side_a, today)
    slot = ConsultationSlot.objects.get(case_id=case.pk)
    slot.starts_at = timezone.now() + datetime.timedelta(minutes=30)
    slot.save(update_fields=["starts_at"])
    starts = timezone.localtime(slot.starts_at)
    before = snapshot(case)
    response = post(side_a.specialist, case, "hold_consultation", {"consultation_date": today})
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "consultation_too_early"
    assert body["detail"] == (
        "Konsultationen kan først registreres som holdt fra den aftalte tid "
        f"{starts:%d.%m.%Y} kl. {starts:%H.%M}."
    )
    assert snapshot(case) == before
    # From the booked time on, it is recorded.
    booked_time_passed(case)
    response = post(side_a.specialist, case, "hold_consultation", {"consultation_date": today})
    assert response.status_code == 200, response.json()


def test_consultation_on_its_appointment_is_recorded(side_a):
    today = timezone.localdate()
    case = _invited(side_a, today)
    booked_time_passed(case)
    response = post(side_a.specialist, case, "hold_consultation", {"consultation_date": today})
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert (case.state, case.consultation_date) == ("consultation_held", today)


def test_consultation_is_not_recorded_before_the_region_received_the_case(side_a):
    """A case without an appointment day on record (data from before booking was a slot)
    still cannot have its consultation before the receipt (BEK § 23 runs from it)."""
    from sagsbro.cases.models import Case

    today = timezone.localdate()
    case = _invited(side_a, today)
    booked_time_passed(case)
    received = timezone.now() - datetime.timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(received_at=received, appointment_date=None)
    received_on = timezone.localdate(received)
    early = received_on - datetime.timedelta(days=2)
    response = post(side_a.specialist, case, "hold_consultation", {"consultation_date": early})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Konsultationen kan ikke være holdt den {early:%d.%m.%Y}, før regionen modtog sagen "
        f"den {received_on:%d.%m.%Y}."
    )
    assert Case.objects.get(pk=case.pk).state == "invited"
    response = post(
        side_a.specialist, case, "hold_consultation", {"consultation_date": received_on}
    )
    assert response.status_code == 200, response.json()
