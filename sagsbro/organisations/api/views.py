from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.services import Subject
from sagsbro.core.api import AccessRule
from sagsbro.organisations.api.serializers import (
    AgreementSerializer,
    AgreementWriteSerializer,
    CitizenSerializer,
    MeSerializer,
    MunicipalitySerializer,
    RegionSerializer,
)
from sagsbro.organisations.models import AgreementDeadlineRule, Municipality, Region, User
from sagsbro.organisations.services import (
    agreements_visible_to,
    citizens_visible_to,
    register_citizen,
    save_agreement,
)


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


class AgreementViewSet(
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
    serializer_class = AgreementSerializer
    filterset_fields = ["municipality"]

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

    @extend_schema(request=AgreementWriteSerializer, responses={201: AgreementSerializer})
    def create(self, request, *args, **kwargs):
        payload = AgreementWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        municipality = Municipality.objects.filter(pk=data.pop("municipality")).first()
        agreement = save_agreement(request.user, municipality, **data)
        agreement = self.get_queryset().get(pk=agreement.pk)
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)
