"""Background work of klinisk funktion, run by `manage.py db_worker`: the letter that cancels
a consultation the citizen had been sent an invitation to, made after the time was freed
(`services.slot_release`) and put in the outbox to the citizen. It runs once per freed time:
a retried run finds the event of the first and returns the same document."""

from __future__ import annotations

import datetime

from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.pdf.letters import CANCELLATION_TITLE, render_cancellation_pdf
from sagsbro.clinical.services.citizen_letters import file_and_queue
from sagsbro.core.tasks import retrying_task
from sagsbro.documents.services import blob_files_block
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.organisations.models import User

CANCELLATION_LABEL = "Brev om aflysning af konsultationen lagt i udbakken til borgeren"


@retrying_task()
def build_cancellation_letter(release_event_id: int, user_id: int) -> int:
    """Make the cancellation letter for the freed time that the release event names, attach
    it to the case and queue it to the citizen; return the document's id."""
    with blob_files_block():
        release = CaseEvent.objects.get(pk=release_event_id)
        # The case's row is the lock: a retried or doubled run waits and finds the first.
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("citizen", "municipality", "region", "caseworker")
            .get(pk=release.case_id)
        )
        done = CaseEvent.objects.filter(
            case=case, kind=EventKind.CANCELLATION_LETTER, data__release_event=release.pk
        ).first()
        if done is not None:
            return int(done.data["document"])
        user = User.objects.get(pk=user_id)
        slot = ConsultationSlot.objects.select_related("place").get(pk=release.data["slot"])
        starts_at = datetime.datetime.fromisoformat(release.data["starts_at"])
        letter, message = file_and_queue(
            user,
            case,
            title=CANCELLATION_TITLE,
            filename=f"aflysning-{case.reference}-{slot.pk}.pdf",
            content=render_cancellation_pdf(
                case,
                slot,
                starts_at,
                case_goes_on=case.state not in (State.WITHDRAWN, State.CLOSED),
            ),
            purpose=OutgoingMessage.Purpose.CITIZEN_CANCELLATION,
            channel="task",
        )
        record_event(
            case,
            user,
            EventKind.CANCELLATION_LETTER,
            CANCELLATION_LABEL,
            from_state=case.state,
            data={
                "release_event": release.pk,
                "document": letter.pk,
                "message": message.pk,
                "caseworker": case.caseworker_id,
            },
        )
        return letter.pk
