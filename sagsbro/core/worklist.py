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
