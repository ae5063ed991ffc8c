"""The transition registry: one entry per case transition, from which the case page's actions,
the API's transition endpoints (and so the OpenAPI schema) and the isolation matrices are made.

An entry names

- its **rule**: the :class:`~sagsbro.cases.rules.workflow.Transition` (sources, target, roles,
  subtypes and its source in the law or the procedures);
- its **service**: the typed function in ``services/`` that performs it in one transaction;
- its **form** (the page) and its **serializer** (the API), which validate the input;
- its **call**: one small typed adapter from the validated input (a form's ``cleaned_data`` or
  a serializer's ``validated_data``, which use the same keys) to the service, shared by the page
  and the API so both take the same path through the rules.

Like Open Zaak's ``ZaakUpdateActionViewSet``, which refuses a subclass lacking what it must
declare, :meth:`TransitionRegistry.register` refuses an incomplete entry, and
:func:`unregistered_rules` (run as a system check and in the tests) names any rule without an
entry. The ``cases`` app registers its transitions in ``cases/case_transitions.py`` from
``CasesConfig.ready``; another app registers its own the same way from its ``ready``.

How to add a transition: the rule in ``rules/workflow.py`` (with its § reference), the service
function, then one :func:`register` call with the form, the serializer and the adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from sagsbro.cases.models import Case
from sagsbro.cases.rules.workflow import TRANSITIONS, Transition
from sagsbro.organisations.models import User

# (user, case, validated input, channel) -> the case to show afterwards (a new case when the
# transition makes one, as reopening does).
TransitionCall = Callable[[User, Case, Mapping[str, Any], str], Case]


@dataclass(frozen=True)
class RegisteredTransition:
    rule: Transition
    service: Callable[..., Any]
    form_class: type[forms.Form]
    serializer_class: type[serializers.Serializer[Any]]
    call: TransitionCall
    # What the action page says above the form, and whether its button warns.
    intro: str = ""
    danger: bool = False
    # The sentence the page shows after the action succeeded (the case as it is afterwards);
    # without one, the cases app's own sentence for it, or a generic one.
    confirmation: Callable[[Case], str] | None = None
    # A warning the action page shows above the form for this case (None: nothing to warn).
    notice: Callable[[Case], str | None] | None = None

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def url_path(self) -> str:
        """The API endpoint's last path segment: ``/api/v1/cases/{id}/<url_path>/``."""
        return self.name.replace("_", "-")

    def run(self, user: User, case: Case, data: Mapping[str, Any], channel: str) -> Case:
        return self.call(user, case, data, channel)


class TransitionRegistry:
    def __init__(self) -> None:
        self._entries: dict[str, RegisteredTransition] = {}

    def register(self, entry: RegisteredTransition) -> RegisteredTransition:
        """Add an entry; refuse one that lacks its rule, service, form, serializer or call."""
        problems = _problems(entry)
        name = getattr(entry.rule, "name", None)
        if name in self._entries:
            problems.append(f"the transition {name!r} is registered already")
        if problems:
            raise ImproperlyConfigured(
                f"Transition {name!r} cannot be registered: " + "; ".join(problems) + "."
            )
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Take an entry out again (tests that register a transition of their own)."""
        del self._entries[name]

    def get(self, name: str) -> RegisteredTransition | None:
        return self._entries.get(name)

    def __getitem__(self, name: str) -> RegisteredTransition:
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[RegisteredTransition]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)


def _problems(entry: RegisteredTransition) -> list[str]:
    problems: list[str] = []
    if not isinstance(entry.rule, Transition):
        problems.append("its rule is not a rules.workflow.Transition")
    if not callable(entry.service):
        problems.append("it names no service function")
    if not (isinstance(entry.form_class, type) and issubclass(entry.form_class, forms.Form)):
        problems.append("it names no form class")
    if not (
        isinstance(entry.serializer_class, type)
        and issubclass(entry.serializer_class, serializers.Serializer)
    ):
        problems.append("it names no serializer class")
    if not callable(entry.call):
        problems.append("it has no call from the validated input to the service")
    return problems


transitions = TransitionRegistry()


def register(
    rule: Transition,
    *,
    service: Callable[..., Any],
    form_class: type[forms.Form],
    serializer_class: type[serializers.Serializer[Any]],
    call: TransitionCall,
    intro: str = "",
    danger: bool = False,
    confirmation: Callable[[Case], str] | None = None,
    notice: Callable[[Case], str | None] | None = None,
) -> RegisteredTransition:
    """Register a transition; see the module's docstring."""
    return transitions.register(
        RegisteredTransition(
            rule, service, form_class, serializer_class, call, intro, danger, confirmation, notice
        )
    )


def unregistered_rules(rules: Iterable[Transition] | None = None) -> list[str]:
    """The names of the rules' transitions that have no registry entry (none, when complete)."""
    return [
        t.name
        for t in (TRANSITIONS.values() if rules is None else rules)
        if t.name not in transitions
    ]
