"""Structured logs: one JSON object per line, a request log with a request id, and a filter
that keeps CPR numbers out of every log line.

- `JsonFormatter` writes each record as one JSON object: time (UTC), level, logger, message,
  and, where known, the request id, user id, method, path (never the query string), status
  and duration in milliseconds; an exception's traceback as `exception`.
- `ScrubCprFilter` (on every handler) renders a record's message with its arguments and
  replaces anything CPR-like (ddmmyy-xxxx, or ten digits in a row, but not inside a
  hexadecimal id such as a task's UUID) with `[cpr]`; the JSON formatter scrubs every field
  it writes once more.
- `RequestLogMiddleware` (first in MIDDLEWARE) gives each request an id (the caller's
  `X-Request-ID` when it is a plain token with nothing CPR-like in it, else a new one), sends
  it back in `X-Request-ID`, tags every record logged during the request with it, and logs
  one line per request to the `sagsbro.requests` logger.

`logging_config()` is the dictConfig production uses for Django and gunicorn alike.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty

# Ten digits, optionally split 6-4 by a hyphen or a space, not part of a longer number nor
# of a hexadecimal one: digits beside a hex letter are a piece of a UUID, a request id or a
# hash, not a CPR number. (In a hyphenated UUID only the last part, twelve characters, can
# hold ten digits in a row, and then a letter of it stands beside them; the 6-4 split across
# the first hyphen likewise has a letter of the first part before it.)
CPR_PATTERN = re.compile(r"(?<![0-9A-Fa-f])\d{6}[- ]?\d{4}(?![0-9A-Fa-f])")
CPR_REPLACEMENT = "[cpr]"


def scrub(text: str) -> str:
    """`text` with everything CPR-like replaced by `[cpr]`."""
    return CPR_PATTERN.sub(CPR_REPLACEMENT, text)


# The request being served in this thread (or task), for tagging every record logged during it.
_request_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "sagsbro_request_context", default=None
)


class ScrubCprFilter(logging.Filter):
    """Renders the message with its arguments, scrubbed, so no CPR number reaches a handler
    through the message, its arguments, a traceback or a stack trace. Also tags the record
    with the current request's id and user id when it has none."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        context = _request_context.get()
        if context is not None:
            for key in ("request_id", "user_id"):
                if getattr(record, key, None) is None and context.get(key) is not None:
                    setattr(record, key, context[key])
        return True


# The fields a record may carry besides the message, written when present.
EXTRA_FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; every string in it scrubbed of CPR-like numbers."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key in EXTRA_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(
            {
                key: scrub(value) if isinstance(value, str) else value
                for key, value in entry.items()
            },
            ensure_ascii=False,
            default=str,
        )


# A caller's request id is kept only when it is a plain token; anything else is replaced.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
REQUEST_ID_HEADER = "X-Request-ID"
# Probes that succeed are not logged: a load balancer asks every few seconds.
QUIET_PATHS = frozenset({"/healthz/", "/readyz/"})

request_logger = logging.getLogger("sagsbro.requests")


def new_request_id() -> str:
    """A random id (32 hex digits) with nothing CPR-like in it, which the logs would scrub."""
    while True:
        request_id = uuid.uuid4().hex
        if not CPR_PATTERN.search(request_id):
            return request_id


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already looked the user up (a session page,
    or DRF's authentication, which sets `request.user`); never queries for it."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        wrapped = user._wrapped
        user = None if wrapped is empty else wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


class RequestLogMiddleware:
    """One log line per request: method, path without the query string, status, duration,
    request id and user id. Put it first in MIDDLEWARE, so it times the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request_id = request.headers.get(REQUEST_ID_HEADER, "")
        if not REQUEST_ID_PATTERN.match(request_id) or CPR_PATTERN.search(request_id):
            request_id = new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        context: dict[str, Any] = {"request_id": request_id, "user_id": None}
        token = _request_context.set(context)
        try:
            response = self.get_response(request)
        finally:
            _request_context.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        status = response.status_code
        if request.path in QUIET_PATHS and status < 400:
            return response
        request_logger.log(
            logging.ERROR if status >= 500 else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "request_id": request_id,
                "user_id": _user_id(request),
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


def logging_config(level: str = "INFO", *, json_lines: bool = True) -> dict[str, Any]:
    """A dictConfig for Django and gunicorn: everything to standard error, as JSON lines (or
    plain text), scrubbed; sagsbro's own loggers, gunicorn's and the task worker's at `level`,
    everything else from WARNING."""
    formatter = (
        {"()": "sagsbro.core.logging.JsonFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["scrub_cpr"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"scrub_cpr": {"()": "sagsbro.core.logging.ScrubCprFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            **{
                name: {"handlers": ["console"], "level": level, "propagate": False}
                for name in ("sagsbro", "gunicorn.error", "django_tasks_db")
            },
            # gunicorn's access log would repeat the request log without the user and with
            # the query string; RequestLogMiddleware writes the request log instead.
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
