"""Who may see the organisations app's records: citizens and collaboration agreements. The one
place services, pages and API ask (cases: `cases/access.py`, documents: `documents/access.py`)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from sagsbro.organisations.models import Citizen, CollaborationAgreement, User
from sagsbro.organisations.roles import Role


def _case_model() -> Any:
    """The case model, reached through the reverse relation ``Citizen.cases``: the cases app
    sits above this one, and which cases a user may see is decided once, by its
    ``visible_to``."""
    return Citizen._meta.get_field("cases").related_model


def citizens_visible_to(user: User | AnonymousUser) -> QuerySet[Citizen]:
    """Citizens a user may know of: the municipality's own; for the region and GPs only those
    with a case they can see."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Citizen.objects.none()
    if user.role in (Role.CASEWORKER, Role.TEAM_MEMBER):
        # A municipal role always has a municipality (the stubs cannot know).
        return Citizen.objects.filter(municipality_id=user.municipality_id)  # type: ignore[misc]
    if user.role in (
        Role.SECRETARIAT,
        Role.COORDINATOR,
        Role.CLINICAL_SPECIALIST,
        Role.GENERAL_PRACTITIONER,
    ):
        cases = _case_model().objects.visible_to(user)
        return Citizen.objects.filter(pk__in=cases.values("citizen_id"))
    return Citizen.objects.none()


def agreements_visible_to(user: User | AnonymousUser) -> QuerySet[CollaborationAgreement]:
    """Agreement versions a user may see: the region's administrator sees the region's."""
    if (
        not isinstance(user, User)
        or not user.is_authenticated
        or user.role != Role.ADMINISTRATOR
        or not user.region_id
    ):
        return CollaborationAgreement.objects.none()
    return CollaborationAgreement.objects.filter(region_id=user.region_id)
