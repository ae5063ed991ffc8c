"""API plumbing shared by every app: error translation and its schema, the access-rule
contract, and the dates the API accepts. (The JSON parser and the schema class are in
`parsers` and `schema`: DRF loads them from the settings while importing its views.)"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sagsbro.core.dates import DATE_RANGE_MESSAGE, in_range
from sagsbro.core.errors import ServiceError

NOT_FOUND_MESSAGE = "Findes ikke, eller du har ikke adgang til den."


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, Http404 | NotFound):
        # One answer for an object that does not exist and one the caller may not see, and
        # no model name in it.
        return Response(
            {"detail": NOT_FOUND_MESSAGE, "code": "not_found"}, status=status.HTTP_404_NOT_FOUND
        )
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class AccessRule:
    """How an API view restricts what it shows. Every view under /api/v1/ declares one;
    the tenant-isolation test refuses a view without it."""

    PUBLIC = "public"  # no personal data (the working-day calendar)
    REFERENCE = "reference"  # organisations: no citizen data, log-in required
    SELF = "self"  # the caller's own account
    TENANT = "tenant"  # citizen data, restricted through a visible_to() helper


# --- dates ----------------------------------------------------------------------------------

# Dates the API accepts: the years of core/dates.py.


def validate_date_range(value: datetime.date) -> None:
    if not in_range(value):
        raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


class BoundedDateField(serializers.DateField):
    """A date within the years the calendar and the deadlines handle."""

    def __init__(self, **kwargs):
        kwargs["validators"] = [*kwargs.get("validators", []), validate_date_range]
        super().__init__(**kwargs)


class BoundedDateTimeField(serializers.DateTimeField):
    """A time within the years the calendar and the deadlines handle."""

    def __init__(self, **kwargs):
        kwargs["validators"] = [*kwargs.get("validators", []), validate_date_range]
        super().__init__(**kwargs)


# --- errors in the schema -------------------------------------------------------------------


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class _DetailField(serializers.JSONField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The API's error body (`exception_handler`): `detail`, a Danish message for people,
    and `code` for machines; a refused payload names each field with its messages, at the
    top level (DRF validation) or under `fields` (a rule of the service)."""

    detail = _DetailField(required=False)
    code = serializers.CharField(required=False)
    # DRF moves declared fields off the class, so this does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(), required=False
    )
    missing = serializers.ListField(child=serializers.DictField(), required=False)
    warning = serializers.DictField(required=False)
    confirm_field = serializers.CharField(required=False)


# --- error answers outside the views ---------------------------------------------------------

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL no route matches: under /api/ the API's error body, else the Danish page."""
    if _is_api(request):
        return JsonResponse({"detail": NOT_FOUND_MESSAGE, "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Ugyldig forespørgsel.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": "Der opstod en fejl på serveren.", "code": "error"}, status=500
        )
    return defaults.server_error(request)
