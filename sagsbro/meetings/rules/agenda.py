"""The agenda of a meeting day: the kinds of item and how long each takes.

Sources: procedure 001 (Ret til sundhedskoordinator: a 15-minute conversation on the team
meeting's agenda, planned like one reform case); the evaluation (004, the meeting: a pre-meeting
without the citizen, and a closing item summing up; ≈5.5 cases a meeting, 4.9-6.5 by region).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ItemKind(StrEnum):
    TEAM_CASE = "team_case"
    RET_TIL_SUNDHEDSKOORDINATOR = "ret_til_sundhedskoordinator"
    GENFORELAEGGELSE = "genforelaeggelse"
    # A løbende sag's phone or video slot with the coordinator on a contact day.
    CONTACT = "contact"

    @classmethod
    def labels(cls) -> dict[ItemKind, str]:
        return dict(ITEM_LABELS)


ITEM_LABELS: dict[ItemKind, str] = {
    ItemKind.TEAM_CASE: "Rehabiliteringsteamsag",
    ItemKind.RET_TIL_SUNDHEDSKOORDINATOR: "Ret til sundhedskoordinator",
    ItemKind.GENFORELAEGGELSE: "Genforelæggelse",
    ItemKind.CONTACT: "Telefon-/videotid (løbende sag)",
}

# Minutes per item; a team case's length is agreed locally, 45 minutes is the common choice.
SLOT_MINUTES: dict[ItemKind, int] = {
    ItemKind.TEAM_CASE: 45,
    ItemKind.RET_TIL_SUNDHEDSKOORDINATOR: 15,
    ItemKind.GENFORELAEGGELSE: 45,
    # Procedure Løbende sag: the contact before the written answer is billed as 30 minutes.
    ItemKind.CONTACT: 30,
}

CLOSING_ITEM_MINUTES = 10


@dataclass(frozen=True)
class Slot:
    position: int
    start: datetime.time
    end: datetime.time


def slots(start: datetime.time, pre_meeting_minutes: int, minutes: Sequence[int]) -> list[Slot]:
    """The time slot of each item in order, after the pre-meeting (formøde)."""
    moment = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    moment += datetime.timedelta(minutes=pre_meeting_minutes)
    result = []
    for position, length in enumerate(minutes):
        end = moment + datetime.timedelta(minutes=length)
        result.append(Slot(position, moment.time(), end.time()))
        moment = end
    return result
