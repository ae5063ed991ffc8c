"""The coordinator's screening per booking: one act records the case's screening transition
and the booking's verdict; the caseworker sees "anbefaler udsættelse" in "Afventer dig"."""

import datetime

import pytest

from sagsbro.cases.models import Advice, Case
from sagsbro.cases.rules.events import EventKind
from sagsbro.core.errors import PermissionRefused, ServiceError
from sagsbro.core.worklist import awaiting_sources
from sagsbro.meetings import services
from sagsbro.meetings.models import Booking
from sagsbro.meetings.tests.day_factory import booked_case, make_day
from sagsbro.meetings.worklist import POSTPONE_NEXT_STEP
from sagsbro.organisations.models import TreatmentRelation


def waiting(user):
    """What the meetings app puts in the user's "Afventer dig" (core.worklist): case
    reference -> next step. The worklist page showing them is tested in tests/web."""
    found = {}
    for source in awaiting_sources(user):
        cases = Case.objects.visible_to(user).annotate(**source.annotations())
        for case in cases.filter(source.condition()):
            found[case.reference] = source.next_step(case)
    return found


def test_the_cases_coordinator_screens_in_one_act_with_the_transition(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    booking = case.bookings.get()
    services.screen_booking(
        side_a.coordinator, booking, clarified=False, reason="Mangler speciallægeerklæring"
    )
    booking.refresh_from_db()
    case = Case.objects.get(pk=case.pk)
    assert booking.screening == Booking.Screening.POSTPONE
    assert booking.screening_reason == "Mangler speciallægeerklæring"
    assert booking.screened_at is not None
    # The case's own screening transition ran in the same act.
    assert case.state == "screened"
    advice = case.advice.get(kind=Advice.Kind.SCREENING)
    assert advice.medically_clarified is False
    assert waiting(side_a.caseworker) == {case.reference: POSTPONE_NEXT_STEP}


def test_the_screening_transition_from_the_case_page_marks_the_booking(side_a):
    day = make_day(side_a)
    case = booked_case(side_a, day)
    services.record_screening(
        side_a.coordinator, case, text="Belyst", medically_clarified=True, treatment_exhausted=None
    )
    booking = case.bookings.get()
    assert (booking.screening, booking.screening_reason) == (Booking.Screening.CLARIFIED, "")
    assert waiting(side_a.caseworker) == {}


def test_a_changed_verdict_marks_the_booking_with_an_event(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    services.screen_booking(side_a.coordinator, case.bookings.get(), clarified=True)
    assert Case.objects.get(pk=case.pk).state == "screened"
    # Screened already: the second verdict is the booking's only, with its own event.
    booking = services.screen_booking(
        side_a.coordinator, case.bookings.get(), clarified=False, reason="Ny viden", channel="web"
    )
    assert (booking.screening, booking.screening_reason) == ("postpone", "Ny viden")
    event = Case.objects.get(pk=case.pk).events.get(kind=EventKind.BOOKING_SCREENED)
    assert event.label == "Sundhedskoordinatoren anbefaler udsættelse"
    assert event.comment == "Ny viden"
    assert waiting(side_a.caseworker) == {case.reference: POSTPONE_NEXT_STEP}


def test_a_day_coordinator_without_access_to_the_case_may_not_screen_it(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator_2)
    case = booked_case(side_a, day)  # the case's coordinator is side_a.coordinator
    with pytest.raises(PermissionRefused):
        services.screen_booking(side_a.coordinator_2, case.bookings.get(), clarified=True)


def test_screening_is_refused_for_others_without_reason_and_with_a_conflict(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    booking = case.bookings.get()
    for user in (side_a.caseworker, side_a.secretariat, side_a.specialist):
        with pytest.raises(PermissionRefused):
            services.screen_booking(user, booking, clarified=True)
    with pytest.raises(ServiceError) as no_reason:
        services.screen_booking(side_a.coordinator, booking, clarified=False, reason=" ")
    assert no_reason.value.code == "required"
    # A relation registered since assignment: refused, and the case goes back to the
    # secretariat (BEK § 12, stk. 2), as at the case's other acts.
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator, kind="treating"
    )
    with pytest.raises(ServiceError) as conflict:
        services.screen_booking(side_a.coordinator, booking, clarified=True)
    assert conflict.value.code == "conflict_of_interest"
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.coordinator_id) == ("sent", None)
    booking.refresh_from_db()
    assert booking.screening == ""


def test_a_conflict_found_at_a_second_screening_puts_the_case_back(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    services.screen_booking(side_a.coordinator, case.bookings.get(), clarified=True)
    TreatmentRelation.objects.create(
        citizen=side_a.citizen, doctor=side_a.coordinator, kind="former_gp"
    )
    with pytest.raises(ServiceError) as conflict:
        services.screen_booking(
            side_a.coordinator, case.bookings.get(), clarified=False, reason="X"
        )
    assert conflict.value.code == "conflict_of_interest"
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.coordinator_id) == ("sent", None)
    assert case.bookings.get().screening == Booking.Screening.CLARIFIED


def test_a_moved_case_leaves_the_postponement_wait(side_a):
    from sagsbro.meetings.services.booking import move_booking

    day = make_day(side_a)
    later = make_day(side_a, datetime.date(2027, 3, 17))
    case = booked_case(side_a, day)
    services.screen_booking(side_a.coordinator, case.bookings.get(), clarified=False, reason="X")
    assert case.reference in waiting(side_a.caseworker)
    move_booking(side_a.caseworker, Case.objects.get(pk=case.pk), later, reason="Udsat")
    assert waiting(side_a.caseworker) == {}
