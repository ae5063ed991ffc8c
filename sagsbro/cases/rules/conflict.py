"""Who may advise and assess in a case.

* BEK § 12, stk. 2: a health coordinator may not advise in a case where they
  are or have been the citizen's general practitioner, currently treat or
  have treated the citizen elsewhere in the health service, or have other
  treatment or rehabilitation tasks for the citizen.
* BEK § 13, stk. 3: the clinical assessment in klinisk funktion may be done by
  the person who was health coordinator in the citizen's case only if the
  citizen agrees.

Doctors are identified by :class:`DoctorRef`. One doctor may have several user
accounts (e.g. one per region or via different identity providers), so the
authorisation ID from the Danish Patient Safety Authority's register
(autorisations-ID) is the primary key for "the same person".

Error messages contain no names or CPR numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class RelationKind(StrEnum):
    """A doctor's relation to the citizen that disqualifies them (BEK § 12, stk. 2)."""

    CURRENT_GP = "current_gp"
    FORMER_GP = "former_gp"
    TREATING = "treating"
    FORMER_TREATING = "former_treating"


RELATION_LABELS: Mapping[RelationKind, str] = MappingProxyType(
    {
        RelationKind.CURRENT_GP: "Er borgerens praktiserende læge",
        RelationKind.FORMER_GP: "Har været borgerens praktiserende læge",
        RelationKind.TREATING: "Behandler borgeren",
        RelationKind.FORMER_TREATING: "Har behandlet borgeren",
    }
)


@dataclass(frozen=True)
class DoctorRef:
    """A reference to a doctor: authorisation ID and/or user account id."""

    authorisation_id: str | None
    user_id: int | None


@dataclass(frozen=True)
class TreatmentRelation:
    """A registered relation between a doctor and the citizen of a case."""

    doctor: DoctorRef
    kind: RelationKind


def _normalised_authorisation_id(value: str | None) -> str | None:
    if value is None:
        return None
    normalised = value.strip().upper()
    return normalised or None


def same_person(a: DoctorRef, b: DoctorRef) -> bool:
    """Whether two references denote the same doctor.

    Compared by authorisation ID when both have one (ignoring case and
    surrounding whitespace), so two accounts of the same doctor match.
    Otherwise compared by user id. Identical user ids always mean the same
    account and therefore the same person, even if the authorisation IDs
    disagree; for the conflict rules a false "same" is the safe error.
    Two references without any identifier are never the same person.
    """
    auth_a = _normalised_authorisation_id(a.authorisation_id)
    auth_b = _normalised_authorisation_id(b.authorisation_id)
    if auth_a is not None and auth_b is not None and auth_a == auth_b:
        return True
    return a.user_id is not None and a.user_id == b.user_id


class ConflictOfInterest(Exception):
    """The candidate coordinator has a disqualifying relation (BEK § 12, stk. 2)."""

    code = "conflict_of_interest"
    message = (
        "Sundhedskoordinatoren er eller har været borgerens praktiserende læge eller "
        "behandlende læge og kan derfor ikke rådgive i sagen (BEK § 12, stk. 2)."
    )

    def __init__(self, kind: RelationKind) -> None:
        self.kind = kind
        super().__init__(self.message)


def find_conflict(
    candidate: DoctorRef, relations: Iterable[TreatmentRelation]
) -> TreatmentRelation | None:
    """Return the first relation that disqualifies ``candidate``, or ``None``.

    BEK § 12, stk. 2: every :class:`RelationKind` (current or former GP,
    current or former treating doctor) disqualifies.
    """
    for relation in relations:
        if same_person(candidate, relation.doctor):
            return relation
    return None


def require_no_conflict(candidate: DoctorRef, relations: Iterable[TreatmentRelation]) -> None:
    """Raise :class:`ConflictOfInterest` if ``candidate`` may not advise (BEK § 12, stk. 2)."""
    relation = find_conflict(candidate, relations)
    if relation is not None:
        raise ConflictOfInterest(relation.kind)


class ConflictArisen(Exception):
    """A relation registered after assignment disqualifies the assignee (BEK § 12, stk. 2).

    Raised when the assigned coordinator or specialist acts in the case (screening, written
    answer, advice, consultation, certificate, contact with the GP). The act is refused and the
    case goes back to the secretariat for a new assignment (:func:`state_after_conflict`).
    """

    code = "conflict_of_interest"
    message = (
        "Du kan ikke udføre handlingen: du er eller har været borgerens praktiserende læge "
        "eller behandlende læge og er derfor inhabil i sagen (BEK § 12, stk. 2). Sagen er "
        "sendt tilbage til sekretariatet, som tildeler den til en anden."
    )

    def __init__(self, kind: RelationKind) -> None:
        self.kind = kind
        super().__init__(self.message)


# States in which the assignee still has work in the case. A disqualified assignee is taken
# off the case and it goes back to the secretariat's inbox ("sent") to be assigned again.
_PUT_BACK_TO_SENT: frozenset[str] = frozenset(
    {"assigned", "screened", "invited", "consultation_held"}
)


def state_after_conflict(state: str) -> str | None:
    """The state a case takes when its assignee turns out to be disqualified (BEK § 12, stk. 2).

    * While the assignee still has work in it, the case goes back to the secretariat ("sent").
    * A case returned to the municipality stays returned; the assignee is taken off, so the
      case comes back to the secretariat when it is sent again.
    * Otherwise (draft, sent, answered, meeting held, closed, withdrawn) ``None``: the
      assignee has nothing left to do in the case and its history stands.
    """
    if state in _PUT_BACK_TO_SENT:
        return "sent"
    if state == "returned":
        return "returned"
    return None


class SamePersonWithoutConsent(Exception):
    """The assessor has been health coordinator in the citizen's case and the citizen has not
    agreed, for this klinisk-funktion case, that they also assess (BEK § 13, stk. 3)."""

    code = "same_person_without_consent"
    message = (
        "Speciallægen har været sundhedskoordinator i borgerens sag og kan kun foretage "
        "vurderingen i klinisk funktion, hvis borgeren er indforstået hermed (BEK § 13, "
        "stk. 3). Registrér borgerens accept under Samtykke på denne sag i klinisk funktion, "
        "eller vælg en anden speciallæge."
    )

    def __init__(self) -> None:
        super().__init__(self.message)


def has_been_coordinator(assessor: DoctorRef, earlier_coordinators: Iterable[DoctorRef]) -> bool:
    """Whether ``assessor`` is "the same person who has been health coordinator in the
    citizen's case" (BEK § 13, stk. 3): any of the coordinators of the case the referral came
    from, current or earlier, or the author of the advice the referral rests on. Compared with
    :func:`same_person`, so the doctor's other accounts count too."""
    return any(same_person(assessor, coordinator) for coordinator in earlier_coordinators)


def require_assessor_allowed(
    assessor: DoctorRef, earlier_coordinators: Iterable[DoctorRef], citizen_agreed: bool
) -> None:
    """Check who may do the clinical assessment (BEK § 13, stk. 3).

    ``earlier_coordinators``: everyone who is or has been health coordinator in the citizen's
    case the klinisk-funktion case came from. One of them may do the assessment only when the
    citizen has agreed for this klinisk-funktion case (``citizen_agreed``); anyone else may.
    Raises :class:`SamePersonWithoutConsent` otherwise.
    """
    if citizen_agreed:
        return
    if has_been_coordinator(assessor, earlier_coordinators):
        raise SamePersonWithoutConsent()
