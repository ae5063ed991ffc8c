"""Forms for the clinical app's case actions; each is a registered transition's form."""

from __future__ import annotations

from django import forms

from sagsbro.core.forms import date_field


class AppointmentForm(forms.Form):
    appointment_date = date_field("Dato for konsultationen")


class ConsultationForm(forms.Form):
    consultation_date = date_field(
        "Konsultationen blev holdt den",
        required=False,
        help_text="Skriv datoen som dd.mm.åååå. Tomt felt betyder i dag.",
    )
