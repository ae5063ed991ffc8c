"""The ``Idempotency-Key`` header on the API's create operations.

A client that sends a POST with ``Idempotency-Key: <its own unique value>`` can send the same
request again (after a time-out, a dropped connection) and gets the first answer, status and
body, with ``Idempotency-Replayed: true``; nothing is created twice. The same key with another
method, path or body is refused (422). Keys are per user, kept for ``IDEMPOTENCY_KEY_TTL``
(24 hours), stored only as hashes and never logged. Only successful answers are kept: a
refused request may be corrected and sent again with the same key.

Decorate a view method with :func:`idempotent`; it also documents the header in the schema.
"""

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from sagsbro.core.errors import ServiceError
from sagsbro.core.files import files_atomic
from sagsbro.organisations import idempotency

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
# Printable ASCII without spaces, as a UUID or a client's own request id is.
_KEY = re.compile(r"[!-~]{1,255}")

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per request (e.g. a UUID), up to 255 printable characters. A retry "
        "with the same key, path and body within 24 hours gets the first answer (status and "
        f"body, with `{REPLAYED_HEADER}: true`) and creates nothing new; the same key with "
        "another body answers 422 `idempotency_key_reused`. Keys are per user."
    ),
)


def _fingerprint(request: Any) -> str:
    """The method, path and body, as one hash: a retry must be the same request."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    if hasattr(data, "lists"):  # a form or multipart body, files included
        for name, values in sorted(data.lists(), key=lambda item: item[0]):
            for value in values:
                digest.update(f"{name}=".encode())
                if isinstance(value, UploadedFile):
                    digest.update(f"file:{value.name}:".encode())
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)  # the view reads the file next
                else:
                    digest.update(str(value).encode())
                digest.update(b"\n")
    else:
        try:
            digest.update(json.dumps(data, sort_keys=True, default=str).encode())
        except (RecursionError, ValueError) as exc:
            raise ParseError("Anmodningens indhold kan ikke læses.") from exc
    return digest.hexdigest()


def _replay(record: Any, request: Any, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise ServiceError(
            "idempotency_key_reused",
            "Nøglen i Idempotency-Key er allerede brugt til en anden anmodning. Brug en ny "
            "nøgle til en ny anmodning.",
            status=422,
        )
    response = Response(record.response_body, status=record.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(view_method: Callable[..., Any]) -> Callable[..., Any]:
    """Make a create operation answer a retried request (same user and key) with the first
    answer. Put it above ``@action`` and ``@extend_schema``."""

    @functools.wraps(view_method)
    def wrapper(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return view_method(self, request, *args, **kwargs)
        if not _KEY.fullmatch(key):
            message = "Idempotency-Key skal være 1-255 synlige tegn (fx et UUID)."
            raise ServiceError("invalid_idempotency_key", message)
        user = request.user
        hashed = idempotency.key_hash(key)
        fingerprint = _fingerprint(request)
        earlier = idempotency.earlier_answer(user, hashed)
        if earlier is not None:
            return _replay(earlier, request, fingerprint)
        try:
            # Like transaction.atomic(), and a document file stored by the view is removed if
            # the claim or the record fails after it.
            with files_atomic():
                record_id = idempotency.claim(
                    user, hashed, request.method, request.path, fingerprint
                )
                # An exception (a refusal) leaves this block and takes the claim with it.
                response = view_method(self, request, *args, **kwargs)
                if isinstance(response, Response) and 200 <= response.status_code < 300:
                    body = json.loads(JSONRenderer().render(response.data) or b"null")
                    idempotency.remember(record_id, response.status_code, body)
                else:
                    idempotency.forget(record_id)
        except idempotency.KeyTaken:
            earlier = idempotency.earlier_answer(user, hashed)
            if earlier is None or earlier.response_status == 0:
                raise ServiceError(
                    "idempotency_key_in_use",
                    "En anmodning med samme nøgle er i gang. Prøv igen om lidt.",
                    status=409,
                ) from None
            return _replay(earlier, request, fingerprint)
        return response

    return extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], methods=["POST"])(wrapper)
