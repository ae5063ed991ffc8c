"""The audit side of the API: every read of citizen data through a viewset is logged."""

from typing import TYPE_CHECKING

from rest_framework.response import Response

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import record, record_many

if TYPE_CHECKING:
    # The mixin is only ever combined with a DRF generic view.
    from rest_framework.generics import GenericAPIView

    _GenericView = GenericAPIView
else:
    _GenericView = object


class AuditedReadMixin(_GenericView):
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
