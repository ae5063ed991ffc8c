"""The price of assessments over HTTP (BEK § 18, stk. 2):

* ``/assessment-costs/``: the region's secretariat records what an assessment cost (own or a
  certificate bought outside) and reads the costs of the cases it can see;
* ``/price-index/``: the national yearly index of the price of medical certificates
  (2011 = 100), reference data: read by the regions' secretariats and administrators, the
  municipalities' administrators and the national administrator, set by the national
  administrator only (no region sets the figure its own average is held against);
* ``/price-averages/``: the running average per case and year of the caller's region against
  the cap of 14,000 kr. in 2011 prices, with the warning level, over the cases under no
  agreed price; ``/price-averages/agreed/``: the cases under a price agreed with their
  municipality (BEK § 18, stk. 1), per municipality, year and price, against that price.

Thin: access through the services' helpers, a service called for every write. Every read of a
cost is audited (it names a case); a refused request for a cost is recorded as DENIED."""

from __future__ import annotations

from typing import cast

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.services import Subject
from sagsbro.cases.models import Case
from sagsbro.clinical.api import price_serializers as s
from sagsbro.clinical.models import AssessmentCost
from sagsbro.clinical.services import prices
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.errors import PermissionRefused
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.api.idempotency import idempotent
from sagsbro.organisations.models import User


class AssessmentCostFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    year = django_filters.NumberFilter(
        field_name="incurred_on__year", min_value=2011, max_value=2100
    )

    class Meta:
        model = AssessmentCost
        fields = ["case", "year"]


class AssessmentCostViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """What each assessment cost (BEK § 18, stk. 2: own assessments and certificates bought
    outside klinisk funktion both count). The region's secretariat only."""

    access_rule = AccessRule.TENANT
    audit_object_type = "assessment_cost"
    serializer_class = s.AssessmentCostSerializer
    filterset_class = AssessmentCostFilter
    pagination_class = cursor_pagination("incurred_on", "id")

    def get_queryset(self):
        return prices.costs_visible_to(cast(User, self.request.user)).select_related("case")

    def audit_subject(self, obj):
        return Subject("assessment_cost", obj.pk, obj.case_id, obj.case.citizen_id)

    @idempotent
    @extend_schema(
        request=s.AssessmentCostWriteSerializer, responses={201: s.AssessmentCostSerializer}
    )
    def create(self, request, *args, **kwargs):
        payload = s.AssessmentCostWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        case = Case.objects.filter(pk=data.pop("case")).first()
        cost = prices.record_cost(cast(User, request.user), case, **data)
        cost = self.get_queryset().get(pk=cost.pk)
        return Response(s.AssessmentCostSerializer(cost).data, status=status.HTTP_201_CREATED)


class PriceIndexViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The national yearly price index for the § 18 cap (2011 = 100). Listed for the regions'
    secretariats and administrators, the municipalities' administrators and the national
    administrator; POST sets or corrects a year (the national administrator only)."""

    # One national table, no citizen data.
    access_rule = AccessRule.REFERENCE
    serializer_class = s.PriceIndexSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return prices.index_rows_visible_to(cast(User, self.request.user)).order_by("year")

    def list(self, request, *args, **kwargs):
        if not prices.may_read_index(cast(User, request.user)):
            raise PermissionRefused("role_not_allowed", prices.READ_INDEX_REFUSED)
        return super().list(request, *args, **kwargs)

    @idempotent
    @extend_schema(request=s.PriceIndexWriteSerializer, responses={201: s.PriceIndexSerializer})
    def create(self, request, *args, **kwargs):
        user = cast(User, request.user)
        # Refused before the body is read: the caller learns first that it is not theirs.
        if not prices.may_set_index(user):
            raise PermissionRefused("role_not_allowed", prices.SET_INDEX_REFUSED)
        payload = s.PriceIndexWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = prices.set_price_index(
            user, payload.validated_data["year"], payload.validated_data["index"]
        )
        return Response(s.PriceIndexSerializer(row).data, status=status.HTTP_201_CREATED)


class PriceAverageViewSet(viewsets.GenericViewSet):
    """The running average price per case of the caller's region, per year, against the cap
    (BEK § 18, stk. 2). Level ``warning`` from 90 % of the cap, ``over`` above it."""

    access_rule = AccessRule.TENANT
    serializer_class = s.PriceFigureSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return AssessmentCost.objects.none()

    @extend_schema(responses=s.PriceFigureSerializer(many=True))
    def list(self, request, *args, **kwargs):
        figures = prices.price_figures(cast(User, request.user))
        return Response(s.PriceFigureSerializer(figures, many=True).data)

    @extend_schema(responses=s.AgreedPriceFigureSerializer(many=True))
    @action(detail=False, methods=["get"])
    def agreed(self, request, *args, **kwargs):
        """The cases under a price agreed with their municipality (BEK § 18, stk. 1): average
        per case, per municipality, year and agreed price, against that price."""
        figures = prices.agreed_price_figures(cast(User, request.user))
        names = prices.municipality_names(figures)
        return Response(
            s.AgreedPriceFigureSerializer(figures, many=True, context={"names": names}).data
        )
