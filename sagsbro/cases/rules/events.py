"""The kinds of event in a case's history (``CaseEvent.kind``).

One enum for everything that writes or reads the history, so a kind is never matched by a
literal. Each transition writes an event named after it (``workflow.TRANSITIONS``); the
other kinds are the writes outside the state machine. The stored values are these strings.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    # Drafting.
    CREATED = "created"
    UPDATED = "updated"
    CARRIED_OVER = "carried_over"
    # The transitions (workflow.TRANSITIONS), one event each, named as the transition.
    SEND = "send"
    ASSIGN = "assign"
    ASSIGN_SPECIALIST = "assign_specialist"
    RETURN_FOR_INFORMATION = "return_for_information"
    RESEND = "resend"
    WITHDRAW = "withdraw"
    DISCARD_DRAFT = "discard_draft"
    POSTPONE = "postpone"
    SCREEN = "screen"
    HOLD_MEETING = "hold_meeting"
    SEND_INDSTILLING = "send_indstilling"
    ANSWER = "answer"
    CLOSE = "close"
    NOTIFY_LATE_APPOINTMENT = "notify_late_appointment"
    INVITE = "invite"
    HOLD_CONSULTATION = "hold_consultation"
    DELIVER_CERTIFICATE = "deliver_certificate"
    REASSIGN = "reassign"
    RECORD_CONTACT_TIME = "record_contact_time"
    REOPEN_AS_GENFORELAEGGELSE = "reopen_as_genforelaeggelse"
    # Assignment: a conflict of interest found after assignment (BEK § 12, stk. 2).
    CONFLICT_PUT_BACK = "conflict_put_back"
    # Notes, contact, consents, deadlines.
    NOTE_ADDED = "note_added"
    GP_CONTACT = "gp_contact"
    CONSENT_REGISTERED = "consent_registered"
    CONSENT_REFUSED = "consent_refused"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    DEADLINE_AGREED = "deadline_agreed"
    # Documents.
    DOCUMENT_ADDED = "document_added"
    WRITTEN_ANSWER_PDF = "written_answer_pdf"
    WRITTEN_ANSWER_PDF_RETRY = "written_answer_pdf_retry"
