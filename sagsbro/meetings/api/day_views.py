"""Meeting series, meeting days, a day's agenda and booking a case, over HTTP. Thin: read
through meetings.access, write through the services. A meeting day holds no citizen data; its
agenda names cases, so each case shown is audited (LIST)."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record
from sagsbro.cases.models import Case
from sagsbro.core.api import AccessRule, BoundedDateField, cursor_pagination
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import access, services
from sagsbro.meetings.agenda import agenda_rows
from sagsbro.meetings.api.coordination_views import MeetingDayCoordinationActions
from sagsbro.meetings.models import MeetingDay, MeetingSeries
from sagsbro.meetings.services.booking import active_booking, with_booked_count
from sagsbro.organisations.api.idempotency import idempotent
from sagsbro.organisations.models import Municipality, User

DATE_ERRORS = {"invalid": "Angiv en gyldig dato som åååå-mm-dd."}


class MeetingSeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingSeries
        fields = [
            "id",
            "municipality",
            "weekday",
            "every_weeks",
            "first_date",
            "last_date",
            "start_time",
            "end_time",
            "place",
            "virtual",
            "capacity",
            "created_at",
        ]
        read_only_fields = fields


class MeetingSeriesCreateSerializer(serializers.Serializer):
    municipality = serializers.IntegerField()
    weekday = serializers.IntegerField(min_value=0, max_value=4, help_text="0 = mandag.")
    every_weeks = serializers.IntegerField(min_value=1, max_value=8, default=1)
    first_date = BoundedDateField(error_messages=DATE_ERRORS)
    last_date = BoundedDateField(error_messages=DATE_ERRORS)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    virtual = serializers.BooleanField(default=False)
    capacity = serializers.IntegerField(min_value=1, max_value=20, default=6)
    pre_meeting_minutes = serializers.IntegerField(min_value=0, max_value=60, default=0)
    exceptions = serializers.ListField(
        child=BoundedDateField(error_messages=DATE_ERRORS), required=False, max_length=100
    )


class SkippedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField()


class MeetingDaySerializer(serializers.ModelSerializer):
    booked = serializers.IntegerField(read_only=True, help_text="Active bookings on the day.")

    class Meta:
        model = MeetingDay
        fields = [
            "id",
            "municipality",
            "series",
            "kind",
            "date",
            "start_time",
            "end_time",
            "place",
            "virtual",
            "capacity",
            "booked",
            "pre_meeting_minutes",
            "coordinator",
            "state",
            "cancelled_reason",
        ]
        read_only_fields = fields


class SeriesCreatedSerializer(serializers.Serializer):
    series = MeetingSeriesSerializer()
    days = MeetingDaySerializer(many=True)
    skipped = SkippedDaySerializer(many=True)


class MeetingDayCreateSerializer(serializers.Serializer):
    municipality = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MeetingDay.Kind.choices, default=MeetingDay.Kind.TEAM)
    date = BoundedDateField(error_messages=DATE_ERRORS)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    virtual = serializers.BooleanField(default=False)
    capacity = serializers.IntegerField(min_value=1, max_value=20, default=6)
    pre_meeting_minutes = serializers.IntegerField(min_value=0, max_value=60, default=0)


class MeetingDayUpdateSerializer(serializers.Serializer):
    """A planned day's time, place and capacity; the date and kind stay (move the cases)."""

    start_time = serializers.TimeField(required=False)
    end_time = serializers.TimeField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    virtual = serializers.BooleanField(required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=20, required=False)
    pre_meeting_minutes = serializers.IntegerField(min_value=0, max_value=60, required=False)


class AgendaRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["pre_meeting", "case", "closing"])
    start = serializers.TimeField()
    end = serializers.TimeField()
    title = serializers.CharField()
    booking = serializers.IntegerField(allow_null=True)
    case = serializers.IntegerField(
        allow_null=True, help_text="Null for a case the caller may not see."
    )
    reference = serializers.CharField()
    screening = serializers.CharField()


class BookingOptionSerializer(serializers.Serializer):
    meeting = MeetingDaySerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_null=True)


class BookingOptionsSerializer(serializers.Serializer):
    current_meeting = serializers.IntegerField(allow_null=True)
    suggested = BookingOptionSerializer(many=True)
    others = BookingOptionSerializer(many=True)


class BookSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    case = serializers.IntegerField(source="case_id")
    kind = serializers.CharField()
    position = serializers.IntegerField()
    minutes = serializers.IntegerField()
    state = serializers.CharField()
    date = serializers.DateField(source="meeting.date")


def _municipality(user: Any, pk: int) -> Municipality:
    municipality = access.plannable_municipalities(user).filter(pk=pk).first()
    if municipality is None:
        message = "Du kan ikke planlægge mødedage for denne kommune."
        raise ServiceError("invalid", message, fields={"municipality": [message]})
    return municipality


class MeetingSeriesViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Meeting series of the municipalities the caller sees; created by the region's
    secretariat or the municipality's administrator or caseworker (BEK § 16, stk. 2)."""

    access_rule = AccessRule.TENANT
    serializer_class = MeetingSeriesSerializer

    def get_queryset(self):
        return access.meeting_series_visible_to(self.request.user).order_by("-first_date", "id")

    @idempotent
    @extend_schema(request=MeetingSeriesCreateSerializer, responses={201: SeriesCreatedSerializer})
    def create(self, request, *args, **kwargs):
        payload = MeetingSeriesCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        municipality = _municipality(request.user, data.pop("municipality"))
        result = services.create_series(request.user, municipality, channel="api", **data)
        return Response(
            SeriesCreatedSerializer(
                {"series": result.series, "days": result.days, "skipped": result.skipped}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class MeetingDayFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = MeetingDay
        fields = ["kind", "state", "date_from", "date_to"]


class MeetingDayViewSet(
    AuditedRefusalMixin,
    MeetingDayCoordinationActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Meeting days of the municipalities the caller sees (meetings.access), filterable by
    date range (``date_from``, ``date_to``), kind and state; earliest first, a page at a
    time (follow ``next``)."""

    access_rule = AccessRule.TENANT
    audit_object_type = "meeting_day"
    serializer_class = MeetingDaySerializer
    filterset_class = MeetingDayFilter
    # Ten years of a region's days are thousands: paged by a cursor on the date, no count.
    pagination_class = cursor_pagination("date", "start_time", "id")

    def get_queryset(self):
        return with_booked_count(access.meeting_days_visible_to(self.request.user)).order_by(
            "date", "start_time", "id"
        )

    def audit_subject(self, obj):
        return Subject("meeting_day", obj.pk)

    @idempotent
    @extend_schema(request=MeetingDayCreateSerializer, responses={201: MeetingDaySerializer})
    def create(self, request, *args, **kwargs):
        payload = MeetingDayCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        municipality = _municipality(request.user, data.pop("municipality"))
        day = services.create_meeting_day(request.user, municipality, channel="api", **data)
        day = self.get_queryset().get(pk=day.pk)
        return Response(MeetingDaySerializer(day).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingDayUpdateSerializer, responses=MeetingDaySerializer)
    def partial_update(self, request, *args, **kwargs):
        day = self.get_object()
        payload = MeetingDayUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.update_meeting_day(request.user, day, channel="api", **payload.validated_data)
        return Response(MeetingDaySerializer(self.get_queryset().get(pk=day.pk)).data)

    @extend_schema(responses=AgendaRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def agenda(self, request, pk=None):
        day = self.get_object()
        rows = agenda_rows(day, request.user, channel="api")
        return Response(
            AgendaRowSerializer(
                [
                    {
                        "kind": row.kind,
                        "start": row.start,
                        "end": row.end,
                        "title": row.title,
                        "booking": row.booking.pk if row.booking and row.case_id else None,
                        "case": row.case_id,
                        "reference": row.reference,
                        "screening": row.screening,
                    }
                    for row in rows
                ],
                many=True,
            ).data
        )


class CaseBookingViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    """``/cases/{id}/booking-options/`` and ``POST /cases/{id}/book/``: the meetings a case
    may be booked onto (suggested first, every other with its Danish reasons), and booking
    or moving it (a move needs a reason)."""

    access_rule = AccessRule.TENANT
    audit_object_type = "case"
    serializer_class = BookingOptionsSerializer

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user)

    def audit_subject(self, obj):
        return case_subject(obj)

    def _case(self) -> Case:
        case = self.get_object()
        if not access.may_book(cast(User, self.request.user), case):
            raise PermissionRefused("role_not_allowed", "Du kan ikke booke denne sag på et møde.")
        return case

    @extend_schema(responses=BookingOptionsSerializer, operation_id="cases_booking_options")
    @action(
        detail=True,
        methods=["get"],
        url_path="booking-options",
        pagination_class=None,
        filter_backends=[],
    )
    def booking_options(self, request, pk=None):
        case = self._case()
        record(request.user, AuditEntry.Action.READ, case_subject(case), detail="mødebooking")
        options = services.booking_options(case)
        current = active_booking(case)

        def rows(found):
            return [{"meeting": o.meeting, "reasons": o.reasons, "note": o.note} for o in found]

        return Response(
            BookingOptionsSerializer(
                {
                    "current_meeting": current.meeting_id if current else None,
                    "suggested": rows(options.suggested),
                    "others": rows(options.others),
                }
            ).data
        )

    @idempotent
    @extend_schema(
        request=BookSerializer,
        responses={201: BookingSerializer},
        operation_id="cases_book",
    )
    @action(detail=True, methods=["post"], url_path="book", filter_backends=[])
    def book(self, request, pk=None):
        case = self._case()
        payload = BookSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting = (
            access.meeting_days_visible_to(request.user)
            .filter(pk=payload.validated_data["meeting"])
            .first()
        )
        if meeting is None:
            message = "Mødet findes ikke."
            raise ServiceError("invalid", message, fields={"meeting": [message]})
        if active_booking(case) is None:
            booking = services.book_case(request.user, case, meeting, channel="api")
        else:
            booking = services.move_booking(
                request.user,
                case,
                meeting,
                reason=payload.validated_data["reason"],
                channel="api",
            )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)
