"""What the pages say after one of the clinical app's actions succeeded (the case as it is
afterwards); given to the transition registry with each entry. Dates as dd.mm.åååå."""

from __future__ import annotations

from sagsbro.cases.models import Case


def late_notice(case: Case) -> str:
    who = str(case.caseworker) if case.caseworker else ""
    when = f" om tiden {case.appointment_date:%d.%m.%Y}" if case.appointment_date else ""
    return f"Sagsbehandler {who} er orienteret{when}."


def invited(case: Case) -> str:
    if case.appointment_date:
        return f"Borgeren er indkaldt til konsultation {case.appointment_date:%d.%m.%Y}."
    return "Borgeren er indkaldt til konsultation."


def consultation_held(case: Case) -> str:
    return "Konsultationen er registreret som afholdt."


def certificate_delivered(case: Case) -> str:
    return (
        f"Speciallægeattesten er sendt til {case.municipality.name} og i kopi til borgerens "
        "egen læge."
    )
