"""The ressourceforløb's follow-up over HTTP (procedure 002; O-57): a case's two dates, read
and recorded by the municipality's caseworker, and the caseworker's cases due for
genforelæggelse. The genforelæggelsessag itself is made through the case's transition
``POST /api/v1/cases/{id}/reopen-as-genforelaeggelse/``."""

from __future__ import annotations

from typing import cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import case_subject, record, record_many
from sagsbro.cases.api.serializers import DATE_ERRORS
from sagsbro.cases.models import Case
from sagsbro.core.api import AccessRule, BoundedDateField
from sagsbro.meetings import services
from sagsbro.meetings.models import ForloebFollowUp
from sagsbro.meetings.rules.followup import due_for_genforelaeggelse
from sagsbro.meetings.services.followup import is_forloeb_case
from sagsbro.organisations.models import User


class ForloebFollowUpSerializer(serializers.Serializer):
    """A case's ressourceforløb follow-up; the dates are null until recorded."""

    case = serializers.IntegerField()
    reference = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    first_effort_started_on = serializers.DateField(allow_null=True)
    effort_deadline = serializers.DateField(
        allow_null=True, help_text="The last day the first effort may start (6 months)."
    )
    due_for_genforelaeggelse = serializers.BooleanField()
    recorded_at = serializers.DateTimeField(allow_null=True)


class ForloebFollowUpWriteSerializer(serializers.Serializer):
    started_on = BoundedDateField(error_messages=DATE_ERRORS)
    first_effort_started_on = BoundedDateField(
        required=False, allow_null=True, default=None, error_messages=DATE_ERRORS
    )


def _data(case: Case, follow_up: ForloebFollowUp | None) -> dict[str, object]:
    today = timezone.localdate()
    return ForloebFollowUpSerializer(
        {
            "case": case.pk,
            "reference": case.reference,
            "started_on": follow_up.started_on if follow_up else None,
            "first_effort_started_on": follow_up.first_effort_started_on if follow_up else None,
            "effort_deadline": follow_up.effort_deadline if follow_up else None,
            "due_for_genforelaeggelse": follow_up is not None
            and due_for_genforelaeggelse(
                follow_up.started_on, follow_up.first_effort_started_on, today
            ),
            "recorded_at": follow_up.recorded_at if follow_up else None,
        }
    ).data


class ForloebFollowUpViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """``/cases/{id}/ressourceforloeb/``: when the case's ressourceforløb began and its first
    effort started. Any party who sees the case reads it; the municipality's caseworker
    records it (PUT) once the team's meeting is held."""

    access_rule = AccessRule.TENANT
    audit_object_type = "case"
    serializer_class = ForloebFollowUpSerializer

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user).select_related("citizen")

    def audit_subject(self, obj):
        return case_subject(obj)

    @extend_schema(
        methods=["GET"], responses=ForloebFollowUpSerializer, operation_id="cases_ressourceforloeb"
    )
    @extend_schema(
        methods=["PUT"],
        request=ForloebFollowUpWriteSerializer,
        responses=ForloebFollowUpSerializer,
        operation_id="cases_ressourceforloeb_update",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="ressourceforloeb",
        pagination_class=None,
        filter_backends=[],
    )
    def ressourceforloeb(self, request, pk=None):
        case = self.get_object()
        if not is_forloeb_case(case):
            raise NotFound()
        if request.method == "PUT":
            payload = ForloebFollowUpWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            follow_up = services.record_forloeb(
                request.user, case, channel="api", **payload.validated_data
            )
            return Response(_data(case, follow_up))
        record(request.user, AuditEntry.Action.READ, case_subject(case), detail="ressourceforløb")
        return Response(_data(case, services.follow_up_of(case)))


class DueGenforelaeggelseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's ressourceforløb cases due for genforelæggelse (the worklist's "Skal
    genforelægges"): 6 months after the start without an effort started in time, and no
    genforelæggelse made yet. Empty for everyone but a caseworker."""

    access_rule = AccessRule.TENANT
    serializer_class = ForloebFollowUpSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, without a caller
            return ForloebFollowUp.objects.none()
        # Authenticated: DRF's default permission refuses an anonymous caller first.
        return services.due_follow_ups(cast(User, self.request.user))

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        record_many(request.user, AuditEntry.Action.LIST, [case_subject(f.case) for f in rows])
        data = [_data(f.case, f) for f in rows]
        return self.get_paginated_response(data) if page is not None else Response(data)
