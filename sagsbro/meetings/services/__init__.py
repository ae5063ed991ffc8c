"""The meetings app's writes: the rehabiliteringsteam meeting and the genforelæggelse. Each is
one transaction through the cases app's transition plumbing (rule check, change, event, audit
entry, recomputed deadlines). The names are re-exported here: ``services.hold_meeting(...)``."""

from sagsbro.meetings.services.after_meeting import send_conclusion_letter
from sagsbro.meetings.services.booking import (
    book_case,
    booking_options,
    booking_refusals,
    feasible_meetings,
    move_booking,
)
from sagsbro.meetings.services.coordination import (
    assign_day_coordinator,
    booking_conflict_warning,
    cancel_meeting_day,
    coordinator_candidates,
    day_coordinator_conflicts,
)
from sagsbro.meetings.services.followup import (
    due_follow_ups,
    follow_up_of,
    genforelaeggelse_meetings,
    may_record_forloeb,
    record_forloeb,
    reopen_for_meeting,
)
from sagsbro.meetings.services.holding import BookingResult, hold_meeting_day
from sagsbro.meetings.services.indstilling import (
    finalise_indstilling,
    save_coordinator_advice,
    save_indstilling,
)
from sagsbro.meetings.services.meeting import (
    hold_meeting,
    postpone_meeting,
    record_screening,
    reopen_as_genforelaeggelse,
    send_indstilling,
)
from sagsbro.meetings.services.meeting_days import (
    create_meeting_day,
    create_series,
    update_meeting_day,
)
from sagsbro.meetings.services.meeting_follow_ups import add_follow_up, mark_follow_up_done
from sagsbro.meetings.services.screening import screen_booking
from sagsbro.meetings.services.team import set_attendees, team_warnings

__all__ = [
    "BookingResult",
    "add_follow_up",
    "finalise_indstilling",
    "hold_meeting_day",
    "mark_follow_up_done",
    "save_coordinator_advice",
    "save_indstilling",
    "send_conclusion_letter",
    "book_case",
    "booking_options",
    "booking_refusals",
    "create_meeting_day",
    "create_series",
    "feasible_meetings",
    "move_booking",
    "update_meeting_day",
    "assign_day_coordinator",
    "booking_conflict_warning",
    "cancel_meeting_day",
    "coordinator_candidates",
    "day_coordinator_conflicts",
    "screen_booking",
    "set_attendees",
    "team_warnings",
    "due_follow_ups",
    "follow_up_of",
    "genforelaeggelse_meetings",
    "may_record_forloeb",
    "record_forloeb",
    "reopen_for_meeting",
    "hold_meeting",
    "postpone_meeting",
    "record_screening",
    "reopen_as_genforelaeggelse",
    "send_indstilling",
]
