"""The audit log in the API. Who may read it is an organisations concern: an administrator
reads what the people of their own organisation did."""

import django_filters
from rest_framework import viewsets

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.audit.api.serializers import AuditEntrySerializer
from sagsbro.audit.models import AuditEntry
from sagsbro.core.api import AccessRule
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


class AuditEntryFilter(django_filters.FilterSet):
    case_id = IdFilter()
    citizen_id = IdFilter()

    class Meta:
        model = AuditEntry
        fields = ["case_id", "citizen_id", "action", "username"]


class AuditEntryViewSet(AuditedRefusalMixin, viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only: an administrator sees what the people of their own
    organisation did. Nobody can change it through the application."""

    access_rule = AccessRule.TENANT
    audit_object_type = "audit_entry"
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter

    def get_queryset(self):
        user = self.request.user
        if not isinstance(user, User) or user.role != Role.ADMINISTRATOR:
            return AuditEntry.objects.none()
        # None matches IS NULL: an administrator's organisation is a region or a municipality.
        colleagues = User.objects.filter(  # type: ignore[misc]
            municipality_id=user.municipality_id, region_id=user.region_id
        )
        return AuditEntry.objects.filter(user__in=colleagues).order_by("-id")
