"""Tests for the deadline rules per case subtype.

Expected dates are worked out by hand and written literally. Closed days used
below (all options on): Easter 2024 28 Mar-1 Apr, 2025 17-21 Apr, 2027
25-29 Mar, 2028 13-17 Apr; Kristi himmelfartsdag 29 May 2025, 25 May 2028;
2. pinsedag 20 May 2024, 9 Jun 2025, 25 May 2026, 5 Jun 2028 (also
Grundlovsdag); Grundlovsdag Thu 5 Jun 2025, Fri 5 Jun 2026; 24-26 Dec and
31 Dec-1 Jan every year.
"""

from __future__ import annotations

from datetime import date

import pytest

from sagsbro.cases.rules.deadlines import (
    FALLBACK_RULES,
    MAX_AGREEMENT_REASON_LENGTH,
    Anchor,
    CaseAgreementRefused,
    ComputedDeadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineState,
    Direction,
    RuleOverride,
    Unit,
    agreement_subtypes,
    case_agreement_source,
    check_case_agreement,
    compute_deadlines,
    deadline_state,
    due_date,
    rules_for,
    working_days_left,
)
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.workdays.rules import ClosedDayOptions, WorkingDayCalendar

CAL = WorkingDayCalendar()

K = DeadlineKind
U = Unit
A = Anchor
D = Direction

Row = tuple[DeadlineKind, int, Unit, Anchor, Direction, str, bool]


def _rows(rules: list[DeadlineRule]) -> list[Row]:
    return [
        (
            r.kind,
            r.count,
            r.unit,
            r.anchor,
            r.direction,
            r.source,
            r.binding_requires_designated_inbox,
        )
        for r in rules
    ]


def _rule(subtype: Subtype, kind: DeadlineKind, **kwargs: object) -> DeadlineRule:
    (found,) = [r for r in rules_for(subtype, **kwargs) if r.kind is kind]  # type: ignore[arg-type]
    return found


# ------------------------------------------------------------ fallback table

EXPECTED_FALLBACK: dict[Subtype, list[Row]] = {
    Subtype.REHABILITERINGSTEAM: [
        (
            K.MATERIAL_TO_REGION,
            10,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Samarbejdsaftale (alle fem regioner)",
            False,
        ),
        (
            K.SEND_TO_COORDINATOR,
            10,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Samarbejdsaftale (alle fem regioner)",
            False,
        ),
        (
            K.SCREENING_FEEDBACK,
            5,
            U.WORKING_DAYS,
            A.RECEIVED,
            D.AFTER,
            "Samarbejdsaftale (alle fem regioner)",
            False,
        ),
        (
            K.COORDINATOR_AVAILABLE,
            14,
            U.CALENDAR_DAYS,
            A.RECEIVED,
            D.AFTER,
            "BEK § 21, stk. 1",
            True,
        ),
        (
            K.CITIZEN_CONCLUSION,
            1,
            U.WEEKS,
            A.MEETING,
            D.AFTER,
            "Evaluering af samarbejdsmodellen",
            False,
        ),
        (
            K.GP_INDSTILLING_COPY,
            1,
            U.WEEKS,
            A.MEETING,
            D.AFTER,
            "Evaluering af samarbejdsmodellen",
            False,
        ),
    ],
    Subtype.GENFORELAEGGELSE: [
        (
            K.CREATED_BEFORE_MEETING,
            5,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Procedure Genforelæggelse",
            False,
        ),
        (
            K.MATERIAL_TO_REGION,
            5,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Procedure Genforelæggelse",
            False,
        ),
        (
            K.SEND_TO_COORDINATOR,
            5,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Procedure Genforelæggelse",
            False,
        ),
        (
            K.COORDINATOR_AVAILABLE,
            14,
            U.CALENDAR_DAYS,
            A.RECEIVED,
            D.AFTER,
            "BEK § 21, stk. 1",
            True,
        ),
        (
            K.CITIZEN_CONCLUSION,
            1,
            U.WEEKS,
            A.MEETING,
            D.AFTER,
            "Evaluering af samarbejdsmodellen",
            False,
        ),
        (
            K.GP_INDSTILLING_COPY,
            1,
            U.WEEKS,
            A.MEETING,
            D.AFTER,
            "Evaluering af samarbejdsmodellen",
            False,
        ),
    ],
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: [
        (
            K.MATERIAL_TO_REGION,
            10,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Procedure Ret til sundhedskoordinator",
            False,
        ),
        (
            K.SEND_TO_COORDINATOR,
            10,
            U.WORKING_DAYS,
            A.MEETING,
            D.BEFORE,
            "Procedure Ret til sundhedskoordinator",
            False,
        ),
    ],
    Subtype.LOEBENDE_SAG: [
        (K.WRITTEN_ANSWER, 14, U.CALENDAR_DAYS, A.RECEIVED, D.AFTER, "BEK § 22", True),
    ],
    Subtype.KLINISK_FUNKTION: [
        (
            K.CERTIFICATE_AFTER_CONSULTATION,
            14,
            U.CALENDAR_DAYS,
            A.CONSULTATION,
            D.AFTER,
            "BEK § 23",
            True,
        ),
        (K.CERTIFICATE_AFTER_REQUEST, 30, U.CALENDAR_DAYS, A.RECEIVED, D.AFTER, "BEK § 23", True),
    ],
    Subtype.AABENBAR_FOERTIDSPENSION: [],
    Subtype.SENIORPENSION: [],
    # A løbende sag about the 4-year jobafklaring conversation: BEK § 22 like every løbende sag.
    Subtype.JOBAFKLARING_4AAR: [
        (K.WRITTEN_ANSWER, 14, U.CALENDAR_DAYS, A.RECEIVED, D.AFTER, "BEK § 22", True),
    ],
}


