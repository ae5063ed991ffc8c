"""Creating and preparing a case before it is sent: which fields each subtype asks for, the
checklist of what the case must carry, the consents shown with it, and the forms of the pages
that create and edit drafts. The forms only collect input; the services decide."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from sagsbro.cases import access
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules.consent import SCOPE_LABELS, ConsentScope, covering_consent
from sagsbro.cases.rules.kinds import REFERRAL_ONLY_SUBTYPES, USE_REFERRAL_MESSAGE, Subtype
from sagsbro.cases.rules.requirements import (
    CONTACT_PREFERENCE_LABELS,
    PURPOSE_LABELS,
    REQUIREMENTS,
    SUBTYPE_LABELS,
    ContactPreference,
    Missing,
    Recommended,
    missing_for_sending,
)
from sagsbro.cases.rules.uploads import subtype_upload_refusal
from sagsbro.cases.rules.workflow import TEAM_SUBTYPES, State
from sagsbro.cases.services import CASE_BOUND_SCOPES, EDITABLE_FIELDS
from sagsbro.cases.services.consents import consent_records, may_register_consent
from sagsbro.core.forms import DATE_INPUT_FORMATS, BoundedDateField
from sagsbro.documents.access import may_add_category
from sagsbro.documents.rules import (
    AUTHOR_TOO_LONG,
    CATEGORY_LABELS,
    MAX_AUTHOR_LENGTH,
    Category,
    author_refusal,
    document_date_refusal,
)
from sagsbro.documents.services import DocumentUpload
from sagsbro.organisations.models import Citizen, User
from sagsbro.organisations.roles import Role
from sagsbro.organisations.rules import masked_cpr

# --- subtypes -------------------------------------------------------------------------------

# One line each, shown under the subtype's name when a case is created.
SUBTYPE_EXPLANATIONS: dict[Subtype, str] = {
    Subtype.REHABILITERINGSTEAM: "Ny sag til rehabiliteringsteamet. Sundhedskoordinatoren skal "
    "have sagen senest 10 arbejdsdage før mødet.",
    Subtype.LOEBENDE_SAG: "Skriftligt svar fra sundhedskoordinatoren til en borger i "
    "ressourceforløb, fleksjob, jobafklaringsforløb eller sygedagpenge, kategori 3.",
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: "Borger i ressourceforløb, der mener, at et konkret "
    "beskæftigelsestilbud ikke tager hensyn til helbredet.",
    Subtype.AABENBAR_FOERTIDSPENSION: "Udtalelse om, hvorvidt det er åbenbart, at borgerens "
    "arbejdsevne ikke kan forbedres, uden behandling i rehabiliteringsteamet (BEK § 10).",
    Subtype.KLINISK_FUNKTION: "Anmodning om konsultation og speciallægeattest (LÆ 275) fra "
    "klinisk funktion, vedlagt LÆ 271.",
    Subtype.SENIORPENSION: "Rådgivning om, hvorvidt borgeren kan varetage sit seneste job "
    "(BEK §§ 26–27).",
    Subtype.JOBAFKLARING_4AAR: "Samtale mellem sundhedskoordinator og borger, når der er risiko "
    "for, at borgeren stadig er uarbejdsdygtig 4 år efter sygedagpengenes ophør.",
    Subtype.GENFORELAEGGELSE: "Ressourceforløbssag, der skal tilbage til rehabiliteringsteamet. "
    "Oprettes fra den tidligere sag.",
}

# A genforelæggelse is created from the earlier case (procedure Genforelæggelse), and a klinisk
# funktion case by the referral from the case it concerns (BEK § 13).
CREATABLE_SUBTYPES = tuple(
    s for s in SUBTYPE_LABELS if s != Subtype.GENFORELAEGGELSE and s not in REFERRAL_ONLY_SUBTYPES
)

DATE_HELP = "Skriv datoen som dd.mm.åååå, fx 10.03.2027."
DATE_ERRORS = {"invalid": "Skriv en gyldig dato som dd.mm.åååå, fx 10.03.2027."}


def _date_field(label: str, help_text: str, *, required: bool = False) -> forms.DateField:
    return BoundedDateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text,
        error_messages={**DATE_ERRORS, "required": "Skriv en dato."},
        widget=forms.DateInput(format="%d.%m.%Y"),
    )


def _textarea(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": "Teksten må højst være 20.000 tegn."},
    )


def _checkbox(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text)


# --- the fields a subtype asks for ----------------------------------------------------------


QUESTION_HELP: dict[Subtype, str] = {
    Subtype.LOEBENDE_SAG: "Kort resumé af sagen og det konkrete spørgsmål, fx om borgeren kan "
    "fortsætte i planen. Sundhedskoordinatoren rådgiver ikke om ydelser (BEK § 11, stk. 4).",
    Subtype.AABENBAR_FOERTIDSPENSION: "Resumé og spørgsmålet, om det er åbenbart, at borgerens "
    "arbejdsevne ikke kan forbedres.",
    Subtype.KLINISK_FUNKTION: "Borgerens situation og det, speciallægen skal vurdere.",
    Subtype.SENIORPENSION: "Resumé og spørgsmålet, om borgeren kan varetage sit seneste job.",
    Subtype.JOBAFKLARING_4AAR: "Resumé og hvorfor der er risiko for, at borgeren stadig er "
    "uarbejdsdygtig 4 år efter sygedagpengenes ophør.",
}

MEETING_HELP: dict[Subtype, str] = {
    Subtype.REHABILITERINGSTEAM: "Sundhedskoordinatoren skal have sagen senest 10 arbejdsdage "
    "før mødet.",
    Subtype.GENFORELAEGGELSE: "Genforelæggelsen skal oprettes senest 5 hverdage før mødet.",
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: "Sagen sættes på dagsordenen til rehabiliteringsteamets "
    "møde. Sekretariatet sender den til sundhedskoordinatoren 10 arbejdsdage før.",
}


def edit_field_names(subtype: Subtype) -> list[str]:
    """The case fields the subtype's requirements name, plus the contact times that go with a
    wish for contact and the urgency flag of team cases (BEK § 21, stk. 3)."""
    names = {f.field for f in REQUIREMENTS[subtype].fields if f.field in EDITABLE_FIELDS}
    if "contact_preference" in names:
        names.add("contact_times")
    if subtype in TEAM_SUBTYPES:
        names.add("urgent")
    return [name for name in EDITABLE_FIELDS if name in names]


def _edit_field(name: str, subtype: Subtype) -> forms.Field:
    if name == "purpose":
        return forms.ChoiceField(
            label="Sagens formål",
            required=False,
            choices=[(str(k), v) for k, v in PURPOSE_LABELS.items()],
            widget=forms.RadioSelect,
            help_text="Hvad skal rehabiliteringsteamet give indstilling om?",
            error_messages={"invalid_choice": "Vælg et af formålene på listen."},
        )
    if name == "meeting_date":
        help_text = f"{MEETING_HELP.get(subtype, '')} {DATE_HELP}".strip()
        return _date_field("Dato for rehabiliteringsteamets møde", help_text)
    if name == "urgent":
        return _checkbox(
            "Hastesag: borgerens arbejdsevne kan åbenlyst ikke forbedres, og der skal hurtigt "
            "tages stilling til førtidspension",
            "Fx ved terminal sygdom. Regionen stiller hurtigst muligt en sundhedskoordinator "
            "til rådighed (BEK § 21, stk. 3).",
        )
    if name == "question":
        return _textarea(
            "Sagsresumé og spørgsmål",
            QUESTION_HELP.get(subtype, "Kort resumé af sagen og det konkrete spørgsmål."),
        )
    if name == "contact_preference":
        return forms.ChoiceField(
            label="Ønske om svar",
            required=False,
            choices=[(str(k), v) for k, v in CONTACT_PREFERENCE_LABELS.items()],
            widget=forms.RadioSelect,
            help_text="Vælg, om du kun ønsker et skriftligt svar, eller om "
            "sundhedskoordinatoren skal kontakte dig telefonisk eller virtuelt først.",
            error_messages={"invalid_choice": "Vælg et af svarene på listen."},
        )
    if name == "contact_times":
        return forms.CharField(
            label="Dine kontakttider",
            required=False,
            max_length=200,
            help_text="Hvornår kan sundhedskoordinatoren kontakte dig, fx »man–ons kl. 9–12«. "
            "Skal udfyldes, når du ønsker kontakt før svaret.",
            error_messages={"max_length": "Kontakttiderne må højst være 200 tegn."},
        )
    if name == "employment_offer":
        return _textarea(
            "Det konkrete beskæftigelsestilbud",
            "Tilbuddets indhold og de krav, det stiller til borgeren.",
        )
    if name == "citizen_statement":
        return _textarea(
            "Borgerens beskrivelse",
            "Borgerens egen beskrivelse af, hvor tilbuddet ikke tager hensyn til helbredet.",
        )
    if name == "citizen_informed_of_right":
        return _checkbox(
            "Borgeren er orienteret om retten til en samtale med sundhedskoordinatoren",
            "Borgeren, sundhedskoordinatoren og du deltager i samtalen på 15 minutter.",
        )
    if name == "latest_job":
        return _textarea(
            "Seneste job",
            "Arbejdsfunktioner og arbejdstid i borgerens seneste job (BEK § 26).",
        )
    raise KeyError(name)


# --- forms ----------------------------------------------------------------------------------


class CitizenChoiceField(forms.ModelChoiceField[Citizen]):
    def label_from_instance(self, obj: Citizen) -> str:
        return f"{obj.name} (CPR {masked_cpr(obj.cpr)})"


# --- finding the citizen --------------------------------------------------------------------

# At most this many citizens on the page per search: the page shows (and the audit log
# records) only matches, never the municipality's whole register.
CITIZEN_SEARCH_LIMIT = 20
# A shorter name would list the register alphabetically rather than find someone.
CITIZEN_SEARCH_MIN_NAME = 2

_CPR_TYPED = re.compile(r"[0-9][0-9 -]*")


@dataclass(frozen=True)
class CitizenOption:
    pk: int
    name: str
    masked_cpr: str
    checked: bool


@dataclass(frozen=True)
class CitizenSearch:
    """What a search found: the citizens to show (at most the limit) and a line about them."""

    citizens: list[Citizen]
    message: str
    # The typed text to put back in the field: never a CPR number (not shown on a page).
    shown_text: str
    # Searched by a whole CPR number.
    exact: bool = False

    def options(self, chosen: object = None) -> list[CitizenOption]:
        """The matches as radio buttons; a whole CPR number's one match is chosen at once."""
        if self.exact and self.citizens:
            chosen = self.citizens[0].pk
        return citizen_options(self.citizens, chosen)


