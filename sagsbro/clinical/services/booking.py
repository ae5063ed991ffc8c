"""Specialists, their specialties and consultation places, the calendar of consultation slots,
and inviting the citizen, which is booking a slot: the `invite` transition (with the 14-day
late notice and the caseworker's acceptance, EVAL table 8 step 2.2), the invitation letter as
PDF on the case, queued in the outbox to the citizen, and its copy to the caseworker."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.cases.events import record_event
from sagsbro.cases.models import Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.assignment import assignee_act
from sagsbro.cases.services.transitions import begin, finish, target_of
from sagsbro.clinical.models import (
    ConsultationPlace,
    ConsultationSlot,
    SpecialistProfile,
    Specialty,
)
from sagsbro.clinical.pdf.letters import INVITATION_TITLE, render_invitation_pdf
from sagsbro.clinical.rules.calendar import (
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    slot_day_problem,
    slot_end,
    slots_overlap,
)
from sagsbro.clinical.rules.invitation import late_appointment_problem, latest_notice_day
from sagsbro.clinical.services.citizen_letters import file_and_queue
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.services import blob_files_atomic
from sagsbro.messaging.models import OutgoingMessage
from sagsbro.organisations.models import Region, User
from sagsbro.organisations.roles import Role


def _require_secretariat(user: User) -> Region:
    if user.role != Role.SECRETARIAT or user.region is None:
        raise PermissionRefused(
            "role_not_allowed", "Kun klinisk funktions sekretariat kan planlægge konsultationer."
        )
    return user.region


def _invalid(code: str, field: str, message: str) -> ServiceError:
    return ServiceError(code, message, fields={field: [message]})


# --- specialists and places ------------------------------------------------------------------


def specialists_of(region_id: int | None) -> QuerySet[User]:
    if region_id is None:
        return User.objects.none()
    return (
        User.objects.filter(region_id=region_id, role=Role.CLINICAL_SPECIALIST, is_active=True)
        .prefetch_related("specialist_profile__specialties")
        .order_by("first_name", "last_name", "id")
    )


def specialists_for(region_id: int | None, specialty: Specialty | None = None) -> QuerySet[User]:
    """The region's specialists, those of the specialty when one is given (the referral's)."""
    people = specialists_of(region_id)
    if specialty is not None:
        people = people.filter(specialist_profile__specialties=specialty)
    return people


@transaction.atomic
def set_specialties(
    user: User, specialist: User, specialties: Sequence[Specialty], channel: str = "api"
) -> SpecialistProfile:
    region = _require_secretariat(user)
    if specialist.role != Role.CLINICAL_SPECIALIST or specialist.region_id != region.pk:
        raise _invalid("invalid_specialist", "specialist", "Speciallægen findes ikke i regionen.")
    profile, _ = SpecialistProfile.objects.get_or_create(user=specialist)
    profile.specialties.set(specialties)
    record(
        user,
        AuditEntry.Action.UPDATE,
        Subject("specialist_profile", profile.pk),
        detail=",".join(sorted(s.code for s in specialties)),
        channel=channel,
    )
    return profile


@transaction.atomic
def create_place(user: User, *, name: str, address: str, channel: str = "api") -> ConsultationPlace:
    region = _require_secretariat(user)
    name, address = (name or "").strip(), (address or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["Skriv stedets navn."]
    if not address:
        errors["address"] = ["Skriv stedets adresse."]
    if errors:
        raise ServiceError("invalid_place", "Stedet kunne ikke gemmes.", fields=errors)
    if ConsultationPlace.objects.filter(region=region, name=name).exists():
        raise _invalid("place_exists", "name", "Regionen har allerede et sted med det navn.")
    place = ConsultationPlace.objects.create(region=region, name=name, address=address)
    record(user, AuditEntry.Action.CREATE, Subject("consultation_place", place.pk), channel=channel)
    return place


# --- the calendar ----------------------------------------------------------------------------


def overlapping_slot(
    specialist_id: int,
    starts_at: datetime.datetime,
    minutes: int,
    *,
    exclude_pk: int | None = None,
    booked_only: bool = False,
) -> ConsultationSlot | None:
    """The specialist's slot that shares a moment with [starts_at, starts_at + minutes), if
    any (touching end to start is no overlap); with ``booked_only``, only a booked one. A slot
    is at most MAX_SLOT_MINUTES long, so only the slots starting that long before can reach
    into this one."""
    candidates = ConsultationSlot.objects.filter(
        specialist_id=specialist_id,
        starts_at__lt=slot_end(starts_at, minutes),
        starts_at__gt=starts_at - datetime.timedelta(minutes=MAX_SLOT_MINUTES),
    ).order_by("starts_at", "id")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    if booked_only:
        candidates = candidates.filter(case__isnull=False)
    return next(
        (
            other
            for other in candidates
            if slots_overlap(starts_at, minutes, other.starts_at, other.minutes)
        ),
        None,
    )


def _overlap_message(other: ConsultationSlot) -> str:
    start = timezone.localtime(other.starts_at)
    end = timezone.localtime(slot_end(other.starts_at, other.minutes))
    return (
        f"Speciallægen har allerede en tid {start:%d.%m.%Y} kl. {start:%H.%M}-{end:%H.%M}, "
        "som overlapper."
    )


@transaction.atomic
def create_slot(
    user: User,
    *,
    specialist: User | None,
    place: ConsultationPlace | None,
    starts_at: datetime.datetime,
    minutes: int = 60,
    channel: str = "api",
) -> ConsultationSlot:
    """A consultation time in a specialist's calendar (the region's own specialist and place),
    overlapping none of the specialist's other times."""
    region = _require_secretariat(user)
    if (
        specialist is None
        or specialist.role != Role.CLINICAL_SPECIALIST
        or specialist.region_id != region.pk
    ):
        raise _invalid("invalid_specialist", "specialist", "Vælg en speciallæge fra regionen.")
    if place is None or place.region_id != region.pk:
        raise _invalid("invalid_place", "place", "Vælg et konsultationssted i regionen.")
    if not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise _invalid(
            "invalid_minutes",
            "minutes",
            f"Varigheden skal være {MIN_SLOT_MINUTES} til {MAX_SLOT_MINUTES} minutter.",
        )
    if starts_at <= timezone.now():
        raise _invalid("slot_in_past", "starts_at", "Tiden skal ligge i fremtiden.")
    today = timezone.localdate()
    problem = slot_day_problem(timezone.localdate(starts_at), today, latest_notice_day(today))
    if problem:
        raise _invalid("slot_too_far_ahead", "starts_at", problem)
    # The specialist's row is the calendar's lock: two secretaries creating overlapping times
    # at once are taken one after the other, and the second finds the first's time
    # (PostgreSQL; SQLite's IMMEDIATE transactions are one writer at a time already).
    User.objects.select_for_update().filter(pk=specialist.pk).first()
    other = overlapping_slot(specialist.pk, starts_at, minutes)
    if other is not None:
        raise _invalid("slot_overlaps", "starts_at", _overlap_message(other))
    try:
        with transaction.atomic():
            slot = ConsultationSlot.objects.create(
                specialist=specialist, place=place, starts_at=starts_at, minutes=minutes
            )
    except IntegrityError:
        raise _invalid(
            "slot_exists", "starts_at", "Speciallægen har allerede en tid, der starter da."
        ) from None
    record(user, AuditEntry.Action.CREATE, Subject("consultation_slot", slot.pk), channel=channel)
    return slot


