"""What the pages say after a case action succeeded: one Danish sentence per action, with the
person or organisation filled in ("Sundhedskoordinator Karen Mikkelsen er tildelt sagen.").

The apps that extend cases give their transitions' sentences in their registry entries. One
mapping for every page that runs an action (the action page, the edit page's send button),
so the same act reads the same way wherever it is taken. Dates as dd.mm.åååå.
"""

from __future__ import annotations

from collections.abc import Callable

from sagsbro.cases import registry
from sagsbro.cases.models import Case


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _date(value) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _assigned(title: str, person) -> str:
    name = _person(person)
    return f"{title} {name} er tildelt sagen." if name else f"{title} er tildelt sagen."


CONFIRMATIONS: dict[str, Callable[[Case], str]] = {
    "send": lambda c: f"Sagen er sendt til {c.region.name}.",
    "resend": lambda c: f"Sagen er sendt igen til {c.region.name} med de nye oplysninger.",
    "assign": lambda c: _assigned("Sundhedskoordinator", c.coordinator),
    "assign_specialist": lambda c: _assigned("Speciallæge", c.specialist),
    "return_for_information": lambda c: f"Sagen er returneret til {c.municipality.name}.",
    "withdraw": lambda c: f"Sagen er trukket tilbage, og {c.region.name} har fået besked.",
    "discard_draft": lambda c: "Kladden er slettet.",
    "answer": lambda c: (
        f"Det skriftlige svar er sendt til {c.municipality.name}. Svaret lægges på sagen som PDF."
    ),
    "close": lambda c: "Sagen er afsluttet.",
    "reassign": lambda c: (
        f"Sagen er flyttet til speciallæge {_person(c.specialist)}."
        if c.subtype == "klinisk_funktion"
        else f"Sagen er flyttet til sundhedskoordinator {_person(c.coordinator)}."
    ),
    "record_contact_time": lambda c: "Den aftalte tid for kontakten er registreret på sagen.",
}


def confirmation(name: str, case: Case, label: str = "") -> str:
    """The sentence shown after the action `name` on `case` (the case as it is afterwards):
    the registered transition's own (the apps that extend cases bring theirs), else this
    module's."""
    entry = registry.transitions.get(name)
    sentence = entry.confirmation if entry is not None and entry.confirmation else None
    sentence = sentence or CONFIRMATIONS.get(name)
    if sentence is not None:
        return sentence(case)
    return f"Handlingen »{label or name}« er udført."
