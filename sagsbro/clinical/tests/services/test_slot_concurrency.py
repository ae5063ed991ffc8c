"""Two secretaries creating overlapping times for the same specialist at once: the specialist's
row is the calendar's lock (PostgreSQL; SQLite takes one writer at a time), so the second waits,
finds the first's time and is refused: never two overlapping slots."""

import datetime
import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from sagsbro.clinical.models import ConsultationPlace, ConsultationSlot
from sagsbro.clinical.services import booking
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


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
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def create(user, starts_at):
        try:
            barrier.wait(timeout=10)
            for _ in range(200):
                try:
                    outcomes.append(
                        booking.create_slot(
                            user,
                            specialist=side_a.specialist,
                            place=place,
                            starts_at=starts_at,
                            minutes=60,
                        )
                    )
                    return
                except OperationalError as exc:
                    # The test's in-memory SQLite answers "table is locked" at once where a
                    # database file waits for the other writer (busy timeout): wait here.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            outcomes.append(exc)
        finally:
            close_old_connections()
            connection.close()

    # 10.00-11.00 and 10.30-11.30: different starts, so only the overlap rule can refuse one.
    threads = [
        threading.Thread(target=create, args=(side_a.secretariat, _at(10, 0))),
        threading.Thread(target=create, args=(second_secretary, _at(10, 30))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    made = [o for o in outcomes if isinstance(o, ConsultationSlot)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert refused[0].code == "slot_overlaps"
    assert ConsultationSlot.objects.filter(specialist=side_a.specialist).count() == 1