def test_every_subtype_has_a_fallback_entry() -> None:
    assert set(FALLBACK_RULES) == set(Subtype)
    assert set(EXPECTED_FALLBACK) == set(Subtype)


@pytest.mark.parametrize("subtype", list(Subtype))
def test_fallback_rules(subtype: Subtype) -> None:
    assert _rows(rules_for(subtype)) == EXPECTED_FALLBACK[subtype]
    assert _rows(list(FALLBACK_RULES[subtype])) == EXPECTED_FALLBACK[subtype]


@pytest.mark.parametrize(
    "kind, label",
    [
        (K.WRITTEN_ANSWER, "Skriftligt svar fra sundhedskoordinator"),
        (K.CERTIFICATE_AFTER_CONSULTATION, "Lægeattest efter konsultation"),
    ],
)
def test_labels_are_danish(kind: DeadlineKind, label: str) -> None:
    subtype = Subtype.LOEBENDE_SAG if kind is K.WRITTEN_ANSWER else Subtype.KLINISK_FUNKTION
    assert _rule(subtype, kind).label == label


def test_every_fallback_rule_has_label_and_source() -> None:
    for rules in FALLBACK_RULES.values():
        for rule in rules:
            assert rule.label and rule.source


def test_plain_string_subtype_is_accepted() -> None:
    assert rules_for("loebende_sag") == rules_for(Subtype.LOEBENDE_SAG)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        rules_for("ukendt")  # type: ignore[arg-type]


def test_rules_for_returns_a_fresh_list() -> None:
    rules = rules_for(Subtype.REHABILITERINGSTEAM)
    rules.clear()
    assert len(rules_for(Subtype.REHABILITERINGSTEAM)) == 6


# ------------------------------------------------------------------ overrides


def test_override_replaces_count_unit_and_source() -> None:
    overrides = {K.WRITTEN_ANSWER: RuleOverride(10, U.WORKING_DAYS, "Procedure Løbende sag")}
    assert _rows(rules_for(Subtype.LOEBENDE_SAG, overrides)) == [
        (K.WRITTEN_ANSWER, 10, U.WORKING_DAYS, A.RECEIVED, D.AFTER, "Procedure Løbende sag", True),
    ]
    rule = rules_for(Subtype.LOEBENDE_SAG, overrides)[0]
    assert rule.label == "Skriftligt svar fra sundhedskoordinator"
    # The fallback table is untouched.
    assert FALLBACK_RULES[Subtype.LOEBENDE_SAG][0].count == 14


