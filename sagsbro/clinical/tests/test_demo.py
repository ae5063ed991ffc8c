"""Klinisk funktion's demo data: the doctor who is both coordinator and specialist can be tried
on the referral waiting in the intake list (BEK § 13 stk. 3), and the calendar has slots."""

import datetime
from decimal import Decimal

import pytest

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case
from sagsbro.clinical import demo as clinical_demo
from sagsbro.clinical.models import ConsultationSlot, PriceIndex, Referral, SpecialistProfile
from sagsbro.clinical.services import prices
from sagsbro.core.errors import ServiceError
from sagsbro.demo.load import load_demo
from sagsbro.organisations.models import User


def test_the_demo_has_a_coordinator_who_is_also_specialist(db):
    logins = load_demo(today=datetime.date(2026, 11, 26))
    assert "speciallaege2.hovedstaden" in {login.username for login in logins}
    coordinator = User.objects.get(username="koordinator.hovedstaden")
    specialist = User.objects.get(username="speciallaege2.hovedstaden")
    assert specialist.authorisation_id == coordinator.authorisation_id != ""
    profile = SpecialistProfile.objects.get(user=specialist)
    assert profile.specialties.filter(code="psykiatri").exists()
    assert ConsultationSlot.objects.filter(specialist=specialist).count() >= 6

    referral = Referral.objects.get(origin_case__coordinator=coordinator)
    assert referral.case.state == "sent"
    secretariat = User.objects.get(username="sekretariat.hovedstaden")
    with pytest.raises(ServiceError) as refused:
        case_services.assign_specialist(secretariat, referral.case, specialist)
    assert refused.value.code == "same_person_without_consent"
    # Another specialist may take it.
    other = User.objects.get(username="speciallaege.hovedstaden")
    assert case_services.assign_specialist(secretariat, referral.case, other).specialist == other


def test_the_demo_has_a_national_administrator_and_the_index(db):
    logins = load_demo(today=datetime.date(2026, 11, 26))
    national = next(login for login in logins if login.username == "admin.national")
    assert national.organisation == ""
    user = User.objects.get(username="admin.national")
    assert (user.role, user.region_id, user.municipality_id) == ("administrator", None, None)
    assert user.get_full_name() == "Systemansvarlig (national)"
    assert prices.is_national_administrator(user)
    table = prices.index_table()
    # 2011 to the demo's year, 2011 = 100, carried on after the last figure.
    assert sorted(table) == list(range(2011, 2027))
    assert table[2011] == Decimal("100.00")
    assert table[2025] == Decimal("131.00") and table[2026] == Decimal("133.62")
    assert set(PriceIndex.objects.values_list("set_by", flat=True)) == {user.pk}
    # Set through the service: each year audited, naming no case or citizen.
    entries = AuditEntry.objects.filter(object_type="price_index")
    assert entries.count() == 16
    assert not entries.filter(case_id__isnull=False).exists()
    # The regions read the national index; the national administrator sees no case.
    secretariat = User.objects.get(username="sekretariat.hovedstaden")
    assert prices.index_rows_visible_to(secretariat).count() == 16
    assert not Case.objects.visible_to(user).exists()


def test_the_demo_index_is_carried_on_to_later_years():
    table = clinical_demo.price_index_until(2028)
    assert sorted(table) == list(range(2011, 2029))
    # 2 % a year after the last figure, to øre.
    assert [table[y] for y in (2026, 2027, 2028)] == [
        Decimal("133.62"),
        Decimal("136.29"),
        Decimal("139.02"),
    ]
    assert clinical_demo.price_index_until(2020) == {
        y: v for y, v in clinical_demo.PRICE_INDEX.items() if y <= 2020
    }


def test_the_demo_calendar_is_what_happened(db):
    """Every held consultation was recorded at or after its booked time, at the region's own
    clinic, and no specialist has two times at once."""
    from sagsbro.cases.models import CaseEvent
    from sagsbro.clinical.services.booking import overlapping_slot

    load_demo(today=datetime.date(2026, 11, 26))
    held = CaseEvent.objects.filter(kind="hold_consultation").select_related("case")
    assert held.exists()
    for event in held:
        slot = ConsultationSlot.objects.select_related("place").get(case=event.case)
        assert slot.starts_at <= event.at, event.case.reference
        assert slot.place.region_id == event.case.region_id
        assert slot.place.name != "Klinisk funktion, konsultation"
    for slot in ConsultationSlot.objects.all():
        assert (
            overlapping_slot(slot.specialist_id, slot.starts_at, slot.minutes, exclude_pk=slot.pk)
            is None
        ), slot.pk
