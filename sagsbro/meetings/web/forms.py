"""Forms for the meetings app's case actions; each is a registered transition's form."""

from __future__ import annotations

from django import forms

from sagsbro.core.forms import YES_NO, YES_NO_UNKNOWN, date_field, text_field, yes_no


class MeetingDateForm(forms.Form):
    meeting_date = date_field("Ny mødedato")
    reason = text_field("Begrundelse", "", required=False)


class ReopenForm(forms.Form):
    meeting_date = date_field("Dato for det nye møde i rehabiliteringsteamet")


class ScreeningForm(forms.Form):
    text = text_field("Screeningstilbagemelding", "Skriv tilbagemeldingen.")
    medically_clarified = forms.ChoiceField(
        label="Er sagen lægefagligt tilstrækkeligt belyst?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Angiv, om sagen er lægefagligt tilstrækkeligt belyst."},
    )
    treatment_exhausted = forms.ChoiceField(
        label="Er behandlingsmulighederne udtømt?",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
    )

    # Yes, no or not stated, as the API takes them (true, false, null).
    def clean_medically_clarified(self) -> bool | None:
        return yes_no(self.cleaned_data["medically_clarified"])

    def clean_treatment_exhausted(self) -> bool | None:
        return yes_no(self.cleaned_data.get("treatment_exhausted", ""))
