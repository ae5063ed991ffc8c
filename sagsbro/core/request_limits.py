"""Request bodies larger than the product accepts are refused before a byte of them is read.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count a multipart request's files, and the
upload handlers read the whole body before a service can say the file is too large. This
middleware answers from the Content-Length header alone: 413 above
``SAGSBRO_MAX_REQUEST_BYTES``, 400 for a length that is not a number, 411 for a body sent
without a length (chunked), which WSGI would otherwise read as empty.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string


def megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def body_refusal(meta: dict[str, object]) -> tuple[int, str, str] | None:
    """(status, code, Danish message) if the body must be refused unread; None otherwise."""
    length = str(meta.get("CONTENT_LENGTH") or "").strip()
    if not length:
        if meta.get("HTTP_TRANSFER_ENCODING"):
            return (
                411,
                "length_required",
                "Forespørgslen mangler sin længde (Content-Length). Send filen igen.",
            )
        return None
    if not length.isdigit():
        return 400, "invalid_length", "Forespørgslens længde (Content-Length) er ugyldig."
    if int(length) > int(settings.SAGSBRO_MAX_REQUEST_BYTES):
        return (
            413,
            "request_too_large",
            "Forespørgslen er for stor. En fil må højst være "
            f"{megabytes(int(settings.SAGSBRO_MAX_UPLOAD_BYTES))}.",
        )
    return None


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = body_refusal(request.META)
        if refusal is None:
            return self.get_response(request)
        status, code, message = refusal
        # Django's development server reads what the application left of the body once the
        # answer is sent (into memory, in one piece); say there is nothing left to read. A
        # production server closes or drains the connection itself.
        stream = request.META.get("wsgi.input")
        if isinstance(stream, LimitedStream):
            stream.limit = 0
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": code}, status=status)
        html = render_to_string(
            "request_refused.html", {"status": status, "message": message}, request=request
        )
        return HttpResponse(html, status=status)
