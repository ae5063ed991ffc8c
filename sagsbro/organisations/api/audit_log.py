"""The audit log in the API. Who may read it is an organisations concern: an administrator
reads what the people of their own organisation did.

Ten years of a national log are millions of entries: the list is paged with a cursor (newest
first, no count), and every filter is answered from an index on the filtered column and the
time (actor, case, citizen, object; the time alone on the time index)."""

import django_filters
from django.db.models import QuerySet
from rest_framework import viewsets

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.audit.api.serializers import AuditEntrySerializer
from sagsbro.audit.models import AuditEntry
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


class AuditEntryFilter(django_filters.FilterSet):
    case_id = IdFilter()
    citizen_id = IdFilter()
    user = IdFilter(field_name="user_id", help_text="The person who acted (a user id).")
    username = django_filters.CharFilter(
        method="filter_username", help_text="The person who acted, by user name."
    )
    object_type = django_filters.CharFilter(help_text="E.g. case, document, citizen.")
    object_id = django_filters.CharFilter(help_text="The object's id (with object_type).")
    at_from = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="gte", help_text="Entries at or after this time."
    )
    at_to = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="lt", help_text="Entries before this time."
    )

    class Meta:
        model = AuditEntry
        fields = ["case_id", "citizen_id", "action"]

    def filter_username(self, queryset: QuerySet[AuditEntry], name: str, value: str):
        # The account's id, so the actor's index answers it; an entry keeps the name it was
        # written under, so a name no account has now is looked up as written.
        ids = list(User.objects.filter(username=value).values_list("pk", flat=True))
        if ids:
            return queryset.filter(user_id__in=ids)
        return queryset.filter(username=value)


class AuditEntryViewSet(AuditedRefusalMixin, viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only, newest first: an administrator sees what the people of
    their own organisation did. Filter by actor (`user`, `username`), case, citizen, object
    (`object_type`, `object_id`), action and time (`at_from`, `at_to`); page with the
    cursor in `next`. Nobody can change it through the application."""

    access_rule = AccessRule.TENANT
    audit_object_type = "audit_entry"
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    pagination_class = cursor_pagination("-at", "-id")

    def get_queryset(self):
        user = self.request.user
        if not isinstance(user, User) or user.role != Role.ADMINISTRATOR:
            return AuditEntry.objects.none()
        # The colleagues' ids as values (a few dozen at most), not a subquery: the database
        # then knows how many entries they wrote and picks the index that finds a page.
        if user.municipality_id is None and user.region_id is None:
            # The national administrator's colleagues are the national administrators, never
            # the GPs (who belong to no organisation either and read citizens' documents).
            people = User.objects.filter(
                role=Role.ADMINISTRATOR, municipality__isnull=True, region__isnull=True
            )
        else:
            # One of the two is set: None matches IS NULL for the other.
            people = User.objects.filter(  # type: ignore[misc]
                municipality_id=user.municipality_id, region_id=user.region_id
            )
        colleagues = list(people.values_list("pk", flat=True))
        entries: QuerySet[AuditEntry] = AuditEntry.objects.filter(user_id__in=colleagues)
        if self.action == "list":
            entries = _few_by_their_ids(entries)
        return entries.order_by("-at", "-id")


# An organisation whose people wrote at most this many entries is read by its entries' ids.
FEW_ENTRIES = 2000


def _few_by_their_ids(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """The newest-first list walks the time index backwards and keeps the organisation's
    entries: quick for an organisation with a good share of the log, but an organisation
    whose people wrote few entries (or none yet) would make it walk millions. Those few are
    found on the actor index (one query reading at most FEW_ENTRIES + 1 ids) and read by id."""
    ids = list(entries.order_by().values_list("pk", flat=True)[: FEW_ENTRIES + 1])
    if len(ids) > FEW_ENTRIES:
        return entries
    return AuditEntry.objects.filter(pk__in=ids)
