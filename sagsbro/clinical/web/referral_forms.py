"""The forms of the referral (LÆ 271) and the consultation calendar pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.models import Certificate, Referral, Specialty
from sagsbro.clinical.services.referrals import (
    MAX_QUESTION_LENGTH,
    QUESTION_TOO_LONG,
    carried_category,
    certificate_label,
    follow_up_candidates,
    prescribed_categories,
)
from sagsbro.core.forms import date_field
from sagsbro.documents.models import Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.organisations.models import User


def _radio(label: str, choices, message: str, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


def _document_label(document: Document) -> str:
    label = f"{document.title} ({CATEGORY_LABELS[Category(document.category)]})"
    carried = carried_category(document.category)
    if carried != document.category:
        # An earlier LÆ 275 goes along as an earlier statement, never as this case's answer.
        label += f" – medsendes som {CATEGORY_LABELS[carried].lower()}"
    return label


class ReferralForm(forms.Form):
    def __init__(self, *args, origin: Case, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_kind"] = _radio(
            "Henvisningen bygger på",
            Referral.OriginKind.choices,
            "Vælg, hvad henvisningen bygger på.",
        )
        self.fields["origin_advice"] = _radio(
            "Sundhedskoordinatorens anbefaling",
            [
                (str(a.pk), f"{a.get_kind_display()} af {a.created_at:%d.%m.%Y}")
                for a in origin.advice.all()
            ],
            "Vælg anbefalingen.",
            required=False,
        )
        self.fields["origin_advice"].help_text = "Ikke ved rådgivning på mødet."
        self.fields["question"] = forms.CharField(
            label="Spørgsmål til klinisk funktion",
            # The service's limit and message, the same as the API's.
            max_length=MAX_QUESTION_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={
                "required": "Skriv spørgsmålet til klinisk funktion.",
                "max_length": QUESTION_TOO_LONG,
            },
        )
        self.fields["specialty"] = _radio(
            "Speciale", [(s.code, s.name) for s in Specialty.objects.all()], "Vælg speciale."
        )
        documents = list(origin.documents.filter(withdrawn_at__isnull=True))
        prescribed = prescribed_categories(Subtype(origin.subtype))
        self.fields["documents"] = forms.MultipleChoiceField(
            label="Bilag fra sagen",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(str(d.pk), _document_label(d)) for d in documents],
            # Only the prescribed attachments are chosen beforehand; the caseworker adds
            # what else the assessment needs.
            initial=[str(d.pk) for d in documents if d.category in prescribed],
            help_text=(
                "Rehabiliteringsplanens forberedende del (eller indstilling/plan i en løbende "
                "sag) og relevante helbredsoplysninger skal med."
            ),
            error_messages={"invalid_choice": "Et valgt bilag findes ikke på sagen."},
        )
        certificates = list(follow_up_candidates(user, origin))
        self.fields["follows_certificate"] = _radio(
            "Yderligere udredning efter en tidligere speciallægeattest",
            [("", "Nej, en ny vurdering")]
            + [(str(c.pk), certificate_label(c)) for c in certificates],
            "Vælg attesten fra listen.",
            required=False,
        )
        self.fields["follows_certificate"].initial = ""
        self.fields["follows_certificate"].help_text = (
            "Vælg attesten, hvis henvisningen gælder den yderligere udredning, som en "
            "tidligere speciallægeattest beskrev (BEK § 14, stk. 2). Speciallægen giver så en "
            "samlet vurdering."
        )
        self.follow_up_certificates = {str(c.pk): c for c in certificates}

    def chosen_certificate(self) -> Certificate | None:
        return self.follow_up_certificates.get(self.cleaned_data.get("follows_certificate") or "")


class PlaceForm(forms.Form):
    # The limits are the model's (ConsultationPlace.name and .address).
    name = forms.CharField(
        label="Navn",
        max_length=150,
        error_messages={
            "required": "Angiv stedets navn.",
            "max_length": "Navnet må højst have 150 tegn.",
        },
    )
    address = forms.CharField(
        label="Adresse",
        max_length=250,
        error_messages={
            "required": "Angiv stedets adresse.",
            "max_length": "Adressen må højst have 250 tegn.",
        },
    )


TIME_MESSAGE = "Skriv klokkeslættet som tt.mm, fx 09.30."


class SlotForm(forms.Form):
    def __init__(self, *args, specialists, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"] = _radio(
            "Speciallæge",
            [(str(p.pk), p.get_full_name() or p.username) for p in specialists],
            "Vælg en speciallæge.",
        )
        self.fields["place"] = _radio(
            "Sted", [(str(p.pk), p.name) for p in places], "Vælg et konsultationssted."
        )
        self.fields["day"] = date_field("Dato")
        self.fields["time"] = forms.TimeField(
            label="Klokkeslæt",
            input_formats=["%H.%M", "%H:%M"],
            help_text="Skriv klokkeslættet som tt.mm, fx 09.30.",
            error_messages={"required": TIME_MESSAGE, "invalid": TIME_MESSAGE},
        )
        self.fields["minutes"] = forms.IntegerField(
            label="Varighed i minutter",
            initial=60,
            min_value=5,
            max_value=480,
            error_messages={
                "required": "Angiv varigheden.",
                "invalid": "Angiv varigheden i hele minutter.",
                "min_value": "Varigheden skal være mindst 5 minutter.",
                "max_value": "Varigheden kan højst være 480 minutter.",
            },
        )

    def starts_at(self) -> datetime.datetime:
        naive = datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class BookForm(forms.Form):
    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"] = _radio(
            "Sag",
            [(str(c.pk), f"{c.reference} – {c.municipality.name}") for c in cases],
            "Vælg sagen, tiden skal bookes til.",
        )


class SpecialtiesForm(forms.Form):
    specialties = forms.MultipleChoiceField(
        label="Specialer",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["specialties"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(s.code, s.name) for s in Specialty.objects.all()]
