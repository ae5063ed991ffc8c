"""Case states and the transitions each subtype allows, and who may take them.

Today's systems know only the straight line (sent → answered). The law and the procedures
also need the deviations: a case returned to the municipality for more information, a case
withdrawn, a meeting postponed, a ressourceforløb case reopened as a genforelæggelse
(procedure Genforelæggelse), a klinisk funktion appointment that is late (EVAL ~6000).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.organisations.roles import MUNICIPAL_ROLES, Role


class State(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ASSIGNED = "assigned"
    RETURNED = "returned"
    SCREENED = "screened"
    INVITED = "invited"
    CONSULTATION_HELD = "consultation_held"
    ANSWERED = "answered"
    MEETING_HELD = "meeting_held"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATE_LABELS: Mapping[State, str] = {
    State.DRAFT: "Kladde",
    State.SENT: "Sendt til regionen",
    State.ASSIGNED: "Tildelt",
    State.RETURNED: "Returneret for flere oplysninger",
    State.SCREENED: "Screenet",
    State.INVITED: "Borger indkaldt",
    State.CONSULTATION_HELD: "Konsultation afholdt",
    State.ANSWERED: "Besvaret",
    State.MEETING_HELD: "Møde afholdt",
    State.CLOSED: "Afsluttet",
    State.WITHDRAWN: "Trukket tilbage",
}

FINAL_STATES = frozenset({State.CLOSED, State.WITHDRAWN})


TEAM_SUBTYPES = frozenset({Subtype.REHABILITERINGSTEAM, Subtype.GENFORELAEGGELSE})
MEETING_SUBTYPES = TEAM_SUBTYPES | {Subtype.RET_TIL_SUNDHEDSKOORDINATOR}
WRITTEN_ANSWER_SUBTYPES = frozenset(
    {
        Subtype.LOEBENDE_SAG,
        Subtype.RET_TIL_SUNDHEDSKOORDINATOR,
        Subtype.AABENBAR_FOERTIDSPENSION,
        Subtype.SENIORPENSION,
        Subtype.JOBAFKLARING_4AAR,
    }
)
ALL_SUBTYPES = frozenset(Subtype)
OPEN_STATES = frozenset(State) - FINAL_STATES


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[State]
    # None: the state does not change (postponing a meeting, say).
    target: State | None
    roles: frozenset[Role]
    subtypes: frozenset[Subtype]
    source_ref: str


def _t(
    name: str,
    label: str,
    sources: Iterable[State],
    target: State | None,
    roles: Iterable[Role],
    subtypes: Iterable[Subtype],
    source_ref: str,
) -> Transition:
    return Transition(
        name, label, frozenset(sources), target, frozenset(roles), frozenset(subtypes), source_ref
    )


TRANSITIONS: Mapping[str, Transition] = {
    t.name: t
    for t in (
        _t(
            "send",
            "Send til regionen",
            {State.DRAFT},
            State.SENT,
            {Role.CASEWORKER},
            ALL_SUBTYPES,
            "BEK § 24 (elektronisk til regionens postkasse)",
        ),
        _t(
            "assign",
            "Tildel sundhedskoordinator",
            {State.SENT},
            State.ASSIGNED,
            {Role.SECRETARIAT},
            ALL_SUBTYPES - {Subtype.KLINISK_FUNKTION},
            "BEK § 12, stk. 2 (inhabilitet)",
        ),
        _t(
            "assign_specialist",
            "Tildel speciallæge",
            {State.SENT},
            State.ASSIGNED,
            {Role.SECRETARIAT},
            {Subtype.KLINISK_FUNKTION},
            "BEK § 13, stk. 3",
        ),
        _t(
            "return_for_information",
            "Returnér for flere oplysninger",
            {State.SENT, State.ASSIGNED, State.SCREENED},
            State.RETURNED,
            {Role.SECRETARIAT, Role.COORDINATOR, Role.CLINICAL_SPECIALIST},
            ALL_SUBTYPES,
            "BEK § 6, stk. 2",
        ),
        _t(
            "resend",
            "Send igen med flere oplysninger",
            {State.RETURNED},
            State.SENT,
            {Role.CASEWORKER},
            ALL_SUBTYPES,
            "BEK § 24",
        ),
        _t(
            "withdraw",
            "Træk sagen tilbage",
            OPEN_STATES - {State.DRAFT},
            State.WITHDRAWN,
            {Role.CASEWORKER},
            ALL_SUBTYPES,
            "Kommunen er sagens ejer",
        ),
        _t(
            "discard_draft",
            "Slet kladde",
            {State.DRAFT},
            State.WITHDRAWN,
            {Role.CASEWORKER},
            ALL_SUBTYPES,
            "Kommunen er sagens ejer",
        ),
        _t(
            "postpone",
            "Udsæt til et andet møde",
            {State.DRAFT, State.SENT, State.ASSIGNED, State.SCREENED, State.RETURNED},
            None,
            {Role.CASEWORKER, Role.SECRETARIAT},
            MEETING_SUBTYPES,
            "BEK § 21 (fristerne genberegnes)",
        ),
        _t(
            "screen",
            "Giv screeningstilbagemelding",
            {State.ASSIGNED},
            State.SCREENED,
            {Role.COORDINATOR},
            TEAM_SUBTYPES,
            "BEK § 6; samarbejdsaftale (5 arbejdsdage til screening)",
        ),
        _t(
            "hold_meeting",
            "Registrér afholdt møde",
            {State.ASSIGNED, State.SCREENED},
            State.MEETING_HELD,
            MUNICIPAL_ROLES,
            TEAM_SUBTYPES,
            "BEK § 8; mødet holdes ikke uden sundhedskoordinator",
        ),
        _t(
            "send_indstilling",
            "Send indstilling til borger og egen læge",
            {State.MEETING_HELD},
            State.CLOSED,
            MUNICIPAL_ROLES,
            TEAM_SUBTYPES,
            "Evaluering tabel 8, trin 4",
        ),
        _t(
            "answer",
            "Afgiv skriftligt svar",
            {State.ASSIGNED},
            State.ANSWERED,
            {Role.COORDINATOR},
            WRITTEN_ANSWER_SUBTYPES,
            "BEK § 10, § 11, stk. 6, § 26",
        ),
        _t(
            "close",
            "Afslut sagen (svar modtaget)",
            {State.ANSWERED},
            State.CLOSED,
            {Role.CASEWORKER},
            # The caseworker reads the written answer or the certificate, then closes.
            WRITTEN_ANSWER_SUBTYPES | {Subtype.KLINISK_FUNKTION},
            "Kommunen er sagens ejer",
        ),
        _t(
            "notify_late_appointment",
            "Orientér sagsbehandler om sen tid",
            {State.ASSIGNED},
            None,
            {Role.SECRETARIAT, Role.CLINICAL_SPECIALIST},
            {Subtype.KLINISK_FUNKTION},
            "Evaluering tabel 8, trin 2.2",
        ),
        _t(
            "accept_late_appointment",
            "Acceptér sen konsultationstid",
            {State.ASSIGNED},
            None,
            {Role.CASEWORKER},
            {Subtype.KLINISK_FUNKTION},
            # The caseworker is told and accepts before the citizen is invited.
            "Evaluering tabel 8, trin 2.2",
        ),
        _t(
            "invite",
            "Indkald borgeren",
            {State.ASSIGNED},
            State.INVITED,
            {Role.SECRETARIAT, Role.CLINICAL_SPECIALIST},
            {Subtype.KLINISK_FUNKTION},
            "Evaluering tabel 8, trin 2.2",
        ),
        _t(
            "record_no_show",
            "Registrér udeblivelse",
            {State.INVITED},
            # Back to the specialist's case without a time: a new one is booked.
            State.ASSIGNED,
            {Role.SECRETARIAT, Role.CLINICAL_SPECIALIST},
            {Subtype.KLINISK_FUNKTION},
            "BEK § 13, stk. 2; Evaluering tabel 8, trin 2.2 (ny indkaldelse)",
        ),
        _t(
            "hold_consultation",
            "Registrér afholdt konsultation",
            {State.INVITED},
            State.CONSULTATION_HELD,
            {Role.CLINICAL_SPECIALIST},
            {Subtype.KLINISK_FUNKTION},
            "BEK § 13, stk. 2",
        ),
        _t(
            "deliver_certificate",
            "Lever speciallægeattest (LÆ 275)",
            {State.CONSULTATION_HELD},
            # Delivered is answered: the caseworker reads the certificate and closes the case.
            State.ANSWERED,
            {Role.CLINICAL_SPECIALIST},
            {Subtype.KLINISK_FUNKTION},
            "BEK § 14, § 15, stk. 2, § 23",
        ),
        _t(
            "reassign",
            "Flyt sagen til en anden sundhedskoordinator eller speciallæge",
            {State.ASSIGNED, State.SCREENED},
            None,
            {Role.SECRETARIAT},
            ALL_SUBTYPES,
            "BEK § 12, stk. 2 (inhabilitet); sekretariatet fordeler sagerne",
        ),
        _t(
            "record_contact_time",
            "Registrér aftalt tid for telefonisk eller virtuel kontakt",
            OPEN_STATES - {State.DRAFT},
            None,
            {Role.SECRETARIAT},
            ALL_SUBTYPES,
            "Procedure Løbende sag (ønske om telefonisk eller virtuel kontakt)",
        ),
        _t(
            "reopen_as_genforelaeggelse",
            "Genoptag som genforelæggelsessag",
            {State.CLOSED},
            None,
            {Role.CASEWORKER},
            TEAM_SUBTYPES,
            "Procedure Genforelæggelse",
        ),
    )
}


class TransitionRefused(Exception):
    """A transition the case's subtype, state or the user's role does not allow."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_transition(name: str, subtype: Subtype, state: State, role: Role) -> Transition:
    """Return the transition if the subtype, state and role allow it; else raise."""
    transition = TRANSITIONS.get(name)
    if transition is None or subtype not in transition.subtypes:
        raise TransitionRefused("unknown_transition", "Handlingen findes ikke for denne type sag.")
    if state not in transition.sources:
        raise TransitionRefused(
            "invalid_state",
            f"Handlingen »{transition.label}« kan ikke udføres, når sagen har status "
            f"»{STATE_LABELS[state]}«.",
        )
    if role not in transition.roles:
        raise TransitionRefused(
            "role_not_allowed",
            f"Din rolle må ikke udføre handlingen »{transition.label}«.",
        )
    return transition


