"""The no-show on the case page: the secretariat records it on the case's action page with an
optional comment; the caseworker sees it in the history and in »Afventer dig« until the
citizen is invited again."""

import datetime

from django.test import Client
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.testing import book_consultation, booked_time_passed
from sagsbro.conftest import assigned_case


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def awaiting(user):
    response = client_for(user).get("/")
    assert response.status_code == 200
    return {case.pk: case.next_step for case in response.context["worklist"].awaiting.rows}


def test_the_secretariat_records_it_and_the_caseworker_sees_it(side_a):
    case = book_consultation(side_a.secretariat, assigned_case(side_a, Subtype.KLINISK_FUNKTION))
    slot = booked_time_passed(case)
    day = timezone.localdate(slot.starts_at)
    url = f"/sager/{case.pk}/handling/record_no_show/"
    secretariat = client_for(side_a.secretariat)
    assert url in secretariat.get(f"/sager/{case.pk}/").content.decode()
    page = secretariat.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Registrér udeblivelse" in html
    assert "Skriv ingen helbredsoplysninger." in html

    refused = secretariat.post(url, {"comment": "x" * 501})
    assert refused.status_code == 400
    assert "Kommentaren må højst være 500 tegn." in refused.content.decode()
    assert case.pk not in awaiting(side_a.caseworker)

    response = secretariat.post(url, {"comment": "Ingen afbud."}, follow=True)
    assert response.redirect_chain
    assert "Udeblivelsen er registreret, og tiden er frigivet." in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "assigned"

    told = f"Borgeren udeblev fra konsultationen {day:%d.%m.%Y}"
    assert awaiting(side_a.caseworker) == {case.pk: told}
    history = client_for(side_a.caseworker).get(f"/sager/{case.pk}/historik/").content.decode()
    assert told in history

    # Booked again: the case leaves the caseworker's box.
    book_consultation(side_a.secretariat, case, on=timezone.localdate() + datetime.timedelta(1))
    assert case.pk not in awaiting(side_a.caseworker)


def test_a_late_notice_after_the_no_show_asks_for_acceptance_first(side_a):
    case = book_consultation(side_a.secretariat, assigned_case(side_a, Subtype.KLINISK_FUNKTION))
    booked_time_passed(case)
    clinical_services.record_no_show(side_a.secretariat, case)
    late = timezone.localdate() + datetime.timedelta(days=20)
    clinical_services.notify_late_appointment(side_a.secretariat, case, late)
    assert awaiting(side_a.caseworker) == {
        case.pk: f"Klinisk funktion kan først tilbyde tid den {late:%d.%m.%Y} – acceptér tiden"
    }


def test_before_the_booked_time_the_page_says_when(side_a):
    day = timezone.localdate() + datetime.timedelta(days=3)
    case = book_consultation(
        side_a.secretariat, assigned_case(side_a, Subtype.KLINISK_FUNKTION), on=day
    )
    response = client_for(side_a.secretariat).post(
        f"/sager/{case.pk}/handling/record_no_show/", {"comment": ""}
    )
    assert response.status_code == 400
    assert (
        f"Udeblivelse kan først registreres fra konsultationstiden {day:%d.%m.%Y} kl. 10.00."
        in response.content.decode()
    )
    assert Case.objects.get(pk=case.pk).state == "invited"


def test_the_worklist_knows_every_way_into_assigned():
    from sagsbro.cases.rules.kinds import Subtype as S
    from sagsbro.cases.rules.workflow import TRANSITIONS, State
    from sagsbro.clinical.worklist import _INTO_ASSIGNED

    into = {
        name
        for name, rule in TRANSITIONS.items()
        if S.KLINISK_FUNKTION in rule.subtypes
        and rule.target == State.ASSIGNED
        and rule.sources != {State.ASSIGNED}
    }
    # `resend` names SENT, but brings a case with its specialist back to ASSIGNED
    # (`workflow.target_after_resend`).
    assert {str(kind) for kind in _INTO_ASSIGNED} == into | {"resend"}


def test_a_case_returned_and_sent_again_after_the_no_show_leaves_the_box(side_a):
    from sagsbro.cases import services as case_services

    case = book_consultation(side_a.secretariat, assigned_case(side_a, Subtype.KLINISK_FUNKTION))
    booked_time_passed(case)
    case = clinical_services.record_no_show(side_a.secretariat, case)
    assert case.pk in awaiting(side_a.caseworker)
    case = case_services.return_for_information(side_a.secretariat, case, "Ny adresse?")
    case = case_services.resend_case(side_a.caseworker, case, "Adressen er rettet.")
    assert Case.objects.get(pk=case.pk).state == "assigned"
    assert case.pk not in awaiting(side_a.caseworker)
