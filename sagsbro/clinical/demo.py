"""Klinisk funktion's demo data: the specialists' specialties, a consultation place and a few
weeks of consultation slots per region, a doctor who is both health coordinator and specialist
(two accounts, one authorisation, so the same-person rule of BEK § 13 stk. 3 can be tried),
a referral (LÆ 271) from a screened team case in København waiting in the intake list, and the
national price index of medical certificates (BEK § 18 stk. 2) from 2011 to the demo's year,
set by the national administrator."""

from __future__ import annotations

import datetime
from decimal import Decimal
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
from sagsbro.clinical.services.prices import set_price_index
from sagsbro.clinical.services.referrals import create_referral
from sagsbro.organisations.demo import NATIONAL_ADMIN
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


# Demo figures for the yearly price index of medical certificates (2011 = 100): plausible, not
# official. Years after the last are carried on at 2 % a year up to the demo's year.
PRICE_INDEX = {
    2011: Decimal("100.00"),
    2012: Decimal("101.90"),
    2013: Decimal("103.40"),
    2014: Decimal("104.60"),
    2015: Decimal("105.70"),
    2016: Decimal("106.80"),
    2017: Decimal("108.30"),
    2018: Decimal("109.90"),
    2019: Decimal("111.60"),
    2020: Decimal("113.40"),
    2021: Decimal("115.10"),
    2022: Decimal("119.30"),
    2023: Decimal("124.80"),
    2024: Decimal("128.10"),
    2025: Decimal("131.00"),
}


def price_index_until(year: int) -> dict[int, Decimal]:
    """The demo index for 2011 to ``year``."""
    table = {y: v for y, v in PRICE_INDEX.items() if y <= year}
    last = max(PRICE_INDEX)
    value = PRICE_INDEX[last]
    for later in range(last + 1, year + 1):
        value = (value * Decimal("1.02")).quantize(Decimal("0.01"))
        table[later] = value
    return table


def _price_index(people: dict[str, User], today: datetime.date) -> None:
    admin = people.get(NATIONAL_ADMIN)
    if admin is None:
        return
    for year, index in sorted(price_index_until(today.year).items()):
        set_price_index(admin, year, index, channel="demo")


def _second_account(people: dict[str, User]) -> User:
    coordinator = people["koordinator.hovedstaden"]
    user = User.objects.create_user(
        COORDINATOR_AS_SPECIALIST,
        password=None,
        first_name=coordinator.first_name,
        last_name=coordinator.last_name,
        role=Role.CLINICAL_SPECIALIST,
        region=coordinator.region,
        title="Speciallæge i arbejdsmedicin",
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


def create_places(people: dict[str, User]) -> list[ConsultationPlace]:
    """Each demo region's clinic (idempotent): made before the demo cases, whose consultations
    are booked there."""
    places = []
    for suffix, (name, address) in PLACES.items():
        secretariat = people[f"sekretariat.{suffix}"]
        place, _ = ConsultationPlace.objects.get_or_create(
            region=secretariat.region, name=name, defaults={"address": address}
        )
        places.append(place)
    return places


def create_clinical(people: dict[str, User], today: datetime.date) -> list[User]:
    """Klinisk funktion's demo data; returns the extra log-ins it made."""
    # The specialties come from a data migration; seeded again (idempotent) in case their
    # table was emptied since, as a test's flush does.
    import_module("sagsbro.clinical.migrations.0002_seed_specialties").seed(django_apps, None)
    people[COORDINATOR_AS_SPECIALIST] = _second_account(people)
    for username, codes in SPECIALTIES.items():
        profile, _ = SpecialistProfile.objects.get_or_create(user=people[username])
        profile.specialties.set(Specialty.objects.filter(code__in=codes))
    for place in create_places(people):
        for specialist in User.objects.filter(
            region=place.region, role=Role.CLINICAL_SPECIALIST
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
    _price_index(people, today)
    return [people[COORDINATOR_AS_SPECIALIST]]
