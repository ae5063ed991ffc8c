"""Document categories: what a document is, so a case can be checked for what it must carry."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Category(StrEnum):
    FORBEREDENDE_DEL = "forberedende_del"
    LAE_265 = "lae_265"
    LAE_271 = "lae_271"
    LAE_275 = "lae_275"
    INDSTILLING = "indstilling"
    INDSATSPLAN = "indsatsplan"
    COORDINATOR_ADVICE = "coordinator_advice"
    NEW_HEALTH_INFORMATION = "new_health_information"
    OTHER_HEALTH_INFORMATION = "other_health_information"
    EMPLOYMENT_OFFER = "employment_offer"
    CITIZEN_STATEMENT = "citizen_statement"
    CASEWORKER_SUMMARY = "caseworker_summary"
    DOCUMENTATION = "documentation"
    SPECIALIST_CERTIFICATE = "specialist_certificate"
    PSYCHOLOGICAL_ASSESSMENT = "psychological_assessment"
    WORK_TRIAL_REPORT = "work_trial_report"
    WRITTEN_ANSWER = "written_answer"
    OTHER = "other"


CATEGORY_LABELS: Mapping[Category, str] = {
    Category.FORBEREDENDE_DEL: "Rehabiliteringsplanens forberedende del",
    Category.LAE_265: "LÆ 265 Lægeattest fra egen læge",
    Category.LAE_271: "LÆ 271 Anmodning om speciallægeattest",
    Category.LAE_275: "LÆ 275 Speciallægeattest",
    Category.INDSTILLING: "Rehabiliteringsteamets indstilling",
    Category.INDSATSPLAN: "Indsatsplan",
    Category.COORDINATOR_ADVICE: "Sundhedskoordinators tidligere resumé og rådgivning",
    Category.NEW_HEALTH_INFORMATION: "Nye helbredsoplysninger",
    Category.OTHER_HEALTH_INFORMATION: "Andre relevante helbredsoplysninger",
    Category.EMPLOYMENT_OFFER: "Beskrivelse af konkret beskæftigelsestilbud",
    Category.CITIZEN_STATEMENT: "Borgerens beskrivelse af, hvor tilbuddet ikke tager hensyn",
    Category.CASEWORKER_SUMMARY: "Koordinerende sagsbehandlers resumé siden sidste møde",
    Category.DOCUMENTATION: "Dokumentation for resuméet",
    Category.SPECIALIST_CERTIFICATE: "Speciallægeerklæring",
    Category.PSYCHOLOGICAL_ASSESSMENT: "Psykologisk vurdering",
    Category.WORK_TRIAL_REPORT: "Rapport fra arbejdsprøvning",
    Category.WRITTEN_ANSWER: "Sundhedskoordinators skriftlige svar",
    Category.OTHER: "Andet",
}

# Categories that hold health information; never shown in logs or notifications.
HEALTH_CATEGORIES = frozenset(Category) - {Category.OTHER}
