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
    ACCEPT_LATE_APPOINTMENT = "accept_late_appointment"
    INVITE = "invite"
    RECORD_NO_SHOW = "record_no_show"
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
    # Booking (meetings app): the case is put on a meeting day's agenda, or moved to another.
    BOOKED = "booked"
    BOOKING_MOVED = "booking_moved"
    # Meetings (meetings app): the day's coordinator screens the booked case; the meeting
    # day is cancelled and the case must be booked onto another.
    BOOKING_SCREENED = "booking_screened"
    MEETING_CANCELLED = "meeting_cancelled"
    # The ressourceforløb's follow-up (meetings app; procedure 002): its start and the start
    # of its first effort.
    FORLOEB_STARTED = "forloeb_started"
    FORLOEB_EFFORT_STARTED = "forloeb_effort_started"
    # Documents.
    DOCUMENT_ADDED = "document_added"
    DOCUMENT_WITHDRAWN = "document_withdrawn"
    DOCUMENT_REPLACED = "document_replaced"
    WRITTEN_ANSWER_PDF = "written_answer_pdf"
    WRITTEN_ANSWER_PDF_RETRY = "written_answer_pdf_retry"
    # The meeting day (meetings app): outcome per booking, the structured indstilling, the
    # follow-ups agreed at the meeting, and what is sent after it.
    MEETING_OUTCOME = "meeting_outcome"
    INDSTILLING_SAVED = "indstilling_saved"
    INDSTILLING_FINALISED = "indstilling_finalised"
    INDSTILLING_PDF = "indstilling_pdf"
    FOLLOW_UP_ADDED = "follow_up_added"
    FOLLOW_UP_DONE = "follow_up_done"
    CONCLUSION_LETTER = "conclusion_letter"
    # Recorded only when the outgoing message was actually sent (messaging app): these, not
    # the meeting or the indstilling's sending, meet the deadlines after the meeting.
    CONCLUSION_SENT = "conclusion_sent"
    GP_COPY_SENT = "gp_copy_sent"
    # Klinisk funktion (clinical app): investigations and record requests (BEK § 13 stk. 2,
    # § 15 stk. 1), the structured certificate (§ 14) and its copy to the GP (§ 15 stk. 2).
    CONSULTATION_NOTE_SAVED = "consultation_note_saved"
    INVESTIGATION_ORDERED = "investigation_ordered"
    INVESTIGATION_DONE = "investigation_done"
    RECORDS_REQUESTED = "records_requested"
    RECORDS_RECEIVED = "records_received"
    CERTIFICATE_DRAFTED = "certificate_drafted"
    CERTIFICATE_SIGNED = "certificate_signed"
    GP_CERTIFICATE_COPY_SENT = "gp_certificate_copy_sent"
    # The referral (LÆ 271) made from an originating case, and the invitation letter to the
    # citizen with its copy to the caseworker.
    REFERRAL_MADE = "referral_made"
    INVITATION_LETTER = "invitation_letter"
    # A booked consultation time given up before the consultation was held (the case was
    # withdrawn, put back or moved to another specialist): the time is free for another case.
    CONSULTATION_SLOT_RELEASED = "consultation_slot_released"
    # The letter telling the citizen that a time they had been sent an invitation to is
    # cancelled, made by a task after the release (clinical app).
    CANCELLATION_LETTER = "cancellation_letter"
    # Recorded when the outbox really sent the invitation to the citizen (messaging app).
    INVITATION_SENT = "invitation_sent"
    CANCELLATION_SENT = "cancellation_sent"