def citizen_options(citizens: list[Citizen], chosen: object = None) -> list[CitizenOption]:
    """The radio buttons: name and masked CPR, the chosen one checked."""
    chosen_pk = str(chosen or "")
    return [
        CitizenOption(c.pk, c.name, masked_cpr(c.cpr), str(c.pk) == chosen_pk) for c in citizens
    ]


def search_citizens(visible: QuerySet[Citizen], text: str) -> CitizenSearch:
    """Find citizens in `visible` (the user's `citizens_visible_to`) by a whole CPR number,
    with or without the hyphen, or by the start of the name. One query either way, served by
    the (municipality, cpr) and (municipality, UPPER(name)) indexes."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return CitizenSearch([], "Skriv borgerens CPR-nummer eller navn.", "")
    if _CPR_TYPED.fullmatch(text):
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) != 10:
            return CitizenSearch([], "Skriv alle 10 cifre i CPR-nummeret, fx 010180-1234.", "")
        found = list(visible.filter(cpr=digits)[:1])
        message = "1 borger fundet." if found else "Ingen borger i din kommune har det CPR-nummer."
        return CitizenSearch(found, message, "", exact=True)
    if len(text) < CITIZEN_SEARCH_MIN_NAME:
        return CitizenSearch(
            [],
            f"Skriv mindst {CITIZEN_SEARCH_MIN_NAME} bogstaver af navnet eller hele CPR-nummeret.",
            text,
        )
    # One more than shown tells whether the search must be narrowed.
    found = list(
        visible.filter(name__istartswith=text).order_by("name", "pk")[: CITIZEN_SEARCH_LIMIT + 1]
    )
    if len(found) > CITIZEN_SEARCH_LIMIT:
        message = (
            f"Viser de første {CITIZEN_SEARCH_LIMIT} borgere, hvis navn begynder med "
            "det søgte. Skriv mere af navnet, eller søg på CPR-nummeret."
        )
    elif found:
        count = len(found)
        message = f"{count} {'borger' if count == 1 else 'borgere'} fundet."
    else:
        message = "Ingen borgere i din kommune har et navn, der begynder med det søgte."
    return CitizenSearch(found[:CITIZEN_SEARCH_LIMIT], message, text)


class CreateCaseForm(forms.Form):
    subtype = forms.ChoiceField(
        label="Hvilken type sag vil du oprette?",
        # The referral-only subtypes are valid choices only so that clean_subtype can say
        # where they are made; subtype_options does not offer them.
        choices=[
            (str(s), SUBTYPE_LABELS[s])
            for s in (*CREATABLE_SUBTYPES, *sorted(REFERRAL_ONLY_SUBTYPES))
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg sagens type.",
            "invalid_choice": "Vælg en af sagstyperne på listen.",
        },
    )
    citizen = CitizenChoiceField(
        label="Borger",
        queryset=Citizen.objects.none(),
        empty_label="Vælg borger",
        help_text="Søg på borgerens CPR-nummer (10 cifre, med eller uden bindestreg) eller "
        "begyndelsen af navnet, og vælg borgeren. Findes borgeren ikke i din kommune, så opret "
        "borgeren først.",
        error_messages={
            "required": "Vælg en borger.",
            "invalid_choice": "Vælg en borger fra listen.",
        },
    )

    def __init__(self, *args, citizens, **kwargs):
        super().__init__(*args, **kwargs)
        cast(CitizenChoiceField, self.fields["citizen"]).queryset = citizens

    def clean_subtype(self) -> str:
        # Not offered on the page; posted anyway (an old form, a hand-made request), the answer
        # says where it is made instead of "not on the list".
        subtype = self.cleaned_data["subtype"]
        if subtype in REFERRAL_ONLY_SUBTYPES:
            raise forms.ValidationError(USE_REFERRAL_MESSAGE, code="use_referral")
        return subtype

    def subtype_options(self) -> list[dict[str, object]]:
        """The subtypes with their explanation, for the radio list."""
        selected = str(self["subtype"].value() or "")
        return [
            {
                "value": str(s),
                "label": SUBTYPE_LABELS[s],
                "explanation": SUBTYPE_EXPLANATIONS[s],
                "checked": selected == str(s),
                "id": f"id_subtype_{index}",
            }
            for index, s in enumerate(CREATABLE_SUBTYPES)
        ]


class GPChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} (ydernr. {obj.provider_number})" if obj.provider_number else name


class CitizenForm(forms.Form):
    cpr = forms.CharField(
        label="CPR-nummer",
        max_length=20,
        help_text="10 cifre, med eller uden bindestreg, fx 010180-1234.",
        error_messages={
            "required": "Skriv borgerens CPR-nummer.",
            "max_length": "CPR-nummeret skal have formen DDMMÅÅ-XXXX.",
        },
    )
    name = forms.CharField(
        label="Navn",
        max_length=200,
        error_messages={
            "required": "Skriv borgerens navn.",
            "max_length": "Navnet må højst være 200 tegn.",
        },
    )
    general_practitioner = GPChoiceField(
        label="Praktiserende læge",
        queryset=User.objects.none(),
        required=False,
        empty_label="Ingen eller ukendt",
        help_text="Borgerens egen læge får indstillingen og kopi af speciallægeattester.",
        error_messages={"invalid_choice": "Vælg en praktiserende læge fra listen."},
    )
    has_children = _checkbox(
        "Borgeren har børn",
        "Så kan rehabiliteringsteamet inddrage familieområdet.",
    )
    under_30_without_education = _checkbox(
        "Borgeren er under 30 år og har ikke en erhvervskompetencegivende uddannelse",
        "Så skal uddannelsesområdet være med i rehabiliteringsteamet.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(GPChoiceField, self.fields["general_practitioner"])
        field.queryset = User.objects.filter(
            role=Role.GENERAL_PRACTITIONER, is_active=True
        ).order_by("last_name", "first_name", "pk")


class CaseEditForm(forms.Form):
    """The fields of one case; which ones depends on its subtype."""

    def __init__(self, case: Case, data: QueryDict | None = None, *, comment: str = ""):
        self.case = case
        self.names = edit_field_names(case.subtype_enum)
        initial = {name: getattr(case, name) for name in self.names}
        initial["comment"] = comment
        super().__init__(data, initial=initial)
        for name in self.names:
            self.fields[name] = _edit_field(name, case.subtype_enum)
        if case.state == State.RETURNED:
            self.fields["comment"] = forms.CharField(
                label="Bemærkning til regionen",
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Skriv fx, hvilke oplysninger du har tilføjet.",
            )

    def case_fields(self):
        return [self[name] for name in self.names]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("contact_preference") == ContactPreference.CONTACT_FIRST
            and not data.get("contact_times")
            and "contact_times" in self.fields
        ):
            self.add_error("contact_times", "Skriv, hvornår du kan kontaktes.")
        meeting = data.get("meeting_date")
        if (
            meeting is not None
            and meeting != self.case.meeting_date
            and meeting < timezone.localdate()
        ):
            self.add_error("meeting_date", "Mødedatoen ligger før i dag.")
        return data

    def values(self) -> dict[str, object]:
        """The cleaned values as the case stores them."""
        values = {}
        for name in self.names:
            value = self.cleaned_data.get(name)
            if isinstance(self.fields[name], forms.BooleanField):
                value = bool(value)
            elif isinstance(self.fields[name], forms.DateField):
                value = value or None
            else:
                value = value or ""
            values[name] = value
        return values

    def changes(self) -> dict[str, object]:
        return {k: v for k, v in self.values().items() if getattr(self.case, k) != v}


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label="Samtykket dækker",
        choices=[("", "Vælg, hvad samtykket dækker")]
        + [(str(k), v) for k, v in SCOPE_LABELS.items()],
        error_messages={
            "required": "Vælg, hvad samtykket dækker.",
            "invalid_choice": "Vælg, hvad samtykket dækker, fra listen.",
        },
    )
    given_on = _date_field("Dato for samtykket", DATE_HELP, required=True)
    written = _checkbox(
        "Samtykket er givet skriftligt",
        "Kontakt til borgerens læge og indhentning af journaloplysninger kræver skriftligt "
        "samtykke (BEK § 5, stk. 2, og § 11, stk. 5).",
    )
    refused = _checkbox(
        "Borgeren har ikke givet samtykke",
        "Registrér borgerens afslag. Sagen kan sendes, men sundhedskoordinatoren må ikke "
        "kontakte borgerens læge (BEK § 5, stk. 2).",
    )

    def __init__(self, *args, scopes: list[ConsentScope] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].error_messages["required"] = "Skriv datoen for samtykket."
        if scopes is not None:
            field = self.fields["scope"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Vælg, hvad samtykket dækker")] + [
                (str(k), SCOPE_LABELS[k]) for k in scopes
            ]


def document_categories(role) -> list[tuple[str, str]]:
    """The categories a role may add; the municipality never adds the region's documents."""
    return [
        (str(category), label)
        for category, label in CATEGORY_LABELS.items()
        if may_add_category(role, category)
    ]


