"""Deadline rules per case subtype.

Sources:

* Executive order on the municipalities' and regions' collaboration on
  health-professional advice and assessment (BEK), §§ 20-24. § 20: municipality
  and region agree deadlines; §§ 21-23 give the fallback values that apply
  "hvis ikke andet er aftalt" (unless otherwise agreed):
  - § 21 stk. 1: coordinator available for the team meeting within 14 dage of
    receiving the case; § 21 stk. 3: "hurtigst muligt" in urgent pension cases;
  - § 22: written statement in an ongoing case within 14 dage of receipt;
  - § 23: certificate within 14 dage after the consultation and within 30 dage
    after the request was received.
  § 24: these deadlines presuppose that the case was sent electronically to the
  region's designated inbox.
* Regional procedures: "Løbende sag" (written answer within 10 hverdage),
  "Ret til sundhedskoordinator" ("Sekretariatet sender sagen ... til
  sundhedskoordinator 10 hverdage før mødet"), "Genforelæggelsessag" (created
  by the municipality 5 hverdage before the meeting; "Sekretariatet sender
  sagerne til sundhedskoordinator for forberedelse 5 hverdage inden mødet").
* National evaluation of the collaboration model: in all five regions the
  coordinator receives team cases 10 arbejdsdage before the meeting and then
  has five days to screen them, which the agreements count in working days
  (Region Hovedstaden: "inden for tidsfristen på 5 arbejdsdage"); written
  conclusion to the citizen at the latest one week after the meeting
  (proposal).

A deadline is met only by the act it names: the secretariat forwarding the
case to the coordinator (``SEND_TO_COORDINATOR``) is one deadline, the
municipality sending the material to the region (``MATERIAL_TO_REGION``) is
another.

"dage" are calendar days, "hverdage"/"arbejdsdage" working days (see
:mod:`sagsbro.workdays.rules`).

:data:`FALLBACK_RULES` holds the values of the law and the procedures. A
collaboration agreement (samarbejdsaftale) or an agreement in the concrete case
overrides count and unit through :class:`RuleOverride`; the anchor and the
direction of a rule never change.

This module has no Django dependency.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.workdays.rules import MAX_OFFSET, WorkingDayCalendar

__all__ = [
    "CASE_AGREEMENT_SOURCES",
    "FALLBACK_RULES",
    "KIND_LABELS",
    "UNIT_LABELS",
    "AgreementRuleInput",
    "AgreementRuleInvalid",
    "AGREEMENT_REASON_TOO_LONG",
    "MAX_AGREEMENT_REASON_LENGTH",
    "MAX_CASE_AGREEMENT_DAYS",
    "Anchor",
    "CaseAgreementRefused",
    "ComputedDeadline",
    "DeadlineKind",
    "DeadlineRule",
    "DeadlineState",
    "Direction",
    "RuleOverride",
    "STATE_LABELS",
    "Unit",
    "agreement_subtypes",
    "case_agreement_source",
    "check_agreement_rules",
    "check_case_agreement",
    "compute_deadlines",
    "deadline_state",
    "due_date",
    "rules_for",
    "working_days_left",
]


class Unit(StrEnum):
    WORKING_DAYS = "working_days"  # hverdage / arbejdsdage
    CALENDAR_DAYS = "calendar_days"  # dage
    WEEKS = "weeks"
    MONTHS = "months"


class Anchor(StrEnum):
    #: The case arrived in the region's inbox (was sent electronically).
    RECEIVED = "received"
    #: Date of the team meeting.
    MEETING = "meeting"
    #: Date of the clinical consultation.
    CONSULTATION = "consultation"
    #: The case was created in the system.
    CREATED = "created"


class Direction(StrEnum):
    AFTER = "after"
    BEFORE = "before"


class DeadlineKind(StrEnum):
    #: The municipality has sent the case with its material to the region's inbox
    #: in time for the secretariat to forward it before the meeting.
    MATERIAL_TO_REGION = "material_to_region"
    #: The secretariat has forwarded the case to the coordinator before the meeting.
    SEND_TO_COORDINATOR = "send_to_coordinator"
    #: The coordinator's screening feedback to the caseworker.
    SCREENING_FEEDBACK = "screening_feedback"
    #: BEK § 21 stk. 1: coordinator available for the team meeting.
    COORDINATOR_AVAILABLE = "coordinator_available"
    #: BEK § 21 stk. 3: coordinator available as fast as possible (urgent case).
    URGENT_COORDINATOR = "urgent_coordinator"
    #: A genforelæggelsessag is created before the meeting.
    CREATED_BEFORE_MEETING = "created_before_meeting"
    #: BEK § 22: the coordinator's written answer.
    WRITTEN_ANSWER = "written_answer"
    #: BEK § 23: certificate after the consultation.
    CERTIFICATE_AFTER_CONSULTATION = "certificate_after_consultation"
    #: BEK § 23: certificate after the request was received.
    CERTIFICATE_AFTER_REQUEST = "certificate_after_request"
    #: Written conclusion to the citizen after the meeting.
    CITIZEN_CONCLUSION = "citizen_conclusion"
    #: The team's indstilling sent to the citizen's own GP after the meeting.
    GP_INDSTILLING_COPY = "gp_indstilling_copy"


class DeadlineState(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"


STATE_LABELS: Mapping[DeadlineState, str] = MappingProxyType(
    {
        DeadlineState.OPEN: "Åben",
        DeadlineState.MET: "Overholdt",
        DeadlineState.MISSED: "Overskredet",
    }
)


@dataclass(frozen=True)
class DeadlineRule:
    kind: DeadlineKind
    count: int
    unit: Unit
    anchor: Anchor
    direction: Direction
    #: Where the value comes from, e.g. "BEK § 22" or "Procedure Løbende sag".
    source: str
    #: Danish label for end users.
    label: str
    #: True for the statutory deadlines of BEK §§ 21-23, which only bind the
    #: region when the case was sent to its designated inbox (§ 24).
    binding_requires_designated_inbox: bool

    def __post_init__(self) -> None:
        _check_count(self.count)


@dataclass(frozen=True)
class RuleOverride:
    """A deadline value from a collaboration agreement or a case agreement."""

    count: int
    unit: Unit
    source: str

    def __post_init__(self) -> None:
        _check_count(self.count)


@dataclass(frozen=True)
class ComputedDeadline:
    rule: DeadlineRule
    #: None while the anchor date is not known yet (e.g. no meeting booked).
    due: datetime.date | None


def _check_count(count: object) -> None:
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an int, got {type(count).__name__}")
    if not 0 <= count <= MAX_OFFSET:
        raise ValueError(f"count must be between 0 and {MAX_OFFSET}, got {count}")


@dataclass(frozen=True)
class _KindSpec:
    anchor: Anchor
    direction: Direction
    label: str
    statutory: bool  # a BEK §§ 21-23 deadline kind


_KIND_SPECS: Mapping[DeadlineKind, _KindSpec] = MappingProxyType(
    {
        DeadlineKind.MATERIAL_TO_REGION: _KindSpec(
            Anchor.MEETING,
            Direction.BEFORE,
            "Kommunen har sendt sagen til regionen før mødet",
            statutory=False,
        ),
        DeadlineKind.SEND_TO_COORDINATOR: _KindSpec(
            Anchor.MEETING,
            Direction.BEFORE,
            "Sekretariatet har sendt sagen til sundhedskoordinator før mødet",
            statutory=False,
        ),
        DeadlineKind.SCREENING_FEEDBACK: _KindSpec(
            Anchor.RECEIVED,
            Direction.AFTER,
            "Screening og tilbagemelding fra sundhedskoordinator",
            statutory=False,
        ),
        DeadlineKind.COORDINATOR_AVAILABLE: _KindSpec(
            Anchor.RECEIVED,
            Direction.AFTER,
            "Sundhedskoordinator til rådighed for møde i rehabiliteringsteamet",
            statutory=True,
        ),
        DeadlineKind.URGENT_COORDINATOR: _KindSpec(
            Anchor.RECEIVED,
            Direction.AFTER,
            "Sundhedskoordinator til rådighed hurtigst muligt (hastende sag)",
            statutory=True,
        ),
        DeadlineKind.CREATED_BEFORE_MEETING: _KindSpec(
            Anchor.MEETING,
            Direction.BEFORE,
            "Genforelæggelsessag oprettet før mødet",
            statutory=False,
        ),
        DeadlineKind.WRITTEN_ANSWER: _KindSpec(
            Anchor.RECEIVED,
            Direction.AFTER,
            "Skriftligt svar fra sundhedskoordinator",
            statutory=True,
        ),
        DeadlineKind.CERTIFICATE_AFTER_CONSULTATION: _KindSpec(
            Anchor.CONSULTATION,
            Direction.AFTER,
            "Lægeattest efter konsultation",
            statutory=True,
        ),
        DeadlineKind.CERTIFICATE_AFTER_REQUEST: _KindSpec(
            Anchor.RECEIVED,
            Direction.AFTER,
            "Lægeattest efter modtaget anmodning",
            statutory=True,
        ),
        DeadlineKind.CITIZEN_CONCLUSION: _KindSpec(
            Anchor.MEETING,
            Direction.AFTER,
            "Skriftlig konklusion til borgeren efter mødet",
            statutory=False,
        ),
        DeadlineKind.GP_INDSTILLING_COPY: _KindSpec(
            Anchor.MEETING,
            Direction.AFTER,
            "Indstillingen sendt til borgerens egen læge efter mødet",
            statutory=False,
        ),
    }
)

SOURCE_AGREEMENT_ALL_REGIONS = "Samarbejdsaftale (alle fem regioner)"
SOURCE_EVALUATION = "Evaluering af samarbejdsmodellen"
SOURCE_BEK_21_1 = "BEK § 21, stk. 1"
SOURCE_BEK_21_3 = "BEK § 21, stk. 3"
SOURCE_BEK_22 = "BEK § 22"
SOURCE_BEK_23 = "BEK § 23"
SOURCE_PROCEDURE_GENFORELAEGGELSE = "Procedure Genforelæggelse"
SOURCE_PROCEDURE_RET_TIL_SUNDHEDSKOORDINATOR = "Procedure Ret til sundhedskoordinator"

#: "Hurtigst muligt" (BEK § 21 stk. 3) has no number; this is the internal
#: target used for cases flagged urgent.
URGENT_WORKING_DAYS = 2

_URGENT_SUBTYPES: frozenset[Subtype] = frozenset(
    {Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE}
)


def _rule(
    kind: DeadlineKind,
    count: int,
    unit: Unit,
    source: str,
    *,
    statutory: bool | None = None,
) -> DeadlineRule:
    spec = _KIND_SPECS[kind]
    return DeadlineRule(
        kind=kind,
        count=count,
        unit=unit,
        anchor=spec.anchor,
        direction=spec.direction,
        source=source,
        label=spec.label,
        binding_requires_designated_inbox=spec.statutory if statutory is None else statutory,
    )


_K = DeadlineKind
_U = Unit

# MATERIAL_TO_REGION: the sources name only the secretariat's forwarding ("Sekretariatet
# sender sagen ... til sundhedskoordinator 10 hverdage før mødet", procedure Ret til
# sundhedskoordinator; 5 hverdage in procedure Genforelæggelse) and the coordinator's
# receipt ("modtager sagerne, senest ti arbejdsdage før", the evaluation on all five
# regions' agreements). They set no separate, earlier date for the municipality. The
# municipality's case must be in the region's inbox for the secretariat to forward it in
# time, so its own deadline has the same count as the forwarding deadline: the latest day
# on which the secretariat can still forward it on time. For a genforelæggelse this is the
# procedure's "oprettes senest 5 hverdage inden ... via aftalt IT-kommunikationssystem":
# created in the shared system, i.e. sent to the region. An agreement may set an earlier
# day for the municipality (an override of this kind).
FALLBACK_RULES: Mapping[Subtype, tuple[DeadlineRule, ...]] = MappingProxyType(
    {
        Subtype.REHABILITERINGSTEAM: (
            _rule(_K.MATERIAL_TO_REGION, 10, _U.WORKING_DAYS, SOURCE_AGREEMENT_ALL_REGIONS),
            _rule(_K.SEND_TO_COORDINATOR, 10, _U.WORKING_DAYS, SOURCE_AGREEMENT_ALL_REGIONS),
            # "tidsfristen på 5 arbejdsdage" (the evaluation, Region Hovedstaden's agreement).
            _rule(_K.SCREENING_FEEDBACK, 5, _U.WORKING_DAYS, SOURCE_AGREEMENT_ALL_REGIONS),
            _rule(_K.COORDINATOR_AVAILABLE, 14, _U.CALENDAR_DAYS, SOURCE_BEK_21_1),
            _rule(_K.CITIZEN_CONCLUSION, 1, _U.WEEKS, SOURCE_EVALUATION),
            # The GP's copy follows with the conclusion (evaluation table 8, step 4).
            _rule(_K.GP_INDSTILLING_COPY, 1, _U.WEEKS, SOURCE_EVALUATION),
        ),
        Subtype.GENFORELAEGGELSE: (
            _rule(_K.CREATED_BEFORE_MEETING, 5, _U.WORKING_DAYS, SOURCE_PROCEDURE_GENFORELAEGGELSE),
            _rule(_K.MATERIAL_TO_REGION, 5, _U.WORKING_DAYS, SOURCE_PROCEDURE_GENFORELAEGGELSE),
            _rule(_K.SEND_TO_COORDINATOR, 5, _U.WORKING_DAYS, SOURCE_PROCEDURE_GENFORELAEGGELSE),
            # The procedure: deadline and price follow the reform cases.
            _rule(_K.COORDINATOR_AVAILABLE, 14, _U.CALENDAR_DAYS, SOURCE_BEK_21_1),
            _rule(_K.CITIZEN_CONCLUSION, 1, _U.WEEKS, SOURCE_EVALUATION),
            # The GP's copy follows with the conclusion (evaluation table 8, step 4).
            _rule(_K.GP_INDSTILLING_COPY, 1, _U.WEEKS, SOURCE_EVALUATION),
        ),
        Subtype.RET_TIL_SUNDHEDSKOORDINATOR: (
            _rule(
                _K.MATERIAL_TO_REGION,
                10,
                _U.WORKING_DAYS,
                SOURCE_PROCEDURE_RET_TIL_SUNDHEDSKOORDINATOR,
            ),
            _rule(
                _K.SEND_TO_COORDINATOR,
                10,
                _U.WORKING_DAYS,
                SOURCE_PROCEDURE_RET_TIL_SUNDHEDSKOORDINATOR,
            ),
        ),
        Subtype.LOEBENDE_SAG: (_rule(_K.WRITTEN_ANSWER, 14, _U.CALENDAR_DAYS, SOURCE_BEK_22),),
        Subtype.KLINISK_FUNKTION: (
            _rule(_K.CERTIFICATE_AFTER_CONSULTATION, 14, _U.CALENDAR_DAYS, SOURCE_BEK_23),
            _rule(_K.CERTIFICATE_AFTER_REQUEST, 30, _U.CALENDAR_DAYS, SOURCE_BEK_23),
        ),
        # No statutory deadline: only what the agreement says.
        Subtype.AABENBAR_FOERTIDSPENSION: (),
        Subtype.SENIORPENSION: (),
        # The conversation about the risk after 4 years of jobafklaring is asked for as a
        # løbende sag (written answer), so BEK § 22 applies to it like to every løbende sag.
        Subtype.JOBAFKLARING_4AAR: (_rule(_K.WRITTEN_ANSWER, 14, _U.CALENDAR_DAYS, SOURCE_BEK_22),),
    }
)

#: Subtypes that are løbende sager in the agreements' sense: an agreement's deadline for
#: løbende sager (e.g. the procedure's 10 hverdage) applies to them too, unless the
#: agreement names the subtype itself.
_AGREEMENT_PARENT: Mapping[Subtype, Subtype] = MappingProxyType(
    {Subtype.JOBAFKLARING_4AAR: Subtype.LOEBENDE_SAG}
)


def agreement_subtypes(subtype: Subtype) -> tuple[Subtype, ...]:
    """The subtypes whose agreement rules apply to a case of ``subtype``, most specific first.

    A rule an agreement sets for the subtype itself wins over one it sets for the
    løbende sag the subtype is a kind of.
    """
    subtype = Subtype(subtype)
    parent = _AGREEMENT_PARENT.get(subtype)
    return (subtype,) if parent is None else (subtype, parent)


_NO_OVERRIDES: Mapping[DeadlineKind, RuleOverride] = MappingProxyType({})


def _apply(rule: DeadlineRule, override: RuleOverride) -> DeadlineRule:
    return DeadlineRule(
        kind=rule.kind,
        count=override.count,
        unit=Unit(override.unit),
        anchor=rule.anchor,
        direction=rule.direction,
        source=override.source,
        label=rule.label,
        binding_requires_designated_inbox=rule.binding_requires_designated_inbox,
    )


def rules_for(
    subtype: Subtype,
    overrides: Mapping[DeadlineKind, RuleOverride] = _NO_OVERRIDES,
    *,
    urgent: bool = False,
) -> list[DeadlineRule]:
    """The deadline rules of a case of ``subtype``.

    Starts from :data:`FALLBACK_RULES`; an override replaces count, unit and
    source of the rule of the same kind and keeps its anchor and direction.
    An override for a kind that the subtype has no fallback rule for adds a
    rule with that kind's usual anchor and direction (e.g. ``WRITTEN_ANSWER``,
    after ``RECEIVED``, for an åbenbar førtidspension case). Such an
    agreement-only rule is not a BEK §§ 21-23 deadline, so it is not marked as
    depending on the designated inbox.

    When ``urgent`` is set for a rehabiliteringsteam or genforelæggelse case,
    ``URGENT_COORDINATOR`` (BEK § 21 stk. 3) is added next to the other rules.
    An override for ``URGENT_COORDINATOR`` is ignored otherwise.
    """
    subtype = Subtype(subtype)
    normalised = {DeadlineKind(kind): override for kind, override in overrides.items()}

    rules = list(FALLBACK_RULES[subtype])
    if urgent and subtype in _URGENT_SUBTYPES:
        rules.append(
            _rule(_K.URGENT_COORDINATOR, URGENT_WORKING_DAYS, _U.WORKING_DAYS, SOURCE_BEK_21_3)
        )

    result = [
        _apply(rule, normalised[rule.kind]) if rule.kind in normalised else rule for rule in rules
    ]
    present = {rule.kind for rule in rules}
    for kind in DeadlineKind:  # declaration order keeps the result deterministic
        if kind in normalised and kind not in present and kind is not _K.URGENT_COORDINATOR:
            override = normalised[kind]
            result.append(
                _rule(kind, override.count, Unit(override.unit), override.source, statutory=False)
            )
    return result


#: Danish names of the units, as an administrator chooses them for an agreement.
UNIT_LABELS: Mapping[Unit, str] = MappingProxyType(
    {
        Unit.WORKING_DAYS: "hverdage",
        Unit.CALENDAR_DAYS: "dage",
        Unit.WEEKS: "uger",
        Unit.MONTHS: "måneder",
    }
)

#: Danish names of the deadline kinds (the label a case shows for the deadline).
KIND_LABELS: Mapping[DeadlineKind, str] = MappingProxyType(
    {kind: spec.label for kind, spec in _KIND_SPECS.items()}
)

#: Largest count an agreement may set per unit: a year.
_AGREEMENT_MAX = MappingProxyType(
    {Unit.WORKING_DAYS: 260, Unit.CALENDAR_DAYS: 365, Unit.WEEKS: 52, Unit.MONTHS: 12}
)


@dataclass(frozen=True)
class AgreementRuleInput:
    """One deadline a collaboration agreement sets (BEK § 20), as an administrator enters it."""

    subtype: str
    kind: str
    count: int
    unit: str
    source: str


class AgreementRuleInvalid(Exception):
    """An agreement deadline that cannot be stored; ``message`` is Danish."""

    def __init__(self, code: str, message: str, index: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.index = index


def check_agreement_rules(rules: Sequence[AgreementRuleInput]) -> None:
    """Refuse an agreement's deadline rules that are unknown, out of range or repeated.

    BEK § 20: municipality and region agree the deadlines; §§ 21-23 apply where they agree
    nothing. Each rule names a subtype, a deadline kind, a count of 1 up to a year in its
    unit, and where the value comes from; a subtype has at most one rule per kind.
    """
    seen: set[tuple[str, str]] = set()
    for index, rule in enumerate(rules):
        number = index + 1
        if rule.subtype not in set(Subtype):
            raise AgreementRuleInvalid(
                "unknown_subtype", f"Linje {number}: ukendt undertype »{rule.subtype}«.", index
            )
        if rule.kind not in set(DeadlineKind):
            raise AgreementRuleInvalid(
                "unknown_kind", f"Linje {number}: ukendt frist »{rule.kind}«.", index
            )
        if rule.unit not in set(Unit):
            raise AgreementRuleInvalid(
                "unknown_unit", f"Linje {number}: ukendt enhed »{rule.unit}«.", index
            )
        unit = Unit(rule.unit)
        if (
            isinstance(rule.count, bool)
            or not isinstance(rule.count, int)
            or not 1 <= rule.count <= _AGREEMENT_MAX[unit]
        ):
            raise AgreementRuleInvalid(
                "count_out_of_range",
                f"Linje {number}: antallet skal være mellem 1 og {_AGREEMENT_MAX[unit]} "
                f"{UNIT_LABELS[unit]}.",
                index,
            )
        if not rule.source.strip():
            raise AgreementRuleInvalid(
                "source_required",
                f"Linje {number}: angiv kilden til fristen (fx aftalens punkt).",
                index,
            )
        key = (rule.subtype, rule.kind)
        if key in seen:
            raise AgreementRuleInvalid(
                "duplicate_rule",
                f"Linje {number}: aftalen har allerede en frist af denne art for undertypen.",
                index,
            )
        seen.add(key)


#: Deadlines the parties may set otherwise for the concrete case, with the sentence that
#: allows it. BEK § 22, 2nd sentence: "Der aftales dog en anden frist, hvis der i en konkret
#: sag er omstændigheder, der bevirker, at udtalelsen ikke kan afgives inden for fristen";
#: § 23, 2nd sentence, the same for the certificate. § 21 has no such sentence: its
#: deadline changes only by the collaboration agreement (§ 20).
CASE_AGREEMENT_SOURCES: Mapping[DeadlineKind, str] = MappingProxyType(
    {
        DeadlineKind.WRITTEN_ANSWER: "BEK § 22, 2. pkt.",
        DeadlineKind.CERTIFICATE_AFTER_CONSULTATION: "BEK § 23, 2. pkt.",
        DeadlineKind.CERTIFICATE_AFTER_REQUEST: "BEK § 23, 2. pkt.",
    }
)

#: An agreed due date further away than this is taken as a typing error.
MAX_CASE_AGREEMENT_DAYS = 366

#: The circumstances that call for an agreed due date: one limit for the page and the API.
MAX_AGREEMENT_REASON_LENGTH = 2000
AGREEMENT_REASON_TOO_LONG = (
    f"Omstændighederne må højst være {MAX_AGREEMENT_REASON_LENGTH:,} tegn.".replace(",", ".")
)


class CaseAgreementRefused(Exception):
    """A due date that cannot be agreed for the concrete case; ``message`` is Danish."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def case_agreement_source(kind: DeadlineKind) -> str:
    """The source shown for a due date agreed in the concrete case."""
    return f"Aftalt i den konkrete sag ({CASE_AGREEMENT_SOURCES[DeadlineKind(kind)]})"


