"""Forms for the specialist's work on a clinical case: the consultation note, an investigation,
a record request and the certificate's sections (LÆ 275)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from sagsbro.clinical.models import Investigation
from sagsbro.clinical.rules.certificate import MAX_FURTHER_PRICE, NO_GP_REASON_MAX
from sagsbro.clinical.services.assessment import NOTE_MAX, SOURCE_MAX
from sagsbro.clinical.services.assessment import TEXT_MAX as INVESTIGATION_TEXT_MAX
from sagsbro.clinical.services.certificate import TEXT_MAX as SECTION_MAX
from sagsbro.clinical.services.certificate import TIME_FRAME_MAX
from sagsbro.core.forms import date_field, text_field, thousands


class NoteForm(forms.Form):
    # The limits are the services' (clinical/services/assessment.py and certificate.py).
    note = text_field(
        "Notat fra konsultationen", "Skriv notatet fra konsultationen.", max_length=NOTE_MAX
    )


class InvestigationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type undersøgelse",
        choices=Investigation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg en type undersøgelse.",
            "invalid_choice": "Vælg en type undersøgelse.",
        },
    )
    description = text_field(
        "Undersøgelse og begrundelse",
        "Beskriv undersøgelsen, og hvorfor den er nødvendig for vurderingen.",
        help_text="Undersøgelser foretages kun, når de er nødvendige for vurderingen "
        "(BEK § 13, stk. 2).",
        max_length=INVESTIGATION_TEXT_MAX,
    )
    citizen_consented = forms.BooleanField(
        label="Borgeren har givet informeret samtykke til undersøgelsen",
        required=False,
    )


class DoneForm(forms.Form):
    done_on = date_field("Undersøgelsen blev udført den")


class RecordRequestForm(forms.Form):
    source = forms.CharField(
        label="Sygehus eller speciallæge",
        max_length=SOURCE_MAX,
        error_messages={
            "required": "Angiv sygehuset eller speciallægen.",
            "max_length": "Navnet på sygehuset eller speciallægen må højst have "
            f"{thousands(SOURCE_MAX)} tegn.",
        },
        help_text="Journaloplysninger indhentes kun med borgerens skriftlige samtykke "
        "(BEK § 3 og § 15, stk. 1).",
    )


def _section(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=SECTION_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        # Named, as the error summary lists the sections' errors together.
        error_messages={
            "max_length": f"Afsnittet »{label}« må højst have {thousands(SECTION_MAX)} tegn."
        },
    )


class CertificateForm(forms.Form):
    """The LÆ 275's sections as BEK § 14 lists them; a draft may be saved incomplete."""

    functional_capacity = _section("Funktionsevne", "BEK § 14, stk. 1, nr. 1.")
    health = _section(
        "Helbredsforhold og resultatet af den objektive undersøgelse", "BEK § 14, stk. 1, nr. 1."
    )
    citizen_view = _section(
        "Borgerens vurdering af helbredsforholdenes betydning for funktionsevnen",
        "BEK § 14, stk. 1, nr. 2.",
    )
    doctor_view = _section(
        "Lægens vurdering af helbredsforholdenes betydning for funktionsevnen",
        "BEK § 14, stk. 1, nr. 2.",
    )
    other_factors = _section(
        "Andre forhold af betydning for arbejde eller uddannelse", "BEK § 14, stk. 1, nr. 3."
    )
    further_assessment_needed = forms.BooleanField(
        label="Der er behov for yderligere vurdering (BEK § 14, stk. 2)", required=False
    )
    further_assessment = _section("Hvilke yderligere vurderinger")
    further_price = forms.DecimalField(
        label="Pris for den yderligere vurdering (kr.)",
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_FURTHER_PRICE,
        localize=True,
        error_messages={
            "invalid": "Angiv prisen som et beløb i kroner, fx 4500,00.",
            "min_value": "Prisen skal være over 0 kr.",
            "max_value": "Prisen må højst være 1.000.000 kr.",
            "max_decimal_places": "Prisen kan højst have to decimaler.",
            "max_digits": "Prisen må højst være 1.000.000 kr.",
        },
    )
    further_time_frame = forms.CharField(
        label="Tidsramme for den yderligere vurdering",
        required=False,
        max_length=TIME_FRAME_MAX,
        error_messages={
            "max_length": f"Tidsrammen må højst have {thousands(TIME_FRAME_MAX)} tegn."
        },
    )
    is_overall = forms.BooleanField(
        label="Attesten er den samlede vurdering (BEK § 14, stk. 3-4)", required=False
    )
    overall_assessment = _section(
        "Samlet vurdering af borgerens muligheder for arbejde eller uddannelse"
    )


NO_GP_HELP = (
    "Udfyldes kun, når borgeren ingen egen læge har registreret. Egen læge skal have kopi af "
    "attesten samtidig med kommunen (BEK § 15, stk. 2); uden læge leveres attesten kun med en "
    "begrundelse, fx at borgeren er i sygesikringsgruppe 2. Skriv ingen helbredsoplysninger."
)


class DeliverCertificateForm(forms.Form):
    """Delivery of the signed certificate; the reason is for a citizen with no GP only."""

    no_gp_reason = forms.CharField(
        label="Begrundelse for levering uden kopi til egen læge",
        required=False,
        max_length=NO_GP_REASON_MAX,
        help_text=NO_GP_HELP,
        error_messages={"max_length": f"Begrundelsen må højst være {NO_GP_REASON_MAX} tegn."},
    )
