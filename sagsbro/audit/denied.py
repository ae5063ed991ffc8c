"""Refused access in the audit log: a 404 or 403 on a citizen's case, document, citizen or
consent leaves one DENIED entry naming what was asked for, so the citizen's insight can show
who tried to look. The entry names the object by the id in the URL, never by its content."""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Actor, Subject, record
from sagsbro.core.web import RefusedAccess

# The largest id a bigint column holds; anything longer is not an id of ours.
_MAX_ID_DIGITS = 18


def _looks_like_cpr(text: str) -> bool:
    """Ten digits whose first six are a date (ddmmyy): possibly a CPR number typed into a URL."""
    if len(text) != 10:
        return False
    day, month = int(text[0:2]), int(text[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12


def _numeric_id(raw: object) -> int | None:
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_ID_DIGITS:
        return None
    return int(text)


def generic_subject(obj: Model) -> Subject:
    """The case and citizen an object belongs to, found from its fields: a citizen is its own
    citizen, a case its own case; anything else by its `case` or `citizen` foreign key."""
    name = obj._meta.model_name or ""
    if name == "citizen":
        return Subject(name, obj.pk, None, obj.pk)
    case_id = obj.pk if name == "case" else getattr(obj, "case_id", None)
    citizen_id = getattr(obj, "citizen_id", None)
    if citizen_id is None and case_id is not None and name != "case":
        citizen_id = getattr(getattr(obj, "case", None), "citizen_id", None)
    return Subject(name, obj.pk, case_id, citizen_id)


def record_denied(
    user: Actor,
    model: type[Model],
    raw_id: object,
    *,
    object_type: str | None = None,
    subject_of: Callable[[Any], Subject] = generic_subject,
    channel: str,
    detail: str = "",
) -> AuditEntry | None:
    """One DENIED entry for `user` asking for `model` number `raw_id` (taken from the URL).

    The object is looked up without restriction only to name its case and citizen; an id that
    is not a number of ours, or a non-existent ten-digit one that could be a CPR number, is
    recorded as "ugyldigt id" rather than as typed. Anonymous requests leave nothing: they are
    refused before anything is looked up."""
    if user is None or not user.is_authenticated:
        return None
    object_type = object_type or model._meta.model_name or "ukendt"
    number = _numeric_id(raw_id)
    obj = model._base_manager.filter(pk=number).first() if number is not None else None
    if obj is not None:
        found = subject_of(obj)
        subject = Subject(object_type, obj.pk, found.case_id, found.citizen_id)
    elif number is not None and not _looks_like_cpr(str(raw_id)):
        subject = Subject(object_type, number)
    else:
        subject = Subject(object_type, "")
        detail = "ugyldigt id"
    return record(user, AuditEntry.Action.DENIED, subject, detail=detail, channel=channel)


class DeniedAccessMiddleware:
    """Pages: a view that refuses an object raises `core.web.RefusedAccess` (404 or 403, from
    `get_visible_or_404` or `refuse`); this records it, then Django answers as usual."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, RefusedAccess):
            record_denied(
                getattr(request, "user", None), exception.model, exception.pk, channel="web"
            )
        return None
