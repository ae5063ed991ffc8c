"""Sections other apps add to the worklist (the start page), so the page in cases does not
import the apps that extend it. An app registers a section builder in its ``AppConfig.ready``;
the worklist page shows every section a builder returns for the user, in registration order,
and audits the rows each lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol


class WorklistSection(Protocol):
    """One section of the worklist: the template that renders it (given the section as
    ``section``) and the audit subjects of the citizens' data it lists."""

    @property
    def template_name(self) -> str: ...

    def audit_subjects(self) -> Sequence[Any]: ...


# (user, query parameters) -> the section for that user, or None when it has none for them.
SectionBuilder = Callable[[Any, Mapping[str, str]], WorklistSection | None]

_builders: list[SectionBuilder] = []


def register_worklist_section(builder: SectionBuilder) -> SectionBuilder:
    """Add a section builder to the worklist (once, however often ``ready`` runs)."""
    if builder not in _builders:
        _builders.append(builder)
    return builder


def worklist_sections(user: Any, params: Mapping[str, str]) -> list[WorklistSection]:
    """The sections the user's worklist shows."""
    return [section for build in _builders if (section := build(user, params)) is not None]


# --- cases other apps add to the municipality's "Afventer dig" ----------------------------


class AwaitingSource(Protocol):
    """Cases another app puts in the caseworker's "Afventer dig" box beside the workflow's
    own (e.g. a booked case whose screening recommends postponement): the annotations the
    condition and the next step read, the condition (a ``Q`` over the case list), and the
    next step shown for a case it selected (None: not one of its cases)."""

    def annotations(self) -> Mapping[str, Any]: ...

    def condition(self) -> Any: ...

    def next_step(self, case: Any) -> str | None: ...


# (user) -> the source for that user, or None when it adds nothing for them.
AwaitingBuilder = Callable[[Any], AwaitingSource | None]

_awaiting_builders: list[AwaitingBuilder] = []


def register_awaiting_source(builder: AwaitingBuilder) -> AwaitingBuilder:
    """Add a source of waiting cases to "Afventer dig" (once, however often ``ready`` runs)."""
    if builder not in _awaiting_builders:
        _awaiting_builders.append(builder)
    return builder


def awaiting_sources(user: Any) -> list[AwaitingSource]:
    return [source for build in _awaiting_builders if (source := build(user)) is not None]
