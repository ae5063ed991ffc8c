"""Klinisk funktion's demo data: the doctor who is both coordinator and specialist can be tried
on the referral waiting in the intake list (BEK § 13 stk. 3), and the calendar has slots."""

import datetime

import pytest

from sagsbro.cases import services as case_services
from sagsbro.clinical.models import ConsultationSlot, Referral, SpecialistProfile
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