def check_case_agreement(
    kind: DeadlineKind,
    agreed_due: datetime.date,
    reason: str,
    today: datetime.date,
    calendar: WorkingDayCalendar,
    *,
    current_due: datetime.date | None = None,
    statutory_due: datetime.date | None = None,
) -> None:
    """Refuse a due date the parties cannot agree for the concrete case (BEK §§ 22-23, 2. pkt.).

    The kind must be one whose section allows it, the circumstances (``reason``) must be
    stated, in at most :data:`MAX_AGREEMENT_REASON_LENGTH` characters, and the date must be
    a working day from today and within a year. The agreement is
    made because the deadline cannot be kept: so it is made before the deadline in force
    (``current_due``) has run out — a deadline already missed stays missed — and it gives a
    later date than the one that would otherwise apply (``statutory_due``), never an earlier.
    """
    if DeadlineKind(kind) not in CASE_AGREEMENT_SOURCES:
        raise CaseAgreementRefused(
            "not_agreeable",
            "Denne frist kan ikke aftales for den konkrete sag; kun fristerne i "
            "bekendtgørelsens § 22 og § 23 kan det.",
            "kind",
        )
    if not reason.strip():
        raise CaseAgreementRefused(
            "required",
            "Skriv, hvilke omstændigheder i sagen der gør, at fristen ikke kan holdes.",
            "reason",
        )
    if len(reason.strip()) > MAX_AGREEMENT_REASON_LENGTH:
        raise CaseAgreementRefused("too_long", AGREEMENT_REASON_TOO_LONG, "reason")
    if current_due is not None and today > current_due:
        raise CaseAgreementRefused(
            "deadline_passed",
            f"Fristen udløb {current_due:%d.%m.%Y}. En anden frist aftales, før fristen "
            "udløber; overskridelsen bliver stående.",
            "agreed_due",
        )
    if agreed_due < today:
        raise CaseAgreementRefused(
            "date_in_past", "Den aftalte frist kan ikke ligge før i dag.", "agreed_due"
        )
    if statutory_due is not None and agreed_due <= statutory_due:
        raise CaseAgreementRefused(
            "not_later",
            f"Den aftalte frist skal ligge efter den frist, der ellers gælder "
            f"({statutory_due:%d.%m.%Y}).",
            "agreed_due",
        )
    if (agreed_due - today).days > MAX_CASE_AGREEMENT_DAYS:
        raise CaseAgreementRefused(
            "date_too_far",
            "Den aftalte frist kan højst ligge et år ude i fremtiden.",
            "agreed_due",
        )
    if not calendar.is_working_day(agreed_due):
        raise CaseAgreementRefused(
            "closed_day",
            f"{agreed_due:%d.%m.%Y} er ikke en arbejdsdag. Vælg en hverdag.",
            "agreed_due",
        )


