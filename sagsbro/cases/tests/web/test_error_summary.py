"""The error summary above a form lists each message once: a refusal whose message the page
also put beside a field is listed as a link to that field, not once more as plain text."""

import datetime
import re

from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case
from sagsbro.core.errors import ServiceError
from sagsbro.core.web import copy_field_errors


def summary_items(html: str) -> list[str]:
    """The summary's list items, as their HTML."""
    summary = re.search(r'data-module="error-summary".*?</ul>', html, re.S)
    assert summary is not None
    return re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)


class AppointmentForm(forms.Form):
    appointment_date = forms.CharField(label="Dato")
    note = forms.CharField(label="Note", required=False)


def render_summary(error: ServiceError, form: forms.Form | None) -> str:
    if form is not None:
        form.is_valid()
        copy_field_errors(form, error)
    return render_to_string("cases/_error_summary.html", {"form": form, "service_error": error})


def test_a_refusal_beside_a_field_is_listed_once_as_a_link_to_it(db):
    message = "Tiden 01.12.2026 er passeret. Angiv en kommende tid."
    error = ServiceError("past", message, fields={"appointment_date": [message]})
    items = summary_items(render_summary(error, AppointmentForm({"appointment_date": "x"})))
    assert items == [f'<a class="function-link" href="#id_appointment_date">{message}</a>']


def test_a_message_with_characters_html_escapes_is_still_listed_once(db):
    message = 'Angiv prisen som et beløb i kroner, fx 4500,00 (i API\'et 4500.00) & "rigtigt".'
    error = ServiceError("price", message, fields={"appointment_date": [message]})
    items = summary_items(render_summary(error, AppointmentForm({"appointment_date": "x"})))
    assert len(items) == 1
    assert 'href="#id_appointment_date"' in items[0]


def test_a_refusal_with_other_field_messages_lists_both(db):
    error = ServiceError(
        "invalid", "Ret de markerede felter.", fields={"note": ["Noten er for lang."]}
    )
    items = summary_items(render_summary(error, AppointmentForm({"appointment_date": "x"})))
    assert items == [
        "Ret de markerede felter.",
        '<a class="function-link" href="#id_note">Noten er for lang.</a>',
    ]


def test_a_refusal_for_a_field_the_form_lacks_or_without_a_form_is_listed(db):
    message = "Sagen har ingen sådan frist."
    error = ServiceError("not_found", message, fields={"kind": [message]})
    form = AppointmentForm({"appointment_date": "x"})
    assert summary_items(render_summary(error, form)) == [message]
    assert summary_items(render_summary(error, None)) == [message]


def test_a_late_notice_for_a_past_day_lists_the_refusal_once(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    client = Client()
    client.force_login(side_a.secretariat)
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        f"/sager/{case.pk}/handling/notify_late_appointment/",
        {"appointment_date": f"{past:%d.%m.%Y}"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    items = summary_items(html)
    assert len(items) == 1, items
    assert f"Tiden {past:%d.%m.%Y}" in items[0]
    assert 'href="#id_appointment_date"' in items[0]