def test_override_keeps_anchor_and_direction_of_before_rules() -> None:
    overrides = {K.SEND_TO_COORDINATOR: RuleOverride(3, U.WEEKS, "Samarbejdsaftale Region Nord")}
    rows = _rows(rules_for(Subtype.REHABILITERINGSTEAM, overrides))
    assert rows[1] == (
        K.SEND_TO_COORDINATOR,
        3,
        U.WEEKS,
        A.MEETING,
        D.BEFORE,
        "Samarbejdsaftale Region Nord",
        False,
    )
    fallback = EXPECTED_FALLBACK[Subtype.REHABILITERINGSTEAM]
    # The municipality's own deadline is a separate rule: the override leaves it alone.
    assert rows[0] == fallback[0]
    assert rows[2:] == fallback[2:]


def test_override_only_touches_its_own_kind() -> None:
    overrides = {K.CERTIFICATE_AFTER_REQUEST: RuleOverride(21, U.CALENDAR_DAYS, "Konkret aftale")}
    rows = _rows(rules_for(Subtype.KLINISK_FUNKTION, overrides))
    assert rows == [
        EXPECTED_FALLBACK[Subtype.KLINISK_FUNKTION][0],
        (
            K.CERTIFICATE_AFTER_REQUEST,
            21,
            U.CALENDAR_DAYS,
            A.RECEIVED,
            D.AFTER,
            "Konkret aftale",
            True,
        ),
    ]


@pytest.mark.parametrize("subtype", [Subtype.AABENBAR_FOERTIDSPENSION, Subtype.SENIORPENSION])
def test_override_adds_rule_where_the_law_has_none(subtype: Subtype) -> None:
    overrides = {K.WRITTEN_ANSWER: RuleOverride(10, U.WORKING_DAYS, "Samarbejdsaftale")}
    assert _rows(rules_for(subtype, overrides)) == [
        (K.WRITTEN_ANSWER, 10, U.WORKING_DAYS, A.RECEIVED, D.AFTER, "Samarbejdsaftale", False),
    ]


def test_added_rules_come_after_fallback_rules_in_kind_order() -> None:
    overrides = {
        K.CITIZEN_CONCLUSION: RuleOverride(5, U.WORKING_DAYS, "Aftale"),
        K.WRITTEN_ANSWER: RuleOverride(10, U.WORKING_DAYS, "Aftale"),
    }
    kinds = [r.kind for r in rules_for(Subtype.RET_TIL_SUNDHEDSKOORDINATOR, overrides)]
    assert kinds == [
        K.MATERIAL_TO_REGION,
        K.SEND_TO_COORDINATOR,
        K.WRITTEN_ANSWER,
        K.CITIZEN_CONCLUSION,
    ]


def test_override_keys_may_be_plain_strings() -> None:
    overrides = {"written_answer": RuleOverride(10, U.WORKING_DAYS, "Procedure Løbende sag")}
    (rule,) = rules_for(Subtype.LOEBENDE_SAG, overrides)  # type: ignore[arg-type]
    assert rule.count == 10 and rule.unit is U.WORKING_DAYS


@pytest.mark.parametrize("count", [-1, 3651])
def test_override_count_out_of_range(count: int) -> None:
    with pytest.raises(ValueError):
        RuleOverride(count, U.WORKING_DAYS, "Aftale")


@pytest.mark.parametrize("count", [1.5, True, "10"])
def test_override_count_must_be_int(count: object) -> None:
    with pytest.raises(TypeError):
        RuleOverride(count, U.WORKING_DAYS, "Aftale")  # type: ignore[arg-type]


# --------------------------------------------------------------------- urgent


@pytest.mark.parametrize("subtype", [Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE])
def test_urgent_adds_urgent_coordinator(subtype: Subtype) -> None:
    rows = _rows(rules_for(subtype, urgent=True))
    assert rows == [
        *EXPECTED_FALLBACK[subtype],
        (K.URGENT_COORDINATOR, 2, U.WORKING_DAYS, A.RECEIVED, D.AFTER, "BEK § 21, stk. 3", True),
    ]


@pytest.mark.parametrize(
    "subtype",
    [s for s in Subtype if s not in (Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE)],
)
def test_urgent_has_no_effect_on_other_subtypes(subtype: Subtype) -> None:
    assert rules_for(subtype, urgent=True) == rules_for(subtype)


def test_urgent_override_applies_only_when_urgent() -> None:
    overrides = {K.URGENT_COORDINATOR: RuleOverride(1, U.WORKING_DAYS, "Samarbejdsaftale")}
    urgent = _rule(
        Subtype.REHABILITERINGSTEAM, K.URGENT_COORDINATOR, overrides=overrides, urgent=True
    )
    assert (urgent.count, urgent.source) == (1, "Samarbejdsaftale")
    kinds = [r.kind for r in rules_for(Subtype.REHABILITERINGSTEAM, overrides)]
    assert K.URGENT_COORDINATOR not in kinds


