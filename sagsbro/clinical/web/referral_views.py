"""The referral (LÆ 271) and the consultation calendar pages: the caseworker refers from a
team case or a løbende sag; the secretariat's intake list; the region's calendar of
consultation slots with its places and specialists; booking a slot for a case. Thin: reads
through the access helpers (every row of a citizen's case shown is audited), writes through
the services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record_many
from sagsbro.cases import access as case_access
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.workflow import State
from sagsbro.clinical.models import ConsultationSlot, Specialty
from sagsbro.clinical.services import booking
from sagsbro.clinical.services.referrals import (
    NO_RECOMMENDATION,
    ORIGIN_SUBTYPES,
    create_referral,
    has_recommendation,
    intake_list,
)
from sagsbro.clinical.web.referral_forms import (
    BookForm,
    PlaceForm,
    ReferralForm,
    SlotForm,
    SpecialtiesForm,
)
from sagsbro.core.pagination import keyset_page
from sagsbro.core.web import get_visible_or_404, run_form_action
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    # Every view is login_required: the anonymous user never reaches here.
    return cast(User, request.user)


def _secretariat(request: HttpRequest) -> User:
    user = _user(request)
    if user.role != Role.SECRETARIAT or user.region_id is None:
        raise PermissionDenied("Kun klinisk funktions sekretariat har adgang til siden.")
    return user


# --- the referral ------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    origin = get_visible_or_404(Case.objects.visible_to(user), pk)
    if not case_access.owns_case(user, origin) or origin.subtype not in ORIGIN_SUBTYPES:
        raise PermissionDenied("Du kan ikke henvise til klinisk funktion fra denne sag.")
    if not has_recommendation(origin):
        # Nothing to rest the referral on yet: the form could never be sent.
        messages.warning(request, NO_RECOMMENDATION)
        return redirect("cases:detail-tab", pk=origin.pk, tab="henvisninger")
    form = ReferralForm(
        request.POST if request.method == "POST" else None, origin=origin, user=user
    )

    def call(data: dict[str, Any]):
        advice = (
            origin.advice.filter(pk=data["origin_advice"]).first()
            if data["origin_advice"]
            else None
        )
        return create_referral(
            user,
            origin,
            origin_kind=data["origin_kind"],
            origin_advice=advice,
            question=data["question"],
            specialty=Specialty.objects.filter(code=data["specialty"]).first(),
            documents=list(
                origin.documents.filter(pk__in=data["documents"], withdrawn_at__isnull=True)
            ),
            follows_certificate=form.chosen_certificate(),
            channel="web",
        )

    def done(referral) -> HttpResponse:
        messages.success(
            request,
            "Henvisningen (LÆ 271) er sendt til klinisk funktion som sag "
            f"{referral.case.reference}.",
        )
        return redirect("cases:detail", referral.case_id)

    def again(error) -> HttpResponse:
        return render(
            request,
            "clinical/referral_form.html",
            {"case": origin, "form": form, "service_error": error},
            status=400 if request.method == "POST" else 200,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_GET
def intake(request: HttpRequest) -> HttpResponse:
    user = _secretariat(request)
    everything = request.GET.get("vis") == "alle"
    rows = intake_list(user, open_only=not everything)
    page = keyset_page(rows, ["received_at", "id"], request.GET, page_size=PAGE_SIZE)
    record_many(
        user,
        AuditEntry.Action.LIST,
        [Subject("referral", r.pk, r.case_id, r.case.citizen_id) for r in page.rows],
        detail="henvisninger",
        channel="web",
    )
    # The secretariat picks the specialist by the referral's specialty.
    by_specialty: dict[int, list[str]] = {}
    for specialist in booking.specialists_of(user.region_id):
        profile = getattr(specialist, "specialist_profile", None)
        for specialty in profile.specialties.all() if profile is not None else ():
            by_specialty.setdefault(specialty.pk, []).append(
                specialist.get_full_name() or specialist.username
            )
    shown = [(r, by_specialty.get(r.specialty_id, [])) for r in page.rows]
    return render(
        request, "clinical/intake.html", {"page": page, "rows": shown, "everything": everything}
    )


# --- the calendar ------------------------------------------------------------------------------


def _calendar_context(user: User, **forms: Any) -> dict[str, Any]:
    specialists = list(booking.specialists_of(user.region_id))
    places = list(booking.places_visible_to(user))
    return {
        "specialists": specialists,
        "places": places,
        "slot_form": forms.get("slot_form") or SlotForm(specialists=specialists, places=places),
        "place_form": forms.get("place_form") or PlaceForm(),
        "service_error": forms.get("service_error"),
        # The form that was posted and shown again, whose errors the summary lists.
        "failed_form": forms.get("slot_form") or forms.get("place_form"),
    }


def _slots_page(user: User, params: Any) -> Any:
    """The region's coming slots, a page of them; a booked slot's case is audited as listed."""
    slots = booking.slots_visible_to(user).filter(starts_at__gte=timezone.now())
    slots = slots.select_related("specialist", "place", "case")
    page = keyset_page(slots, ["starts_at", "id"], params, page_size=PAGE_SIZE)
    booked = [s for s in page.rows if s.case is not None]
    record_many(
        user,
        AuditEntry.Action.LIST,
        [Subject("consultation_slot", s.pk, s.case_id, s.case.citizen_id) for s in booked],
        detail="konsultationstider",
        channel="web",
    )
    return page


@never_cache
@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    user = _secretariat(request)
    page = _slots_page(user, request.GET)
    return render(request, "clinical/calendar.html", {"page": page, **_calendar_context(user)})


def _calendar_again(request: HttpRequest, user: User, **forms: Any) -> HttpResponse:
    context = {"page": _slots_page(user, {}), **_calendar_context(user, **forms)}
    return render(request, "clinical/calendar.html", context, status=400)


@never_cache
@login_required
@require_http_methods(["POST"])
def slot_create(request: HttpRequest) -> HttpResponse:
    user = _secretariat(request)
    specialists = list(booking.specialists_of(user.region_id))
    places = list(booking.places_visible_to(user))
    form = SlotForm(request.POST, specialists=specialists, places=places)

    def call(data: dict[str, Any]) -> ConsultationSlot:
        return booking.create_slot(
            user,
            specialist=next((p for p in specialists if str(p.pk) == data["specialist"]), None),
            place=next((p for p in places if str(p.pk) == data["place"]), None),
            starts_at=form.starts_at(),
            minutes=data["minutes"],
            channel="web",
        )

    def done(slot: ConsultationSlot) -> HttpResponse:
        local = timezone.localtime(slot.starts_at)
        messages.success(request, f"Tiden {local:%d.%m.%Y kl. %H.%M} er oprettet.")
        return redirect("clinical:calendar")

    return run_form_action(
        request,
        form,
        call,
        done,
        lambda error: _calendar_again(request, user, slot_form=form, service_error=error),
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    user = _secretariat(request)
    form = PlaceForm(request.POST)

    def done(place) -> HttpResponse:
        messages.success(request, f"Konsultationsstedet {place.name} er oprettet.")
        return redirect("clinical:calendar")

    return run_form_action(
        request,
        form,
        lambda data: booking.create_place(user, channel="web", **data),
        done,
        lambda error: _calendar_again(request, user, place_form=form, service_error=error),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def specialties_edit(request: HttpRequest, specialist_pk: int) -> HttpResponse:
    user = _secretariat(request)
    # Klinisk funktion's own people, no citizen data: another region's is a plain 404.
    specialist = booking.specialists_of(user.region_id).filter(pk=specialist_pk).first()
    if specialist is None:
        raise Http404("Speciallægen findes ikke.")
    profile = getattr(specialist, "specialist_profile", None)
    initial = {"specialties": [s.code for s in profile.specialties.all()] if profile else []}
    form = SpecialtiesForm(request.POST if request.method == "POST" else None, initial=initial)

    def call(data: dict[str, Any]):
        chosen = list(Specialty.objects.filter(code__in=data["specialties"]))
        return booking.set_specialties(user, specialist, chosen, channel="web")

    def done(_profile) -> HttpResponse:
        messages.success(request, f"Specialerne for {specialist.get_full_name()} er gemt.")
        return redirect("clinical:calendar")

    def again(error) -> HttpResponse:
        return render(
            request,
            "clinical/specialties_form.html",
            {"specialist": specialist, "form": form, "service_error": error},
            status=400 if request.method == "POST" else 200,
        )

    return run_form_action(request, form, call, done, again)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def slot_book(request: HttpRequest, slot_pk: int) -> HttpResponse:
    user = _secretariat(request)
    # A slot of another region is a plain 404, as a meeting day is: the page shows the
    # region's own cases only.
    slot = (
        booking.slots_visible_to(user)
        .select_related("specialist", "place")
        .filter(pk=slot_pk)
        .first()
    )
    if slot is None:
        raise Http404("Tiden findes ikke.")
    # The cases the slot can take: the region's assigned clinical cases of its specialist.
    cases = list(
        Case.objects.visible_to(user)
        .filter(
            subtype=Subtype.KLINISK_FUNKTION,
            state=State.ASSIGNED,
            specialist_id=slot.specialist_id,
            consultation_slot__isnull=True,
        )
        .select_related("municipality", "citizen")
        .order_by("received_at", "id")
    )
    record_many(
        user,
        AuditEntry.Action.LIST,
        [Subject("case", c.pk, c.pk, c.citizen_id) for c in cases],
        detail="sager til konsultationstid",
        channel="web",
    )
    form = BookForm(request.POST if request.method == "POST" else None, cases=cases)

    def call(data: dict[str, Any]) -> ConsultationSlot:
        case = next(c for c in cases if str(c.pk) == data["case"])
        return booking.book_slot(user, slot, case, channel="web")

    def done(booked: ConsultationSlot) -> HttpResponse:
        messages.success(
            request,
            "Borgeren er indkaldt. Indkaldelsen ligger på sagen, og sagsbehandleren har fået "
            "en kopi.",
        )
        return redirect(reverse("cases:detail", args=[booked.case_id]))

    def again(error) -> HttpResponse:
        return render(
            request,
            "clinical/book_slot.html",
            {"slot": slot, "form": form, "service_error": error, "has_cases": bool(cases)},
            status=400 if request.method == "POST" else 200,
        )

    return run_form_action(request, form, call, done, again)
