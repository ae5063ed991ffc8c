"""Forms for the clinical app's case actions; each is a registered transition's form. A form
that needs the case to offer its choices has ``for_case(case, data)``, which the case action
page calls (``cases.web.forms.form_for``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.rules.calendar import slot_end
from sagsbro.clinical.rules.invitation import appointment_is_late
from sagsbro.clinical.rules.no_show import NO_SHOW_COMMENT_MAX_CHARS
from sagsbro.clinical.services.booking import FREE_SLOT_CHOICES, free_slots_for
from sagsbro.core.forms import date_field


class AppointmentForm(forms.Form):
    appointment_date = date_field("Dato for konsultationen")


class AcceptLateAppointmentForm(forms.Form):
    """The caseworker accepts the late time klinisk funktion told them of: the day is shown
    filled in, so the acceptance names the day it covers."""

    appointment_date = date_field(
        "Tiden, du accepterer",
        help_text="Den dato, klinisk funktion har orienteret dig om (dd.mm.åååå).",
    )

    @classmethod
    def for_case(
        cls, case: Case, data: Mapping[str, Any] | None = None
    ) -> AcceptLateAppointmentForm:
        return cls(data, initial={"appointment_date": case.appointment_date})


def slot_label(slot: ConsultationSlot, case: Case) -> str:
    """A free slot as the invitation's choice shows it: day, time, place, and whether it is a
    late time that needs the caseworker's acceptance first (EVAL table 8 step 2.2)."""
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot_end(slot.starts_at, slot.minutes))
    label = f"{start:%d.%m.%Y} kl. {start:%H.%M}-{end:%H.%M}, {slot.place.name}"
    day = start.date()
    if appointment_is_late(timezone.localdate(case.received_at), day):
        accepted = case.late_appointment_accepted_at is not None and case.appointment_date == day
        label += (
            " – over 14 dage, accepteret af sagsbehandleren"
            if accepted
            else " – over 14 dage: sagsbehandleren skal orienteres og acceptere først"
        )
    return label


class InviteForm(forms.Form):
    """Inviting the citizen is booking one of the specialist's free coming slots: the next
    FREE_SLOT_CHOICES of them are offered (the calendar page books any of them too)."""

    slot = forms.TypedChoiceField(
        label="Konsultationstid",
        coerce=int,
        error_messages={
            "required": "Vælg en tid i speciallægens kalender.",
            "invalid_choice": "Vælg en af de ledige tider.",
        },
    )

    def __init__(
        self,
        *args: Any,
        slots: Sequence[ConsultationSlot] = (),
        case: Case | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["slot"])
        field.choices = [("", "Vælg en tid")] + [
            (slot.pk, slot_label(slot, case) if case is not None else str(slot.pk))
            for slot in slots
        ]
        if case is not None and case.specialist is not None:
            who = case.specialist.get_full_name() or case.specialist.username
            field.help_text = (
                f"De næste ledige tider hos {who} (højst {FREE_SLOT_CHOICES}). "
                "Flere tider oprettes i kalenderen."
            )

    @classmethod
    def for_case(cls, case: Case, data: Mapping[str, Any] | None = None) -> InviteForm:
        slots = list(free_slots_for(case)[:FREE_SLOT_CHOICES])
        return cls(data, slots=slots, case=case)


class NoShowForm(forms.Form):
    """The citizen did not come: an optional short practical note, no health information."""

    comment = forms.CharField(
        label="Kommentar",
        required=False,
        max_length=NO_SHOW_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Fx om borgeren har meldt afbud. Højst {NO_SHOW_COMMENT_MAX_CHARS} tegn. "
            "Skriv ingen helbredsoplysninger."
        ),
        error_messages={
            "max_length": f"Kommentaren må højst være {NO_SHOW_COMMENT_MAX_CHARS} tegn."
        },
    )


class ConsultationForm(forms.Form):
    consultation_date = date_field(
        "Konsultationen blev holdt den",
        required=False,
        help_text="Skriv datoen som dd.mm.åååå. Tomt felt betyder i dag.",
    )