def test_urgent_rule_due_date() -> None:
    rule = _rule(Subtype.REHABILITERINGSTEAM, K.URGENT_COORDINATOR, urgent=True)
    # Received Wednesday 16 April 2025: Thu-Mon are Easter, so Tue 22 and Wed 23.
    assert due_date(rule, date(2025, 4, 16), CAL) == date(2025, 4, 23)
    # Received Monday 22 December 2025: Tue 23, then Mon 29 December.
    assert due_date(rule, date(2025, 12, 22), CAL) == date(2025, 12, 29)


# -------------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    "subtype, kind, anchor_date, expected",
    [
        # Rehabiliteringsteam: 10 working days before the meeting.
        (Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, date(2024, 4, 4), date(2024, 3, 18)),
        (Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, date(2025, 4, 24), date(2025, 4, 7)),
        (Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, date(2026, 1, 6), date(2025, 12, 16)),
        (Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, date(2026, 6, 10), date(2026, 5, 26)),
        (Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, date(2027, 4, 1), date(2027, 3, 15)),
        (Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, date(2028, 6, 8), date(2028, 5, 23)),
        # Ret til sundhedskoordinator: 10 working days before, over Christmas/New Year.
        (
            Subtype.RET_TIL_SUNDHEDSKOORDINATOR,
            K.SEND_TO_COORDINATOR,
            date(2026, 1, 5),
            date(2025, 12, 15),
        ),
        # Genforelæggelse: 5 working days before the meeting.
        (Subtype.GENFORELAEGGELSE, K.SEND_TO_COORDINATOR, date(2024, 12, 27), date(2024, 12, 17)),
        (Subtype.GENFORELAEGGELSE, K.CREATED_BEFORE_MEETING, date(2025, 4, 22), date(2025, 4, 10)),
        (Subtype.GENFORELAEGGELSE, K.CREATED_BEFORE_MEETING, date(2025, 6, 6), date(2025, 5, 28)),
        (Subtype.GENFORELAEGGELSE, K.SEND_TO_COORDINATOR, date(2027, 1, 4), date(2026, 12, 22)),
        (
            Subtype.GENFORELAEGGELSE,
            K.CREATED_BEFORE_MEETING,
            date(2028, 12, 27),
            date(2028, 12, 18),
        ),
        # § 21: 14 days after receipt, rolled forward past closed days.
        (Subtype.REHABILITERINGSTEAM, K.COORDINATOR_AVAILABLE, date(2024, 3, 15), date(2024, 4, 2)),
        (Subtype.REHABILITERINGSTEAM, K.COORDINATOR_AVAILABLE, date(2025, 4, 7), date(2025, 4, 22)),
        (Subtype.GENFORELAEGGELSE, K.COORDINATOR_AVAILABLE, date(2025, 12, 11), date(2025, 12, 29)),
        (
            Subtype.REHABILITERINGSTEAM,
            K.COORDINATOR_AVAILABLE,
            date(2027, 12, 17),
            date(2028, 1, 3),
        ),
        (Subtype.REHABILITERINGSTEAM, K.COORDINATOR_AVAILABLE, date(2028, 5, 22), date(2028, 6, 6)),
        # Screening: 5 working days after receipt ("tidsfristen på 5 arbejdsdage").
        # Mon 14 Apr 2025: 15, 16, (Easter 17-21), 22, 23, 24.
        (Subtype.REHABILITERINGSTEAM, K.SCREENING_FEEDBACK, date(2025, 4, 14), date(2025, 4, 24)),
        # Fri 19 Dec 2025: 22, 23, (24-26), 29, 30, (31 Dec, 1 Jan), 2 Jan.
        (Subtype.REHABILITERINGSTEAM, K.SCREENING_FEEDBACK, date(2025, 12, 19), date(2026, 1, 2)),
        # Thu 5 Mar 2026: 6, 9, 10, 11, 12 (5 calendar days would be Tue 10).
        (Subtype.REHABILITERINGSTEAM, K.SCREENING_FEEDBACK, date(2026, 3, 5), date(2026, 3, 12)),
        # The municipality's material: as many working days before the meeting as the
        # secretariat's forwarding.
        (Subtype.REHABILITERINGSTEAM, K.MATERIAL_TO_REGION, date(2027, 4, 1), date(2027, 3, 15)),
        (
            Subtype.RET_TIL_SUNDHEDSKOORDINATOR,
            K.MATERIAL_TO_REGION,
            date(2026, 1, 5),
            date(2025, 12, 15),
        ),
        (Subtype.GENFORELAEGGELSE, K.MATERIAL_TO_REGION, date(2027, 1, 4), date(2026, 12, 22)),
        # Written conclusion to the citizen: one week after the meeting.
        (Subtype.REHABILITERINGSTEAM, K.CITIZEN_CONCLUSION, date(2024, 5, 13), date(2024, 5, 21)),
        (Subtype.REHABILITERINGSTEAM, K.CITIZEN_CONCLUSION, date(2025, 4, 10), date(2025, 4, 22)),
        (Subtype.REHABILITERINGSTEAM, K.CITIZEN_CONCLUSION, date(2025, 12, 17), date(2025, 12, 29)),
        (Subtype.GENFORELAEGGELSE, K.CITIZEN_CONCLUSION, date(2026, 5, 29), date(2026, 6, 8)),
        (Subtype.REHABILITERINGSTEAM, K.CITIZEN_CONCLUSION, date(2027, 3, 19), date(2027, 3, 30)),
        (Subtype.REHABILITERINGSTEAM, K.CITIZEN_CONCLUSION, date(2028, 5, 29), date(2028, 6, 6)),
        # § 22: løbende sag, 14 days after receipt.
        (Subtype.LOEBENDE_SAG, K.WRITTEN_ANSWER, date(2024, 12, 16), date(2024, 12, 30)),
        (Subtype.LOEBENDE_SAG, K.WRITTEN_ANSWER, date(2025, 4, 9), date(2025, 4, 23)),
        (Subtype.LOEBENDE_SAG, K.WRITTEN_ANSWER, date(2026, 12, 17), date(2027, 1, 4)),
        (Subtype.JOBAFKLARING_4AAR, K.WRITTEN_ANSWER, date(2025, 4, 9), date(2025, 4, 23)),
        # § 23: certificate 14 days after consultation, 30 days after the request.
        (
            Subtype.KLINISK_FUNKTION,
            K.CERTIFICATE_AFTER_CONSULTATION,
            date(2025, 5, 15),
            date(2025, 5, 30),
        ),
        (
            Subtype.KLINISK_FUNKTION,
            K.CERTIFICATE_AFTER_CONSULTATION,
            date(2025, 12, 12),
            date(2025, 12, 29),
        ),
        (
            Subtype.KLINISK_FUNKTION,
            K.CERTIFICATE_AFTER_REQUEST,
            date(2025, 3, 19),
            date(2025, 4, 22),
        ),
        (
            Subtype.KLINISK_FUNKTION,
            K.CERTIFICATE_AFTER_REQUEST,
            date(2028, 3, 14),
            date(2028, 4, 18),
        ),
    ],
)
def test_fallback_due_dates(
    subtype: Subtype, kind: DeadlineKind, anchor_date: date, expected: date
) -> None:
    assert due_date(_rule(subtype, kind), anchor_date, CAL) == expected


