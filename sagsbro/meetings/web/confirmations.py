"""What the pages say after one of the meetings app's actions succeeded (the case as it is
afterwards); given to the transition registry with each entry. Dates as dd.mm.åååå."""

from __future__ import annotations

from sagsbro.cases.models import Case


def postponed(case: Case) -> str:
    if case.meeting_date:
        return (
            f"Mødet er flyttet til {case.meeting_date:%d.%m.%Y}, og sagens frister er "
            "beregnet igen."
        )
    return "Mødet er udsat, og sagens frister er beregnet igen."


def screened(case: Case) -> str:
    who = str(case.caseworker) if case.caseworker else ""
    return f"Screeningstilbagemeldingen er sendt til sagsbehandler {who}."


def meeting_held(case: Case) -> str:
    return "Mødet er registreret som afholdt."


def indstilling_sent(case: Case) -> str:
    return "Indstillingen er sendt til borgeren og til borgerens egen læge."


def reopened(case: Case) -> str:
    meeting = f" til mødet {case.meeting_date:%d.%m.%Y}" if case.meeting_date else ""
    return f"Genforelæggelsessagen {case.reference} er oprettet{meeting}."
