"""The plumbing of every transition: lock the case, check the rule (subtype, state, role),
change the state, write the event, the audit entry and the recomputed deadlines; and the
listeners other apps register for a change of a case's state or assignee."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import access
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.workflow import (
    State,
    Transition,
    TransitionRefused,
    check_transition,
)
from sagsbro.cases.services.common import audit_case_write, locked, refusal
from sagsbro.cases.services.deadlines import recompute_deadlines
from sagsbro.core.errors import ServiceError
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role


@dataclass(frozen=True)
class CaseChange:
    """A case whose state or assignee may just have changed, saved in the caller's transaction.

    ``name`` is the transition or event kind that changed it; ``from_state`` the state before.
    """

    user: User
    case: Case
    name: str
    from_state: str
    channel: str


CaseChangeListener = Callable[[CaseChange], None]

_listeners: list[CaseChangeListener] = []


def on_case_change(listener: CaseChangeListener) -> None:
    """Register ``listener`` to be called after every transition and every assignee taken off a
    case, inside the same transaction (an app above cases registers from its ``ready()``: the
    clinical app frees a booked consultation time this way). Registering twice is harmless."""
    if listener not in _listeners:
        _listeners.append(listener)


def case_changed(user: User, case: Case, name: str, from_state: str, channel: str) -> None:
    """Tell the registered listeners that ``case`` changed; an error in one rolls back all."""
    change = CaseChange(user, case, name, from_state, channel)
    for listener in list(_listeners):
        listener(change)


def target_of(transition: Transition) -> State:
    """The state a state-changing transition leads to; its rule names one."""
    if transition.target is None:
        raise ValueError(f"Transition {transition.name} does not change the state.")
    return transition.target


def begin(user: User, case: Case, name: str) -> tuple[Case, Transition]:
    """Lock the case and check the transition's rule for it and the user; 404 for a case the
    user may not know of, 403 for a role the rule does not name, 400 for the wrong state."""
    case = locked(case)
    if not access.may_see(user, case):
        raise ServiceError("not_found", "Sagen findes ikke.", status=404)
    try:
        transition = check_transition(name, case.subtype_enum, case.state_enum, Role(user.role))
    except TransitionRefused as exc:
        raise refusal(exc) from exc
    return case, transition


def finish(
    user: User,
    case: Case,
    transition: Transition,
    from_state: str,
    channel: str,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    label: str | None = None,
) -> Case:
    """Save the changed case with its event, its audit entry and its recomputed deadlines."""
    case.save()
    record_event(
        case,
        user,
        transition,
        label or transition.label,
        from_state=from_state,
        comment=comment,
        data=data,
    )
    audit_case_write(user, case, AuditEntry.Action.TRANSITION, transition.name, channel)
    recompute_deadlines(case)
    case_changed(user, case, transition.name, from_state, channel)
    return case


def move(
    user: User,
    case: Case,
    name: str,
    channel: str = "api",
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    label: str | None = None,
) -> Case:
    """A transition that needs nothing but its rule: begin, move to the target, finish."""
    case, transition = begin(user, case, name)
    from_state = case.state
    if transition.target is not None:
        case.state = transition.target
    return finish(
        user, case, transition, from_state, channel, comment=comment, data=data, label=label
    )
