"""The audit side of the API: every read of citizen data through a viewset is logged."""

from typing import TYPE_CHECKING

from rest_framework.response import Response

from sagsbro.audit.denied import generic_subject, record_denied
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record, record_many

if TYPE_CHECKING:
    # The mixin is only ever combined with a DRF generic view.
    from rest_framework.generics import GenericAPIView

    _GenericView = GenericAPIView
else:
    _GenericView = object


class AuditedRefusalMixin(_GenericView):
    """Writes one DENIED entry when a request for one object (a detail route, `{pk}` in the
    URL) is answered 404 or 403, wherever in the view the refusal was raised: the lookup
    through `visible_to`, a role check, or a service's PermissionRefused. A list filtered to
    nothing is no refusal. `audit_object_type` names the object (default: the model's name)."""

    audit_object_type: str | None = None

    def audit_subject(self, obj) -> Subject:
        raise NotImplementedError

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        lookup = self.lookup_url_kwarg or self.lookup_field
        if response.status_code in (403, 404) and lookup in self.kwargs:
            # The authenticated user, without authenticating again (a failed authentication
            # leaves the anonymous user here, and anonymous refusals are not recorded).
            user = getattr(self.request, "_user", None)
            if user is not None and user.is_authenticated:
                record_denied(
                    user,
                    self.get_queryset().model,
                    self.kwargs[lookup],
                    object_type=self.audit_object_type,
                    subject_of=self._refused_subject,
                    channel="api",
                )
        return response

    def _refused_subject(self, obj) -> Subject:
        try:
            return self.audit_subject(obj)
        except NotImplementedError:
            return generic_subject(obj)


class AuditedReadMixin(AuditedRefusalMixin):
    """Writes one audit entry per object shown: READ for a detail, LIST for each list row.
    Viewsets over citizen data use it; `audit_subject` says what an object is about.

    A detail route (`{pk}` in the URL) reads its object from `get_queryset`, which holds the
    access rule, without the list's filter backends: the list's filters narrow a list, and
    building a filter form for every read of one object costs time and no safety."""

    def audit_subject(self, obj):
        raise NotImplementedError

    def filter_queryset(self, queryset):
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)

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