def due_date(
    rule: DeadlineRule, anchor_date: datetime.date, calendar: WorkingDayCalendar
) -> datetime.date:
    """The due date of ``rule`` counted from ``anchor_date``.

    Working days use :meth:`WorkingDayCalendar.add_working_days`; calendar
    days, weeks and months land on a working day (forward for deadlines after
    the anchor, backward for deadlines before it).
    """
    count = rule.count if rule.direction is Direction.AFTER else -rule.count
    match rule.unit:
        case Unit.WORKING_DAYS:
            return calendar.add_working_days(anchor_date, count)
        case Unit.CALENDAR_DAYS:
            return calendar.add_calendar_days(anchor_date, count)
        case Unit.WEEKS:
            return calendar.add_weeks(anchor_date, count)
        case Unit.MONTHS:
            return calendar.add_months(anchor_date, count)


def compute_deadlines(
    rules: Sequence[DeadlineRule],
    anchors: Mapping[Anchor, datetime.date],
    calendar: WorkingDayCalendar,
) -> list[ComputedDeadline]:
    """Due dates of ``rules``; ``due`` is None where the anchor is not known yet."""
    computed: list[ComputedDeadline] = []
    for rule in rules:
        anchor_date = anchors.get(rule.anchor)
        due = None if anchor_date is None else due_date(rule, anchor_date, calendar)
        computed.append(ComputedDeadline(rule=rule, due=due))
    return computed


def deadline_state(
    due: datetime.date | None, fulfilled_on: datetime.date | None, today: datetime.date
) -> DeadlineState:
    """Whether a deadline is open, met or missed.

    Met when fulfilled on or before the due date; missed when fulfilled after
    it, or not fulfilled and the due date has passed; otherwise open. A
    deadline without a due date is always open.
    """
    if due is None:
        return DeadlineState.OPEN
    if fulfilled_on is not None:
        return DeadlineState.MET if fulfilled_on <= due else DeadlineState.MISSED
    return DeadlineState.MISSED if today > due else DeadlineState.OPEN


def working_days_left(
    due: datetime.date, today: datetime.date, calendar: WorkingDayCalendar
) -> int:
    """Working days from ``today`` (exclusive) to ``due`` (inclusive).

    0 when the deadline is today (or only closed days lie before it). When
    overdue the result is negative: minus the working days from ``due``
    (inclusive) to ``today`` (exclusive), and never above -1, so an overdue
    deadline is never shown as due today.
    """
    if due >= today:
        return calendar.working_days_between(today, due)
    one_day = datetime.timedelta(days=1)
    overdue = calendar.working_days_between(due - one_day, today - one_day)
    return -max(overdue, 1)
