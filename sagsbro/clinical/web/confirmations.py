"""What the pages say after one of the clinical app's actions succeeded (the case as it is
afterwards), and the warning the late time's acceptance page shows; given to the transition
registry with each entry. Dates as dd.mm.åååå."""

from __future__ import annotations

from sagsbro.cases.models import Case, Deadline
from sagsbro.cases.rules.deadlines import DeadlineKind
from sagsbro.clinical.rules.invitation import past_certificate_deadline_warning


def certificate_deadline_warning(case: Case) -> str | None:
    """The warning when the case's late time lies after the certificate's deadline 30 days
    after the request came (BEK § 23): another deadline is to be agreed in the case."""
    if case.appointment_date is None:
        return None
    due = (
        Deadline.objects.filter(case=case, kind=DeadlineKind.CERTIFICATE_AFTER_REQUEST)
        .values_list("due", flat=True)
        .first()
    )
    return past_certificate_deadline_warning(case.appointment_date, due)


def _with_warning(sentence: str, case: Case) -> str:
    warning = certificate_deadline_warning(case)
    return f"{sentence} {warning}" if warning else sentence


def late_notice(case: Case) -> str:
    who = str(case.caseworker) if case.caseworker else ""
    when = f" om tiden {case.appointment_date:%d.%m.%Y}" if case.appointment_date else ""
    return _with_warning(f"Sagsbehandler {who} er orienteret{when}.", case)


def late_accepted(case: Case) -> str:
    when = f" {case.appointment_date:%d.%m.%Y}" if case.appointment_date else ""
    return _with_warning(
        f"Du har accepteret tiden{when}. Klinisk funktion kan nu indkalde borgeren.", case
    )


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