def slots_visible_to(user: User) -> QuerySet[ConsultationSlot]:
    """The region's calendar for its secretariat; a specialist sees their own slots."""
    role = getattr(user, "role", None)  # the schema generator asks as an anonymous user
    region_id = getattr(user, "region_id", None)
    if region_id is None:
        return ConsultationSlot.objects.none()
    if role == Role.SECRETARIAT:
        return ConsultationSlot.objects.filter(place__region_id=region_id)
    if role == Role.CLINICAL_SPECIALIST:
        return ConsultationSlot.objects.filter(specialist=user, place__region_id=region_id)
    return ConsultationSlot.objects.none()


def places_visible_to(user: User) -> QuerySet[ConsultationPlace]:
    region_id = getattr(user, "region_id", None)
    if region_id is not None and user.role in (Role.SECRETARIAT, Role.CLINICAL_SPECIALIST):
        return ConsultationPlace.objects.filter(region_id=region_id)
    return ConsultationPlace.objects.none()


#: How many free slots the invitation's choice offers at most (the next ones first).
FREE_SLOT_CHOICES = 50


def free_slots_for(case: Case) -> QuerySet[ConsultationSlot]:
    """The free coming slots of the case's specialist in the case's region, soonest first:
    what the citizen can be invited to (limited by the caller: never the whole calendar)."""
    if case.specialist_id is None:
        return ConsultationSlot.objects.none()
    return (
        ConsultationSlot.objects.filter(
            specialist_id=case.specialist_id,
            place__region_id=case.region_id,
            case__isnull=True,
            starts_at__gt=timezone.now(),
        )
        .select_related("place")
        .order_by("starts_at", "id")
    )


# --- inviting the citizen: booking a slot ----------------------------------------------------


