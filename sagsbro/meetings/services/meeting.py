"""The rehabiliteringsteam meeting: postponing it, the coordinator's screening, holding the
meeting, sending the indstilling, and reopening a case as a genforelæggelse."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sagsbro.cases.events import record_event
from sagsbro.cases.models import Advice, Case
from sagsbro.cases.rules import meetings as meeting_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services import common
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.common import (
    require_meeting_day,
    require_text,
    share_with_gp,
)
from sagsbro.cases.services.drafting import create_case
from sagsbro.cases.services.transitions import begin, finish, move, target_of
from sagsbro.core.errors import ServiceError
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import blob_files_atomic
from sagsbro.meetings.models import Booking
from sagsbro.meetings.services.booking import sync_booking_to_date
from sagsbro.organisations.models import User


@transaction.atomic
def postpone_meeting(
    user: User, case: Case, new_date: date | None, reason: str = "", channel: str = "api"
) -> Case:
    case, transition = begin(user, case, "postpone")
    if new_date is None:
        raise ServiceError(
            "required",
            "Angiv den nye mødedato.",
            fields={"meeting_date": ["Angiv den nye mødedato."]},
        )
    if new_date < common.local_today():
        message = "Mødedatoen er passeret. Vælg et møde i dag eller senere."
        raise ServiceError("deadline_passed", message, fields={"meeting_date": [message]})
    require_meeting_day(new_date)
    if case.meeting_date == new_date:
        raise ServiceError(
            "unchanged",
            "Den nye mødedato er den samme som den gamle.",
            fields={"meeting_date": ["Vælg en anden dato end den nuværende."]},
        )
    old = case.meeting_date
    # With a meeting day on the new date the case's booking moves onto it (every booking
    # rule checked); a municipality without meeting days in the system keeps the date only.
    sync_booking_to_date(user, case, new_date)
    case.meeting_date = new_date
    return finish(
        user,
        case,
        transition,
        case.state,
        channel,
        comment=reason,
        data={"from": old.isoformat() if old else None, "to": new_date.isoformat()},
        label=f"Udsat til møde {new_date:%d.%m.%Y}",
    )


@assignee_act
@transaction.atomic
def record_screening(
    user: User,
    case: Case,
    *,
    text: str,
    medically_clarified: bool | None,
    treatment_exhausted: bool | None,
    channel: str = "api",
) -> Case:
    require_text(text, "text", "Skriv screeningstilbagemeldingen.")
    case = move(user, case, "screen", channel)
    Advice.objects.create(
        case=case,
        author=user,
        kind=Advice.Kind.SCREENING,
        text=text,
        medically_clarified=medically_clarified,
        treatment_exhausted=treatment_exhausted,
    )
    # The same act gives the screening of the case's booking on the agenda.
    mark_booking_screened(case, medically_clarified, text)
    return case


def mark_booking_screened(case: Case, clarified: bool | None, text: str) -> Booking | None:
    """Record the screening on the case's active booking, in the caller's transaction:
    "tilstrækkeligt belyst" when clarified, "anbefaler udsættelse" with the reason when not
    (None: no verdict, the booking is left as it is). None when the case is not booked."""
    if clarified is None:
        return None
    booking = Booking.objects.filter(case=case, state=Booking.State.BOOKED).first()
    if booking is None:
        return None
    booking.screening = Booking.Screening.CLARIFIED if clarified else Booking.Screening.POSTPONE
    booking.screening_reason = "" if clarified else text.strip()
    booking.screened_at = timezone.now()
    booking.save(update_fields=["screening", "screening_reason", "screened_at"])
    return booking


@transaction.atomic
def hold_meeting(user: User, case: Case, channel: str = "api") -> Case:
    case, transition = begin(user, case, "hold_meeting")
    if case.coordinator_id is None:
        raise ServiceError(
            "coordinator_missing",
            "Mødet kan ikke holdes uden sundhedskoordinator (evalueringen, afsnit om mødet).",
        )
    if meeting_rules.meeting_held_too_early(case.meeting_date, common.local_today()):
        raise ServiceError(
            "meeting_not_reached",
            f"Mødet kan ikke registreres som holdt før mødedatoen {case.meeting_date:%d.%m.%Y}.",
        )
    from_state = case.state
    case.state = target_of(transition)
    return finish(user, case, transition, from_state, channel)


@transaction.atomic
def send_indstilling(user: User, case: Case, channel: str = "api") -> Case:
    """After the meeting the indstilling goes to the citizen and the GP (EVAL table 8 step 4)."""
    case, transition = begin(user, case, "send_indstilling")
    # This meeting's indstilling: one attached after the case was (last) sent to the region.
    # An earlier indstilling (carried over to a genforelæggelse, or sent along as background
    # material) is not the one to send.
    sent_at = (
        case.events.filter(kind__in=(EventKind.SEND, EventKind.RESEND))
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    indstilling = (
        # The team's indstilling is the municipality's document: one a region user (or anyone
        # outside the case's municipality) attached, or one carried over, is not sent.
        case.documents.filter(
            category=Category.INDSTILLING,
            uploaded_at__gte=sent_at,
            uploaded_by__municipality_id=case.municipality_id,
            carried_over_from__isnull=True,
        )
        .order_by("uploaded_at", "id")
        .last()
        if sent_at
        else None
    )
    if indstilling is None:
        raise ServiceError(
            "attachment_missing",
            "Vedhæft rehabiliteringsteamets indstilling, før den sendes.",
            missing=[{"key": "attachment:indstilling", "label": "Indstilling"}],
        )
    from_state = case.state
    case.state = target_of(transition)
    finish(user, case, transition, from_state, channel)
    share_with_gp(case, indstilling, "Indstilling efter rehabiliteringsteammøde")
    return case


# Removes the advice's text blobs again if the reopening fails.
@blob_files_atomic
def reopen_as_genforelaeggelse(
    user: User, case: Case, meeting_date: date | None, channel: str = "api"
) -> Case:
    """The earlier case comes back to the team with its documents and the coordinator's
    advice (procedure Genforelæggelse)."""
    original, transition = begin(user, case, "reopen_as_genforelaeggelse")
    # create_case checks the procedure's rules (ressourceforløb, closed, created in time).
    new = create_case(
        user,
        subtype=Subtype.GENFORELAEGGELSE,
        citizen=original.citizen,
        parent=original,
        channel=channel,
        purpose=original.purpose,
        meeting_date=meeting_date,
    )
    # A withdrawn document stays withdrawn: it is not carried over to the new case.
    for document in original.documents.filter(withdrawn_at__isnull=True).select_related("blob"):
        Document.objects.create(
            case=new,
            category=document.category,
            title=document.title,
            filename=document.filename,
            content_type=document.content_type,
            blob=document.blob,
            # What the documents app knows of the file and its reading copy comes along.
            pages=document.pages,
            document_date=document.document_date,
            author_organisation=document.author_organisation,
            rendition_id=document.rendition_id,
            conversion_status=document.conversion_status,
            conversion_error=document.conversion_error,
            text_sha256=document.text_sha256,
            thumbnail_id=document.thumbnail_id,
            uploaded_by=document.uploaded_by,
            carried_over_from=document,
        )
    for advice in original.advice.all():
        Document.objects.create(
            case=new,
            category=Category.COORDINATOR_ADVICE,
            title=f"Sundhedskoordinators {advice.get_kind_display().lower()} "
            f"({advice.created_at:%d.%m.%Y})",
            filename=f"raadgivning-{advice.pk}.txt",
            content_type="text/plain",
            blob=_text_blob(advice.text),
            document_date=timezone.localdate(advice.created_at),
            author_organisation=advice.author.organisation_name,
            uploaded_by=advice.author,
        )
    finish(
        user,
        original,
        transition,
        original.state,
        channel,
        data={"new_case": new.pk},
        label=f"Genoptaget som genforelæggelse {new.reference}",
    )
    record_event(
        new,
        user,
        EventKind.CARRIED_OVER,
        f"Dokumenter og rådgivning overført fra {original.reference}",
    )
    return new


def _text_blob(text: str) -> Blob:
    from sagsbro.documents.services import store_blob

    return store_blob(text.encode())