LOEBENDE_10_WD = {K.WRITTEN_ANSWER: RuleOverride(10, U.WORKING_DAYS, "Procedure Løbende sag")}


@pytest.mark.parametrize(
    "received, expected",
    [
        (date(2024, 12, 16), date(2025, 1, 6)),
        (date(2025, 4, 9), date(2025, 4, 28)),
        (date(2026, 12, 17), date(2027, 1, 6)),
        (date(2027, 3, 22), date(2027, 4, 8)),  # Easter 25-29 Mar
        (date(2028, 5, 29), date(2028, 6, 13)),  # 2. pinsedag/Grundlovsdag 5 Jun
    ],
)
def test_loebende_sag_with_procedure_override(received: date, expected: date) -> None:
    rule = _rule(Subtype.LOEBENDE_SAG, K.WRITTEN_ANSWER, overrides=LOEBENDE_10_WD)
    assert due_date(rule, received, CAL) == expected


@pytest.mark.parametrize(
    "override, meeting, expected",
    [
        # 14 calendar days before Fri 9 Apr 2027 is Langfredag 26 Mar: back to Wed 24 Mar.
        (RuleOverride(14, U.CALENDAR_DAYS, "Aftale"), date(2027, 4, 9), date(2027, 3, 24)),
        # 2 weeks before Fri 14 Jan 2028 is Nytårsaftensdag 31 Dec 2027: back to Thu 30 Dec.
        (RuleOverride(2, U.WEEKS, "Aftale"), date(2028, 1, 14), date(2027, 12, 30)),
        # 1 month before Sun 5 Jul 2026 is Grundlovsdag Fri 5 Jun: back to Thu 4 Jun.
        (RuleOverride(1, U.MONTHS, "Aftale"), date(2026, 7, 5), date(2026, 6, 4)),
        # 7 days before Wed 31 Dec 2025 is Juleaftensdag: back to Tue 23 Dec.
        (RuleOverride(7, U.CALENDAR_DAYS, "Aftale"), date(2025, 12, 31), date(2025, 12, 23)),
    ],
)
def test_before_deadlines_roll_backward(
    override: RuleOverride, meeting: date, expected: date
) -> None:
    overrides = {K.SEND_TO_COORDINATOR: override}
    rule = _rule(Subtype.REHABILITERINGSTEAM, K.SEND_TO_COORDINATOR, overrides=overrides)
    assert due_date(rule, meeting, CAL) == expected


