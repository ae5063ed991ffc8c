from rest_framework import mixins, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import RetrieveAPIView

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.services import Subject
from sagsbro.core.api import AccessRule
from sagsbro.organisations.access import citizens_visible_to
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


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    access_rule = AccessRule.REFERENCE
    queryset = Municipality.objects.select_related("region")
    serializer_class = MunicipalitySerializer
    filterset_fields = ["region"]


class MeView(RetrieveAPIView):
    access_rule = AccessRule.SELF
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token (for systems, not browsers)."""

    access_rule = AccessRule.SELF


class CitizenViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    access_rule = AccessRule.TENANT
    serializer_class = CitizenSerializer

    def get_queryset(self):
        return citizens_visible_to(self.request.user).order_by("name", "id")

    def audit_subject(self, obj):
        return Subject("citizen", obj.pk, None, obj.pk)

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = self.request.user
        assert isinstance(user, User)  # the API lets only signed-in users through
        serializer.instance = register_citizen(user, **data)
