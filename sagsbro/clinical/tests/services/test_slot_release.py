"""A booked consultation time is freed when the case no longer needs it before the
consultation: withdrawn by the municipality, the specialist put back for a conflict of interest
(BEK § 12, stk. 2), or the case moved to another specialist. A held consultation keeps its
time. The change reaches the calendar through the cases app's change listeners."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services as case_services
from sagsbro.cases.access import may_withdraw_document
from sagsbro.cases.models import Case, CaseEvent
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.cases.services import transitions
from sagsbro.cases.services.assignment import register_treatment_relation
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.pdf.letters import CANCELLATION_TITLE
from sagsbro.clinical.services import booking
from sagsbro.clinical.services.slot_release import release_after_change
from sagsbro.clinical.tasks import build_cancellation_letter
from sagsbro.clinical.testing import hold_consultation_at_booked_time
from sagsbro.conftest import _user, assigned_case, document_text
from sagsbro.core.errors import ServiceError
from sagsbro.documents.models import Document
from sagsbro.messaging.channels import RecordingChannel
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.messaging.services import deliver_queued
from sagsbro.organisations.roles import Role

CANCELLATION_TASK = "sagsbro.clinical.tasks.build_cancellation_letter"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(days, hour=10, minute=30):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def place(side_a):
    return booking.create_place(side_a.secretariat, name="Klinik Syd", address="Sydvej 2, 2300")


def slot(side, place, days, specialist=None):
    return booking.create_slot(
        side.secretariat,
        specialist=specialist or side.specialist,
        place=place,
        starts_at=at(days),
        minutes=45,
    )


def booked(side, place, days=5):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    time = booking.book_slot(side.secretariat, slot(side, place, days), case)
    case.refresh_from_db()
    assert (case.state, ConsultationSlot.objects.get(pk=time.pk).case_id) == (
        State.INVITED,
        case.pk,
    )
    return case, time


def released_events(case):
    return list(
        CaseEvent.objects.filter(case=case, kind=EventKind.CONSULTATION_SLOT_RELEASED).values_list(
            "label", flat=True
        )
    )


def test_the_listener_is_registered():
    assert release_after_change in transitions._listeners


def test_withdrawal_before_the_consultation_frees_the_time(side_a, place):
    case, time = booked(side_a, place)
    starts = timezone.localtime(time.starts_at)
    case_services.withdraw_case(side_a.caseworker, case, "Borgeren er raskmeldt")

    time.refresh_from_db()
    assert (time.case_id, time.booked_by_id, time.booked_at) == (None, None, None)
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    # The withdrawn case keeps its date as history, shown as cancelled; the history names
    # the freed time.
    assert case.appointment_date == starts.date()
    page = Client()
    page.force_login(side_a.caseworker)
    assert (
        f"{starts:%d.%m.%Y} (aflyst, sagen er trukket tilbage)"
        in page.get(f"/sager/{case.pk}/").content.decode()
    )
    # The invitation had not gone out yet: it is cancelled, not sent.
    assert released_events(case) == [
        f"Konsultationstiden {starts:%d.%m.%Y} kl. 10.30 er frigivet. Indkaldelsen var endnu "
        "ikke sendt til borgeren og er annulleret"
    ]
    assert list(OutgoingMessage.objects.filter(case=case).values_list("purpose", "state")) == [
        (OutgoingMessage.Purpose.CITIZEN_INVITATION, OutgoingMessage.State.CANCELLED)
    ]
    entry = AuditEntry.objects.get(object_type="consultation_slot", detail="frigivet")
    assert (entry.user, entry.object_id, entry.case_id, entry.citizen_id) == (
        side_a.caseworker,
        str(time.pk),
        case.pk,
        case.citizen_id,
    )
    # The specialist's calendar shows the time free, and another case can be booked into it.
    assert booking.slots_visible_to(side_a.specialist).get(pk=time.pk).case_id is None
    other = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    booking.book_slot(side_a.secretariat, time, other)
    assert ConsultationSlot.objects.get(pk=time.pk).case_id == other.pk
    # Only the citizen who now has the time is sent an invitation to it.
    sent = deliver_queued(RecordingChannel())
    assert [message.case_id for message in sent] == [other.pk]


def test_an_invitation_already_sent_is_not_taken_back_and_a_cancellation_follows(
    side_a, place, worker
):
    """The citizen had the invitation: a task makes the cancellation letter on the case and
    queues it to the citizen; it names the time, not the reason, and no new time is promised
    on a withdrawn case."""
    case, time = booked(side_a, place)
    starts = timezone.localtime(time.starts_at)
    deliver_queued(RecordingChannel())
    case_services.withdraw_case(side_a.caseworker, case, "Borgeren er raskmeldt")
    assert released_events(case) == [
        f"Konsultationstiden {starts:%d.%m.%Y} kl. 10.30 er frigivet. Borgeren var indkaldt "
        "til tiden og får et brev om, at den er aflyst"
    ]
    assert DBTaskResult.objects.filter(task_path=CANCELLATION_TASK).count() == 1
    assert list(OutgoingMessage.objects.filter(case=case).values_list("state", flat=True)) == [
        OutgoingMessage.State.SENT
    ]

    worker()

    letter = Document.objects.get(case=case, title=CANCELLATION_TITLE)
    # Klinisk funktion's letter, in the name of the one who invited: the caseworker who
    # withdrew the case cannot take it back as their own.
    assert letter.uploaded_by == side_a.secretariat
    assert not may_withdraw_document(side_a.caseworker, letter)
    text = document_text(letter)
    assert f"{starts.day}. " in text and "kl. 10.30" in text and "Klinik Syd" in text
    assert "ikke længere brug for en speciallægevurdering" in text
    assert "raskmeldt" not in text and case.citizen.cpr not in text.replace("-", "")
    queued = OutgoingMessage.objects.get(case=case, state=OutgoingMessage.State.QUEUED)
    assert (queued.purpose, queued.recipient_kind, queued.document_id) == (
        OutgoingMessage.Purpose.CITIZEN_CANCELLATION,
        OutgoingMessage.Recipient.CITIZEN,
        letter.pk,
    )
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CANCELLATION_LETTER).count() == 1
    assert [m.pk for m in deliver_queued(RecordingChannel())] == [queued.pk]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CANCELLATION_SENT).count() == 1
    # Run again (a retried task): the same letter, nothing doubled.
    release = CaseEvent.objects.get(case=case, kind=EventKind.CONSULTATION_SLOT_RELEASED)
    again = build_cancellation_letter.call(release.pk, side_a.caseworker.pk)
    assert again == letter.pk
    assert Document.objects.filter(case=case, title=CANCELLATION_TITLE).count() == 1


def test_a_case_that_goes_on_is_promised_a_new_time(side_a, place, worker):
    case, time = booked(side_a, place)
    deliver_queued(RecordingChannel())
    # The specialist turns out to be the citizen's own doctor (BEK § 12, stk. 2): the case
    # goes back to the secretariat for another specialist.
    register_treatment_relation(side_a.secretariat, side_a.citizen, side_a.specialist, "treating")
    worker()
    text = document_text(Document.objects.get(case=case, title=CANCELLATION_TITLE))
    assert "Du får en ny indkaldelse med en ny tid." in text
    # The conflict of interest is not the citizen's letter's business.
    assert "egen læge" not in text.lower().replace("egen læge,", "")


def test_no_cancellation_letter_when_the_invitation_had_not_gone_out(side_a, place, worker):
    case, _time = booked(side_a, place)
    case_services.withdraw_case(side_a.caseworker, case, "Borgeren er raskmeldt")
    worker()
    assert not DBTaskResult.objects.filter(task_path=CANCELLATION_TASK).exists()
    assert not Document.objects.filter(case=case, title=CANCELLATION_TITLE).exists()


def test_put_back_for_conflict_frees_the_time_and_the_case_is_booked_again(side_a, place):
    case, time = booked(side_a, place)
    # The specialist turns out to be the citizen's own doctor (BEK § 12, stk. 2).
    register_treatment_relation(side_a.secretariat, side_a.citizen, side_a.specialist, "treating")

    case.refresh_from_db()
    assert (case.state, case.specialist_id, case.appointment_date) == (State.SENT, None, None)
    assert ConsultationSlot.objects.get(pk=time.pk).case_id is None
    assert len(released_events(case)) == 1
    assert (
        "Indkaldelsen var endnu ikke sendt til borgeren og er annulleret"
        in (released_events(case)[0])
    )

    # A new specialist is assigned and the case is booked again.
    other = _user("anna_specialist2", Role.CLINICAL_SPECIALIST, region=side_a.region)
    case = case_services.assign_specialist(side_a.secretariat, case, other)
    again = booking.book_slot(side_a.secretariat, slot(side_a, place, 6, other), case)
    case.refresh_from_db()
    assert case.state == State.INVITED
    assert case.appointment_date == timezone.localdate(again.starts_at)
    assert ConsultationSlot.objects.get(case=case).pk == again.pk
    # The first specialist's time is free for their other cases.
    assert ConsultationSlot.objects.get(pk=time.pk).case_id is None


def test_a_held_consultation_keeps_its_time(side_a, place):
    case, time = booked(side_a, place, days=1)
    # The consultation is held at the booked time.
    hold_consultation_at_booked_time(side_a.specialist, case)
    case_services.withdraw_case(side_a.caseworker, case, "Sagen er ikke længere aktuel")

    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    assert ConsultationSlot.objects.get(pk=time.pk).case_id == case.pk
    assert released_events(case) == []
    assert not AuditEntry.objects.filter(detail="frigivet").exists()


def test_moving_the_case_to_another_specialist_frees_the_time(side_a, place):
    """The listener looks at the case as it is after the change: a booked time of another
    specialist than the case's is freed, whatever the change was."""
    case, time = booked(side_a, place)
    other = _user("anna_specialist3", Role.CLINICAL_SPECIALIST, region=side_a.region)
    row = Case.objects.get(pk=case.pk)
    row.specialist = other
    row.save()
    release_after_change(
        transitions.CaseChange(side_a.secretariat, row, "reassign", State.INVITED, "web")
    )
    assert ConsultationSlot.objects.get(pk=time.pk).case_id is None
    row.refresh_from_db()
    assert row.appointment_date is None
    assert len(released_events(case)) == 1


def test_a_failing_listener_rolls_the_change_back(side_a, place, monkeypatch):
    """The listeners run inside the change's transaction: one that fails undoes the change."""
    case, time = booked(side_a, place)

    def broken(change):
        raise ServiceError("broken", "Fejl")

    monkeypatch.setattr(transitions, "_listeners", [*transitions._listeners, broken])
    with pytest.raises(ServiceError):
        case_services.withdraw_case(side_a.caseworker, case, "Fejl")
    assert Case.objects.get(pk=case.pk).state == State.INVITED
    assert ConsultationSlot.objects.get(pk=time.pk).case_id == case.pk
