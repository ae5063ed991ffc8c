"""The meetings app's writes: the rehabiliteringsteam meeting and the genforelæggelse. Each is
one transaction through the cases app's transition plumbing (rule check, change, event, audit
entry, recomputed deadlines). The names are re-exported here: ``services.hold_meeting(...)``."""

from sagsbro.meetings.services.meeting import (
    hold_meeting,
    postpone_meeting,
    record_screening,
    reopen_as_genforelaeggelse,
    send_indstilling,
)

__all__ = [
    "hold_meeting",
    "postpone_meeting",
    "record_screening",
    "reopen_as_genforelaeggelse",
    "send_indstilling",
]
