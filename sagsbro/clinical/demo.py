"""Klinisk funktion's demo data: the specialists' specialties, a consultation place and a few
weeks of consultation slots per region, a doctor who is both health coordinator and specialist
(two accounts, one authorisation, so the same-person rule of BEK § 13 stk. 3 can be tried),
and a referral (LÆ 271) from a screened team case in København waiting in the intake list."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from sagsbro.cases.models import Advice, Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical.models import (
    ConsultationPlace,
    ConsultationSlot,
    SpecialistProfile,
    Specialty,
)
from sagsbro.clinical.services.referrals import create_referral
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

# The coordinator's second account as specialist (the same authorisation ID).
COORDINATOR_AS_SPECIALIST = "speciallaege2.hovedstaden"

SPECIALTIES = {
    "speciallaege.hovedstaden": ["arbejdsmedicin", "reumatologi"],
    "speciallaege.midtjylland": ["arbejdsmedicin", "neurologi"],
    COORDINATOR_AS_SPECIALIST: ["arbejdsmedicin", "psykiatri"],
}

PLACES = {
    "hovedstaden": ("Klinisk funktion, Bispebjerg", "Bispebjerg Bakke 23, 2400 København NV"),
    "midtjylland": ("Klinisk funktion, Aarhus", "Palle Juul-Jensens Boulevard 99, 8200 Aarhus N"),
}


def _second_account(people: dict[str, User]) -> User:
    coordinator = people["koordinator.hovedstaden"]
    user = User.objects.create_user(
        COORDINATOR_AS_SPECIALIST,
        password=None,
        first_name=coordinator.first_name,
        last_name=coordinator.last_name,
        role=Role.CLINICAL_SPECIALIST,
        region=coordinator.region,
        title="Speciallæge i arbejdsmedicin (også sundhedskoordinator)",
        authorisation_id=coordinator.authorisation_id,
    )
    # The same demo password as the other accounts.
    user.password = coordinator.password
    user.save(update_fields=["password"])
    return user


def _slots(specialist: User, place: ConsultationPlace, today: datetime.date) -> None:
    for days in (3, 6, 10, 13, 17, 24):
        day = today + datetime.timedelta(days=days)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        for hour in (9, 11):
            ConsultationSlot.objects.get_or_create(
                specialist=specialist,
                starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
                defaults={"place": place, "minutes": 60},
            )


def create_clinical(people: dict[str, User], today: datetime.date) -> list[User]:
    """Klinisk funktion's demo data; returns the extra log-ins it made."""
    # The specialties come from a data migration; seeded again (idempotent) in case their
    # table was emptied since, as a test's flush does.
    import_module("sagsbro.clinical.migrations.0002_seed_specialties").seed(django_apps, None)
    people[COORDINATOR_AS_SPECIALIST] = _second_account(people)
    for username, codes in SPECIALTIES.items():
        profile, _ = SpecialistProfile.objects.get_or_create(user=people[username])
        profile.specialties.set(Specialty.objects.filter(code__in=codes))
    for suffix, (name, address) in PLACES.items():
        secretariat = people[f"sekretariat.{suffix}"]
        place, _ = ConsultationPlace.objects.get_or_create(
            region=secretariat.region, name=name, defaults={"address": address}
        )
        for specialist in User.objects.filter(
            region=secretariat.region, role=Role.CLINICAL_SPECIALIST
        ).order_by("pk"):
            _slots(specialist, place, today)
    # A referral from København's screened team case, whose coordinator is the doctor with the
    # second account: assigning that account is refused until the citizen's agreement is
    # recorded on the referral's klinisk-funktion case (BEK § 13 stk. 3).
    team = (
        Case.objects.filter(
            municipality__code="101",
            subtype=Subtype.REHABILITERINGSTEAM,
            state=State.SCREENED,
            coordinator=people["koordinator.hovedstaden"],
            advice__kind=Advice.Kind.SCREENING,
        )
        .order_by("pk")
        .first()
    )
    if team is not None:
        create_referral(
            people["sagsbehandler.kbh"],
            team,
            origin_kind="screening",
            origin_advice=team.advice.filter(kind=Advice.Kind.SCREENING).first(),
            question=(
                "Borgeren har langvarige smerter i ryg og skuldre. Hvilken funktionsevne har "
                "borgeren i forhold til arbejde, og er der skånehensyn?"
            ),
            specialty=Specialty.objects.get(code="arbejdsmedicin"),
            documents=list(team.documents.filter(withdrawn_at__isnull=True)),
            channel="demo",
        )
    return [people[COORDINATOR_AS_SPECIALIST]]
