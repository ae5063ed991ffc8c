"""The § 23 deadline pair on a real klinisk funktion case: the certificate within 14 days of
the consultation and within 30 days of the request's receipt (BEK § 23), moved to the next
working day when the last day is closed. Only the delivery meets them, on the day it is
delivered; signing does not, and a withdrawn case's deadlines are neither met nor binding.

The case is made the only way there is, by the referral from a screened team case, and taken
through the services. The anchor dates are pinned through the ORM (received_at,
consultation_date, the delivery's event) and the deadlines recomputed, as the other deadline
tests do; the expected due dates are written out literally."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case, CaseEvent, Deadline
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.testing import (
    book_consultation,
    deliver_complete_certificate,
    hold_consultation_at_booked_time,
    sign_complete_certificate,
)
from sagsbro.clinical.tests.services.test_referrals import refer, screened_team_case

CPH = ZoneInfo("Europe/Copenhagen")
AFTER_CONSULTATION = "certificate_after_consultation"
AFTER_REQUEST = "certificate_after_request"


def referred_case(side) -> Case:
    """A klinisk funktion case from the caseworker's referral, assigned to the specialist."""
    case = refer(side, screened_team_case(side)).case
    assert case.subtype == Subtype.KLINISK_FUNKTION
    return case_services.assign_specialist(side.secretariat, case, side.specialist)


def consulted_case(side) -> Case:
    """The referred case with the citizen invited and the consultation held today."""
    case = referred_case(side)
    case = book_consultation(side.secretariat, case)
    return hold_consultation_at_booked_time(side.specialist, case)


def pin(case, *, received=None, consultation=None, delivered=None) -> dict[str, Deadline]:
    """Pin the anchor dates (and the delivery's day), recompute, and return the deadlines."""
    if received is not None:
        at = datetime.datetime.combine(received, datetime.time(10), tzinfo=CPH)
        Case.objects.filter(pk=case.pk).update(received_at=at, received_in_designated_inbox=True)
    if consultation is not None:
        Case.objects.filter(pk=case.pk).update(consultation_date=consultation)
    if delivered is not None:
        at = datetime.datetime.combine(delivered, datetime.time(14), tzinfo=CPH)
        moved = CaseEvent.objects.filter(case=case, kind="deliver_certificate").update(at=at)
        assert moved == 1
    case_services.recompute_deadlines(Case.objects.get(pk=case.pk))
    return {d.kind: d for d in Deadline.objects.filter(case=case)}


def row(deadline: Deadline):
    return (deadline.due, deadline.fulfilled_on, deadline.state, deadline.binding)


# --- due dates moved past closed days -------------------------------------------------------


def test_fourteen_days_after_a_consultation_on_christmas_eve_move_to_the_next_working_day(
    side_a,
):
    case = consulted_case(side_a)
    due = pin(case, received=datetime.date(2025, 12, 1), consultation=datetime.date(2025, 12, 10))
    # 10 Dec + 14 days is Wednesday 24 December, closed; 25-26 are holidays and 27-28 a
    # weekend: Monday 29 December.
    assert due[AFTER_CONSULTATION].due == datetime.date(2025, 12, 29)
    assert due[AFTER_CONSULTATION].source == "BEK § 23"
    # 1 Dec + 30 days is Wednesday 31 December, closed too: Friday 2 January.
    assert due[AFTER_REQUEST].due == datetime.date(2026, 1, 2)


def test_thirty_days_after_a_receipt_that_end_in_easter_move_to_the_next_working_day(side_a):
    case = consulted_case(side_a)
    due = pin(case, received=datetime.date(2026, 3, 3), consultation=datetime.date(2026, 3, 10))
    # 3 March + 30 days is Skærtorsdag 2 April; Langfredag, the weekend with Påskedag and
    # 2. påskedag follow: Tuesday 7 April.
    assert due[AFTER_REQUEST].due == datetime.date(2026, 4, 7)
    assert due[AFTER_REQUEST].source == "BEK § 23"
    # 10 March + 14 days is an ordinary Tuesday: no move.
    assert due[AFTER_CONSULTATION].due == datetime.date(2026, 3, 24)


