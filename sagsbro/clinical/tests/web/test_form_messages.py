"""Klinisk funktion's forms speak plain Danish: a length limit is named with the Danish
thousands separator and the service's limit, a new place gets its own messages and the
calendar's error summary, an optional comment is marked optional once, and a certificate's
signature is told once in the list of certificates."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tests.web.test_error_summary import summary_items
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import ConsultationPlace, ConsultationSlot
from sagsbro.clinical.services import booking
from sagsbro.clinical.testing import (
    book_consultation,
    booked_time_passed,
    sign_complete_certificate,
)
from sagsbro.clinical.web.assessment_forms import (
    CertificateForm,
    InvestigationForm,
    NoteForm,
    RecordRequestForm,
)
from sagsbro.clinical.web.forms import NoShowForm
from sagsbro.conftest import assigned_case
from sagsbro.core.forms import text_field


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def consulted(side):
    """A klinisk-funktion case whose consultation is held."""
    case = book_consultation(side.secretariat, assigned_case(side, Subtype.KLINISK_FUNKTION))
    booked_time_passed(case)
    return clinical_services.hold_consultation(side.specialist, case)


def errors_of(form, field):
    assert not form.is_valid()
    return form.errors[field]


# --- length limits ----------------------------------------------------------------------------


def test_a_free_text_too_long_is_refused_with_the_limit_written_the_danish_way():
    field = text_field("Tekst", "Skriv teksten.")
    assert field.error_messages["max_length"] == "Teksten må højst have 20.000 tegn."
    short = text_field("Tekst", "Skriv teksten.", max_length=5000)
    assert short.error_messages["max_length"] == "Teksten må højst have 5.000 tegn."
    assert short.max_length == 5000


@pytest.mark.parametrize(
    ("form_class", "field", "limit", "message"),
    [
        (NoteForm, "note", 20000, "Teksten må højst have 20.000 tegn."),
        # The investigation's description: the service's limit (assessment.TEXT_MAX).
        (InvestigationForm, "description", 5000, "Teksten må højst have 5.000 tegn."),
        (
            RecordRequestForm,
            "source",
            200,
            "Navnet på sygehuset eller speciallægen må højst have 200 tegn.",
        ),
        (
            CertificateForm,
            "functional_capacity",
            20000,
            "Afsnittet »Funktionsevne« må højst have 20.000 tegn.",
        ),
        (
            CertificateForm,
            "overall_assessment",
            20000,
            "Afsnittet »Samlet vurdering af borgerens muligheder for arbejde eller "
            "uddannelse« må højst have 20.000 tegn.",
        ),
        (CertificateForm, "further_time_frame", 200, "Tidsrammen må højst have 200 tegn."),
    ],
)
def test_each_text_field_names_its_own_limit_in_danish(db, form_class, field, limit, message):
    assert form_class({field: "x" * limit}).errors.get(field) is None
    assert errors_of(form_class({field: "x" * (limit + 1)}), field) == [message]


def test_the_certificate_page_refuses_a_long_section_in_danish(side_a):
    case = consulted(side_a)
    response = client_for(side_a.specialist).post(
        f"/sager/{case.pk}/vurdering/attest/", {"health": "x" * 200000}
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = (
        "Afsnittet »Helbredsforhold og resultatet af den objektive undersøgelse« må højst "
        "have 20.000 tegn."
    )
    assert message in html
    assert "Denne værdi" not in html


# --- the calendar's place and slot forms ------------------------------------------------------


def test_a_new_place_gets_danish_messages_and_the_error_summary(side_a):
    secretariat = client_for(side_a.secretariat)
    response = secretariat.post("/klinisk/kalender/steder/", {"name": "", "address": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert summary_items(html) == [
        '<a class="function-link" href="#id_name">Angiv stedets navn.</a>',
        '<a class="function-link" href="#id_address">Angiv stedets adresse.</a>',
    ]
    assert "Dette felt" not in html

    response = secretariat.post(
        "/klinisk/kalender/steder/", {"name": "x" * 500, "address": "y" * 500}
    )
    assert response.status_code == 400
    assert summary_items(response.content.decode()) == [
        '<a class="function-link" href="#id_name">Navnet må højst have 150 tegn.</a>',
        '<a class="function-link" href="#id_address">Adressen må højst have 250 tegn.</a>',
    ]
    assert not ConsultationPlace.objects.exists()


def test_a_place_the_region_has_is_refused_once_beside_its_name(side_a):
    booking.create_place(side_a.secretariat, name="Klinik Øst", address="Østvej 3")
    response = client_for(side_a.secretariat).post(
        "/klinisk/kalender/steder/", {"name": "Klinik Øst", "address": "Østvej 4"}
    )
    assert response.status_code == 400
    assert summary_items(response.content.decode()) == [
        '<a class="function-link" href="#id_name">Regionen har allerede et sted med det navn.</a>'
    ]


def test_a_slot_gets_danish_messages_and_the_error_summary(side_a):
    place = booking.create_place(side_a.secretariat, name="Klinik Øst", address="Østvej 3")
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = client_for(side_a.secretariat).post(
        "/klinisk/kalender/tider/",
        {"place": str(place.pk), "day": f"{day:%d.%m.%Y}", "time": "25.00", "minutes": "1"},
    )
    assert response.status_code == 400
    items = summary_items(response.content.decode())
    assert items == [
        '<a class="function-link" href="#id_specialist_0">Vælg en speciallæge.</a>',
        '<a class="function-link" href="#id_time">Skriv klokkeslættet som tt.mm, fx 09.30.</a>',
        '<a class="function-link" href="#id_minutes">Varigheden skal være mindst 5 minutter.</a>',
    ]
    assert not ConsultationSlot.objects.exists()


def test_the_calendar_shows_no_summary_before_anything_is_posted(side_a):
    html = client_for(side_a.secretariat).get("/klinisk/kalender/").content.decode()
    assert 'data-module="error-summary"' not in html


# --- the no-show's comment and the list of certificates ---------------------------------------


def test_the_no_show_comment_is_marked_optional_once(side_a):
    assert NoShowForm.base_fields["comment"].label == "Kommentar"
    case = book_consultation(side_a.secretariat, assigned_case(side_a, Subtype.KLINISK_FUNKTION))
    html = (
        client_for(side_a.secretariat)
        .get(f"/sager/{case.pk}/handling/record_no_show/")
        .content.decode()
    )
    label = re.search(r'<label class="form-label" for="id_comment">(.*?)</label>', html, re.S)
    assert label is not None
    assert re.sub(r"<[^>]+>", "", label.group(1)) == "Kommentar (frivilligt)"


def test_a_signed_certificate_is_listed_as_signed_once(side_a):
    case = consulted(side_a)
    certificate = sign_complete_certificate(side_a.specialist, case)
    html = client_for(side_a.specialist).get(f"/sager/{case.pk}/vurdering/").content.decode()
    listed = re.search(r'<ul class="nobullet-list" id="certificates">(.*?)</ul>', html, re.S)
    assert listed is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", listed.group(1))).strip()
    signed = timezone.localtime(certificate.signed_at)
    assert text.startswith(f"Speciallægeattest – underskrevet {signed:%d.%m.%Y}")
    assert text.count("underskrevet") == 1
