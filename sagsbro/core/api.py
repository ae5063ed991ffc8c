"""API plumbing shared by every app: error translation and the access-rule contract."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import record, record_many
from sagsbro.core.errors import ServiceError


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class AccessRule:
    """How an API view restricts what it shows. Every view under /api/v1/ declares one;
    the tenant-isolation test refuses a view without it."""

    PUBLIC = "public"  # no personal data (the working-day calendar)
    REFERENCE = "reference"  # organisations: no citizen data, log-in required
    SELF = "self"  # the caller's own account
    TENANT = "tenant"  # citizen data, restricted through a visible_to() helper


class AuditedReadMixin:
    """Writes one audit entry per object shown: READ for a detail, LIST for each list row.
    Viewsets over citizen data use it; `audit_subject` says what an object is about."""

    def audit_subject(self, obj):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        record_many(request.user, AuditEntry.Action.LIST, [self.audit_subject(o) for o in rows])
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        record(request.user, AuditEntry.Action.READ, self.audit_subject(instance))
        return Response(self.get_serializer(instance).data)
