"""The worklist's "Aftaler fra møder" section: the open follow-ups agreed at a meeting that the
user owns (O-55), soonest due first, each with a button to mark it done."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from sagsbro.audit.services import Subject
from sagsbro.cases.services import common
from sagsbro.meetings.models import FollowUp
from sagsbro.meetings.services.meeting_follow_ups import follow_up_subject, open_follow_ups_for


@dataclass
class AgreedFollowUps:
    template_name: ClassVar[str] = "meetings/worklist/_agreed_follow_ups.html"

    rows: list[FollowUp]
    today: object

    def audit_subjects(self) -> list[Subject]:
        return [follow_up_subject(row) for row in self.rows]


def worklist_section(user, params: Mapping[str, str]) -> AgreedFollowUps | None:
    if not getattr(user, "is_authenticated", False):
        return None
    rows = open_follow_ups_for(user)
    if not rows:
        return None
    return AgreedFollowUps(rows=rows, today=common.local_today())
