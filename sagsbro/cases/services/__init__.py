"""Every change to a case goes through one of these functions, one module per kind of write.

Each is one transaction that checks the rules, writes the change, the case event, the audit
entry and the recomputed deadlines together, or nothing. The names are re-exported here, so
``services.create_case(...)`` works without knowing which module holds it."""

from sagsbro.cases.services.assignment import (
    assign_coordinator,
    assign_specialist,
    assignable_people,
    assignee_role,
    reassign_coordinator,
    register_treatment_relation,
    require_may_advise,
    treatment_relations,
)
from sagsbro.cases.services.consents import (
    CASE_BOUND_SCOPES,
    consent_records,
    gp_contact_status,
    register_consent,
    require_consent_for_action,
    withdraw_consent,
)
from sagsbro.cases.services.contact import (
    CONTACT_HOW_LABELS,
    GP_CONTACT_STATES,
    record_contact_appointment,
    record_gp_contact,
    wants_contact,
)
from sagsbro.cases.services.deadlines import (
    agree_deadline,
    agreement_overrides,
    recompute_deadlines,
)
from sagsbro.cases.services.drafting import (
    EDITABLE_FIELDS,
    create_case,
    discard_draft,
    missing_requirements,
    update_case,
)
from sagsbro.cases.services.notes import add_note
from sagsbro.cases.services.sending import (
    close_case,
    late_for_meeting,
    resend_case,
    return_for_information,
    send_case,
    withdraw_case,
)
from sagsbro.cases.services.written_answer import (
    answer_draft_for,
    answer_in_writing,
    save_answer_draft,
)

__all__ = [
    "CASE_BOUND_SCOPES",
    "CONTACT_HOW_LABELS",
    "EDITABLE_FIELDS",
    "GP_CONTACT_STATES",
    "add_note",
    "agree_deadline",
    "agreement_overrides",
    "answer_draft_for",
    "answer_in_writing",
    "assign_coordinator",
    "assign_specialist",
    "assignable_people",
    "assignee_role",
    "close_case",
    "consent_records",
    "create_case",
    "discard_draft",
    "gp_contact_status",
    "late_for_meeting",
    "missing_requirements",
    "reassign_coordinator",
    "recompute_deadlines",
    "record_contact_appointment",
    "record_gp_contact",
    "register_consent",
    "register_treatment_relation",
    "require_may_advise",
    "require_consent_for_action",
    "resend_case",
    "return_for_information",
    "save_answer_draft",
    "send_case",
    "treatment_relations",
    "update_case",
    "wants_contact",
    "withdraw_case",
    "withdraw_consent",
]
