"""The working-day calendar over HTTP. Open without log-in: it holds no personal data."""

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sagsbro.core.api import AccessRule, BoundedDateField
from sagsbro.workdays.services import configured_calendar


class WorkingDaysQuery(serializers.Serializer):
    start = BoundedDateField(
        error_messages={
            "invalid": "Datoen skal skrives som ÅÅÅÅ-MM-DD.",
            "required": "Angiv en startdato (start=ÅÅÅÅ-MM-DD).",
        }
    )
    days = serializers.IntegerField(
        min_value=-3650,
        max_value=3650,
        error_messages={
            "invalid": "Antal dage skal være et helt tal.",
            "required": "Angiv antal arbejdsdage (days=N).",
            "min_value": "Antal dage skal være mindst -3650.",
            "max_value": "Antal dage må højst være 3650.",
        },
    )


class ClosedDaysQuery(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=1900,
        max_value=2200,
        error_messages={
            "invalid": "Året skal være et helt tal.",
            "required": "Angiv et år (year=ÅÅÅÅ).",
            "min_value": "Året skal være 1900 eller senere.",
            "max_value": "Året må højst være 2200.",
        },
    )


class WorkingDaysView(APIView):
    """N working days after (N > 0) or before (N < 0) a date; N = 0 gives the date itself or
    the next working day."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    access_rule = AccessRule.PUBLIC

    @extend_schema(
        parameters=[
            OpenApiParameter("start", datetime.date, required=True),
            OpenApiParameter("days", int, required=True),
        ],
        responses=inline_serializer("WorkingDay", {"date": serializers.DateField()}),
    )
    def get(self, request):
        query = WorkingDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = configured_calendar().add_working_days(
            query.validated_data["start"], query.validated_data["days"]
        )
        return Response({"date": result.isoformat()})


class ClosedDaysView(APIView):
    """Public holidays and configured closed days of a year (weekends not listed)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    access_rule = AccessRule.PUBLIC

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True)],
        responses=inline_serializer(
            "ClosedDay",
            {
                "date": serializers.DateField(),
                "name": serializers.CharField(),
                "kind": serializers.CharField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        query = ClosedDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = configured_calendar().closed_days(query.validated_data["year"])
        return Response(
            [{"date": d.date.isoformat(), "name": d.name, "kind": d.kind} for d in days]
        )
