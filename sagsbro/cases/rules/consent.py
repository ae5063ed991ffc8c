"""The consent register and the actions it guards.

Legal basis (BEK = the executive order on municipalities' and regions'
collaboration on health-professional advice and assessment):

* § 5, stk. 2 and § 11, stk. 5: the health coordinator may discuss the case
  with the citizen's general practitioner only with the citizen's *written*
  consent, and with the citizen only after prior agreement with the
  municipality;
* § 3 (stk. 1 and 2) and § 15, stk. 1: health and personal data, including
  hospital and specialist records, are obtained under the general rules,
  including the rules on the citizen's consent;
* § 13, stk. 3: the same person may be health coordinator and do the clinical
  assessment only if the citizen agrees.

Each of these is recorded as a :class:`ConsentRecord` with a scope and a date,
and the actions in :data:`ACTIONS` are refused when no record covers them on
the day the action is taken. The module is pure Python; persistence lives in
the Django models.

A record may also state that the citizen *refused* (``refused=True``). The
regional procedure for løbende sager asks the municipality to state the
citizen's consent to the coordinator's "evt. kontakt" with the GP; BEK § 5,
stk. 2 makes the consent a condition for the contact, not for the advice. So a
recorded refusal states the citizen's position as well as a consent does
(:func:`consent_status`), while it never covers the contact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class ConsentScope(StrEnum):
    """What a consent (or agreement) covers."""

    CONTACT_GP = "contact_gp"
    """The coordinator or klinisk funktion may discuss the case with the citizen's
    GP. Requires written consent (BEK § 5, stk. 2; § 11, stk. 5)."""

    OBTAIN_RECORDS = "obtain_records"
    """Hospital or specialist records and status certificates may be obtained.
    Requires written consent (BEK § 3, stk. 2; § 15, stk. 1)."""

    COORDINATOR_TALKS_TO_CITIZEN = "coordinator_talks_to_citizen"
    """The coordinator may talk to the citizen; requires prior agreement with the
    municipality (BEK § 5, stk. 2; § 11, stk. 5)."""

    SAME_PERSON_ASSESSMENT = "same_person_assessment"
    """The coordinator may also do the clinical assessment in klinisk funktion,
    if the citizen agrees (BEK § 13, stk. 3)."""


SCOPE_LABELS: Mapping[ConsentScope, str] = MappingProxyType(
    {
        ConsentScope.CONTACT_GP: "Sundhedskoordinatoren må drøfte sagen med borgerens "
        "praktiserende læge",
        ConsentScope.OBTAIN_RECORDS: "Journaloplysninger og statusattester må indhentes fra "
        "sygehus eller speciallæge",
        ConsentScope.COORDINATOR_TALKS_TO_CITIZEN: "Sundhedskoordinatoren må tale med borgeren "
        "efter aftale med kommunen",
        ConsentScope.SAME_PERSON_ASSESSMENT: "Sundhedskoordinatoren må også foretage vurderingen "
        "i klinisk funktion",
    }
)

WRITTEN_CONSENT_REQUIRED: frozenset[ConsentScope] = frozenset(
    {ConsentScope.CONTACT_GP, ConsentScope.OBTAIN_RECORDS}
)
"""Scopes where only a written consent counts (BEK § 5, stk. 2; § 11, stk. 5; § 3)."""

_MISSING_MESSAGES: Mapping[ConsentScope, str] = MappingProxyType(
    {
        ConsentScope.CONTACT_GP: "Borgerens skriftlige samtykke til at kontakte den "
        "praktiserende læge mangler eller er tilbagekaldt (BEK § 5, stk. 2).",
        ConsentScope.OBTAIN_RECORDS: "Borgerens skriftlige samtykke til at indhente "
        "journaloplysninger fra sygehus eller speciallæge mangler eller er tilbagekaldt "
        "(BEK § 3, stk. 2, og § 15, stk. 1).",
        ConsentScope.COORDINATOR_TALKS_TO_CITIZEN: "Aftalen med kommunen om, at "
        "sundhedskoordinatoren må tale med borgeren, mangler eller er tilbagekaldt "
        "(BEK § 5, stk. 2, og § 11, stk. 5).",
        ConsentScope.SAME_PERSON_ASSESSMENT: "Borgerens accept af, at sundhedskoordinatoren "
        "også foretager vurderingen i klinisk funktion, mangler eller er tilbagekaldt "
        "(BEK § 13, stk. 3).",
    }
)


@dataclass(frozen=True)
class ConsentRecord:
    """One registered consent or agreement.

    ``given_on`` is the first day it applies; ``withdrawn_on`` is the day it was
    withdrawn (it no longer applies on that day); ``valid_until`` is the last day
    it applies, when it is time-limited.
    """

    scope: ConsentScope
    given_on: date
    written: bool
    withdrawn_on: date | None = None
    valid_until: date | None = None
    refused: bool = False
    """The citizen said no (recorded on ``given_on``): it covers nothing."""
    registered: int = 0
    """The order the records were registered in (the row's id): of a consent and a refusal
    given on the same day, the one registered last is the citizen's answer."""

    def __post_init__(self) -> None:
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise ValueError("Samtykket kan ikke være tilbagekaldt, før det er givet.")
        if self.valid_until is not None and self.valid_until < self.given_on:
            raise ValueError("Samtykkets udløbsdato kan ikke ligge før datoen, det er givet.")

    def in_force(self, scope: ConsentScope, on: date) -> bool:
        """Whether this record (consent or refusal) is about ``scope`` and applies on ``on``."""
        if self.scope != scope or self.given_on > on:
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return False
        return self.valid_until is None or self.valid_until >= on

    def covers(self, scope: ConsentScope, on: date) -> bool:
        """Whether this record covers ``scope`` on the day ``on``.

        BEK § 5, stk. 2, § 11, stk. 5 and § 3: for the scopes in
        :data:`WRITTEN_CONSENT_REQUIRED` only a written consent counts. A refusal
        covers nothing.
        """
        if self.refused or not self.in_force(scope, on):
            return False
        return self.written or scope not in WRITTEN_CONSENT_REQUIRED


class ConsentMissing(Exception):
    """No consent covers the requested scope on the given day."""

    code = "consent_missing"

    def __init__(self, scope: ConsentScope) -> None:
        self.scope = scope
        self.message = _MISSING_MESSAGES[scope]
        super().__init__(self.message)


def covering_consent(
    records: Iterable[ConsentRecord], scope: ConsentScope, on: date
) -> ConsentRecord | None:
    """Return the record that covers ``scope`` on ``on``, or ``None``.

    BEK § 5, stk. 2, § 11, stk. 5, § 3 and § 13, stk. 3. A record covers when
    the scope matches, it was given on or before ``on``, it was not withdrawn on
    or before ``on``, it has not expired (``valid_until`` is ``None`` or on or
    after ``on``), and, for contact with the GP and obtaining records, it is
    written. When several records cover, the most recently given one is
    returned. A refusal given after it stands (the citizen said no since); of a consent and
    a refusal given on the same day, the one registered last does.
    """
    records = list(records)
    covering = [record for record in records if record.covers(scope, on)]
    if not covering:
        return None
    latest = max(covering, key=_answer_order)
    refusals = [r for r in records if r.refused and r.in_force(scope, on)]
    if any(_answer_order(refusal) >= _answer_order(latest) for refusal in refusals):
        return None
    return latest


def _answer_order(record: ConsentRecord) -> tuple[date, int]:
    return (record.given_on, record.registered)


class ConsentStatus(StrEnum):
    """What the case states about a scope on a day."""

    GIVEN = "given"
    REFUSED = "refused"
    MISSING = "missing"


def consent_status(
    records: Iterable[ConsentRecord], scope: ConsentScope, on: date
) -> ConsentStatus:
    """Whether the citizen's consent to ``scope`` is given, refused or not stated on ``on``.

    Procedure Løbende sag asks the municipality to state the citizen's consent to the
    coordinator's contact with the GP; BEK § 5, stk. 2 makes it a condition for the contact
    only. GIVEN when a record covers the scope (:func:`covering_consent`); REFUSED when a
    refusal is in force and no later consent covers; MISSING otherwise.
    """
    records = list(records)
    if covering_consent(records, scope, on) is not None:
        return ConsentStatus.GIVEN
    if any(record.refused and record.in_force(scope, on) for record in records):
        return ConsentStatus.REFUSED
    return ConsentStatus.MISSING


def require_consent(
    records: Iterable[ConsentRecord], scope: ConsentScope, on: date
) -> ConsentRecord:
    """Return the covering record or raise :class:`ConsentMissing`.

    BEK § 5, stk. 2, § 11, stk. 5, § 3 and § 13, stk. 3: the guarded action
    may only be taken when the citizen's consent (or, for talking to the
    citizen, the municipality's agreement) is in place on the day.
    """
    record = covering_consent(records, scope, on)
    if record is None:
        raise ConsentMissing(scope)
    return record


@dataclass(frozen=True)
class Action:
    """A case action that needs a consent before it may be taken."""

    key: str
    label: str
    requires: ConsentScope


ACTIONS: Mapping[str, Action] = MappingProxyType(
    {
        action.key: action
        for action in (
            Action(
                "contact_gp",
                "Kontakt borgerens praktiserende læge",
                ConsentScope.CONTACT_GP,
            ),
            Action(
                "obtain_records",
                "Indhent journaloplysninger fra sygehus eller speciallæge",
                ConsentScope.OBTAIN_RECORDS,
            ),
            Action(
                "talk_to_citizen",
                "Tal med borgeren",
                ConsentScope.COORDINATOR_TALKS_TO_CITIZEN,
            ),
            Action(
                "assign_same_person_as_specialist",
                "Lad sundhedskoordinatoren foretage vurderingen i klinisk funktion",
                ConsentScope.SAME_PERSON_ASSESSMENT,
            ),
        )
    }
)


def require_consent_for_action(
    action_key: str, records: Iterable[ConsentRecord], on: date
) -> ConsentRecord:
    """Check the consent an action in :data:`ACTIONS` needs; see :func:`require_consent`.

    BEK § 5, stk. 2 (contact with the GP and the citizen), § 11, stk. 5 (the same
    in ongoing cases), § 3 and § 15, stk. 1 (obtaining records) and § 13, stk. 3
    (same person as coordinator and assessor). Raises :class:`KeyError` for an
    unknown action and :class:`ConsentMissing` when no consent covers it.
    """
    try:
        action = ACTIONS[action_key]
    except KeyError:
        raise KeyError(f"Ukendt handling: {action_key!r}") from None
    return require_consent(records, action.requires, on)