def test_jobafklaring_4aar_takes_the_loebende_sag_agreement() -> None:
    # The agreement's 10 hverdage for løbende sager apply to the 4-year conversation too.
    assert agreement_subtypes(Subtype.JOBAFKLARING_4AAR) == (
        Subtype.JOBAFKLARING_4AAR,
        Subtype.LOEBENDE_SAG,
    )
    assert agreement_subtypes(Subtype.LOEBENDE_SAG) == (Subtype.LOEBENDE_SAG,)
    rule = _rule(Subtype.JOBAFKLARING_4AAR, K.WRITTEN_ANSWER, overrides=LOEBENDE_10_WD)
    assert (rule.count, rule.unit, rule.source) == (10, U.WORKING_DAYS, "Procedure Løbende sag")
    # Still a BEK § 22 deadline: it binds only via the designated inbox (§ 24).
    assert rule.binding_requires_designated_inbox is True
    assert due_date(rule, date(2025, 4, 9), CAL) == date(2025, 4, 28)


def test_months_override_after_receipt() -> None:
    overrides = {K.WRITTEN_ANSWER: RuleOverride(1, U.MONTHS, "Samarbejdsaftale")}
    rule = _rule(Subtype.SENIORPENSION, K.WRITTEN_ANSWER, overrides=overrides)
    # 24 Nov 2025 + 1 month = Juleaftensdag; 25, 26 Dec closed, then the weekend.
    assert due_date(rule, date(2025, 11, 24), CAL) == date(2025, 12, 29)


def test_calendar_options_change_due_dates() -> None:
    no_christmas_eve = WorkingDayCalendar(ClosedDayOptions(christmas_eve=False))
    rule = _rule(Subtype.LOEBENDE_SAG, K.WRITTEN_ANSWER)
    # Received Wed 10 Dec 2025 + 14 days = Wed 24 Dec.
    assert due_date(rule, date(2025, 12, 10), CAL) == date(2025, 12, 29)
    assert due_date(rule, date(2025, 12, 10), no_christmas_eve) == date(2025, 12, 24)


# ------------------------------------------------------------- compute_deadlines


def test_compute_deadlines_for_a_team_case() -> None:
    rules = rules_for(Subtype.REHABILITERINGSTEAM)
    anchors = {A.RECEIVED: date(2025, 3, 31), A.MEETING: date(2025, 4, 24)}
    computed = compute_deadlines(rules, anchors, CAL)
    assert [(c.rule.kind, c.due) for c in computed] == [
        (K.MATERIAL_TO_REGION, date(2025, 4, 7)),
        (K.SEND_TO_COORDINATOR, date(2025, 4, 7)),
        (K.SCREENING_FEEDBACK, date(2025, 4, 7)),  # Tue 1 - Mon 7 Apr: 5 working days
        (K.COORDINATOR_AVAILABLE, date(2025, 4, 14)),
        (K.CITIZEN_CONCLUSION, date(2025, 5, 1)),
        (K.GP_INDSTILLING_COPY, date(2025, 5, 1)),
    ]
    assert all(isinstance(c, ComputedDeadline) for c in computed)
    assert [c.rule for c in computed] == rules


