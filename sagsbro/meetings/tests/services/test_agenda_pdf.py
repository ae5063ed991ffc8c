"""The agenda as a PDF: the items in their slots, the team and its warnings, masked CPR
numbers only and no health text; audited as a download; another organisation's day is not
found."""

import io

import pytest
from pypdf import PdfReader

from sagsbro.audit.models import AuditEntry
from sagsbro.core.errors import ServiceError
from sagsbro.meetings import services
from sagsbro.meetings.services.agenda_output import agenda_pdf
from sagsbro.meetings.services.team import AttendeeInput
from sagsbro.meetings.tests.day_factory import booked_case, citizen, make_day


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_agenda_pdf_names_cases_with_masked_cpr_and_no_health_text(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    case = booked_case(side_a, day)
    parent = citizen(side_a, "0202851234", "Forælder Fisk", has_children=True)
    other = booked_case(side_a, day, parent)
    services.screen_booking(
        side_a.coordinator, case.bookings.get(), clarified=False, reason="Ny diagnose afventes"
    )
    services.set_attendees(
        side_a.team_member, day, [AttendeeInput("Anna Andersen", "employment", chair=True)]
    )

    result = agenda_pdf(side_a.caseworker, day, channel="web")
    assert result.filename == f"dagsorden-2027-03-10-{day.pk}.pdf"
    assert result.content.startswith(b"%PDF")
    # Table cells wrap: compare with the line breaks taken out.
    text = " ".join(text_of(result.content).split())
    assert "Dagsorden 10.03.2027" in text
    assert case.reference in text and other.reference in text
    assert "Borger Anna (010180-XXXX)" in text
    assert "Anbefaler udsættelse" in text
    assert "Anna Andersen" in text and "mødeleder" in text
    assert f"Sag {other.reference}: borgeren har børn" in text
    # The full CPR numbers and the screening's reason are not printed.
    assert side_a.citizen.cpr not in text and parent.cpr not in text
    assert "Ny diagnose" not in text

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DOWNLOAD, user=side_a.caseworker)
    assert set(entries.values_list("object_type", "object_id")) == {
        ("meeting_day", str(day.pk)),
        ("case", str(case.pk)),
        ("case", str(other.pk)),
    }


def test_a_reader_without_access_to_a_case_sees_an_anonymous_slot(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator_2)
    case = booked_case(side_a, day)  # assigned to side_a.coordinator, not coordinator_2
    text = text_of(agenda_pdf(side_a.coordinator_2, day).content)
    assert case.reference not in text and "Borger Anna" not in text
    assert "Sag uden adgang" in text


def test_another_organisations_day_is_not_found(side_a, side_b):
    day = make_day(side_a)
    with pytest.raises(ServiceError) as refused:
        agenda_pdf(side_b.caseworker, day)
    assert refused.value.status == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DOWNLOAD).exists()
