"""The clinical app's writes: klinisk funktion's late appointment notice and the caseworker's
acceptance, the invitation (booking a slot), the citizen's no-show, the consultation and the
specialist's certificate (BEK §§ 13-15). Each is one transaction through the cases app's
transition plumbing. The names are re-exported here."""

from sagsbro.clinical.rules.invitation import LATE_APPOINTMENT_DAYS
from sagsbro.clinical.services.booking import invite_citizen
from sagsbro.clinical.services.certificate import deliver_certificate
from sagsbro.clinical.services.clinical import (
    accept_late_appointment,
    hold_consultation,
    notify_late_appointment,
)
from sagsbro.clinical.services.no_show import record_no_show

__all__ = [
    "LATE_APPOINTMENT_DAYS",
    "accept_late_appointment",
    "deliver_certificate",
    "hold_consultation",
    "invite_citizen",
    "notify_late_appointment",
    "record_no_show",
]
