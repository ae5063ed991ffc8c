"""Who may see and plan the rehabiliteringsteam's meeting days, and book cases onto them.

Meeting days are agreed between the municipality and the region (BEK § 16, stk. 2): the
municipality's own people see its days; the region's secretariat, coordinators and clinical
specialists see the days of the municipalities in their region (they staff them). A GP sees
none. The days are planned (series and single days) by the region's secretariat and by the
municipality's administrator and caseworkers, each for that municipality only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import FINAL_STATES
from sagsbro.meetings.models import MeetingDay, MeetingSeries
from sagsbro.organisations.models import Municipality, User
from sagsbro.organisations.roles import MUNICIPAL_ROLES, REGIONAL_ROLES, Role

# The municipality's people who plan its meeting days.
MUNICIPAL_PLANNERS = frozenset({Role.CASEWORKER, Role.ADMINISTRATOR})


def _municipalities_seen(user: User | AnonymousUser) -> Q | None:
    """The filter on ``municipality`` of what the user sees; None: nothing."""
    if not user.is_authenticated:
        return None
    if user.role in MUNICIPAL_ROLES or (
        user.role == Role.ADMINISTRATOR and user.municipality_id is not None
    ):
        return Q(municipality_id=user.municipality_id)
    if user.role in REGIONAL_ROLES and user.region_id is not None:
        return Q(municipality__region_id=user.region_id)
    return None


def meeting_days_visible_to(user: User | AnonymousUser) -> QuerySet[MeetingDay]:
    """The one place that decides which meeting days a user may know of (tenancy)."""
    seen = _municipalities_seen(user)
    return MeetingDay.objects.none() if seen is None else MeetingDay.objects.filter(seen)


def meeting_series_visible_to(user: User | AnonymousUser) -> QuerySet[MeetingSeries]:
    """The series of the municipalities whose days the user sees."""
    seen = _municipalities_seen(user)
    return MeetingSeries.objects.none() if seen is None else MeetingSeries.objects.filter(seen)


def sees_meetings(user: User | AnonymousUser) -> bool:
    """The header's "Møder" link: for everyone who may see some municipality's days."""
    if not user.is_authenticated:
        return False
    if user.role in MUNICIPAL_ROLES or user.role in REGIONAL_ROLES:
        return True
    return user.role == Role.ADMINISTRATOR and user.municipality_id is not None


def plannable_municipalities(user: User) -> QuerySet[Municipality]:
    """The municipalities whose meeting days the user may plan."""
    if user.role == Role.SECRETARIAT and user.region_id is not None:
        return Municipality.objects.filter(region_id=user.region_id)
    if user.role in MUNICIPAL_PLANNERS and user.municipality_id is not None:
        return Municipality.objects.filter(pk=user.municipality_id)
    return Municipality.objects.none()


def may_plan(user: User, municipality_id: int) -> bool:
    """The user may create meeting series and days for the municipality."""
    return plannable_municipalities(user).filter(pk=municipality_id).exists()


def may_book(user: User, case: Case) -> bool:
    """The case's municipality's caseworker, or the region's secretariat once it has the
    case, books the case onto a meeting while it is open; a løbende sag's contact slot also
    by its coordinator."""
    if case.state in FINAL_STATES:
        return False
    if user.role == Role.CASEWORKER:
        return case.municipality_id == user.municipality_id
    if user.role == Role.SECRETARIAT:
        return case.region_id == user.region_id and case.received_at is not None
    if user.role == Role.COORDINATOR:
        # The coordinator who calls the caseworker books a løbende sag's contact slot.
        return case.subtype == Subtype.LOEBENDE_SAG and case.coordinator_id == user.pk
    return False
