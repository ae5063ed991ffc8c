"""Specialists, places and the consultation calendar; inviting the citizen is booking a slot:
the `invite` transition (keeping the 14-day late notice and the caseworker's acceptance, EVAL
table 8 step 2.2), the invitation letter on the case as PDF, queued in the outbox to the
citizen in the same transaction, and the caseworker's copy."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import ConsultationSlot, Specialty
from sagsbro.clinical.services import booking, citizen_letters
from sagsbro.clinical.testing import book_consultation, free_slot_for
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.models import Document
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


def at(days, hour=10, minute=0):
    """A time `days` after the case was received (today), in the local time zone."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def place(side_a):
    return booking.create_place(side_a.secretariat, name="Klinik Nord", address="Nordvej 1, 2200")


def slot_for(side, place, days, hour=10, minute=0, minutes=45, specialist=None):
    return booking.create_slot(
        side.secretariat,
        specialist=specialist or side.specialist,
        place=place,
        starts_at=at(days, hour, minute),
        minutes=minutes,
    )


def state_of(case):
    return (
        Case.objects.get(pk=case.pk).state,
        ConsultationSlot.objects.filter(case=case).count(),
        Document.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
        OutgoingMessage.objects.filter(case=case).count(),
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
        slot_for(side_a, place, -1)
    assert refused.value.code == "slot_in_past"
    # More than a year ahead is a typed year gone wrong; a year ahead is still a time.
    slot_for(side_a, place, 365).delete()
    with pytest.raises(ServiceError) as refused:
        slot_for(side_a, place, 367)
    assert refused.value.code == "slot_too_far_ahead"
    assert set(refused.value.fields) == {"starts_at"}
    with pytest.raises(ServiceError) as refused:
        booking.create_slot(
            side_a.secretariat, specialist=side_b.specialist, place=place, starts_at=at(6)
        )
    assert refused.value.code == "invalid_specialist"
    with pytest.raises(ServiceError) as refused:
        slot_for(side_a, place, 6, minutes=4)
    assert refused.value.code == "invalid_minutes"
    assert list(booking.slots_visible_to(side_b.secretariat)) == []
    assert booking.slots_visible_to(side_a.specialist).count() == 1


@pytest.mark.parametrize(
    ("hour", "minute", "minutes", "overlaps"),
    [
        (10, 0, 45, True),  # the same start
        (10, 30, 30, True),  # starts inside the slot 10.00-10.45
        (9, 30, 45, True),  # ends inside it
        (9, 0, 180, True),  # around it
        (10, 10, 10, True),  # within it
        (10, 44, 5, True),  # its last minute
        (10, 45, 30, False),  # starts as it ends: touching is allowed
        (9, 15, 45, False),  # ends as it starts
    ],
)
def test_a_slot_overlapping_another_of_the_specialist_is_refused(
    side_a, place, hour, minute, minutes, overlaps
):
    slot_for(side_a, place, 5, hour=10, minute=0, minutes=45)
    if not overlaps:
        slot_for(side_a, place, 5, hour=hour, minute=minute, minutes=minutes)
        assert ConsultationSlot.objects.filter(specialist=side_a.specialist).count() == 2
        return
    with pytest.raises(ServiceError) as refused:
        slot_for(side_a, place, 5, hour=hour, minute=minute, minutes=minutes)
    day = timezone.localdate() + datetime.timedelta(days=5)
    message = f"Speciallægen har allerede en tid {day:%d.%m.%Y} kl. 10.00-10.45, som overlapper."
    assert (refused.value.code, refused.value.message) == ("slot_overlaps", message)
    assert refused.value.fields == {"starts_at": [message]}
    assert ConsultationSlot.objects.filter(specialist=side_a.specialist).count() == 1


def test_another_specialists_slot_at_the_same_time_is_no_overlap(side_a, place):
    other = User.objects.create_user(
        username="anna_specialist2",
        password="test-password-1",
        role=Role.CLINICAL_SPECIALIST,
        region=side_a.region,
    )
    slot_for(side_a, place, 5)
    slot_for(side_a, place, 5, specialist=other)
    assert ConsultationSlot.objects.filter(starts_at=at(5)).count() == 2


def test_booking_invites_the_citizen_with_a_letter_in_the_outbox_and_a_copy(side_a, place):
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
    # Exactly one letter to the citizen in the outbox, the letter on the case.
    (message,) = OutgoingMessage.objects.filter(case=case)
    assert message.purpose == OutgoingMessage.Purpose.CITIZEN_INVITATION
    assert message.recipient_kind == OutgoingMessage.Recipient.CITIZEN
    assert message.document == letter
    assert message.state == OutgoingMessage.State.QUEUED
    event = case.events.get(kind="invitation_letter")
    assert event.data["document"] == letter.pk
    assert event.data["message"] == message.pk
    assert event.data["caseworker"] == side_a.caseworker.pk
    assert case.events.get(kind="invite").data["slot"] == slot.pk
    # The caseworker reads the copy on the case.
    assert Document.objects.visible_to(side_a.caseworker).filter(pk=letter.pk).exists()
    assert AuditEntry.objects.filter(
        object_type="consultation_slot", object_id=str(slot.pk), detail="booket"
    ).exists()
    assert AuditEntry.objects.filter(
        object_type="outgoing_message", object_id=str(message.pk), detail="citizen_invitation"
    ).exists()


def test_a_failure_after_the_letter_rolls_back_the_booking_the_letter_and_the_message(
    side_a, place
):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = slot_for(side_a, place, 3)
    before = state_of(case)
    audit_before = AuditEntry.objects.filter(case_id=case.pk).count()
    with (
        mock.patch.object(booking, "record_event", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        booking.book_slot(side_a.secretariat, slot, case)
    assert state_of(case) == before
    assert ConsultationSlot.objects.get(pk=slot.pk).case is None
    assert AuditEntry.objects.filter(case_id=case.pk).count() == audit_before
    # The outbox failing rolls back the letter and the booking too.
    with (
        mock.patch.object(
            citizen_letters, "queue_message", side_effect=RuntimeError("outbox down")
        ),
        pytest.raises(RuntimeError),
    ):
        booking.book_slot(side_a.secretariat, slot, case)
    assert state_of(case) == before
    # And the booking goes through afterwards, once.
    booking.book_slot(side_a.secretariat, slot, case)
    assert OutgoingMessage.objects.filter(case=case).count() == 1


def test_the_fourteen_day_edge(side_a, place):
    """Day 14 after the request came is in time: invited without a notice."""
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    booking.book_slot(side_a.secretariat, slot_for(side_a, place, 14), case)
    assert Case.objects.get(pk=case.pk).state == State.INVITED


def test_day_fifteen_needs_the_caseworker_told_and_accepting_first(side_a, place):
    """Day 15: refused, nothing booked, until the caseworker has been told of exactly that
    day and has accepted it."""
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = slot_for(side_a, place, 15)
    day = timezone.localdate(slot.starts_at)
    before = state_of(case)
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, slot, case)
    assert refused.value.code == "late_appointment_not_notified"
    assert state_of(case) == before
    assert ConsultationSlot.objects.get(pk=slot.pk).case is None

    clinical_services.notify_late_appointment(side_a.secretariat, case, day)
    told = state_of(case)
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, slot, case)
    assert refused.value.code == "late_appointment_not_accepted"
    assert state_of(case) == told

    clinical_services.accept_late_appointment(side_a.caseworker, case, day)
    booking.book_slot(side_a.secretariat, slot, case)
    assert Case.objects.get(pk=case.pk).state == State.INVITED


def test_an_acceptance_covers_only_the_day_it_was_given_for(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    first, later = slot_for(side_a, place, 16), slot_for(side_a, place, 20)
    first_day, later_day = (timezone.localdate(s.starts_at) for s in (first, later))
    clinical_services.notify_late_appointment(side_a.secretariat, case, first_day)
    clinical_services.accept_late_appointment(side_a.caseworker, case, first_day)
    # Another late day is not covered by the acceptance of the first.
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, later, case)
    assert refused.value.code == "late_appointment_not_notified"
    # A notice of another day takes the acceptance back.
    clinical_services.notify_late_appointment(side_a.secretariat, case, later_day)
    case.refresh_from_db()
    assert case.late_appointment_accepted_at is None
    assert case.late_appointment_accepted_by is None
    for slot in (first, later):
        with pytest.raises(ServiceError) as refused:
            booking.book_slot(side_a.secretariat, slot, case)
        assert refused.value.code in {
            "late_appointment_not_notified",
            "late_appointment_not_accepted",
        }
    clinical_services.accept_late_appointment(side_a.caseworker, case, later_day)
    booking.book_slot(side_a.secretariat, later, case)
    assert Case.objects.get(pk=case.pk).appointment_date == later_day


def test_a_time_within_fourteen_days_needs_no_acceptance_after_a_notice(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    clinical_services.notify_late_appointment(
        side_a.secretariat, case, timezone.localdate() + datetime.timedelta(days=20)
    )
    booking.book_slot(side_a.secretariat, slot_for(side_a, place, 10), case)
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
    assert refused.value.code in {"invalid_state", "case_booked"}
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_b.secretariat, slot_for(side_a, place, 5), other)
    assert (refused.value.code, refused.value.status) == ("not_found", 404)
    stranger = User.objects.create_user(
        username="anna_specialist3",
        password="test-password-1",
        role=Role.CLINICAL_SPECIALIST,
        region=side_a.region,
    )
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(
            side_a.secretariat, slot_for(side_a, place, 6, specialist=stranger), other
        )
    assert refused.value.code == "other_specialist"
    assert Case.objects.get(pk=other.pk).state == State.ASSIGNED


def test_a_slot_that_has_passed_or_overlaps_a_booked_one_is_refused(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    other = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    booked = slot_for(side_a, place, 3)
    booking.book_slot(side_a.secretariat, booked, other)
    # A slot made directly in the calendar (older data) overlapping the booked one.
    clash = ConsultationSlot.objects.create(
        specialist=side_a.specialist, place=place, starts_at=at(3, 10, 30), minutes=30
    )
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, clash, case)
    assert refused.value.code == "slot_overlaps"
    # Also when a free slot overlapping it comes first in the calendar.
    ConsultationSlot.objects.create(
        specialist=side_a.specialist, place=place, starts_at=at(3, 9, 30), minutes=45
    )
    behind = ConsultationSlot.objects.create(
        specialist=side_a.specialist, place=place, starts_at=at(3, 9, 45), minutes=30
    )
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, behind, case)
    assert refused.value.code == "slot_overlaps"
    past = ConsultationSlot.objects.create(
        specialist=side_a.specialist, place=place, starts_at=at(-1), minutes=30
    )
    with pytest.raises(ServiceError) as refused:
        booking.book_slot(side_a.secretariat, past, case)
    assert refused.value.code == "slot_in_past"
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED


