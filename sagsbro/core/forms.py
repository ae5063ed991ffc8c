"""Form fields every app's pages share: Danish dates, amounts, free text, yes/no/not stated."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms

from sagsbro.core.dates import DATE_RANGE_MESSAGE, in_range

DATE_ERRORS = {"required": "Angiv en dato.", "invalid": "Angiv en gyldig dato som dd.mm.åååå."}
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
YES_NO = [("ja", "Ja"), ("nej", "Nej")]
YES_NO_UNKNOWN = [("ja", "Ja"), ("nej", "Nej"), ("", "Ikke vurderet")]


class BoundedDateField(forms.DateField):
    """A date within the years the calendar and the deadlines handle (core/dates.py)."""

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None and not in_range(value):
            raise forms.ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return BoundedDateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text or "Skriv datoen som dd.mm.åååå, fx 14.03.2027.",
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(format="%d.%m.%Y"),
    )


def thousands(number: int) -> str:
    """A whole number with the Danish thousands separator: 20000 as "20.000"."""
    return f"{number:,}".replace(",", ".")


_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


def parse_amount(text: str) -> Decimal | None:
    """A Danish amount: "14.000,50", "14000,50", "14 000" or "14000.50"; ``None`` if not one."""
    value = text.strip().replace(" ", "").replace("\u00a0", "").removesuffix("kr.").strip()
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(value):
        value = value.replace(".", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class AmountField(forms.CharField):
    """An amount in Danish notation; ``invalid`` is the message for text that is not one.
    When not required, an empty field is ``None``."""

    def __init__(self, *, invalid: str, **kwargs):
        super().__init__(max_length=30, **kwargs)
        self.invalid = invalid

    def clean(self, value):
        text = super().clean(value)
        if not text.strip():
            return None
        number = parse_amount(text)
        if number is None:
            raise forms.ValidationError(self.invalid, code="invalid")
        return number


def text_field(
    label: str,
    required_message: str,
    *,
    required: bool = True,
    help_text: str = "",
    max_length: int = 20000,
) -> forms.CharField:
    """A free text of at most `max_length` characters; a longer one is refused with the limit
    written the Danish way ("Teksten må højst have 20.000 tegn.")."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": required_message,
            "max_length": f"Teksten må højst have {thousands(max_length)} tegn.",
        },
    )


def yes_no(value: str) -> bool | None:
    """A yes/no/not stated choice as the API takes it (true, false, null)."""
    return {"ja": True, "nej": False}.get(value)


class ConfirmForm(forms.Form):
    """An action that needs nothing but the click."""
