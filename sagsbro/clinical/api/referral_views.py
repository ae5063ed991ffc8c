"""Referrals (LÆ 271), specialists, consultation places and the consultation calendar over
HTTP:

* ``/referrals/``: the municipality refers from a team case or a løbende sag (POST); the
  secretariat's intake list and the municipality's own referrals (GET, oldest first);
* ``/specialties/``, ``/specialists/``: the region's specialists by specialty, and the
  secretariat setting a specialist's specialties;
* ``/consultation-places/``, ``/consultation-slots/``: the region's places and the
  specialists' calendar; ``/consultation-slots/{id}/book/`` books a slot for a case, which
  invites the citizen (with the 14-day late notice) and writes the invitation letter.

Thin: rows through the access helpers, the payload validated, a service called. Every read of
a referral or a slot is audited; a refused request for one is recorded as DENIED."""

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
from sagsbro.clinical.api import referral_serializers as s
from sagsbro.clinical.models import Certificate, ConsultationSlot, Referral, Specialty
from sagsbro.clinical.services import booking
from sagsbro.clinical.services.referrals import (
    create_referral,
    open_referrals,
    referrals_visible_to,
)
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.errors import ServiceError
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.api.idempotency import idempotent
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import REGIONAL_ROLES, Role


class ReferralFilter(django_filters.FilterSet):
    specialty = django_filters.CharFilter(field_name="specialty__code")
    open = django_filters.BooleanFilter(method="filter_open", label="Kun åbne henvisninger")

    class Meta:
        model = Referral
        fields = ["specialty", "open"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return open_referrals(queryset, open_=value)


class ReferralViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    access_rule = AccessRule.TENANT
    filterset_class = ReferralFilter
    # The intake order: the oldest received first.
    pagination_class = cursor_pagination("received_at", "id")

    def get_queryset(self):
        user = self.request.user
        if getattr(user, "role", None) == Role.GENERAL_PRACTITIONER:
            return Referral.objects.none()
        return referrals_visible_to(cast(User, user)).select_related(
            "case", "case__municipality", "origin_case", "specialty", "follows_certificate__case"
        )

    def get_serializer_class(self):
        return s.ReferralCreateSerializer if self.action == "create" else s.ReferralSerializer

    def audit_subject(self, obj):
        return Subject("referral", obj.pk, obj.case_id, obj.case.citizen_id)

    @extend_schema(request=s.ReferralCreateSerializer, responses={201: s.ReferralSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        payload = s.ReferralCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = cast(User, request.user)
        origin = Case.objects.visible_to(user).filter(pk=data["origin_case"]).first()
        if origin is None:
            raise ServiceError(
                "not_found",
                "Sagen findes ikke.",
                fields={"origin_case": ["Sagen findes ikke."]},
                status=404,
            )
        advice = None
        if data.get("origin_advice"):
            advice = origin.advice.filter(pk=data["origin_advice"]).first()
            if advice is None:
                message = "Anbefalingen findes ikke på sagen."
                raise ServiceError("invalid_advice", message, fields={"origin_advice": [message]})
        wanted = set(data["documents"])
        documents = list(origin.documents.filter(pk__in=wanted, withdrawn_at__isnull=True))
        if len(documents) != len(wanted):
            message = "Et valgt bilag findes ikke på den oprindelige sag."
            raise ServiceError("invalid_document", message, fields={"documents": [message]})
        follows = None
        if data.get("follows_certificate"):
            # The same citizen's certificates on cases the caller may see; anything else is
            # "not found", so no other citizen's data is revealed.
            follows = (
                Certificate.objects.filter(
                    pk=data["follows_certificate"],
                    case__in=Case.objects.visible_to(user),
                    case__citizen_id=origin.citizen_id,
                )
                .select_related("case")
                .first()
            )
            if follows is None:
                message = "Attesten findes ikke."
                raise ServiceError("not_found", message, fields={"follows_certificate": [message]})
        referral = create_referral(
            user,
            origin,
            origin_kind=data["origin_kind"],
            origin_advice=advice,
            question=data["question"],
            specialty=data["specialty"],
            documents=documents,
            follows_certificate=follows,
        )
        referral = self.get_queryset().get(pk=referral.pk)
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class SpecialtyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    access_rule = AccessRule.REFERENCE
    serializer_class = s.SpecialtySerializer
    queryset = Specialty.objects.all()
    pagination_class = None
    filter_backends: list[type] = []


class SpecialistFilter(django_filters.FilterSet):
    specialty = django_filters.CharFilter(field_name="specialist_profile__specialties__code")

    class Meta:
        model = User
        fields = ["specialty"]


class SpecialistViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's region's specialists (klinisk funktion's own people)."""

    access_rule = AccessRule.REFERENCE
    serializer_class = s.SpecialistSerializer
    filterset_class = SpecialistFilter
    pagination_class = cursor_pagination("id")

    def get_queryset(self):
        user = self.request.user
        if getattr(user, "role", None) not in REGIONAL_ROLES:
            return User.objects.none()
        return booking.specialists_of(cast(User, user).region_id).distinct()

    @extend_schema(request=s.SpecialtiesInputSerializer, responses=s.SpecialistSerializer)
    @action(detail=True, methods=["post"])
    def specialties(self, request, pk=None):
        specialist = self.get_object()
        payload = s.SpecialtiesInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking.set_specialties(request.user, specialist, payload.validated_data["specialties"])
        specialist = self.get_queryset().get(pk=specialist.pk)
        return Response(s.SpecialistSerializer(specialist).data)


class ConsultationPlaceViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_rule = AccessRule.REFERENCE
    serializer_class = s.ConsultationPlaceSerializer
    pagination_class = None
    filter_backends: list[type] = []

    def get_queryset(self):
        return booking.places_visible_to(cast(User, self.request.user))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = booking.create_place(
            cast(User, self.request.user), name=data["name"], address=data["address"]
        )


class ConsultationSlotFilter(django_filters.FilterSet):
    specialist = IdFilter(field_name="specialist_id")
    free = django_filters.BooleanFilter(field_name="case", lookup_expr="isnull")
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")

    class Meta:
        model = ConsultationSlot
        fields = ["specialist", "free", "starts_after"]


class ConsultationSlotViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    access_rule = AccessRule.TENANT
    audit_object_type = "consultation_slot"
    filterset_class = ConsultationSlotFilter
    pagination_class = cursor_pagination("starts_at", "id")

    def get_queryset(self):
        return booking.slots_visible_to(cast(User, self.request.user)).select_related("case")

    def get_serializer_class(self):
        if self.action == "create":
            return s.ConsultationSlotCreateSerializer
        if self.action == "book":
            return s.BookSlotSerializer
        return s.ConsultationSlotSerializer

    def audit_subject(self, obj):
        citizen = obj.case.citizen_id if obj.case is not None else None
        return Subject("consultation_slot", obj.pk, obj.case_id, citizen)

    @extend_schema(
        request=s.ConsultationSlotCreateSerializer, responses={201: s.ConsultationSlotSerializer}
    )
    @idempotent
    def create(self, request, *args, **kwargs):
        payload = s.ConsultationSlotCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = cast(User, request.user)
        slot = booking.create_slot(
            user,
            specialist=booking.specialists_of(user.region_id).filter(pk=data["specialist"]).first(),
            place=booking.places_visible_to(user).filter(pk=data["place"]).first(),
            starts_at=data["starts_at"],
            minutes=data["minutes"],
        )
        return Response(s.ConsultationSlotSerializer(slot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BookSlotSerializer, responses=s.ConsultationSlotSerializer)
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        slot = self.get_object()
        payload = s.BookSlotSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = cast(User, request.user)
        case = Case.objects.visible_to(user).filter(pk=payload.validated_data["case"]).first()
        if case is None:
            # Another region's case, or none: not found, as everywhere (the services' 404).
            message = "Sagen findes ikke."
            raise ServiceError("not_found", message, status=404, fields={"case": [message]})
        slot = booking.book_slot(user, slot, case)
        return Response(s.ConsultationSlotSerializer(slot).data)