def test_the_assigned_specialist_invites_to_their_own_slot(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = slot_for(side_a, place, 2)
    case = clinical_services.invite_citizen(side_a.specialist, case, slot)
    assert case.state == State.INVITED
    assert ConsultationSlot.objects.get(pk=slot.pk).booked_by == side_a.specialist
    assert OutgoingMessage.objects.filter(case=case).count() == 1


def test_roles_the_workflow_does_not_name_cannot_invite(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    slot = slot_for(side_a, place, 2)
    for user in (side_a.caseworker, side_a.coordinator):
        with pytest.raises(ServiceError) as refused:
            clinical_services.invite_citizen(user, case, slot)
        assert refused.value.code in {"role_not_allowed", "not_found"}
    assert ConsultationSlot.objects.get(pk=slot.pk).case is None


def test_the_free_slots_offered_are_the_specialists_coming_free_ones(side_a, place):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    other = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    stranger = User.objects.create_user(
        username="anna_specialist4",
        password="test-password-1",
        role=Role.CLINICAL_SPECIALIST,
        region=side_a.region,
    )
    free = slot_for(side_a, place, 4)
    taken = slot_for(side_a, place, 3)
    booking.book_slot(side_a.secretariat, taken, other)
    slot_for(side_a, place, 4, specialist=stranger)
    ConsultationSlot.objects.create(
        specialist=side_a.specialist, place=place, starts_at=at(-2), minutes=30
    )
    assert list(booking.free_slots_for(case)) == [free]


# --- the helper the tests and the demo invite with -------------------------------------------


def test_book_consultation_invites_through_the_service_today_or_later(side_a):
    today = timezone.localdate()
    first = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    second = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    assert book_consultation(side_a.secretariat, first).appointment_date == today
    # A second case the same day gets its own, non-overlapping time.
    assert book_consultation(side_a.secretariat, second).appointment_date == today
    slots = list(ConsultationSlot.objects.filter(specialist=side_a.specialist))
    assert len(slots) == 2 and all(s.case_id for s in slots)
    assert OutgoingMessage.objects.filter(case__in=[first, second]).count() == 2
    later = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    day = today + datetime.timedelta(days=3)
    assert book_consultation(side_a.specialist, later, on=day).appointment_date == day
    with pytest.raises(ValueError):
        free_slot_for(later, on=today - datetime.timedelta(days=1))