class DocumentForm(forms.Form):
    category = forms.ChoiceField(
        label="Dokumenttype",
        error_messages={
            "required": "Vælg dokumenttypen.",
            "invalid_choice": "Vælg en dokumenttype fra listen.",
        },
    )
    title = forms.CharField(
        label="Titel",
        required=False,
        max_length=200,
        help_text="Tomt felt: dokumenttypen bruges som titel.",
        error_messages={"max_length": "Titlen må højst være 200 tegn."},
    )
    document_date = _date_field(
        "Dokumentets dato",
        "Datoen på dokumentet, fx attestens dato, som dd.mm.åååå. "
        "Tomt felt: datoen for vedhæftningen bruges.",
    )
    author_organisation = forms.CharField(
        label="Afsender (fx lægens klinik)",
        required=False,
        max_length=MAX_AUTHOR_LENGTH,
        error_messages={"max_length": AUTHOR_TOO_LONG},
    )
    file = forms.FileField(
        label="Fil",
        help_text=(
            "PDF, Word (docx), Excel (xlsx), OpenDocument (odt, ods), tekst, PNG eller JPEG. "
            "Højst 50 MB."
        ),
        error_messages={
            "required": "Vælg en fil.",
            "missing": "Vælg en fil.",
            "empty": "Filen er tom.",
            "invalid": "Filen kunne ikke læses. Vælg filen igen.",
        },
    )

    def __init__(self, *args, role, subtype=None, **kwargs):
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        self.subtype = subtype
        category.choices = [("", "Vælg dokumenttype")] + document_categories(role)
        # Not offered: what the case's subtype never takes as a file (cases/rules/uploads.py);
        # still a valid choice, so a posted one gets the rule's own reason (clean_category).
        category.widget.choices = [
            (value, label)
            for value, label in category.choices
            if subtype is None or subtype_upload_refusal(subtype, str(value)) is None
        ]

    def clean_category(self) -> str:
        value = str(self.cleaned_data.get("category", ""))
        refusal = subtype_upload_refusal(self.subtype, value) if self.subtype is not None else None
        if refusal is not None:
            raise forms.ValidationError(refusal, code="not_for_subtype")
        return value

    def clean_document_date(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("document_date")
        refusal = document_date_refusal(value, timezone.localdate())
        if refusal is not None:
            raise forms.ValidationError(refusal, code="future")
        return value

    def clean_author_organisation(self) -> str:
        value = str(self.cleaned_data.get("author_organisation", "")).strip()
        refusal = author_refusal(value)
        if refusal is not None:
            raise forms.ValidationError(refusal, code="invalid")
        return value

    def upload(self) -> DocumentUpload:
        """The arguments `add_case_document` takes for the uploaded file."""
        upload = self.cleaned_data["file"]
        filename = (upload.name or "dokument")[-200:]
        # The upload itself, streamed from its temporary file; its type comes from its bytes.
        return {
            "category": self.cleaned_data["category"],
            "title": self.cleaned_data.get("title", ""),
            "filename": filename,
            "content": upload,
            "document_date": self.cleaned_data.get("document_date"),
            "author_organisation": self.cleaned_data.get("author_organisation", ""),
        }


# --- the checklist --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    kind: str  # "field", "attachment", "consent" or "recommended" (never blocks sending)
    done: bool
    hint: str
    anchor: str
    category: str = ""


def _anchor(key: str, field_names) -> str:
    if key.startswith("attachment:"):
        return "#dokumenter"
    if key.startswith("consent:"):
        return "#samtykke"
    if key in field_names:
        radios = key in ("purpose", "contact_preference")
        return f"#id_{key}_0" if radios else f"#id_{key}"
    return ""


def checklist(case, missing: list[Missing]) -> list[ChecklistItem]:
    """Every requirement of the subtype, in the rules' order, each either met or missing."""
    subtype = case.subtype_enum
    missing_keys = {m.key for m in missing}
    field_names = edit_field_names(subtype)
    items = []
    # With nothing present, the rules list every requirement with its key and label.
    for requirement in missing_for_sending(subtype, (), (), ()):
        key = requirement.key
        hint = ""
        category = ""
        if key.startswith("attachment:"):
            kind = "attachment"
            categories = sorted(key.removeprefix("attachment:").split("|"))
            labels = [CATEGORY_LABELS[Category(c)] for c in categories]
            category = categories[0]
            if labels != [requirement.label]:
                hint = "Dokumenttype: " + " eller ".join(labels)
        elif key.startswith("consent:"):
            kind = "consent"
        else:
            kind = "field"
            if key == "parent" and case.parent_id:
                hint = f"Sag {case.parent.reference}"
        items.append(
            ChecklistItem(
                key=key,
                label=requirement.label,
                kind=kind,
                done=key not in missing_keys,
                hint=hint,
                anchor=_anchor(key, field_names),
                category=category,
            )
        )
    return items


def recommended_checklist(recommended: list[Recommended], role: Role) -> list[ChecklistItem]:
    """The subtype's recommended documents (the evaluation's checklist) as checklist items:
    checked against the attachments, never blocking sending. The link to attach one chooses a
    category the user's role may add (none if it may add none of them)."""
    items = []
    for item in recommended:
        labels = [CATEGORY_LABELS[c] for c in item.categories]
        addable = [c for c in item.categories if may_add_category(role, c)]
        items.append(
            ChecklistItem(
                key=item.key,
                label=item.label,
                kind="recommended",
                done=item.present,
                hint="Dokumenttype: " + " eller ".join(labels) if labels != [item.label] else "",
                anchor="#dokumenter" if addable else "",
                category=str(addable[0]) if addable else "",
            )
        )
    return items


def missing_anchor(key: str, subtype: Subtype) -> str:
    return _anchor(key, edit_field_names(subtype))


def needed_consents(subtype: Subtype) -> tuple[ConsentScope, ...]:
    spec = REQUIREMENTS[subtype]
    return spec.consents + spec.consent_statements


# --- consents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    scope_label: str
    status: str
    valid: bool
    # Whether the user may withdraw it (the secretariat only the agreement on its case).
    withdrawable: bool = False


def consent_rows(
    citizen, today: datetime.date | None = None, *, case=None, user=None
) -> list[ConsentRow]:
    """The citizen's consents, each with whether it counts today and why not: the general
    ones, and the agreements given for ``case`` alone (BEK § 13 stk. 3); an agreement given
    for another case is not this case's."""
    from sagsbro.cases.rules.consent import WRITTEN_CONSENT_REQUIRED

    today = today or timezone.localdate()
    rows = []
    query = Consent.objects.filter(citizen=citizen)
    query = query.filter(Q(case__isnull=True) | Q(case=case)) if case else query
    consents = list(query.order_by("-given_on", "-id"))
    # The citizen's answer per scope: of a consent and a refusal, the later one stands
    # (``covering_consent``); a row the later answer overrides says so.
    by_scope: dict[str, list[Consent]] = {}
    for consent in consents:
        by_scope.setdefault(consent.scope, []).append(consent)
    answers = {
        scope: covering_consent(consent_records(citizen, rows_), ConsentScope(scope), today)
        for scope, rows_ in by_scope.items()
    }
    for consent in consents:
        scope = ConsentScope(consent.scope)
        valid = False
        answer = answers[consent.scope]
        if consent.refused:
            status = f"Borgeren har ikke givet samtykke ({consent.given_on:%d.%m.%Y})"
            if answer is not None:
                status += "; afløst af et senere samtykke"
        elif consent.withdrawn_on is not None and consent.withdrawn_on <= today:
            status = f"Tilbagekaldt {consent.withdrawn_on:%d.%m.%Y}"
        elif consent.valid_until is not None and consent.valid_until < today:
            status = f"Udløbet {consent.valid_until:%d.%m.%Y}"
        elif not consent.written and scope in WRITTEN_CONSENT_REQUIRED:
            status = "Gælder ikke: skal være givet skriftligt"
        elif answer is None and consent.given_on <= today:
            status = "Gælder ikke: borgeren har senere sagt nej"
        else:
            status = "Gældende"
            valid = True
        label = SCOPE_LABELS[scope]
        if consent.case_id is not None:
            label = f"{label} (gælder denne sag)"
        withdrawable = user is not None and may_register_consent(
            user, citizen, consent.scope, consent.case if consent.case_id else None
        )
        rows.append(ConsentRow(consent, label, status, valid, withdrawable))
    return rows


def _consent_scopes(case, user) -> list[ConsentScope] | None:
    """The scopes the user may register on this case's page; None: none at all. The
    agreement of BEK § 13 stk. 3 is registered on the klinisk-funktion case it is for; the
    region's secretariat records only that one."""
    on_kf = case.subtype == Subtype.KLINISK_FUNKTION
    if user.role == Role.CASEWORKER and case.municipality_id == user.municipality_id:
        return [s for s in ConsentScope if on_kf or s not in CASE_BOUND_SCOPES]
    if (
        on_kf
        and user.role == Role.SECRETARIAT
        and may_register_consent(user, case.citizen, ConsentScope.SAME_PERSON_ASSESSMENT, case)
    ):
        return sorted(CASE_BOUND_SCOPES)
    return None


def consent_context(case, user, *, scope: ConsentScope | None = None) -> dict[str, object]:
    scopes = _consent_scopes(case, user)
    may_register = scopes is not None
    initial = {"scope": str(scope)} if scope else {}
    return {
        "consents": consent_rows(case.citizen, case=case, user=user),
        "consent_form": ConsentForm(initial=initial, scopes=scopes) if may_register else None,
        "can_register_consent": may_register,
    }


def tab_extras(case, tab: str, user) -> dict[str, object]:
    """What the overview and documents tabs show besides their rows: the consents with their
    form, the upload form, and whether the draft may be edited."""
    if tab == "overblik":
        return {**consent_context(case, user), "can_edit": access.may_edit(user, case)}
    if tab == "dokumenter":
        can_add = access.may_add_documents(user, case)
        return {
            "can_add_documents": can_add,
            "document_form": (
                DocumentForm(role=user.role, subtype=case.subtype_enum) if can_add else None
            ),
            "can_edit": access.may_edit(user, case),
        }
    return {}
