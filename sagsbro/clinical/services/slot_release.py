"""Freeing a booked consultation time the case no longer needs.

A slot booked for a case (the citizen invited to it) stays with the case until the
consultation is held. When, before that, the municipality withdraws the case, the specialist is
taken off it for a conflict of interest (BEK § 12, stk. 2; the case goes back to the
secretariat), the case is moved to another specialist, or the citizen did not come (the
no-show takes the case back to ASSIGNED, `no_show`), the time is freed: the specialist no
longer sees it as booked, another case can be booked into it, and a case that goes on can be
booked again. The case's history says which time was freed. An invitation still in the outbox
is cancelled; when it had gone out, a task (`clinical.tasks.build_cancellation_letter`,
queued in the change's transaction) makes the letter that tells the citizen the time is
cancelled and puts it in the outbox. After a no-show the history says that the citizen did not
come instead, and no letter is made.

The cases app knows nothing of the calendar; it calls :func:`release_after_change` through the
change listeners of `cases.services.transitions` (registered in `ClinicalConfig.ready`), inside
the transaction of the change.
"""

from __future__ import annotations

from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.services.transitions import CaseChange, on_case_change
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.tasks import build_cancellation_letter
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import cancel_queued

__all__ = ["register_slot_release", "release_after_change", "slot_no_longer_needed"]

# Booking a time is inviting the citizen to it (`booking.invite_citizen`): a case holds a
# booked time only while the citizen is invited. Any other state before the consultation means
# the case went back to the specialist (a no-show), the secretariat or the municipality, or
# ended.
_BOOKABLE_STATES = frozenset({State.INVITED})


def slot_no_longer_needed(case: Case, slot: ConsultationSlot) -> bool:
    """Whether the case's booked ``slot`` is to be freed: the consultation is not held yet,
    and the case is no longer waiting for it with the slot's specialist."""
    if case.consultation_date is not None or case.state == State.CONSULTATION_HELD:
        return False  # held: the time is the case's history
    return case.state not in _BOOKABLE_STATES or case.specialist_id != slot.specialist_id


def release_after_change(change: CaseChange) -> None:
    """Free the case's booked consultation time when it is no longer needed (see the module)."""
    case = change.case
    if case.subtype != Subtype.KLINISK_FUNKTION:
        return
    slot = (
        ConsultationSlot.objects.select_for_update()
        .select_related("place")
        .filter(case_id=case.pk)
        .first()
    )
    if slot is None or not slot_no_longer_needed(case, slot):
        return
    starts = timezone.localtime(slot.starts_at)
    slot.case = None
    slot.booked_by = None
    slot.booked_at = None
    slot.save(update_fields=["case", "booked_by", "booked_at"])
    if case.state not in (State.WITHDRAWN, State.CLOSED) and case.appointment_date is not None:
        # The case goes on without a time: a new one is booked (and the late notice given
        # anew when needed); a withdrawn case keeps the date as its history.
        case.appointment_date = None
        case.save(update_fields=["appointment_date", "updated_at"])
    # An invitation still in the outbox is not sent: the time may go to another citizen.
    unsent = cancel_queued(
        change.user,
        case,
        purpose=OutgoingMessage.Purpose.CITIZEN_INVITATION,
        channel=change.channel,
    )
    label = f"Konsultationstiden {starts:%d.%m.%Y} kl. {starts:%H.%M} er frigivet"
    invited = change.from_state == State.INVITED
    no_show = change.name == EventKind.RECORD_NO_SHOW
    if no_show:
        label += ". Borgeren udeblev fra tiden"
    elif unsent:
        label += ". Indkaldelsen var endnu ikke sendt til borgeren og er annulleret"
    elif invited:
        label += ". Borgeren var indkaldt til tiden og får et brev om, at den er aflyst"
    event = record_event(
        case,
        change.user,
        EventKind.CONSULTATION_SLOT_RELEASED,
        label,
        data={
            "slot": slot.pk,
            "starts_at": starts.isoformat(),
            "specialist": slot.specialist_id,
            "because": change.name,
            "citizen_invited": invited,
            "no_show": no_show,
            "invitation_cancelled": [message.pk for message in unsent],
        },
    )
    if invited and not no_show and not unsent:
        # The letter is klinisk funktion's, as the invitation was: made in the name of the
        # one who sent the invitation, whoever freed the time (a caseworker withdrawing the
        # case must not hold the region's letter as their own document).
        sender = (
            OutgoingMessage.objects.filter(
                case=case,
                purpose=OutgoingMessage.Purpose.CITIZEN_INVITATION,
                state=OutgoingMessage.State.SENT,
            )
            .order_by("-id")
            .values_list("created_by_id", flat=True)
            .first()
        )
        build_cancellation_letter.enqueue(event.pk, sender or change.user.pk)
    record(
        change.user,
        AuditEntry.Action.UPDATE,
        Subject("consultation_slot", slot.pk, case.pk, case.citizen_id),
        detail="frigivet",
        channel=change.channel,
    )


def register_slot_release() -> None:
    on_case_change(release_after_change)