def available_transitions(subtype: Subtype, state: State, role: Role) -> list[Transition]:
    """The transitions a user with `role` may take now, in a stable order."""
    return [
        t
        for t in TRANSITIONS.values()
        if subtype in t.subtypes and state in t.sources and role in t.roles
    ]


def target_after_resend(has_assignee: bool) -> State:
    """A returned case goes back to its coordinator if one was assigned, else to the inbox."""
    return State.ASSIGNED if has_assignee else State.SENT


def can_reopen_as_genforelaeggelse(subtype: Subtype, purpose: str) -> bool:
    """Only ressourceforløb cases go back to the team (procedure Genforelæggelse)."""
    return subtype in TEAM_SUBTYPES and purpose == "ressourceforloeb"


def check_genforelaeggelse_parent(
    parent_subtype: Subtype, parent_state: State, parent_purpose: str
) -> None:
    """The earlier case a genforelæggelse is made from (procedure Genforelæggelse, 002).

    Whether the case is reopened from the earlier case or created with it as ``parent``
    through the API, the same rule holds: only a closed rehabiliteringsteam case (or an
    earlier genforelæggelse) about ressourceforløb goes back to the team. Raises
    :class:`TransitionRefused` naming what is wrong.
    """
    if parent_subtype not in TEAM_SUBTYPES:
        raise TransitionRefused(
            "invalid_parent",
            "En genforelæggelse skal oprettes fra en tidligere sag i rehabiliteringsteamet "
            "(procedure Genforelæggelse).",
        )
    if parent_state != State.CLOSED:
        raise TransitionRefused(
            "invalid_state",
            "Den tidligere sag skal være afsluttet, før den kan genforelægges "
            "(procedure Genforelæggelse).",
        )
    if not can_reopen_as_genforelaeggelse(parent_subtype, parent_purpose):
        raise TransitionRefused(
            "not_ressourceforloeb",
            "Kun sager om ressourceforløb kan genforelægges (procedure Genforelæggelse).",
        )
