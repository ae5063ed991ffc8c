"""What the pages say after a case action succeeded: one Danish sentence per action, with the
person or organisation filled in ("Sundhedskoordinator Karen Mikkelsen er tildelt sagen.").

One mapping for every page that runs an action (the action page, the edit page's send button),
so the same act reads the same way wherever it is taken. Dates as dd.mm.åååå.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _postponed(case: Case) -> str:
    if case.meeting_date:
        return (
            f"Mødet er flyttet til {_date(case.meeting_date)}, og sagens frister er beregnet igen."
        )
    return "Mødet er udsat, og sagens frister er beregnet igen."


def _invited(case: Case) -> str:
    if case.appointment_date:
        return f"Borgeren er indkaldt til konsultation {_date(case.appointment_date)}."
    return "Borgeren er indkaldt til konsultation."


def _late_notice(case: Case) -> str:
    who = _person(case.caseworker)
    when = f" om tiden {_date(case.appointment_date)}" if case.appointment_date else ""
    return f"Sagsbehandler {who} er orienteret{when}."


def _reopened(case: Case) -> str:
    meeting = f" til mødet {_date(case.meeting_date)}" if case.meeting_date else ""
    return f"Genforelæggelsessagen {case.reference} er oprettet{meeting}."


CONFIRMATIONS: dict[str, Callable[[Case], str]] = {
    "send": lambda c: f"Sagen er sendt til {c.region.name}.",
    "resend": lambda c: f"Sagen er sendt igen til {c.region.name} med de nye oplysninger.",
    "assign": lambda c: _assigned("Sundhedskoordinator", c.coordinator),
    "assign_specialist": lambda c: _assigned("Speciallæge", c.specialist),
    "return_for_information": lambda c: f"Sagen er returneret til {c.municipality.name}.",
    "withdraw": lambda c: f"Sagen er trukket tilbage, og {c.region.name} har fået besked.",
    "discard_draft": lambda c: "Kladden er slettet.",
    "postpone": _postponed,
    "screen": lambda c: (
        f"Screeningstilbagemeldingen er sendt til sagsbehandler {_person(c.caseworker)}."
    ),
    "hold_meeting": lambda c: "Mødet er registreret som afholdt.",
    "send_indstilling": lambda c: "Indstillingen er sendt til borgeren og til borgerens egen læge.",
    "answer": lambda c: (
        f"Det skriftlige svar er sendt til {c.municipality.name}. Svaret lægges på sagen som PDF."
    ),
    "close": lambda c: "Sagen er afsluttet.",
    "notify_late_appointment": _late_notice,
    "invite": _invited,
    "hold_consultation": lambda c: "Konsultationen er registreret som afholdt.",
    "deliver_certificate": lambda c: (
        f"Speciallægeattesten er sendt til {c.municipality.name} og i kopi til borgerens egen læge."
    ),
    "reassign": lambda c: (
        f"Sagen er flyttet til speciallæge {_person(c.specialist)}."
        if c.subtype == "klinisk_funktion"
        else f"Sagen er flyttet til sundhedskoordinator {_person(c.coordinator)}."
    ),
    "record_contact_time": lambda c: "Den aftalte tid for kontakten er registreret på sagen.",
    "reopen_as_genforelaeggelse": _reopened,
}


def confirmation(name: str, case: Case, label: str = "") -> str:
    """The sentence shown after the action `name` on `case` (the case as it is afterwards)."""
    sentence = CONFIRMATIONS.get(name)
    if sentence is not None:
        return sentence(case)
    return f"Handlingen »{label or name}« er udført."
