"""The collaboration agreements in the API. Writing one checks the deadline rules, which are
the cases domain's (`cases.services.agreements`), so the endpoint lives here."""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.cases.services.agreements import save_agreement
from sagsbro.core.api import AccessRule
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.access import agreements_visible_to
from sagsbro.organisations.api.idempotency import idempotent
from sagsbro.organisations.api.serializers import AgreementSerializer, AgreementWriteSerializer
from sagsbro.organisations.models import (
    AgreementDeadlineRule,
    CollaborationAgreement,
    Municipality,
)


class AgreementFilter(django_filters.FilterSet):
    municipality = IdFilter(field_name="municipality_id")

    class Meta:
        model = CollaborationAgreement
        fields = ["municipality"]


class AgreementViewSet(
    AuditedRefusalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Collaboration agreements (samarbejdsaftaler) of the caller's region, every version.

    Only the region's administrator sees them. POST sets the deadlines with a municipality
    as a new version in force from tomorrow, so cases already received keep theirs (BEK § 20).
    """

    access_rule = AccessRule.TENANT
    audit_object_type = "agreement"
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def get_queryset(self):
        return (
            agreements_visible_to(self.request.user)
            .select_related("municipality", "region")
            .prefetch_related(
                Prefetch(
                    "deadline_rules",
                    queryset=AgreementDeadlineRule.objects.order_by("subtype", "kind"),
                )
            )
            .order_by("municipality__name", "-valid_from", "-id")
        )

    @idempotent
    @extend_schema(request=AgreementWriteSerializer, responses={201: AgreementSerializer})
    def create(self, request, *args, **kwargs):
        payload = AgreementWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        municipality = Municipality.objects.filter(pk=data.pop("municipality")).first()
        agreement = save_agreement(request.user, municipality, **data)
        agreement = self.get_queryset().get(pk=agreement.pk)
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)
