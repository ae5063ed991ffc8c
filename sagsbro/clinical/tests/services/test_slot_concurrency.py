"""Two secretaries creating overlapping times for the same specialist at once: the specialist's
row is the calendar's lock (PostgreSQL; SQLite takes one writer at a time), so the second waits,
finds the first's time and is refused: never two overlapping slots."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.clinical.models import ConsultationPlace, ConsultationSlot
from sagsbro.clinical.services import booking
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role
from sagsbro.tests.concurrency import run_at_once


def _at(hour, minute):
    day = timezone.localdate() + datetime.timedelta(days=4)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_slots_created_at_once_make_one(side_a):
    place = ConsultationPlace.objects.create(
        region=side_a.region, name="Klinik Syd", address="Sydvej 2"
    )
    second_secretary = User.objects.create_user(
        username="anna_secretariat2",
        password="test-password-1",
        role=Role.SECRETARIAT,
        region=side_a.region,
    )
    # 10.00-11.00 and 10.30-11.30: different starts, so only the overlap rule can refuse one.
    outcomes = run_at_once(
        lambda: booking.create_slot(
            side_a.secretariat,
            specialist=side_a.specialist,
            place=place,
            starts_at=_at(10, 0),
            minutes=60,
        ),
        lambda: booking.create_slot(
            second_secretary,
            specialist=side_a.specialist,
            place=place,
            starts_at=_at(10, 30),
            minutes=60,
        ),
    )

    made = [o for o in outcomes if isinstance(o, ConsultationSlot)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert refused[0].code == "slot_overlaps"
    assert ConsultationSlot.objects.filter(specialist=side_a.specialist).count() == 1