def test_compute_deadlines_without_meeting_date() -> None:
    rules = rules_for(Subtype.REHABILITERINGSTEAM)
    computed = compute_deadlines(rules, {A.RECEIVED: date(2026, 12, 17)}, CAL)
    assert [(c.rule.kind, c.due) for c in computed] == [
        (K.MATERIAL_TO_REGION, None),
        (K.SEND_TO_COORDINATOR, None),
        # Thu 17 Dec 2026: 18, 21, 22, 23, (24-25 Dec), 28.
        (K.SCREENING_FEEDBACK, date(2026, 12, 28)),
        (K.COORDINATOR_AVAILABLE, date(2027, 1, 4)),
        (K.CITIZEN_CONCLUSION, None),
        (K.GP_INDSTILLING_COPY, None),
    ]


def test_compute_deadlines_for_klinisk_funktion() -> None:
    rules = rules_for(Subtype.KLINISK_FUNKTION)
    computed = compute_deadlines(rules, {A.RECEIVED: date(2025, 3, 19)}, CAL)
    assert [c.due for c in computed] == [None, date(2025, 4, 22)]
    anchors = {A.RECEIVED: date(2025, 3, 19), A.CONSULTATION: date(2025, 4, 4)}
    computed = compute_deadlines(rules, anchors, CAL)
    assert [c.due for c in computed] == [date(2025, 4, 22), date(2025, 4, 22)]


def test_compute_deadlines_empty() -> None:
    assert compute_deadlines([], {A.RECEIVED: date(2025, 1, 6)}, CAL) == []


# ------------------------------------------------ agreed in the concrete case

TODAY = date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize(
    "kind, source",
    [
        (K.WRITTEN_ANSWER, "Aftalt i den konkrete sag (BEK § 22, 2. pkt.)"),
        (K.CERTIFICATE_AFTER_CONSULTATION, "Aftalt i den konkrete sag (BEK § 23, 2. pkt.)"),
        (K.CERTIFICATE_AFTER_REQUEST, "Aftalt i den konkrete sag (BEK § 23, 2. pkt.)"),
    ],
)
def test_case_agreement_allowed_for_22_and_23(kind: DeadlineKind, source: str) -> None:
    check_case_agreement(kind, date(2026, 12, 14), "Afventer journal", TODAY, CAL)
    check_case_agreement(kind, TODAY, "Afventer journal", TODAY, CAL)
    assert case_agreement_source(kind) == source


@pytest.mark.parametrize(
    "kind, agreed_due, reason, code, field",
    [
        (K.COORDINATOR_AVAILABLE, date(2026, 12, 14), "Aftale", "not_agreeable", "kind"),
        (K.SEND_TO_COORDINATOR, date(2026, 12, 14), "Aftale", "not_agreeable", "kind"),
        (K.WRITTEN_ANSWER, date(2026, 12, 14), "  ", "required", "reason"),
        (K.WRITTEN_ANSWER, date(2026, 12, 14), "x" * 2001, "too_long", "reason"),
        (K.WRITTEN_ANSWER, date(2026, 11, 26), "Aftale", "date_in_past", "agreed_due"),
        (K.WRITTEN_ANSWER, date(2027, 11, 29), "Aftale", "date_too_far", "agreed_due"),
        (K.WRITTEN_ANSWER, date(2026, 12, 24), "Aftale", "closed_day", "agreed_due"),
        (K.WRITTEN_ANSWER, date(2026, 11, 28), "Aftale", "closed_day", "agreed_due"),
    ],
)
def test_case_agreement_refused(
    kind: DeadlineKind, agreed_due: date, reason: str, code: str, field: str
) -> None:
    with pytest.raises(CaseAgreementRefused) as refused:
        check_case_agreement(kind, agreed_due, reason, TODAY, CAL)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message


