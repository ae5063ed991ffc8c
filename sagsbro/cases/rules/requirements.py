"""What each subtype must carry before it may be sent, from the regional procedures.

A requirement is either a piece of information on the case (a field) or an attachment (a
document category). Some requirements are alternatives ("the indstilling or the plan").
Genforelæggelse counts the documents it carries over from the earlier case.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sagsbro.cases.rules.consent import SCOPE_LABELS, ConsentScope
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.documents.rules import Category


class Purpose(StrEnum):
    """What the rehabiliteringsteam is asked to recommend on (BEK § 1)."""

    RESSOURCEFORLOEB = "ressourceforloeb"
    FLEKSJOB = "fleksjob"
    FOERTIDSPENSION = "foertidspension"
    JOBAFKLARINGSFORLOEB = "jobafklaringsforloeb"
    SYGEDAGPENGE_KATEGORI_3 = "sygedagpenge_kategori_3"


PURPOSE_LABELS: Mapping[Purpose, str] = {
    Purpose.RESSOURCEFORLOEB: "Ressourceforløb",
    Purpose.FLEKSJOB: "Fleksjob",
    Purpose.FOERTIDSPENSION: "Førtidspension",
    Purpose.JOBAFKLARINGSFORLOEB: "Jobafklaringsforløb",
    Purpose.SYGEDAGPENGE_KATEGORI_3: "Sygedagpenge, kategori 3",
}

SUBTYPE_LABELS: Mapping[Subtype, str] = {
    Subtype.REHABILITERINGSTEAM: "Rehabiliteringsteamsag",
    Subtype.LOEBENDE_SAG: "Løbende sag",
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: "Ret til sundhedskoordinator",
    Subtype.GENFORELAEGGELSE: "Genforelæggelsessag",
    Subtype.AABENBAR_FOERTIDSPENSION: "Udtalelse i åbenbar førtidspensionssag",
    Subtype.KLINISK_FUNKTION: "Vurdering i klinisk funktion",
    Subtype.SENIORPENSION: "Seniorpension",
    Subtype.JOBAFKLARING_4AAR: "Jobafklaring: samtale ved risiko efter 4 år",
}


class ContactPreference(StrEnum):
    """The note "Note fra kommune til samarbejdspartner" (procedure Løbende sag)."""

    WRITTEN_ONLY = "written_only"
    CONTACT_FIRST = "contact_first"


CONTACT_PREFERENCE_LABELS: Mapping[ContactPreference, str] = {
    ContactPreference.WRITTEN_ONLY: "Kun skriftligt svar",
    ContactPreference.CONTACT_FIRST: "Telefonisk/virtuel kontakt før skriftligt svar",
}


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    label: str


@dataclass(frozen=True)
class AttachmentRequirement:
    # Any one of the categories satisfies the requirement.
    categories: frozenset[Category]
    label: str


@dataclass(frozen=True)
class SubtypeRequirements:
    fields: tuple[FieldRequirement, ...]
    attachments: tuple[AttachmentRequirement, ...]
    consents: tuple[ConsentScope, ...]
    source: str
    # Scopes where the case must *state* the citizen's position: a consent or a recorded
    # refusal both do. The consent is a condition for the act it covers, not for sending.
    consent_statements: tuple[ConsentScope, ...] = ()


def _att(label: str, *categories: Category) -> AttachmentRequirement:
    return AttachmentRequirement(frozenset(categories), label)


_PLAN = _att("Indstilling eller indsatsplan", Category.INDSTILLING, Category.INDSATSPLAN)
# The coordinator's earlier advice: carried over from the earlier case (the region's
# document) or forwarded by the municipality as the copy it received.
_EARLIER_ADVICE = (Category.COORDINATOR_ADVICE, Category.FORWARDED_COORDINATOR_ADVICE)
_MEETING = FieldRequirement("meeting_date", "Dato for rehabiliteringsteammødet")
_QUESTION = FieldRequirement("question", "Sagsresumé med det konkrete spørgsmål")

REQUIREMENTS: Mapping[Subtype, SubtypeRequirements] = {
    Subtype.REHABILITERINGSTEAM: SubtypeRequirements(
        fields=(FieldRequirement("purpose", "Sagens formål"), _MEETING),
        attachments=(
            _att("Rehabiliteringsplanens forberedende del", Category.FORBEREDENDE_DEL),
            _att("LÆ 265 Lægeattest fra egen læge", Category.LAE_265),
        ),
        consents=(),
        source="BEK § 7, stk. 1; evaluering tabel 8, trin 1–2",
    ),
    Subtype.LOEBENDE_SAG: SubtypeRequirements(
        fields=(
            _QUESTION,
            FieldRequirement("contact_preference", "Ønske om skriftligt svar eller kontakt"),
        ),
        attachments=(
            _PLAN,
            _att(
                "Sundhedskoordinators tidligere resumé/rådgivning",
                *_EARLIER_ADVICE,
            ),
            _att("Nye helbredsoplysninger", Category.NEW_HEALTH_INFORMATION),
        ),
        consents=(),
        source="Procedure Løbende sag (Bilag 9)",
        # The procedure asks for the citizen's consent to the coordinator's "evt. kontakt"
        # with the GP; BEK § 5, stk. 2 makes it a condition for that contact, not for the
        # advice, so a recorded refusal lets the case be sent (the contact is then refused).
        consent_statements=(ConsentScope.CONTACT_GP,),
    ),
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: SubtypeRequirements(
        fields=(
            _MEETING,
            FieldRequirement("employment_offer", "Det konkrete tilbud med indhold og krav"),
            FieldRequirement(
                "citizen_statement", "Borgerens beskrivelse af, hvor tilbuddet ikke tager hensyn"
            ),
            FieldRequirement("citizen_informed_of_right", "Borgeren er orienteret om retten"),
        ),
        attachments=(
            _PLAN,
            _att(
                "Relevante helbredsoplysninger",
                Category.NEW_HEALTH_INFORMATION,
                Category.OTHER_HEALTH_INFORMATION,
                Category.LAE_265,
            ),
        ),
        consents=(),
        source="Procedure Ret til sundhedskoordinator (Bilag 13)",
    ),
    Subtype.GENFORELAEGGELSE: SubtypeRequirements(
        fields=(_MEETING, FieldRequirement("parent", "Den tidligere sag")),
        attachments=(
            _PLAN,
            _att("Sundhedskoordinators tidligere resumé", *_EARLIER_ADVICE),
            _att(
                "Koordinerende sagsbehandlers resumé siden sidste møde",
                Category.CASEWORKER_SUMMARY,
            ),
            _att("Dokumentation for resuméet", Category.DOCUMENTATION),
        ),
        consents=(),
        source="Procedure Genforelæggelse",
    ),
    Subtype.AABENBAR_FOERTIDSPENSION: SubtypeRequirements(
        fields=(_QUESTION,),
        attachments=(_att("Rehabiliteringsplanens forberedende del", Category.FORBEREDENDE_DEL),),
        consents=(),
        source="BEK § 10",
    ),
    Subtype.KLINISK_FUNKTION: SubtypeRequirements(
        fields=(_QUESTION,),
        attachments=(_att("LÆ 271 Anmodning om speciallægeattest", Category.LAE_271),),
        consents=(),
        source="BEK §§ 13–15; evaluering tabel 8, trin 2.2",
    ),
    Subtype.SENIORPENSION: SubtypeRequirements(
        fields=(
            _QUESTION,
            FieldRequirement(
                "latest_job", "Seneste job: arbejdsfunktioner og arbejdstid (BEK § 26)"
            ),
        ),
        attachments=(
            _att(
                "Helbredsoplysninger",
                Category.NEW_HEALTH_INFORMATION,
                Category.OTHER_HEALTH_INFORMATION,
                Category.LAE_265,
            ),
        ),
        consents=(),
        source="BEK §§ 26–27",
    ),
    Subtype.JOBAFKLARING_4AAR: SubtypeRequirements(
        fields=(_QUESTION,),
        attachments=(),
        consents=(ConsentScope.COORDINATOR_TALKS_TO_CITIZEN,),
        source="BEK § 11, stk. 3",
    ),
}


@dataclass(frozen=True)
class Missing:
    """One thing the case still lacks, said in Danish for the caseworker."""

    key: str
    label: str


def missing_for_sending(
    subtype: Subtype,
    filled_fields: Collection[str],
    categories_present: Collection[Category],
    consents_present: Collection[ConsentScope],
    refusals_present: Collection[ConsentScope] = (),
) -> list[Missing]:
    """Everything the subtype requires that the case does not have yet (empty list: ready).

    ``consents_present`` are the scopes a consent covers today, ``refusals_present`` those
    where the citizen's refusal is recorded; a refusal satisfies only the subtype's
    ``consent_statements`` (procedure Løbende sag; BEK § 5, stk. 2).
    """
    spec = REQUIREMENTS[subtype]
    missing = [Missing(f.field, f.label) for f in spec.fields if f.field not in filled_fields]
    present = frozenset(categories_present)
    for requirement in spec.attachments:
        if not requirement.categories & present:
            key = "attachment:" + "|".join(sorted(requirement.categories))
            missing.append(Missing(key, requirement.label))
    for scope in spec.consents:
        if scope not in consents_present:
            missing.append(Missing(f"consent:{scope}", f"Samtykke: {SCOPE_LABELS[scope]}"))
    for scope in spec.consent_statements:
        if scope not in consents_present and scope not in refusals_present:
            missing.append(
                Missing(
                    f"consent:{scope}",
                    f"Borgerens svar om samtykke (givet eller afslået): {SCOPE_LABELS[scope]}",
                )
            )
    return missing


# --- recommended documents -------------------------------------------------------------------

# The evaluation's proposed checklist of what the case presentation should carry for the team
# meeting ("tjekliste for sundhedsoplysninger"): the preparatory part with a
# case summary, LÆ 265, the newest specialist certificates and psychological assessments, the
# newest other certificates elaborating LÆ 265, and reports from work trials. A proposal, not
# a rule: shown on the checklist as recommended and never blocking sending.
_CASE_SUMMARY = _att("Sagsresumé til den forberedende del", Category.CASE_SUMMARY)
_LAE_265 = _att("LÆ 265 Lægeattest fra egen læge", Category.LAE_265)
_SPECIALISTS = _att(
    "Nyeste speciallægeattester og psykologiske undersøgelser",
    Category.SPECIALIST_CERTIFICATE,
    Category.LAE_275,
    Category.PSYCHOLOGICAL_ASSESSMENT,
)
_OTHER_CERTIFICATES = _att(
    "Nyeste øvrige lægeattester, der uddyber LÆ 265",
    Category.NEW_HEALTH_INFORMATION,
    Category.OTHER_HEALTH_INFORMATION,
)
_WORK_TRIALS = _att(
    "Rapporter fra virksomhedspraktik, arbejdsprøvning eller opkvalificering",
    Category.WORK_TRIAL_REPORT,
)

RECOMMENDED: Mapping[Subtype, tuple[AttachmentRequirement, ...]] = {
    # The team meeting: the whole checklist (the preparatory part and LÆ 265 are required).
    Subtype.REHABILITERINGSTEAM: (_CASE_SUMMARY, _SPECIALISTS, _OTHER_CERTIFICATES, _WORK_TRIALS),
    # Back to the team: the same health information, as it stands now.
    Subtype.GENFORELAEGGELSE: (_LAE_265, _SPECIALISTS, _OTHER_CERTIFICATES, _WORK_TRIALS),
    Subtype.AABENBAR_FOERTIDSPENSION: (_LAE_265, _SPECIALISTS, _OTHER_CERTIFICATES),
    Subtype.LOEBENDE_SAG: (_LAE_265, _SPECIALISTS),
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: (_LAE_265, _SPECIALISTS, _WORK_TRIALS),
    Subtype.KLINISK_FUNKTION: (_LAE_265, _SPECIALISTS),
    Subtype.SENIORPENSION: (_LAE_265, _SPECIALISTS),
    # A conversation with the citizen; the coordinator asks for what is needed.
    Subtype.JOBAFKLARING_4AAR: (),
}


@dataclass(frozen=True)
class Recommended:
    """One recommended document and whether the case carries it."""

    key: str
    label: str
    categories: tuple[Category, ...]
    present: bool


def recommended_documents(
    subtype: Subtype, categories_present: Collection[Category]
) -> list[Recommended]:
    """The subtype's recommended documents, each with whether an attachment of one of its
    categories is on the case. Never part of `missing_for_sending`."""
    present = frozenset(categories_present)
    return [
        Recommended(
            key="recommended:" + "|".join(sorted(item.categories)),
            label=item.label,
            categories=tuple(sorted(item.categories)),
            present=bool(item.categories & present),
        )
        for item in RECOMMENDED[subtype]
    ]
