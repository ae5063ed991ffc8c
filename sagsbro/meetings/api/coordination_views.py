"""The meeting day's coordinator, cancellation, screening, team and printed agenda over HTTP,
as actions of the meeting-day viewset (mixed into ``MeetingDayViewSet``):

* ``GET/POST /meeting-days/{id}/coordinator/``: the candidates with workload, availability
  and conflicts (the region's secretariat); assign or change the day's coordinator.
* ``POST /meeting-days/{id}/cancel/``: cancel the day with a reason.
* ``POST /meeting-days/{id}/screening/``: the coordinator's screening of one booking.
* ``GET/PUT /meeting-days/{id}/attendees/``: the team with its composition warnings.
* ``GET /meeting-days/{id}/agenda-pdf/``: the agenda as a PDF (audited as a download).

The day is found through meetings.access (404 for another organisation's day); the services
decide who may act (403)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from sagsbro.cases.models import Case
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.models import Booking, MeetingDay
from sagsbro.meetings.rules.team import Area
from sagsbro.meetings.services import coordination, team
from sagsbro.meetings.services.agenda_output import agenda_pdf
from sagsbro.organisations.models import User


class CandidateSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user.pk")
    name = serializers.SerializerMethodField()
    meeting_days_in_week = serializers.IntegerField(source="workload.meeting_days_in_week")
    open_cases = serializers.IntegerField(source="workload.open_cases")
    workload = serializers.CharField(source="workload.text")
    available = serializers.BooleanField()
    conflicts = serializers.ListField(
        child=serializers.CharField(),
        source="conflict_references",
        help_text="References of the cases on the agenda the coordinator may not advise in "
        "(BEK § 12, stk. 2).",
    )
    assignable = serializers.BooleanField()

    def get_name(self, candidate: coordination.Candidate) -> str:
        return candidate.user.get_full_name() or candidate.user.username


class CoordinatorCandidatesSerializer(serializers.Serializer):
    coordinator = serializers.IntegerField(allow_null=True)
    conflicts = serializers.ListField(
        child=serializers.CharField(),
        help_text="Cases on the agenda the day's coordinator has a conflict of interest in.",
    )
    candidates = CandidateSerializer(many=True)


class AssignCoordinatorSerializer(serializers.Serializer):
    coordinator = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ScreeningRequestSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=["clarified", "postpone"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScreenedBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    screening = serializers.CharField()
    screening_reason = serializers.CharField()
    screened_at = serializers.DateTimeField()


class AttendeeSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id", required=False, allow_null=True)
    name = serializers.CharField(max_length=200)
    area = serializers.ChoiceField(choices=[str(a) for a in Area])
    chair = serializers.BooleanField(default=False)
    minute_taker = serializers.BooleanField(default=False)


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    rule = serializers.CharField()
    case_reference = serializers.CharField()


class TeamSerializer(serializers.Serializer):
    attendees = AttendeeSerializer(many=True)
    warnings = WarningSerializer(many=True, read_only=True)


def _team_body(user: User, day: MeetingDay) -> dict[str, Any]:
    attendees = list(day.attendees.order_by("id"))
    booked = list(
        Booking.objects.filter(meeting=day, state=Booking.State.BOOKED).values_list(
            "case_id", "case__reference"
        )
    )
    visible = set(
        Case.objects.visible_to(user)
        .filter(pk__in=[case_id for case_id, _ in booked])
        .values_list("pk", flat=True)
    )
    references = {reference for case_id, reference in booked if case_id in visible}
    warnings = team.warnings_for(attendees, team.citizens_on_agenda(day))
    return {
        "attendees": attendees,
        # A warning naming a case the caller may not know of is left out for them.
        "warnings": [w for w in warnings if not w.case_reference or w.case_reference in references],
    }


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client that accepts only PDF fetch the agenda; the view returns the bytes."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        return data


class MeetingDayCoordinationActions:
    """Mixed into the meeting-day viewset (``get_object`` is the visible day)."""

    get_object: Any

    @extend_schema(
        methods=["GET"],
        responses=CoordinatorCandidatesSerializer,
        operation_id="meeting_days_coordinator_candidates",
    )
    @extend_schema(
        methods=["POST"],
        request=AssignCoordinatorSerializer,
        responses=CoordinatorCandidatesSerializer,
        operation_id="meeting_days_assign_coordinator",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def coordinator(self, request, pk=None):
        day = self.get_object()
        if not coordination.may_assign_coordinator(request.user, day):
            raise PermissionRefused(
                "role_not_allowed",
                "Kun regionens sekretariat kan tildele mødets sundhedskoordinator.",
            )
        if request.method == "POST":
            payload = AssignCoordinatorSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            person = User.objects.filter(pk=payload.validated_data["coordinator"]).first()
            day = services.assign_day_coordinator(request.user, day, person, channel="api")
        return Response(
            CoordinatorCandidatesSerializer(
                {
                    "coordinator": day.coordinator_id,
                    "conflicts": sorted(services.day_coordinator_conflicts(day).values()),
                    "candidates": services.coordinator_candidates(day),
                }
            ).data
        )

    @extend_schema(request=CancelSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        day = self.get_object()
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        day = services.cancel_meeting_day(
            request.user, day, payload.validated_data["reason"], channel="api"
        )
        return Response(
            {"id": day.pk, "state": day.state, "cancelled_reason": day.cancelled_reason}
        )

    @extend_schema(request=ScreeningRequestSerializer, responses=ScreenedBookingSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def screening(self, request, pk=None):
        day = self.get_object()
        payload = ScreeningRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        booking = (
            Booking.objects.filter(meeting=day, pk=data["booking"], state=Booking.State.BOOKED)
            .filter(case__in=Case.objects.visible_to(request.user))
            .select_related("case", "meeting")
            .first()
        )
        if booking is None:
            message = "Punktet findes ikke på mødets dagsorden."
            raise ServiceError("invalid", message, fields={"booking": [message]})
        booking = services.screen_booking(
            request.user,
            booking,
            clarified=data["verdict"] == "clarified",
            reason=data["reason"],
            channel="api",
        )
        return Response(ScreenedBookingSerializer(booking).data)

    @extend_schema(methods=["GET"], responses=TeamSerializer)
    @extend_schema(methods=["PUT"], request=TeamSerializer, responses=TeamSerializer)
    @action(detail=True, methods=["get", "put"], pagination_class=None, filter_backends=[])
    def attendees(self, request, pk=None):
        day = self.get_object()
        if request.method == "PUT":
            payload = TeamSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            services.set_attendees(
                request.user,
                day,
                [
                    team.AttendeeInput(
                        name=row["name"],
                        area=row["area"],
                        user_id=row.get("user_id"),
                        chair=row["chair"],
                        minute_taker=row["minute_taker"],
                    )
                    for row in payload.validated_data["attendees"]
                ],
                channel="api",
            )
        return Response(TeamSerializer(_team_body(request.user, day)).data)

    def handle_exception(self, exc):
        # A refusal is JSON (as documented) even to a client that asked for the PDF only.
        request = getattr(self, "request", None)
        if request is not None and isinstance(
            getattr(request, "accepted_renderer", None), PDFRenderer
        ):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().handle_exception(exc)  # type: ignore[misc]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The agenda as a PDF."
            )
        },
        operation_id="meeting_days_agenda_pdf",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="agenda-pdf",
        url_name="agenda-pdf",
        renderer_classes=[renderers.JSONRenderer, PDFRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def agenda_pdf(self, request, pk=None):
        day = self.get_object()
        result = agenda_pdf(request.user, day, channel="api")
        response = HttpResponse(result.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