def test_case_agreement_reason_up_to_the_limit() -> None:
    # One limit for the page and the API; the surrounding blanks are not counted.
    assert MAX_AGREEMENT_REASON_LENGTH == 2000
    reason = " " + "x" * MAX_AGREEMENT_REASON_LENGTH + " "
    check_case_agreement(K.WRITTEN_ANSWER, date(2026, 12, 14), reason, TODAY, CAL)
    with pytest.raises(CaseAgreementRefused) as refused:
        check_case_agreement(K.WRITTEN_ANSWER, date(2026, 12, 14), reason + "x", TODAY, CAL)
    assert refused.value.message == "Omstændighederne må højst være 2.000 tegn."


# ---------------------------------------------------------------- deadline_state

DUE = date(2025, 4, 22)


@pytest.mark.parametrize(
    "due, fulfilled_on, today, expected",
    [
        (None, None, date(2025, 4, 1), DeadlineState.OPEN),
        (None, date(2025, 4, 1), date(2025, 4, 30), DeadlineState.OPEN),
        (DUE, None, date(2025, 4, 16), DeadlineState.OPEN),
        (DUE, None, DUE, DeadlineState.OPEN),
        (DUE, None, date(2025, 4, 23), DeadlineState.MISSED),
        (DUE, date(2025, 4, 16), date(2025, 4, 16), DeadlineState.MET),
        (DUE, DUE, DUE, DeadlineState.MET),
        (DUE, DUE, date(2025, 6, 1), DeadlineState.MET),
        (DUE, date(2025, 4, 23), date(2025, 4, 23), DeadlineState.MISSED),
        (DUE, date(2025, 4, 23), date(2025, 4, 10), DeadlineState.MISSED),
    ],
)
def test_deadline_state(
    due: date | None, fulfilled_on: date | None, today: date, expected: DeadlineState
) -> None:
    assert deadline_state(due, fulfilled_on, today) is expected


# ------------------------------------------------------------- working_days_left


@pytest.mark.parametrize(
    "due, today, expected",
    [
        (date(2025, 4, 22), date(2025, 4, 22), 0),  # due today
        (date(2025, 4, 22), date(2025, 4, 16), 1),  # across Easter
        (date(2025, 4, 28), date(2025, 4, 16), 5),
        (date(2026, 1, 2), date(2025, 12, 23), 3),  # 29, 30 Dec, 2 Jan
        (date(2025, 3, 10), date(2025, 3, 8), 1),  # today is Saturday
        (date(2025, 3, 10), date(2025, 3, 7), 1),
        (date(2025, 4, 16), date(2025, 4, 22), -1),  # overdue across Easter
        (date(2025, 3, 7), date(2025, 3, 8), -1),  # due Friday, today Saturday
        (date(2025, 3, 7), date(2025, 3, 10), -1),
        (date(2025, 3, 7), date(2025, 3, 11), -2),
        (date(2025, 12, 23), date(2026, 1, 2), -3),  # 23, 29, 30 Dec
        (date(2025, 3, 8), date(2025, 3, 9), -1),  # odd due date on a Saturday
    ],
)
def test_working_days_left(due: date, today: date, expected: int) -> None:
    assert working_days_left(due, today, CAL) == expected


def test_case_agreement_only_before_the_deadline_runs_out_and_only_later() -> None:
    # Due Thursday 26 Nov, today Friday 27 Nov: the deadline is missed; it stays missed.
    with pytest.raises(CaseAgreementRefused) as refused:
        check_case_agreement(
            K.CERTIFICATE_AFTER_REQUEST,
            date(2026, 12, 14),
            "Afventer journal",
            TODAY,
            CAL,
            current_due=date(2026, 11, 26),
        )
    assert (refused.value.code, refused.value.field) == ("deadline_passed", "agreed_due")
    # On the last day itself it can still be agreed.
    check_case_agreement(
        K.CERTIFICATE_AFTER_REQUEST,
        date(2026, 12, 14),
        "Afventer journal",
        TODAY,
        CAL,
        current_due=TODAY,
        statutory_due=TODAY,
    )
    # Not the same day as, nor earlier than, the deadline that would otherwise apply.
    for agreed in (date(2026, 12, 10), date(2026, 12, 9)):
        with pytest.raises(CaseAgreementRefused) as refused:
            check_case_agreement(
                K.CERTIFICATE_AFTER_REQUEST,
                agreed,
                "Afventer journal",
                TODAY,
                CAL,
                current_due=date(2026, 12, 10),
                statutory_due=date(2026, 12, 10),
            )
        assert (refused.value.code, refused.value.field) == ("not_later", "agreed_due")
