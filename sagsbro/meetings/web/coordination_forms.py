"""Forms of the meeting day's coordinator, cancellation, screening and team parts."""

from __future__ import annotations

from typing import Any

from django import forms

from sagsbro.meetings.rules.team import AREA_LABELS

AREA_CHOICES = [("", "Vælg område")] + [(str(a), label) for a, label in AREA_LABELS.items()]
TEAM_ROWS_EXTRA = 3
MAX_TEAM_ROWS = 20


class CoordinatorForm(forms.Form):
    coordinator = forms.TypedChoiceField(
        label="Sundhedskoordinator til mødet",
        coerce=int,
        error_messages={
            "required": "Vælg en sundhedskoordinator.",
            "invalid_choice": "Vælg en af regionens sundhedskoordinatorer.",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].choices = [("", "Vælg sundhedskoordinator"), *choices]  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Årsag til aflysningen",
        max_length=300,
        help_text="Fx at sundhedskoordinatoren er blevet syg, og ingen anden kan komme.",
        error_messages={"required": "Skriv årsagen til aflysningen."},
    )


class ScreeningForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Screening",
        choices=[
            ("clarified", "Tilstrækkeligt belyst"),
            ("postpone", "Anbefaler udsættelse"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Vælg, om sagen er tilstrækkeligt belyst."},
    )
    reason = forms.CharField(
        label="Begrundelse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Skal udfyldes, når du anbefaler udsættelse.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == "postpone" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Skriv, hvorfor du anbefaler udsættelse.")
        return data


class AttendeeRowForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=200, required=False)
    area = forms.ChoiceField(label="Område", choices=AREA_CHOICES, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, area = (data.get("name") or "").strip(), data.get("area") or ""
        if name and not area:
            self.add_error("area", "Vælg det område, deltageren repræsenterer.")
        if area and not name:
            self.add_error("name", "Skriv deltagerens navn.")
        return data


AttendeeFormSet = forms.formset_factory(
    AttendeeRowForm,
    extra=TEAM_ROWS_EXTRA,
    max_num=MAX_TEAM_ROWS,
    absolute_max=MAX_TEAM_ROWS,
    validate_max=True,
)


class RolesForm(forms.Form):
    """The row numbers of the chair and the minute-taker (one each, or none yet)."""

    chair = forms.IntegerField(required=False, min_value=0, max_value=MAX_TEAM_ROWS)
    minute_taker = forms.IntegerField(required=False, min_value=0, max_value=MAX_TEAM_ROWS)
