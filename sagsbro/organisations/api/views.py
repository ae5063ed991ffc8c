import django_filters
from rest_framework import mixins, viewsets
from rest_framework.generics import RetrieveAPIView

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.services import Subject
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.access import citizens_visible_to
from sagsbro.organisations.api.idempotency import idempotent
from sagsbro.organisations.api.serializers import (
    CitizenSerializer,
    MeSerializer,
    MunicipalitySerializer,
    RegionSerializer,
)
from sagsbro.organisations.models import Municipality, Region, User
from sagsbro.organisations.services import register_citizen


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    access_rule = AccessRule.REFERENCE
    queryset = Region.objects.all()
    serializer_class = RegionSerializer


class MunicipalityFilter(django_filters.FilterSet):
    region = IdFilter(field_name="region_id")

    class Meta:
        model = Municipality
        fields = ["region"]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    access_rule = AccessRule.REFERENCE
    queryset = Municipality.objects.select_related("region")
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter


class MeView(RetrieveAPIView):
    access_rule = AccessRule.SELF
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class CitizenViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The citizens the caller may know of (organisations.access), a page at a time by a
    cursor in the order they were registered: a municipality has thousands, and the
    cursor holds no name (it travels in the URL)."""

    access_rule = AccessRule.TENANT
    serializer_class = CitizenSerializer
    pagination_class = cursor_pagination("id")

    def get_queryset(self):
        return citizens_visible_to(self.request.user).order_by("id")

    def audit_subject(self, obj):
        return Subject("citizen", obj.pk, None, obj.pk)

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = self.request.user
        assert isinstance(user, User)  # the API lets only signed-in users through
        serializer.instance = register_citizen(user, **data)
