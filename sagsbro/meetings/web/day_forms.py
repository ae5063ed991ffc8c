"""Forms of the meeting-day pages: a series, a single day, and booking a case."""

from __future__ import annotations

import datetime
import re
from typing import cast

from django import forms

from sagsbro.core.forms import DATE_INPUT_FORMATS, date_field
from sagsbro.meetings.models import MeetingDay
from sagsbro.organisations.models import Municipality

WEEKDAYS = [
    ("0", "Mandag"),
    ("1", "Tirsdag"),
    ("2", "Onsdag"),
    ("3", "Torsdag"),
    ("4", "Fredag"),
]
TIME_ERRORS = {"required": "Angiv et klokkeslæt.", "invalid": "Skriv klokkeslættet som tt.mm."}
MAX_EXCEPTIONS = 100


def time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H.%M", "%H:%M"],
        help_text="Skriv klokkeslættet som tt.mm, fx 09.00.",
        error_messages=TIME_ERRORS,
        widget=forms.TimeInput(format="%H.%M"),
    )


def _number(label: str, low: int, high: int, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        initial=initial,
        error_messages={
            "required": "Angiv et tal.",
            "invalid": "Angiv et helt tal.",
            "min_value": f"Angiv mindst {low}.",
            "max_value": f"Angiv højst {high}.",
        },
    )


class _PlanningForm(forms.Form):
    municipality: forms.ModelChoiceField[Municipality] = forms.ModelChoiceField(
        label="Kommune",
        queryset=Municipality.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Vælg en af kommunerne."},
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Municipality], self.fields["municipality"])
        field.queryset = municipalities
        if municipalities.count() == 1:
            field.widget = forms.HiddenInput()
            field.initial = municipalities.first()


class SeriesForm(_PlanningForm):
    weekday = forms.ChoiceField(
        label="Ugedag",
        choices=WEEKDAYS,
        error_messages={"required": "Vælg en ugedag.", "invalid_choice": "Vælg en hverdag."},
    )
    every_weeks = _number("Hver n'te uge", 1, 8, 1)
    first_date = date_field("Første dato")
    last_date = date_field("Sidste dato")
    start_time = time_field("Starttid")
    end_time = time_field("Sluttid")
    place = forms.CharField(label="Mødested", max_length=200, required=False)
    virtual = forms.BooleanField(label="Virtuelt møde", required=False)
    capacity = _number("Sager pr. mødedag", 1, 20, 6)
    pre_meeting_minutes = _number("Formøde (minutter)", 0, 60, 15)
    exceptions = forms.CharField(
        label="Undtagelser",
        required=False,
        max_length=2000,
        help_text="Datoer uden møde, adskilt af komma eller linjeskift, fx 14.07.2027.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_exceptions(self) -> list[datetime.date]:
        text = self.cleaned_data.get("exceptions") or ""
        days = []
        for part in [p for p in re.split(r"[,\s]+", text) if p][:MAX_EXCEPTIONS]:
            for fmt in DATE_INPUT_FORMATS:
                try:
                    days.append(datetime.datetime.strptime(part, fmt).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(f"»{part[:20]}« er ikke en dato som dd.mm.åååå.")
        return days


class DayForm(_PlanningForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=MeetingDay.Kind.choices,
        widget=forms.RadioSelect,
        initial=MeetingDay.Kind.TEAM,
        error_messages={"required": "Vælg typen af møde."},
    )
    date = date_field("Dato")
    start_time = time_field("Starttid")
    end_time = time_field("Sluttid")
    place = forms.CharField(label="Mødested", max_length=200, required=False)
    virtual = forms.BooleanField(label="Virtuelt møde eller telefon", required=False)
    capacity = _number("Sager pr. mødedag", 1, 20, 6)
    pre_meeting_minutes = _number("Formøde (minutter)", 0, 60, 0)


class DayEditForm(forms.Form):
    """A planned day's time, place and capacity; its date and kind stay (move the cases)."""

    start_time = time_field("Starttid")
    end_time = time_field("Sluttid")
    place = forms.CharField(label="Mødested", max_length=200, required=False)
    virtual = forms.BooleanField(label="Virtuelt møde eller telefon", required=False)
    capacity = _number("Sager pr. mødedag", 1, 20, 6)
    pre_meeting_minutes = _number("Formøde (minutter)", 0, 60, 0)


class BookingForm(forms.Form):
    meeting = forms.TypedChoiceField(
        label="Vælg møde",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg et af de mulige møder.",
            "invalid_choice": "Vælg et af de mulige møder.",
        },
    )
    reason = forms.CharField(
        label="Begrundelse",
        required=False,
        max_length=500,
        help_text="Skal udfyldes, når sagen flyttes fra et møde til et andet.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["meeting"]).choices = choices
