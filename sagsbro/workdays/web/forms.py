"""Forms of the deadline calculator page. Field names are Danish: they show in the address."""

import datetime

from django import forms

from sagsbro.workdays.calculator import CalculatorUnit
from sagsbro.workdays.rules import MAX_OFFSET

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
FIRST_YEAR, LAST_YEAR = 1900, 2200

UNIT_CHOICES = [
    (CalculatorUnit.WORKING_DAYS.value, "Arbejdsdage (hverdage)"),
    (CalculatorUnit.CALENDAR_DAYS.value, "Kalenderdage"),
    (CalculatorUnit.WEEKS.value, "Uger"),
    (CalculatorUnit.MONTHS.value, "Måneder"),
]


class DeadlineForm(forms.Form):
    startdato = forms.DateField(
        label="Startdato",
        input_formats=DATE_INPUT_FORMATS,
        help_text="Skriv datoen som dd.mm.åååå, fx 14.03.2027.",
        error_messages={
            "required": "Angiv en startdato.",
            "invalid": "Angiv en gyldig dato som dd.mm.åååå.",
        },
        widget=forms.DateInput(format="%d.%m.%Y"),
    )
    antal = forms.IntegerField(
        label="Antal",
        min_value=-MAX_OFFSET,
        max_value=MAX_OFFSET,
        help_text="Et negativt tal regner baglæns, fx -10 for »10 arbejdsdage før«.",
        error_messages={
            "required": "Angiv et antal.",
            "invalid": "Antal skal være et helt tal, fx 10 eller -5.",
            "min_value": f"Antal skal være mindst -{MAX_OFFSET}.",
            "max_value": f"Antal må højst være {MAX_OFFSET}.",
        },
        widget=forms.TextInput,
    )
    enhed = forms.ChoiceField(
        label="Enhed",
        choices=UNIT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg en enhed.",
            "invalid_choice": "Vælg arbejdsdage, kalenderdage, uger eller måneder.",
        },
    )

    def clean_startdato(self):
        day = self.cleaned_data["startdato"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Vælg en dato mellem år {FIRST_YEAR} og {LAST_YEAR}.", code="out_of_range"
            )
        return day

    @classmethod
    def initial_for(cls, today: datetime.date) -> dict[str, str]:
        return {
            "startdato": today.strftime("%d.%m.%Y"),
            "antal": "10",
            "enhed": CalculatorUnit.WORKING_DAYS.value,
        }


class ClosedDaysForm(forms.Form):
    aar = forms.IntegerField(
        label="År",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": "Angiv et år.",
            "invalid": "Året skal være et helt tal, fx 2027.",
            "min_value": f"Året skal være {FIRST_YEAR} eller senere.",
            "max_value": f"Året må højst være {LAST_YEAR}.",
        },
        widget=forms.TextInput,
    )


def submitted(data, form_class) -> bool:
    """Whether the query string comes from the form (carries any of its fields)."""
    return any(name in data for name in form_class.base_fields)
