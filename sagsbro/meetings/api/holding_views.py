"""Holding a meeting day, the structured indstilling per booking, the follow-ups agreed and the
letters after the meeting, over HTTP. Thin: read through the visibility helpers, write through
the services (which check the roles again and audit)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record, record_many
from sagsbro.cases.models import Case
from sagsbro.core.api import AccessRule, BoundedDateField
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings.access import meeting_days_visible_to
from sagsbro.meetings.models import Booking, FollowUp, Indstilling
from sagsbro.meetings.services import after_meeting, holding, indstilling, meeting_follow_ups
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import record_sent
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import MUNICIPAL_ROLES

DATE_ERRORS = {"invalid": "Angiv en gyldig dato som åååå-mm-dd."}
OUTCOMES = [(o.value, o.label) for o in Booking.Outcome if o != Booking.Outcome.NONE]


# --- serializers ----------------------------------------------------------------------------


class AttendanceSerializer(serializers.Serializer):
    attendee = serializers.IntegerField()
    present = serializers.BooleanField()


class BookingResultSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    citizen_present = serializers.BooleanField(allow_null=True, required=False, default=None)


class HoldSerializer(serializers.Serializer):
    attendance = AttendanceSerializer(many=True, required=False, default=list)
    bookings = BookingResultSerializer(many=True)


class HeldBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    state = serializers.CharField()
    outcome = serializers.CharField()
    citizen_present = serializers.BooleanField(allow_null=True)


class HeldDaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    held_at = serializers.DateTimeField(allow_null=True)
    bookings = HeldBookingSerializer(many=True)


class IndstillingSerializer(serializers.Serializer):
    booking = serializers.IntegerField(source="booking_id")
    case = serializers.IntegerField(source="case_id")
    employment_goal = serializers.CharField(allow_blank=True)
    sub_goals = serializers.CharField(allow_blank=True)
    main_efforts = serializers.CharField(allow_blank=True)
    future_employment_areas = serializers.CharField(allow_blank=True)
    mentor = serializers.CharField(allow_blank=True)
    health_efforts = serializers.CharField(allow_blank=True)
    social_efforts = serializers.CharField(allow_blank=True)
    family_efforts = serializers.CharField(allow_blank=True)
    timing = serializers.CharField(allow_blank=True)
    coordinator_advice = serializers.CharField(allow_blank=True)
    citizen_view = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    goal_hint = serializers.CharField(
        allow_null=True, help_text="A hint when the employment goal is vague; null otherwise."
    )
    finalised_at = serializers.DateTimeField(allow_null=True)
    document = serializers.IntegerField(source="document_id", allow_null=True)


class IndstillingWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version the caller read; a newer stored version answers 409.",
    )
    employment_goal = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    sub_goals = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    main_efforts = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    future_employment_areas = serializers.CharField(
        required=False, allow_blank=True, max_length=10000
    )
    mentor = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    health_efforts = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    social_efforts = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    family_efforts = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    timing = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    citizen_view = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class AdviceWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    text = serializers.CharField(allow_blank=True, max_length=10000)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    owner = serializers.IntegerField(source="owner_id")
    text = serializers.CharField()
    due = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


class FollowUpWriteSerializer(serializers.Serializer):
    owner = serializers.IntegerField()
    text = serializers.CharField(max_length=300)
    due = BoundedDateField(error_messages=DATE_ERRORS)


class OutgoingMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    recipient_kind = serializers.CharField()
    purpose = serializers.CharField()
    document = serializers.IntegerField(source="document_id")
    state = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


class RecordSentSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="How it was sent, e.g. the Digital Post reference.",
    )


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- helpers --------------------------------------------------------------------------------


def _indstilling_data(booking: Booking) -> dict[str, Any]:
    current = indstilling.indstilling_of(booking)
    data = IndstillingSerializer(current).data
    data["goal_hint"] = indstilling.goal_hint(current)
    return data


def visible_bookings(user: User):
    """Bookings whose meeting day and case the user may know of (the day's coordinator knows
    every case on the agenda)."""
    return Booking.objects.filter(meeting__in=meeting_days_visible_to(user)).filter(
        Q(case__in=Case.objects.visible_to(user)) | Q(meeting__coordinator=user)
    )


# --- views ----------------------------------------------------------------------------------


class MeetingDayHoldingViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """``POST /meeting-days/{id}/hold/``: the day held, on or after its date (BEK § 8), by the
    municipality's team or caseworker; every case on the agenda needs its outcome."""

    access_rule = AccessRule.TENANT
    audit_object_type = "meeting_day"
    serializer_class = HeldDaySerializer

    def get_queryset(self):
        return meeting_days_visible_to(self.request.user)

    def audit_subject(self, obj):
        return Subject("meeting_day", obj.pk)

    @extend_schema(request=HoldSerializer, responses=HeldDaySerializer)
    @action(detail=True, methods=["post"], url_path="hold", filter_backends=[])
    def hold(self, request, pk=None):
        day = self.get_object()
        payload = HoldSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        held = holding.hold_meeting_day(
            request.user,
            day,
            attendance={row["attendee"]: row["present"] for row in data["attendance"]},
            bookings={
                row["booking"]: holding.BookingResult(row["outcome"], row["citizen_present"])
                for row in data["bookings"]
            },
            channel="api",
        )
        bookings = Booking.objects.filter(meeting=held).exclude(state=Booking.State.MOVED)
        return Response(
            HeldDaySerializer(
                {"id": held.pk, "state": held.state, "held_at": held.held_at, "bookings": bookings}
            ).data
        )


class BookingIndstillingViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """The indstilling of one booking (``/bookings/{id}/indstilling/``), the coordinator's
    advice, finalising it into a PDF, and the follow-ups agreed for the case."""

    access_rule = AccessRule.TENANT
    audit_object_type = "booking"
    serializer_class = IndstillingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a user
            return Booking.objects.none()
        return visible_bookings(cast(User, self.request.user)).select_related(
            "meeting", "case__citizen"
        )

    def audit_subject(self, obj):
        return case_subject(obj.case)

    @extend_schema(
        methods=["GET"], responses=IndstillingSerializer, operation_id="bookings_indstilling"
    )
    @extend_schema(
        methods=["PUT"],
        request=IndstillingWriteSerializer,
        responses=IndstillingSerializer,
        operation_id="bookings_indstilling_update",
    )
    @action(detail=True, methods=["get", "put"], url_path="indstilling", filter_backends=[])
    def indstilling(self, request, pk=None):
        booking = self.get_object()
        if request.method == "PUT":
            payload = IndstillingWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            version = data.pop("version")
            indstilling.save_indstilling(
                request.user, booking, data, expected_version=version, channel="api"
            )
        else:
            current = Indstilling.objects.filter(booking=booking).select_related("case").first()
            record(
                request.user,
                AuditEntry.Action.READ,
                indstilling.indstilling_subject(current) if current else case_subject(booking.case),
                detail="indstilling",
            )
        return Response(_indstilling_data(booking))

    @extend_schema(request=AdviceWriteSerializer, responses=IndstillingSerializer)
    @action(detail=True, methods=["put"], url_path="coordinator-advice", filter_backends=[])
    def coordinator_advice(self, request, pk=None):
        booking = self.get_object()
        payload = AdviceWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        indstilling.save_coordinator_advice(
            request.user,
            booking,
            payload.validated_data["text"],
            expected_version=payload.validated_data["version"],
            channel="api",
        )
        return Response(_indstilling_data(booking))

    @extend_schema(request=None, responses={202: IndstillingSerializer})
    @action(detail=True, methods=["post"], url_path="indstilling/finalise", filter_backends=[])
    def finalise(self, request, pk=None):
        booking = self.get_object()
        indstilling.finalise_indstilling(request.user, booking, channel="api")
        return Response(_indstilling_data(booking), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        methods=["GET"], responses=FollowUpSerializer(many=True), operation_id="bookings_follow_ups"
    )
    @extend_schema(
        methods=["POST"],
        request=FollowUpWriteSerializer,
        responses={201: FollowUpSerializer},
        operation_id="bookings_follow_ups_create",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="follow-ups",
        pagination_class=None,
        filter_backends=[],
    )
    def follow_ups(self, request, pk=None):
        booking = self.get_object()
        if request.method == "POST":
            payload = FollowUpWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            owner = next(
                (u for u in meeting_follow_ups.possible_owners(booking) if u.pk == data["owner"]),
                None,
            )
            follow_up = meeting_follow_ups.add_follow_up(
                request.user,
                booking,
                owner=owner,
                text=data["text"],
                due=data["due"],
                channel="api",
            )
            return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)
        rows = list(FollowUp.objects.filter(booking=booking).select_related("case"))
        record_many(
            request.user,
            AuditEntry.Action.LIST,
            [meeting_follow_ups.follow_up_subject(f) for f in rows],
        )
        return Response(FollowUpSerializer(rows, many=True).data)


class FollowUpViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """``/follow-ups/``: the caller's own open follow-ups (the worklist's section), and marking
    one done (its owner, or the municipality's people)."""

    access_rule = AccessRule.TENANT
    audit_object_type = "follow_up"
    serializer_class = FollowUpSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a user
            return FollowUp.objects.none()
        user = self.request.user
        return FollowUp.objects.filter(
            Q(owner=user) | Q(booking__in=visible_bookings(cast(User, user)))
        ).select_related("case", "booking__meeting")

    def audit_subject(self, obj):
        return meeting_follow_ups.follow_up_subject(obj)

    def list(self, request):
        rows = self.paginate_queryset(meeting_follow_ups.open_follow_ups_query(request.user))
        assert rows is not None  # the default pagination is on for this list
        record_many(
            request.user,
            AuditEntry.Action.LIST,
            [meeting_follow_ups.follow_up_subject(f) for f in rows],
        )
        return self.get_paginated_response(FollowUpSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="done", filter_backends=[])
    def done(self, request, pk=None):
        follow_up = meeting_follow_ups.mark_follow_up_done(
            request.user, self.get_object(), channel="api"
        )
        return Response(FollowUpSerializer(follow_up).data)


class CaseConclusionViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """``POST /cases/{id}/conclusion-letter/``: the written conclusion to the citizen (made as a
    PDF in the background) and the GP's copy of the indstilling go to the outbox;
    ``GET /cases/{id}/outgoing-messages/`` lists the case's letters and whether each was sent."""

    access_rule = AccessRule.TENANT
    audit_object_type = "case"
    serializer_class = OutgoingMessageSerializer

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user).select_related("citizen")

    def audit_subject(self, obj):
        return case_subject(obj)

    @extend_schema(request=None, responses={202: AcceptedSerializer})
    @action(detail=True, methods=["post"], url_path="conclusion-letter", filter_backends=[])
    def conclusion_letter(self, request, pk=None):
        after_meeting.send_conclusion_letter(request.user, self.get_object(), channel="api")
        return Response(
            {"detail": "Konklusionen og kopien til egen læge er lagt til afsendelse."},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses=OutgoingMessageSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="outgoing-messages",
        pagination_class=None,
        filter_backends=[],
    )
    def outgoing_messages(self, request, pk=None):
        case = self.get_object()
        record(request.user, AuditEntry.Action.READ, case_subject(case), detail="udgående breve")
        rows = OutgoingMessage.objects.filter(case=case).order_by("id")
        return Response(OutgoingMessageSerializer(rows, many=True).data)


class OutgoingMessageViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """``POST /outgoing-messages/{id}/record-sent/``: the municipality records that it sent the
    letter itself (printed and posted, say) until the delivery is automatic; the deadline
    after the meeting is met by this and by nothing before it."""

    access_rule = AccessRule.TENANT
    audit_object_type = "outgoing_message"
    serializer_class = OutgoingMessageSerializer

    def get_queryset(self):
        return OutgoingMessage.objects.filter(
            case__in=Case.objects.visible_to(self.request.user)
        ).select_related("case")

    def audit_subject(self, obj):
        return Subject("outgoing_message", obj.pk, obj.case_id, obj.case.citizen_id)

    @extend_schema(request=RecordSentSerializer, responses=OutgoingMessageSerializer)
    @action(detail=True, methods=["post"], url_path="record-sent", filter_backends=[])
    def record_sent(self, request, pk=None):
        message = self.get_object()
        user = request.user
        if user.role not in MUNICIPAL_ROLES or user.municipality_id != message.case.municipality_id:
            raise PermissionRefused(
                "role_not_allowed", "Kun kommunen kan registrere, at brevet er sendt."
            )
        if message.state == OutgoingMessage.State.SENT:
            raise ServiceError("already_sent", "Brevet er allerede registreret som sendt.")
        payload = RecordSentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sent = record_sent(message.pk, reference=payload.validated_data["reference"], channel="api")
        return Response(OutgoingMessageSerializer(sent).data)
