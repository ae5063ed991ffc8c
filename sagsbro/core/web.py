"""Web-page plumbing shared by every app: HTMX requests, fetching what the user may see, and
the "form → service → redirect or the form again with the errors" step of a page."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from sagsbro.core.errors import ServiceError


def is_htmx_fragment_request(request: HttpRequest) -> bool:
    """An HTMX request for a fragment; history restores and boosted links get the full page."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Boosted") != "true"
    )


class RefusedAccess(Exception):
    """A page refused the user an object (`model` number `pk`, as asked for). The audit app's
    middleware records it; Django answers 404 or 403 by the concrete class below."""

    def __init__(self, model: type[Model], pk: object, *args: object) -> None:
        super().__init__(*args)
        self.model = model
        self.pk = pk


class ObjectNotVisible(RefusedAccess, Http404):
    """404: the object is not among those the user may see (or does not exist)."""


class ObjectRefused(RefusedAccess, PermissionDenied):
    """403: the user sees the object but may not do this with it."""


def refuse(obj: Model, message: str = "") -> ObjectRefused:
    """The 403 for `obj`, to raise: ``raise refuse(case)``."""
    return ObjectRefused(type(obj), obj.pk, *([message] if message else []))


def get_visible_or_404[M: Model](visible: QuerySet[M], pk: object) -> M:
    """The object `pk` from `visible`, a queryset already restricted to what the user may
    see (`visible_to`); 404 otherwise, so another organisation's object looks like none."""
    obj = visible.filter(pk=pk).first()
    if obj is None:
        raise ObjectNotVisible(visible.model, pk)
    return obj


def copy_field_errors(form: forms.BaseForm, exc: ServiceError) -> bool:
    """Put the service's field errors beside the form's fields; True if any field took one
    (the caller then need not show the error once more above the form)."""
    copied = False
    for field, errors in exc.fields.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
                copied = True
    return copied


def field_took_error(form: forms.BaseForm, exc: ServiceError) -> bool:
    """Whether `copy_field_errors` put any of the service's errors beside a field."""
    return any(errors and field in form.fields for field, errors in exc.fields.items())


def run_form_action(
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], Any],
    on_success: Callable[[Any], HttpResponse],
    render_form: Callable[[ServiceError | None], HttpResponse],
) -> HttpResponse:
    """One form-backed write on a page.

    On a POST with a valid form, ``call(form.cleaned_data)`` runs the service function; its
    result goes to ``on_success`` (usually a message and a redirect). Otherwise the form is
    shown again by ``render_form(error)``: ``error`` is None on a GET or when the form itself
    is invalid, else the service's refusal, whose field errors are already beside the fields
    (:func:`field_took_error` tells whether any was). A refusal that must become another
    response (403, a redirect) is raised or returned by the callables themselves.
    """
    if request.method != "POST" or not form.is_valid():
        return render_form(None)
    try:
        result = call(form.cleaned_data)
    except ServiceError as exc:
        copy_field_errors(form, exc)
        return render_form(exc)
    return on_success(result)
