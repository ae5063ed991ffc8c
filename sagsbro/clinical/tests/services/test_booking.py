"""Specialists, places and the consultation calendar; booking a slot invites the citizen
through the `invite` transition (keeping the 14-day late notice, table 8 step 2.2), puts the
invitation letter on the case as PDF and gives the caseworker the copy."""

import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import ConsultationSlot, Specialty
from sagsbro.clinical.services import booking
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Document


def at(days, hour=10):
    """A time `days` after the case was received (today), in the local time zone."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def place(side_a):
    return booking.create_place(side_a.secretariat, name="Klinik Nord", address="Nordvej 1, 2200")


def slot_for(side, place, days):
    return booking.create_slot(
        side.secretariat, specialist=side.specialist, place=place, starts_at=at(days), minutes=45
    )


def state_of(case):
    return (
        Case.objects.get(pk=case.pk).state,
        ConsultationSlot.objects.filter(case=case).count(),
        Document.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


def test_specialists_are_picked_by_specialty(side_a, side_b):
    psych = Specialty.objects.get(code="psykiatri")
    booking.set_specialties(side_a.secretariat, side_a.specialist, [psych])
    assert list(booking.specialists_for(side_a.region.pk, psych)) == [side_a.specialist]
    neuro = Specialty.objects.get(code="neurologi")
    assert list(booking.specialists_for(side_a.region.pk, neuro)) == []
    # Another region's secretariat cannot give our specialist specialties.
    with pytest.raises(ServiceError):
        booking.set_specialties(side_b.secretariat, side_a.specialist, [neuro])
    with pytest.raises(PermissionRefused):
        booking.set_specialties(side_a.caseworker, side_a.specialist, [neuro])


def test_slots_are_checked(side_a, side_b, place):
    slot_for(side_a, place, 5)
    with pytest.raises(ServiceError) as refused:
        slot_for(side_a, place, 5)
    assert refused.value.code == "slot_exists"
    with pytest.raises(ServiceError) as refused:
        slot_for(side_a, place, -1)
    assert refused.value.code == "slot_in_past"
    with pytest.raises(ServiceError) as refused:
        booking.create_slot(
            side_a.secretariat, specialist=side_b.specialist, place=place, starts_at=at(6)
        )
    assert refused.value.code == "invalid_specialist"
    assert list(booking.slots_visible_to(side_b.secretariat)) == []
    assert booking.slots_visible_to(side_a.specialist).count() == 1


def test_booking_invites_the_citizen_with_a_letter_and_a_copy_to_the_caseworker(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = booking.book_slot(side_a.secretariat, slot_for(side_a, place, 14), case)

    case.refresh_from_db()
    assert case.state == State.INVITED
    assert case.appointment_date == timezone.localdate(slot.starts_at)
    assert slot.case == case and slot.booked_by == side_a.secretariat
    letter = case.documents.get(title="Indkaldelse til konsultation")
    with letter.blob.file.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(fh).pages)
    assert "Klinik Nord" in text and "Nordvej 1" in text
    assert side_a.citizen.cpr not in text
    event = case.events.get(kind="invitation_letter")
    assert event.data["document"] == letter.pk
    assert event.data["caseworker"] == side_a.caseworker.pk
    # The caseworker reads the copy on the case.
    assert Document.objects.visible_to(side_a.caseworker).filter(pk=letter.pk).exists()
    assert AuditEntry.objects.filter(
        object_type="consultation_slot", object_id=str(slot.pk), detail="booket"
    ).exists()


def test_fifteen_days_out_needs_the_caseworker_told_first(side_a, place):
    """More than 14 days after the request came: refused, nothing booked, until the caseworker
    has been told of exactly that time."""
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = slot_for(side_a, place, 15)
    before = state_of(case)
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, slot, case)
    assert refused.value.code == "late_appointment_not_notified"
    assert state_of(case) == before
    assert ConsultationSlot.objects.get(pk=slot.pk).case is None

    clinical_services.notify_late_appointment(
        side_a.secretariat, case, timezone.localdate(slot.starts_at)
    )
    booking.book_slot(side_a.secretariat, slot, case)
    assert Case.objects.get(pk=case.pk).state == State.INVITED


def test_a_slot_books_once_and_only_for_the_cases_specialist(side_a, side_b, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    other = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = slot_for(side_a, place, 3)
    booking.book_slot(side_a.secretariat, slot, case)
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, slot, other)
    assert refused.value.code == "slot_taken"
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, slot_for(side_a, place, 4), case)
    assert refused.value.code == "case_booked"
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_b.secretariat, slot_for(side_a, place, 5), other)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
