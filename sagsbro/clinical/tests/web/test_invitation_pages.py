"""The invitation on the case page: the secretariat picks one of the specialist's free coming
slots (never a bare date); a late time waits in the caseworker's »Afventer dig« until the
caseworker accepts it on the case's action page."""

import datetime
from typing import Any, cast

from django import forms
from django.test import Client
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import ConsultationSlot
from sagsbro.clinical.services import booking
from sagsbro.clinical.testing import free_slot_for
from sagsbro.clinical.web.forms import InviteForm
from sagsbro.conftest import assigned_case
from sagsbro.messaging.models import OutgoingMessage


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _choices(form):
    return list(cast(Any, cast(forms.ChoiceField, form.fields["slot"]).choices))


def awaiting(user):
    response = client_for(user).get("/")
    assert response.status_code == 200
    return {case.pk: case.next_step for case in response.context["worklist"].awaiting.rows}


def test_the_invite_page_offers_the_specialists_free_slots_and_books_one(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    day = timezone.localdate() + datetime.timedelta(days=3)
    slot = free_slot_for(case, on=day)
    secretariat = client_for(side_a.secretariat)
    url = f"/sager/{case.pk}/handling/invite/"
    page = secretariat.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{slot.pk}">{day:%d.%m.%Y} kl. 10.00-11.00' in html
    assert "Dato for konsultationen" not in html

    refused = secretariat.post(url, {})
    assert refused.status_code == 400
    assert "Vælg en tid i speciallægens kalender." in refused.content.decode()
    assert Case.objects.get(pk=case.pk).state == "assigned"

    response = secretariat.post(url, {"slot": str(slot.pk)})
    assert response.status_code == 302
    assert ConsultationSlot.objects.get(pk=slot.pk).case_id == case.pk
    assert OutgoingMessage.objects.filter(case=case).count() == 1


def test_the_choice_is_limited_to_the_next_free_slots(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    start = timezone.localdate() + datetime.timedelta(days=1)
    for k in range(booking.FREE_SLOT_CHOICES + 3):
        free_slot_for(case, on=start + datetime.timedelta(days=k))
    form = InviteForm.for_case(Case.objects.get(pk=case.pk))
    # The empty choice and the next FREE_SLOT_CHOICES slots.
    assert len(_choices(form)) == booking.FREE_SLOT_CHOICES + 1


def test_the_choice_marks_a_late_slot(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    late = free_slot_for(case, on=timezone.localdate() + datetime.timedelta(days=15))
    labels = dict(_choices(InviteForm.for_case(Case.objects.get(pk=case.pk))))
    assert labels[late.pk].endswith(
        "over 14 dage: sagsbehandleren skal orienteres og acceptere først"
    )


def test_a_late_time_waits_for_the_caseworker_who_accepts_it_on_the_case(side_a):
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    day = timezone.localdate() + datetime.timedelta(days=20)
    caseworker = client_for(side_a.caseworker)
    link = f"/sager/{case.pk}/handling/accept_late_appointment/"
    assert case.pk not in awaiting(side_a.caseworker)
    # No notice, no action to accept.
    assert link not in caseworker.get(f"/sager/{case.pk}/").content.decode()

    clinical_services.notify_late_appointment(side_a.secretariat, case, day)
    assert awaiting(side_a.caseworker) == {
        case.pk: f"Klinisk funktion kan først tilbyde tid den {day:%d.%m.%Y} – acceptér tiden"
    }
    assert link in caseworker.get(f"/sager/{case.pk}/").content.decode()
    page = caseworker.get(link)
    assert page.status_code == 200
    assert f'value="{day:%d.%m.%Y}"' in page.content.decode()

    response = caseworker.post(link, {"appointment_date": f"{day:%d.%m.%Y}"}, follow=True)
    assert response.redirect_chain
    assert f"Du har accepteret tiden {day:%d.%m.%Y}." in response.content.decode()
    case.refresh_from_db()
    assert case.late_appointment_accepted_by == side_a.caseworker
    assert case.pk not in awaiting(side_a.caseworker)
    assert link not in caseworker.get(f"/sager/{case.pk}/").content.decode()

    # A notice of another day puts the case back in the box.
    clinical_services.notify_late_appointment(
        side_a.secretariat, case, day + datetime.timedelta(days=1)
    )
    assert case.pk in awaiting(side_a.caseworker)


def test_a_late_time_after_the_thirty_day_deadline_warns_to_agree_another(side_a):
    """A time after the certificate's deadline 30 days after receipt (BEK § 23, 1. pkt.)
    cannot be met: the acceptance page and both confirmations say to agree another deadline
    in the case (§ 23, 2. pkt.); a late time within the deadline says nothing of it."""
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    received = timezone.localdate(case.received_at)
    # The computed deadline (moved to a working day when the 30th day is not one).
    due = case.deadlines.get(kind="certificate_after_request").due
    link = f"/sager/{case.pk}/handling/accept_late_appointment/"
    caseworker = client_for(side_a.caseworker)
    warning = (
        "ligger efter fristen for speciallægeattesten 30 dage efter, at anmodningen kom "
        f"({due:%d.%m.%Y})"
    )

    within = received + datetime.timedelta(days=20)
    clinical_services.notify_late_appointment(side_a.secretariat, case, within)
    assert "ligger efter fristen" not in caseworker.get(link).content.decode()

    after = due + datetime.timedelta(days=1)
    secretariat = client_for(side_a.secretariat)
    response = secretariat.post(
        f"/sager/{case.pk}/handling/notify_late_appointment/",
        {"appointment_date": f"{after:%d.%m.%Y}"},
        follow=True,
    )
    assert warning in response.content.decode()
    page = caseworker.get(link).content.decode()
    assert f"Tiden {after:%d.%m.%Y} {warning}" in page
    response = caseworker.post(link, {"appointment_date": f"{after:%d.%m.%Y}"}, follow=True)
    assert f"Du har accepteret tiden {after:%d.%m.%Y}." in response.content.decode()
    assert warning in response.content.decode()