# --- what meets them ------------------------------------------------------------------------


def test_a_signed_certificate_not_delivered_leaves_both_deadlines_unmet(side_a):
    case = consulted_case(side_a)
    sign_complete_certificate(side_a.specialist, case)
    assert CaseEvent.objects.filter(case=case, kind="certificate_signed").exists()
    assert Case.objects.get(pk=case.pk).state == "consultation_held"

    # Received and consulted today: both still open, and the signing met neither.
    today = timezone.localdate()
    due = pin(case, received=today, consultation=today)
    for kind in (AFTER_CONSULTATION, AFTER_REQUEST):
        assert (due[kind].fulfilled_on, due[kind].state, due[kind].binding) == (
            None,
            "open",
            True,
        ), kind

    # Anchored long ago: both missed, though the certificate is signed.
    due = pin(case, received=datetime.date(2025, 11, 3), consultation=datetime.date(2025, 11, 10))
    assert row(due[AFTER_REQUEST]) == (datetime.date(2025, 12, 3), None, "missed", True)
    assert row(due[AFTER_CONSULTATION]) == (datetime.date(2025, 11, 24), None, "missed", True)


def test_the_delivery_meets_both_deadlines_on_the_delivery_date(side_a):
    case = consulted_case(side_a)
    case = deliver_complete_certificate(side_a.specialist, case)
    assert case.state == "answered"

    # Delivered on the last day of both (Tuesday 7 April 2026, after Easter): both met, on it.
    received, consulted = datetime.date(2026, 3, 3), datetime.date(2026, 3, 20)
    last_day = datetime.date(2026, 4, 7)
    due = pin(case, received=received, consultation=consulted, delivered=last_day)
    assert row(due[AFTER_REQUEST]) == (last_day, last_day, "met", True)
    assert row(due[AFTER_CONSULTATION]) == (last_day, last_day, "met", True)

    # A day later: both missed, and the day it came is kept.
    late = datetime.date(2026, 4, 8)
    due = pin(case, delivered=late)
    assert row(due[AFTER_REQUEST]) == (last_day, late, "missed", True)
    assert row(due[AFTER_CONSULTATION]) == (last_day, late, "missed", True)

    # Delivered within the 30 days but more than 14 days after the consultation: the pair is
    # judged one by one.
    due = pin(case, consultation=datetime.date(2026, 3, 9), delivered=datetime.date(2026, 4, 1))
    assert row(due[AFTER_REQUEST]) == (last_day, datetime.date(2026, 4, 1), "met", True)
    assert row(due[AFTER_CONSULTATION]) == (
        datetime.date(2026, 3, 23),
        datetime.date(2026, 4, 1),
        "missed",
        True,
    )


# --- a withdrawn case -----------------------------------------------------------------------


def test_a_withdrawn_cases_deadlines_are_neither_met_nor_binding(side_a):
    case = consulted_case(side_a)
    sign_complete_certificate(side_a.specialist, case)
    today = timezone.localdate()
    due = pin(case, received=today, consultation=today)
    assert all(due[kind].binding for kind in (AFTER_CONSULTATION, AFTER_REQUEST))

    case = case_services.withdraw_case(
        side_a.caseworker, Case.objects.get(pk=case.pk), "Borgeren er raskmeldt."
    )
    assert case.state == "withdrawn"
    due = pin(case)
    for kind in (AFTER_CONSULTATION, AFTER_REQUEST):
        assert (due[kind].fulfilled_on, due[kind].binding) == (None, False), kind
        assert due[kind].state != "met", kind
    # Nor later, when the anchors lie long ago: missed on paper, binding no one.
    due = pin(case, received=datetime.date(2025, 11, 3), consultation=datetime.date(2025, 11, 10))
    for kind in (AFTER_CONSULTATION, AFTER_REQUEST):
        assert (due[kind].fulfilled_on, due[kind].binding) == (None, False), kind
