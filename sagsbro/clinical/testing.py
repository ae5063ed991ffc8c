"""Steps of a klinisk-funktion case as the tests and the demo data take them, through the
services (so every rule, event and audit entry is the real one). Not test code itself: the
demo data builds on it too."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.clinical.models import Certificate, ConsultationPlace, ConsultationSlot
from sagsbro.clinical.services import booking
from sagsbro.clinical.services import certificate as certificates
from sagsbro.clinical.services import clinical as consultations
from sagsbro.organisations.models import User

# --- the specialist's certificate -----------------------------------------------------------

#: The sections of a complete LÆ 275 (BEK § 14 stk. 1), as a test or the demo writes them.
CERTIFICATE_SECTIONS = {
    "functional_capacity": "Kan stå og gå i 20 minutter ad gangen og løfte op til 5 kg.",
    "health": "Slidgigt i højre knæ; objektivt nedsat bøjning til 90 grader.",
    "citizen_view": "Borgeren oplever, at knæet hindrer stående arbejde.",
    "doctor_view": "Stillesiddende arbejde er muligt i 25 timer om ugen.",
    "other_factors": "",
}
OVERALL_ASSESSMENT = (
    "Samlet vurdering: borgeren kan arbejde 25 timer om ugen med skånehensyn til knæet."
)


def sign_complete_certificate(
    specialist: User, case: Case, *, channel: str = "api", **sections: Any
) -> Certificate:
    """Draft and sign a complete certificate for a case whose consultation is held, as the
    assigned specialist: the sections of :data:`CERTIFICATE_SECTIONS` (``sections`` override
    them), and the overall assessment when BEK § 14 stk. 3-4 requires one."""

    draft = certificates.create_certificate(
        specialist, case, channel=channel, **{**CERTIFICATE_SECTIONS, **sections}
    )
    if "is_overall" not in sections and "is_overall" in certificates.problems_of(draft):
        draft = certificates.update_certificate(
            specialist,
            case,
            draft,
            channel=channel,
            is_overall=True,
            overall_assessment=OVERALL_ASSESSMENT,
        )
    return certificates.sign_certificate(specialist, case, draft, channel=channel)


def deliver_complete_certificate(
    specialist: User, case: Case, *, channel: str = "api", no_gp_reason: str = ""
) -> Case:
    """Sign a complete certificate (:func:`sign_complete_certificate`) and deliver it: the
    case's LÆ 275 to the municipality with the GP's copy (BEK § 15 stk. 2)."""

    sign_complete_certificate(specialist, case, channel=channel)
    return certificates.deliver_certificate(specialist, case, channel, no_gp_reason=no_gp_reason)


# --- inviting the citizen: a slot in the specialist's calendar, booked -----------------------

#: The consultation place the helpers below put their slots at (one per region).
PLACE_NAME = "Klinisk funktion, konsultation"


def _starts(day: datetime.date) -> list[tuple[datetime.datetime, int]]:
    """Candidate (start, minutes) for a slot on `day`: today late in the evening (still to
    come, so the consultation can be recorded as held today), another day from 10.00."""
    if day == timezone.localdate():
        last = datetime.datetime.combine(day, datetime.time(23, 59))
        return [(timezone.make_aware(last - datetime.timedelta(minutes=k)), 1) for k in range(60)]
    first = datetime.datetime.combine(day, datetime.time(10))
    return [(timezone.make_aware(first + datetime.timedelta(hours=k)), 60) for k in range(12)]


def free_slot_for(case: Case, *, on: datetime.date | None = None) -> ConsultationSlot:
    """A free slot of the case's assigned specialist on `on` (today by default), at the
    region's consultation place, overlapping none of the specialist's other slots. Made
    directly in the calendar (a slot later today cannot always be made through
    `booking.create_slot`, which refuses a time that has passed and needs the secretariat);
    a day that has passed is refused: the citizen is never invited to it."""
    case = Case.objects.select_related("region").get(pk=case.pk)
    day = on or timezone.localdate()
    if day < timezone.localdate():
        raise ValueError("A consultation is booked for today or a later day.")
    if case.specialist_id is None:
        raise ValueError("The case has no assigned specialist to book a slot with.")
    # The region's first consultation place (the demo's clinic), else one made for it.
    place = ConsultationPlace.objects.filter(region=case.region).order_by("pk").first()
    if place is None:
        place = ConsultationPlace.objects.create(
            region=case.region, name=PLACE_NAME, address="Konsultationsvej 1"
        )
    for starts_at, minutes in _starts(day):
        if starts_at <= timezone.now():
            continue
        if booking.overlapping_slot(case.specialist_id, starts_at, minutes) is None:
            return ConsultationSlot.objects.create(
                specialist_id=case.specialist_id, place=place, starts_at=starts_at, minutes=minutes
            )
    raise ValueError("The specialist's calendar has no free time left on that day.")


def book_consultation(
    user: User, case: Case, *, on: datetime.date | None = None, channel: str = "api"
) -> Case:
    """Invite the citizen to a consultation on `on` (today by default) through the service:
    a free slot of the case's specialist (:func:`free_slot_for`), booked, with the letter and
    its outbox message. A late day needs the caseworker's notice and acceptance first, as
    always."""
    return booking.invite_citizen(user, case, free_slot_for(case, on=on), channel=channel)


def booked_time_passed(case: Case, *, minutes: int = 1) -> ConsultationSlot:
    """Let the case's booked time pass: its slot starts `minutes` before now (the appointment
    day with it), as the calendar is after the time the citizen was invited to. For recording
    what happened at the consultation (held, or a no-show) without waiting for it. When
    another of the specialist's times is there already, the slot goes earlier, so the
    calendar never has two at once."""
    slot = ConsultationSlot.objects.get(case_id=case.pk)
    starts = timezone.now() - datetime.timedelta(minutes=minutes)
    length = datetime.timedelta(minutes=slot.minutes)
    while booking.overlapping_slot(slot.specialist_id, starts, slot.minutes, exclude_pk=slot.pk):
        starts -= length
    slot.starts_at = starts
    slot.save(update_fields=["starts_at"])
    Case.objects.filter(pk=case.pk).update(appointment_date=timezone.localdate(slot.starts_at))
    return slot


def hold_consultation_at_booked_time(
    specialist: User,
    case: Case,
    consultation_date: datetime.date | None = None,
    *,
    channel: str = "api",
) -> Case:
    """Record the consultation as held (`clinical.hold_consultation`) once its booked time
    has begun: a time still to come is let pass first (:func:`booked_time_passed`), as the
    service refuses a consultation recorded before its time."""
    slot = ConsultationSlot.objects.filter(case_id=case.pk).first()
    if slot is not None and slot.starts_at > timezone.now():
        booked_time_passed(case)
    return consultations.hold_consultation(specialist, case, consultation_date, channel)
