"""The one writer of case history (``CaseEvent``), for every app.

Services call :func:`record_event` inside their transaction; nothing else creates events.
"""

from __future__ import annotations

from typing import Any

from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import Transition
from sagsbro.organisations.models import User


def record_event(
    case: Case,
    actor: User | None,
    kind: EventKind | Transition,
    label: str,
    *,
    from_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event to the case's history; ``to_state`` is the case's state now.

    A transition's event is named as the transition: pass its rule as the kind (every rule
    in ``rules/workflow.py`` also has its :class:`EventKind`, for code that matches on it).
    """
    return CaseEvent.objects.create(
        case=case,
        kind=kind.name if isinstance(kind, Transition) else str(EventKind(kind)),
        label=label,
        actor=actor,
        from_state=from_state,
        to_state=case.state,
        comment=comment,
        data=data or {},
    )