def _check_bookable(user: User, case: Case, slot: ConsultationSlot) -> None:
    """The slot can take the case: a free coming time of the case's specialist in the case's
    region, overlapping none of the specialist's other booked times, and the case has none."""
    if slot.place.region_id != case.region_id:
        raise _invalid("invalid_slot", "slot", "Tiden findes ikke i regionens kalender.")
    if case.specialist_id is None:
        raise _invalid(
            "no_specialist", "case", "Tildel sagen en speciallæge, før borgeren indkaldes."
        )
    if slot.specialist_id != case.specialist_id:
        raise _invalid(
            "other_specialist", "slot", "Tiden hører til en anden speciallæge end sagens."
        )
    if user.role == Role.CLINICAL_SPECIALIST and slot.specialist_id != user.pk:
        raise PermissionRefused(
            "not_assignee", "En speciallæge kan kun indkalde til sine egne tider."
        )
    if slot.case_id is not None:
        raise _invalid("slot_taken", "slot", "Tiden er allerede booket.")
    if ConsultationSlot.objects.filter(case=case).exists():
        raise _invalid("case_booked", "case", "Sagen har allerede en konsultationstid.")
    if slot.starts_at <= timezone.now():
        raise _invalid("slot_in_past", "slot", "Tiden er allerede passeret.")
    # The specialist's row is the calendar's lock (as in create_slot): two bookings of
    # overlapping times at once are taken one after the other.
    User.objects.select_for_update().filter(pk=slot.specialist_id).first()
    other = overlapping_slot(
        slot.specialist_id, slot.starts_at, slot.minutes, exclude_pk=slot.pk, booked_only=True
    )
    if other is not None:
        raise _invalid("slot_overlaps", "slot", _overlap_message(other))


# One transaction; the letter's blob file is removed again if anything after it fails. The
# conflict check of BEK § 12 stk. 2 (assignee_act) runs first, outside it.
@assignee_act
@blob_files_atomic
def invite_citizen(
    user: User, case: Case, slot: ConsultationSlot | None, channel: str = "api"
) -> Case:
    """Invite the citizen to the slot, which books it (the `invite` transition): refused, and
    nothing booked, when the time lies more than 14 days after the request came and the
    caseworker has not been told of that day and accepted it (EVAL table 8 step 2.2). The
    invitation letter goes on the case as PDF and into the outbox to the citizen; the
    caseworker gets the copy (the letter on the case and its event). The secretariat, or the
    case's specialist for their own slot. No slot (None: the id named none) is refused after
    the transition's own rule."""
    case, transition = begin(user, case, "invite")
    if case.subtype != Subtype.KLINISK_FUNKTION:
        raise _invalid("invalid_case", "case", "Kun sager til klinisk funktion kan bookes her.")
    locked_slot = (
        ConsultationSlot.objects.select_for_update().filter(pk=slot.pk).first()
        if slot is not None and slot.pk is not None
        else None
    )
    if locked_slot is None:
        raise _invalid("invalid_slot", "slot", "Tiden findes ikke i regionens kalender.")
    slot = locked_slot
    _check_bookable(user, case, slot)
    appointment = timezone.localdate(slot.starts_at)
    problem = late_appointment_problem(
        timezone.localdate(case.received_at),
        appointment,
        notified_for=case.appointment_date if case.late_appointment_notified_at else None,
        accepted_for=case.appointment_date if case.late_appointment_accepted_at else None,
    )
    if problem is not None:
        raise ServiceError(problem.code, problem.message)

    slot.case = case
    slot.booked_by = user
    slot.booked_at = timezone.now()
    slot.save(update_fields=["case", "booked_by", "booked_at"])
    record(
        user,
        AuditEntry.Action.UPDATE,
        Subject("consultation_slot", slot.pk, case.pk, case.citizen_id),
        detail="booket",
        channel=channel,
    )
    from_state = case.state
    case.appointment_date = appointment
    case.state = target_of(transition)
    case = finish(
        user,
        case,
        transition,
        from_state,
        channel,
        data={"appointment_date": appointment.isoformat(), "slot": slot.pk},
        label=f"Borgeren indkaldt til {appointment:%d.%m.%Y}",
    )
    letter, message = file_and_queue(
        user,
        case,
        title=INVITATION_TITLE,
        filename=f"indkaldelse-{case.reference}-{slot.pk}.pdf",
        content=render_invitation_pdf(slot),
        purpose=OutgoingMessage.Purpose.CITIZEN_INVITATION,
        channel=channel,
    )
    record_event(
        case,
        user,
        EventKind.INVITATION_LETTER,
        f"Indkaldelse til {appointment:%d.%m.%Y} lagt i udbakken til borgeren; kopi til "
        "sagsbehandleren",
        data={
            "slot": slot.pk,
            "document": letter.pk,
            "message": message.pk,
            "caseworker": case.caseworker_id,
        },
    )
    return case


def book_slot(
    user: User, slot: ConsultationSlot, case: Case, channel: str = "api"
) -> ConsultationSlot:
    """Book the slot for the case: the same as inviting the citizen to it (`invite_citizen`,
    the `invite` transition); the booked slot back."""
    invite_citizen(user, case, slot, channel=channel)
    return ConsultationSlot.objects.select_related("specialist", "place", "case").get(pk=slot.pk)
