"""The citizen did not come to the consultation (udeblivelse): recorded by the secretariat or
the case's specialist at or after the booked time, never before; the case goes back to
ASSIGNED, the time is freed, the late notice is cleared, the caseworker is told, the § 23
deadlines stand, and the case can be booked again."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.rules.no_show import NO_SHOW_COMMENT_MAX_CHARS
from sagsbro.clinical.services import no_show
from sagsbro.clinical.testing import book_consultation, free_slot_for
from sagsbro.conftest import _user, assigned_case
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.roles import Role


def today_plus(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def booked(side, *, on=None):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    case = book_consultation(side.secretariat, case, on=on)
    return case, ConsultationSlot.objects.get(case=case)


@pytest.fixture
def clock(monkeypatch):
    """Set the moment a no-show is recorded at."""

    def set_to(moment):
        monkeypatch.setattr(no_show, "_now", lambda: timezone.localtime(moment))

    return set_to


def deadlines(case):
    return sorted(Case.objects.get(pk=case.pk).deadlines.values_list("kind", "due", "state"))


def test_before_the_appointment_day_it_is_refused(side_a):
    case, slot = booked(side_a, on=today_plus(1))
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(side_a.secretariat, case)
    start = timezone.localtime(slot.starts_at)
    assert refused.value.code == "no_show_too_early"
    assert refused.value.message == (
        f"Udeblivelse kan først registreres fra konsultationstiden {start:%d.%m.%Y} kl. 10.00."
    )
    case.refresh_from_db()
    assert (case.state, case.appointment_date) == (State.INVITED, today_plus(1))
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id == case.pk


def test_on_the_day_before_the_booked_time_it_is_refused(side_a, clock):
    case, slot = booked(side_a)  # today, late in the evening
    clock(slot.starts_at - datetime.timedelta(minutes=1))
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(side_a.specialist, case)
    assert refused.value.code == "no_show_too_early"
    assert Case.objects.get(pk=case.pk).state == State.INVITED


def test_on_the_day_at_the_booked_time_it_frees_the_slot_and_tells_the_caseworker(side_a, clock):
    case, slot = booked(side_a)
    day = timezone.localdate(slot.starts_at)
    before = deadlines(case)
    clock(slot.starts_at)
    case = clinical_services.record_no_show(
        side_a.secretariat, case, "  Borgeren har ikke meldt afbud.  ", channel="web"
    )

    case.refresh_from_db()
    assert (case.state, case.appointment_date) == (State.ASSIGNED, None)
    assert case.specialist_id == side_a.specialist.pk
    freed = ConsultationSlot.objects.get(pk=slot.pk)
    assert (freed.case_id, freed.booked_by_id, freed.booked_at) == (None, None, None)
    event = CaseEvent.objects.get(case=case, kind=EventKind.RECORD_NO_SHOW)
    assert event.label == f"Borgeren udeblev fra konsultationen {day:%d.%m.%Y}"
    assert (event.from_state, event.to_state) == (State.INVITED, State.ASSIGNED)
    assert event.comment == "Borgeren har ikke meldt afbud."
    assert event.data == {"appointment_date": day.isoformat(), "slot": slot.pk}
    released = CaseEvent.objects.get(case=case, kind=EventKind.CONSULTATION_SLOT_RELEASED)
    assert released.label.endswith("er frigivet. Borgeren udeblev fra tiden")
    assert "aflyst" not in released.label
    assert released.data["no_show"] is True
    # The § 23 deadlines still run from the receipt.
    assert deadlines(case) == before


def test_the_case_specialist_records_it_another_specialist_may_not(side_a, clock):
    case, slot = booked(side_a)
    clock(slot.starts_at + datetime.timedelta(minutes=1))
    other = _user("anna_specialist9", Role.CLINICAL_SPECIALIST, region=side_a.region)
    # Another specialist does not know the case.
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(other, case)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(side_a.caseworker, case)
    assert (refused.value.code, refused.value.status) == ("role_not_allowed", 403)
    clinical_services.record_no_show(side_a.specialist, case)
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED


def test_another_regions_user_does_not_know_the_case(side_a, side_b, clock):
    case, slot = booked(side_a)
    clock(slot.starts_at)
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(side_b.secretariat, case)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id == case.pk


def test_the_comment_is_bounded(side_a, clock):
    case, slot = booked(side_a)
    clock(slot.starts_at)
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(
            side_a.secretariat, case, "x" * (NO_SHOW_COMMENT_MAX_CHARS + 1)
        )
    assert refused.value.fields == {
        "comment": [f"Kommentaren må højst være {NO_SHOW_COMMENT_MAX_CHARS} tegn."]
    }
    assert Case.objects.get(pk=case.pk).state == State.INVITED
    clinical_services.record_no_show(side_a.secretariat, case, "x" * NO_SHOW_COMMENT_MAX_CHARS)
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED


def test_only_an_invited_case(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    with pytest.raises(ServiceError) as refused:
        clinical_services.record_no_show(side_a.secretariat, case)
    assert refused.value.code == "invalid_state"


def test_after_it_the_case_is_booked_again_counting_from_the_first_receipt(side_a, clock):
    case, slot = booked(side_a)
    clock(slot.starts_at)
    clinical_services.record_no_show(side_a.secretariat, case)

    # Within 14 days of the receipt: booked again without a notice; the freed time is
    # free for another case.
    case = book_consultation(side_a.secretariat, case, on=today_plus(14))
    case.refresh_from_db()
    assert (case.state, case.appointment_date) == (State.INVITED, today_plus(14))
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id is None
    assert ConsultationSlot.objects.get(case=case).pk != slot.pk


def test_a_late_notice_and_acceptance_are_cleared_and_needed_again(side_a, clock):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    late = today_plus(20)
    clinical_services.notify_late_appointment(side_a.secretariat, case, late)
    clinical_services.accept_late_appointment(side_a.caseworker, case, late)
    case = book_consultation(side_a.secretariat, case, on=late)
    slot = ConsultationSlot.objects.get(case=case)
    clock(slot.starts_at + datetime.timedelta(hours=2))
    clinical_services.record_no_show(side_a.secretariat, case)

    case.refresh_from_db()
    assert (
        case.late_appointment_notified_at,
        case.late_appointment_accepted_at,
        case.late_appointment_accepted_by,
    ) == (None, None, None)
    # A new late time (counted from the first receipt) needs a new notice and acceptance.
    again = today_plus(25)
    with pytest.raises(ServiceError) as refused:
        book_consultation(side_a.secretariat, case, on=again)
    assert refused.value.code == "late_appointment_not_notified"
    clinical_services.notify_late_appointment(side_a.secretariat, case, again)
    clinical_services.accept_late_appointment(side_a.caseworker, case, again)
    free_slot_for(case, on=again)
    case = book_consultation(side_a.secretariat, case, on=again)
    assert Case.objects.get(pk=case.pk).state == State.INVITED
