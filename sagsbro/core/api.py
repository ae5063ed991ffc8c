"""API plumbing shared by every app: error translation and its schema, the access-rule
contract, and the dates the API accepts. (The JSON parser and the schema class are in
`parsers` and `schema`: DRF loads them from the settings while importing its views.)"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from sagsbro.core.dates import DATE_RANGE_MESSAGE, in_range
from sagsbro.core.errors import ServiceError
from sagsbro.core.pagination import KeysetPage, keyset_page

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


# --- pagination of long lists ----------------------------------------------------------------


class CursorPage(BasePagination):
    """Keyset ("cursor") pagination for the API's lists that can grow large: a page is found
    by the sort key of the row the previous page ended with (`core.pagination`), never by an
    offset or a count, so every page costs one indexed read of `page_size + 1` rows however
    long the list is, and rows written while a client pages neither repeat nor go missing.

    The answer is `{"next": url, "previous": url, "results": [...]}`; a client follows the
    links. `cursor` is opaque (the boundary row's sort values, never a name or a CPR number);
    one that does not parse gives the first page. `ordering` must end in a unique key (`id`).
    A view sets `pagination_class = cursor_pagination("-created_at", "-id")`."""

    ordering: tuple[str, ...] = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"
    # Which way a cursor points, before the boundary row's values.
    _FORWARD, _BACK = "n", "p"

    page: KeysetPage[Any] | None = None

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        try:
            size = int(raw) if raw else self.page_size
        except ValueError:
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        direction, _, cursor = request.query_params.get(self.cursor_query_param, "").partition(".")
        params = {}
        if cursor and direction in (self._FORWARD, self._BACK):
            params = {"after" if direction == self._FORWARD else "before": cursor}
        self.page = keyset_page(
            queryset,
            self.ordering,
            params,
            page_size=self.get_page_size(request),
            after_param="after",
            before_param="before",
        )
        return self.page.rows

    def _link(self, direction: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, f"{direction}.{cursor}"
        )

    def get_next_link(self) -> str | None:
        return self._link(self._FORWARD, self.page.next_cursor if self.page else None)

    def get_previous_link(self) -> str | None:
        if self.page is None or not self.page.has_previous:
            return None
        if self.page.start_index <= 1:
            # Back at the start: the first page has no cursor.
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(self._BACK, self.page.previous_cursor)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        def link(example: str) -> dict[str, Any]:
            return {"type": "string", "nullable": True, "format": "uri", "example": example}

        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": link(f"http://api.example.org/accounts/?{self.cursor_query_param}=n.eyJ2"),
                "previous": link(
                    f"http://api.example.org/accounts/?{self.cursor_query_param}=p.eyJ2"
                ),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the value from `next` or `previous`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, "
                f"at most {self.max_page_size}).",
                "schema": {"type": "integer"},
            },
        ]


def cursor_pagination(*ordering: str) -> type[CursorPage]:
    """A CursorPage in the order of `ordering` (model fields, "-" for descending), which must
    end in the unique `id` so every row has its own place."""
    if not ordering or ordering[-1].lstrip("-") not in ("id", "pk"):
        raise ValueError(f"A cursor's ordering must end in id: {ordering!r}")
    name = "CursorPage_" + "_".join(key.replace("-", "desc_") for key in ordering)
    return type(name, (CursorPage,), {"ordering": tuple(ordering)})
