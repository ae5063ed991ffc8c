"""What the pages say after one of the clinical app's actions succeeded (the case as it is
afterwards); given to the transition registry with each entry. Dates as dd.mm.åååå."""

from __future__ import annotations

from sagsbro.cases.models import Case


def late_notice(case: Case) -> str:
    who = str(case.caseworker) if case.caseworker else ""
    when = f" om tiden {case.appointment_date:%d.%m.%Y}" if case.appointment_date else ""
    return f"Sagsbehandler {who} er orienteret{when}."


def late_accepted(case: Case) -> str:
    when = f" {case.appointment_date:%d.%m.%Y}" if case.appointment_date else ""
    return f"Du har accepteret tiden{when}. Klinisk funktion kan nu indkalde borgeren."


def invited(case: Case) -> str:
    if case.appointment_date:
        return (
            f"Borgeren er indkaldt til konsultation {case.appointment_date:%d.%m.%Y}. "
            "Indkaldelsen ligger på sagen, og sagsbehandleren har fået en kopi."
        )
    return "Borgeren er indkaldt til konsultation."


def no_show_recorded(case: Case) -> str:
    return (
        "Udeblivelsen er registreret, og tiden er frigivet. Sagsbehandleren kan se det i "
        "sagens historik. Borgeren kan indkaldes til en ny tid."
    )


def consultation_held(case: Case) -> str:
    return "Konsultationen er registreret som afholdt."


def certificate_delivered(case: Case) -> str:
    if case.citizen.general_practitioner_id is None:
        return (
            f"Speciallægeattesten er sendt til {case.municipality.name}. Borgeren har ingen "
            "egen læge registreret, så der er ikke sendt en kopi."
        )
    return (
        f"Speciallægeattesten er sendt til {case.municipality.name} og i kopi til borgerens "
        "egen læge."
    )
