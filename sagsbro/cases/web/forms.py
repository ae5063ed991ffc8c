"""Forms for the case actions on the web pages. Each action maps to one service function."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from sagsbro.cases import registry, services
from sagsbro.cases.rules.advice import (
    BENEFIT_REMINDER_SUBTYPES,
    RECOMMENDATION_LABELS,
    assert_no_benefit_advice,
)
from sagsbro.cases.rules.requirements import CONTACT_PREFERENCE_LABELS
from sagsbro.core.forms import ConfirmForm as ConfirmForm  # re-exported for the registry
from sagsbro.core.forms import date_field, text_field
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

# The shared fields under the short names this module has always used.
_date = date_field
_text = text_field


class SendForm(forms.Form):
    """Sending: a click, and, after the warning that the case is late for its meeting, the
    caseworker's confirmation to send anyway."""

    confirm_late = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ContactAppointmentForm(forms.Form):
    """The time the secretariat agreed with the municipality for phone or virtual contact."""

    day = _date("Dato for kontakten")
    time = forms.TimeField(
        label="Klokkeslæt",
        input_formats=["%H.%M", "%H:%M"],
        help_text="Skriv klokkeslættet som tt.mm, fx 10.30.",
        error_messages={
            "required": "Angiv klokkeslættet.",
            "invalid": "Angiv et gyldigt klokkeslæt som tt.mm.",
        },
    )
    how = forms.ChoiceField(
        label="Kontaktform",
        choices=list(services.CONTACT_HOW_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Vælg, om kontakten er telefonisk eller virtuel."},
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        # One moment, as the API takes it (``at``), for the transition's one call.
        if data is not None and data.get("day") is not None and data.get("time") is not None:
            data["at"] = datetime.datetime.combine(data["day"], data["time"])
        return data


class ReasonForm(forms.Form):
    reason = _text("Begrundelse", "Angiv en begrundelse.")


class CommentForm(forms.Form):
    comment = _text(
        "Bemærkning til regionen",
        "",
        required=False,
        help_text="Skriv fx hvilke oplysninger der er tilføjet.",
    )


class WrittenAnswerForm(forms.Form):
    """The coordinator's written answer: the recommendations of BEK § 11, stk. 2, then the
    reasons in free text. No field for benefits (BEK § 11, stk. 4)."""

    # Ongoing cases (løbende sager, BEK § 11) get the reminder of § 11, stk. 4 on the form.
    BENEFIT_REMINDER_SUBTYPES = BENEFIT_REMINDER_SUBTYPES
    BENEFIT_REMINDER = (
        "Sundhedskoordinatoren rådgiver ikke om, hvilken forsørgelsesydelse borgeren har ret "
        "til (BEK § 11, stk. 4)."
    )

    recommendations = forms.MultipleChoiceField(
        label="Anbefalinger (BEK § 11, stk. 2)",
        required=False,
        choices=[(str(k), v) for k, v in RECOMMENDATION_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Vælg de anbefalinger, der gælder. Du kan vælge flere eller ingen.",
        error_messages={
            "invalid_choice": "»%(value)s« er ikke en af anbefalingerne. Vælg blandt listen.",
            "invalid_list": "Vælg anbefalingerne i listen.",
        },
    )
    text = _text(
        "Begrundelse og rådgivning",
        "Skriv begrundelse og rådgivning.",
        help_text="Skriv den sundhedsfaglige begrundelse og rådgivningen til kommunen. "
        "Svaret lægges på sagen som PDF.",
    )


assert_no_benefit_advice(WrittenAnswerForm.base_fields.keys())


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label="Vælg person",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Vælg, hvem sagen skal tildeles."},
    )

    def __init__(self, *args, people: list[tuple[User, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        choices: list[tuple[int, str]] = []
        self.conflicted = {person.pk for person, conflicted in people if conflicted}
        for person, conflicted in people:
            label = person.get_full_name() or person.username
            if person.title:
                label += f", {person.title}"
            if conflicted:
                label += " – inhabil (BEK § 12, stk. 2)"
            choices.append((person.pk, label))
        cast(forms.TypedChoiceField, self.fields["assignee"]).choices = choices


class GPContactForm(forms.Form):
    """The coordinator's contact with the citizen's GP (BEK § 5 stk. 2)."""

    contacted_on = _date("Dato for kontakten")
    summary = _text(
        "Hvad drejede kontakten sig om?",
        "Skriv kort, hvad kontakten drejede sig om.",
        help_text="Kort resumé til sagen.",
    )


class NoteForm(forms.Form):
    text = _text("Note", "Skriv en note.")
    contact_preference = forms.ChoiceField(
        label="Ønske om svar",
        required=False,
        choices=[("", "Ikke angivet")]
        + [(str(k), v) for k, v in CONTACT_PREFERENCE_LABELS.items()],
        widget=forms.RadioSelect,
    )
    contact_times = forms.CharField(
        label="Kontakttider",
        required=False,
        max_length=200,
        help_text="Hvornår kan du kontaktes, fx »man–ons kl. 9–12«.",
    )


def form_for(name: str, case, data=None) -> forms.Form:
    """The registered transition's form, bound to ``data``; the assignment forms list the
    people the case may go to; a form class with ``for_case(case, data)`` is made by it."""
    form_class = registry.transitions[name].form_class
    if form_class is AssignForm:
        role = Role.CLINICAL_SPECIALIST if name == "assign_specialist" else Role.COORDINATOR
        people = services.assignable_people(case, role)
        if name == "reassign":
            # Someone other than the one the case is with now.
            role = services.assignee_role(case)
            current = (
                case.specialist_id if role == Role.CLINICAL_SPECIALIST else case.coordinator_id
            )
            people = [
                (person, barred)
                for person, barred in services.assignable_people(case, role)
                if person.pk != current
            ]
        return AssignForm(data, people=people)
    # A form that offers choices from the case (another app's, say: the slots the citizen can
    # be invited to) makes itself from it.
    for_case = getattr(form_class, "for_case", None)
    if callable(for_case):
        return cast(forms.Form, for_case(case, data))
    return form_class(data)
