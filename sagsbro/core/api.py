"""API plumbing shared by every app: error translation and the access-rule contract."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sagsbro.core.errors import ServiceError


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
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
