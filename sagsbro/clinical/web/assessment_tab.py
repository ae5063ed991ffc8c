"""The clinical case's tab »Konsultation og attest«: the consultation and its note, the
investigations and record requests with who, when and consent, and the certificate (LÆ 275)
under way or delivered. For klinisk funktion (the case's specialist and the region's
secretariat); the municipality reads the delivered certificate in the case's documents."""

from __future__ import annotations

import datetime
from typing import Any

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record_many
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.tabs import register_case_tab
from sagsbro.clinical.models import Certificate
from sagsbro.clinical.services import assessment, certificate
from sagsbro.organisations.models import User
from sagsbro.workdays.rules import WorkingDayCalendar

# After Sundhedskoordinator (40), before the origin case's Klinisk funktion (47).
TAB_ORDER = 45


def assessment_context(
    case: Case, user: User, today: datetime.date, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    found = assessment.assessment_of(case)
    certificates = certificate.certificates_for(user, case)
    subjects = [Subject("certificate", c.pk, case.pk, case.citizen_id) for c in certificates]
    if found.consultation is not None:
        subjects.append(
            Subject("consultation_record", found.consultation.pk, case.pk, case.citizen_id)
        )
    if subjects:
        record_many(user, AuditEntry.Action.READ, subjects, detail="vurdering", channel="web")
    specialist = case.specialist_id == user.pk
    open_certificate = next(
        (c for c in certificates if c.status != Certificate.Status.DELIVERED), None
    )
    return {
        "consultation": found.consultation,
        "investigations": found.investigations,
        "record_requests": found.record_requests,
        "certificates": certificates,
        "open_certificate": open_certificate,
        "is_specialist": specialist,
        "may_note": specialist and case.state == State.CONSULTATION_HELD,
        "may_investigate": specialist and case.state in assessment.INVESTIGATION_STATES,
        "may_request": specialist and case.state in assessment.ASSESSING_STATES,
        "may_write_certificate": specialist
        and case.state == State.CONSULTATION_HELD
        and (open_certificate is None or open_certificate.status == Certificate.Status.DRAFT),
    }


def _shown(case: Case, user: User) -> bool:
    return case.subtype == Subtype.KLINISK_FUNKTION and assessment.may_read_assessment(user, case)


def register_assessment_tab() -> None:
    register_case_tab(
        "vurdering",
        "Konsultation og attest",
        "clinical/tabs/vurdering.html",
        assessment_context,
        order=TAB_ORDER,
        visible_for=_shown,
    )
