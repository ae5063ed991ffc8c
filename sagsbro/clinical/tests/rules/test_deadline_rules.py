"""The BEK § 23 deadline pair of a klinisk-funktion case across holidays, and the due date
agreed in the concrete case (§ 23, 2. pkt.).

The pair is computed by the cases deadline rules (`cases/rules/deadlines.py`, subtype
klinisk_funktion), which the case's deadlines use; these tests pin the clinical edges. "dage"
are calendar days; a due date on a closed day moves to the next working day. Closed days used:
Easter 2025 17-21 Apr (Skærtorsdag to 2. påskedag); 24-26 Dec and 31 Dec-1 Jan. Expected dates
are worked out by hand.
"""

from datetime import date

import pytest

from sagsbro.cases.rules.deadlines import (
    Anchor,
    CaseAgreementRefused,
    DeadlineKind,
    check_case_agreement,
    compute_deadlines,
    rules_for,
)
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.workdays.rules import WorkingDayCalendar

CAL = WorkingDayCalendar()
AFTER_CONSULTATION = DeadlineKind.CERTIFICATE_AFTER_CONSULTATION
AFTER_REQUEST = DeadlineKind.CERTIFICATE_AFTER_REQUEST


def _pair(received: date | None, consultation: date | None) -> dict[DeadlineKind, date | None]:
    anchors = {}
    if received is not None:
        anchors[Anchor.RECEIVED] = received
    if consultation is not None:
        anchors[Anchor.CONSULTATION] = consultation
    computed = compute_deadlines(rules_for(Subtype.KLINISK_FUNKTION), anchors, CAL)
    return {c.rule.kind: c.due for c in computed}


def test_the_pair_is_14_and_30_calendar_days() -> None:
    rules = {r.kind: (r.count, r.unit, r.source) for r in rules_for(Subtype.KLINISK_FUNKTION)}
    assert rules == {
        AFTER_CONSULTATION: (14, "calendar_days", "BEK § 23"),
        AFTER_REQUEST: (30, "calendar_days", "BEK § 23"),
    }


def test_plain_pair() -> None:
    # Request Mon 3 Mar 2025 + 30 = Wed 2 Apr; consultation Mon 10 Mar + 14 = Mon 24 Mar.
    assert _pair(date(2025, 3, 3), date(2025, 3, 10)) == {
        AFTER_CONSULTATION: date(2025, 3, 24),
        AFTER_REQUEST: date(2025, 4, 2),
    }
    # Before the consultation only the request limit is known.
    assert _pair(date(2025, 3, 3), None) == {
        AFTER_CONSULTATION: None,
        AFTER_REQUEST: date(2025, 4, 2),
    }


def test_across_easter() -> None:
    # Consultation Thu 3 Apr 2025 + 14 = Thu 17 Apr (Skærtorsdag); 17-21 Apr are closed, so
    # it moves to Tue 22 Apr. Request Mon 24 Mar + 30 = Wed 23 Apr, a working day.
    assert _pair(date(2025, 3, 24), date(2025, 4, 3)) == {
        AFTER_CONSULTATION: date(2025, 4, 22),
        AFTER_REQUEST: date(2025, 4, 23),
    }


def test_across_christmas_and_new_year() -> None:
    # Request Tue 25 Nov 2025 + 30 = Thu 25 Dec (closed 24-26 Dec, then a weekend) -> Mon
    # 29 Dec. Consultation Sat 20 Dec + 14 = Sat 3 Jan 2026 (3-4 Jan a weekend) -> Mon 5 Jan.
    assert _pair(date(2025, 11, 25), date(2025, 12, 20)) == {
        AFTER_CONSULTATION: date(2026, 1, 5),
        AFTER_REQUEST: date(2025, 12, 29),
    }
    # Request Mon 1 Dec 2025 + 30 = Wed 31 Dec (Nytårsaftensdag), 1 Jan closed -> Fri 2 Jan.
    assert _pair(date(2025, 12, 1), None)[AFTER_REQUEST] == date(2026, 1, 2)


@pytest.mark.parametrize("kind", [AFTER_CONSULTATION, AFTER_REQUEST])
def test_another_date_agreed_in_the_case_needs_the_circumstances(kind: DeadlineKind) -> None:
    today = date(2025, 3, 10)
    check_case_agreement(kind, date(2025, 4, 30), "Journal fra sygehuset afventes", today, CAL)
    for agreed, reason, code in [
        (date(2025, 4, 30), "  ", "required"),
        (date(2025, 4, 18), "Scanning", "closed_day"),  # Langfredag
        (date(2025, 3, 7), "Scanning", "date_in_past"),
    ]:
        with pytest.raises(CaseAgreementRefused) as refused:
            check_case_agreement(kind, agreed, reason, today, CAL)
        assert refused.value.code == code
