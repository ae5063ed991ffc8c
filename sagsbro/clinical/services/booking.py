"""Specialists, their specialties and consultation places, the calendar of consultation slots,
and booking a slot: the invitation of the citizen (the `invite` transition, with its 14-day
late notice kept), the invitation letter as PDF on the case and its copy to the caseworker."""

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
from sagsbro.cases.rules import conflict as conflict_rules
from sagsbro.cases.rules.events import EventKind
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.assignment import doctor_ref, treatment_relations
from sagsbro.cases.services.common import locked
from sagsbro.clinical.models import (
    ConsultationPlace,
    ConsultationSlot,
    SpecialistProfile,
    Specialty,
)
from sagsbro.clinical.pdf.letters import INVITATION_TITLE, render_invitation_pdf
from sagsbro.clinical.services.clinical import invite_citizen
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.documents.rules import Category
from sagsbro.documents.services import attach_document, blob_files_atomic
from sagsbro.organisations.models import Region, User
from sagsbro.organisations.roles import Role

MAX_SLOT_MINUTES = 480


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


def specialists_for_case(case: Case, specialty: Specialty | None) -> list[tuple[User, bool]]:
    """The specialists the secretariat may pick for the case, each with whether BEK § 12
    stk. 2 bars them (they are or were the citizen's doctor)."""
    relations = treatment_relations(case.citizen)
    return [
        (person, conflict_rules.find_conflict(doctor_ref(person), relations) is not None)
        for person in specialists_for(case.region_id, specialty)
    ]


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
    """A consultation time in a specialist's calendar (the region's own specialist and place)."""
    region = _require_secretariat(user)
    if (
        specialist is None
        or specialist.role != Role.CLINICAL_SPECIALIST
        or specialist.region_id != region.pk
    ):
        raise _invalid("invalid_specialist", "specialist", "Vælg en speciallæge fra regionen.")
    if place is None or place.region_id != region.pk:
        raise _invalid("invalid_place", "place", "Vælg et konsultationssted i regionen.")
    if not 5 <= minutes <= MAX_SLOT_MINUTES:
        raise _invalid(
            "invalid_minutes", "minutes", f"Varigheden skal være 5 til {MAX_SLOT_MINUTES} minutter."
        )
    if starts_at <= timezone.now():
        raise _invalid("slot_in_past", "starts_at", "Tiden skal ligge i fremtiden.")
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


# --- booking ---------------------------------------------------------------------------------


# One transaction; the letter's blob file is removed again if anything after it fails.
@blob_files_atomic
def book_slot(
    user: User, slot: ConsultationSlot, case: Case, channel: str = "api"
) -> ConsultationSlot:
    """Book the slot for the case: the citizen is invited through the `invite` transition
    (refused, and nothing booked, when the time lies more than 14 days after the request came
    and the caseworker has not been told of that time first), the invitation letter goes on the
    case as PDF, and the caseworker gets the copy (the letter on the case and its event)."""
    _require_secretariat(user)
    slot = ConsultationSlot.objects.select_for_update().get(pk=slot.pk)
    case = locked(case)
    if slot.place.region_id != user.region_id or case.region_id != user.region_id:
        raise ServiceError("not_found", "Tiden findes ikke.", status=404)
    if case.subtype != Subtype.KLINISK_FUNKTION:
        raise _invalid("invalid_case", "case", "Kun sager til klinisk funktion kan bookes her.")
    if slot.case_id is not None:
        raise _invalid("slot_taken", "slot", "Tiden er allerede booket.")
    if ConsultationSlot.objects.filter(case=case).exists():
        raise _invalid("case_booked", "case", "Sagen har allerede en konsultationstid.")
    if case.specialist_id is None:
        raise _invalid(
            "no_specialist", "case", "Tildel sagen en speciallæge, før der bookes en tid."
        )
    if slot.specialist_id != case.specialist_id:
        raise _invalid(
            "other_specialist", "slot", "Tiden hører til en anden speciallæge end sagens."
        )
    if slot.starts_at <= timezone.now():
        raise _invalid("slot_in_past", "slot", "Tiden er allerede passeret.")
    appointment = timezone.localdate(slot.starts_at)
    case = invite_citizen(user, case, appointment, channel=channel)
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
    letter = attach_document(
        user,
        case,
        category=Category.OTHER,
        title=INVITATION_TITLE,
        filename=f"indkaldelse-{case.reference}-{slot.pk}.pdf",
        content=render_invitation_pdf(slot),
        channel=channel,
        document_date=timezone.localdate(),
        author_organisation=case.region.klinisk_funktion_name,
    )
    record_event(
        case,
        user,
        EventKind.INVITATION_LETTER,
        f"Indkaldelse til {appointment:%d.%m.%Y} sendt til borgeren; kopi til sagsbehandleren",
        data={"slot": slot.pk, "document": letter.pk, "caseworker": case.caseworker_id},
    )
    return slot
