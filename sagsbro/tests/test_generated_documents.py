"""Generated documents share one frame (core/pdf.py, pdf/base.html): the issuing
organisation's letterhead with the document's title and date on the first page, the issuer and
title as a running header on the later pages, and "Side X af Y" on every page. A generated
document filed on a case records its page count. Real PDFs read back with pypdf."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tests.services.test_written_answer_pdf import answer_on_the_page
from sagsbro.conftest import MEETING, assigned_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings.services import finalise_indstilling, save_indstilling
from sagsbro.meetings.services.agenda_output import agenda_pdf
from sagsbro.meetings.tests.day_factory import booked_case, make_day
from sagsbro.meetings.tests.held_day import book, held, meeting_day, today_is

WRITTEN_ANSWER = "Sundhedskoordinators skriftlige svar"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def stored(document: Document) -> bytes:
    with document.blob.file.open("rb") as handle:
        return handle.read()


def test_the_written_answer_carries_the_klinisk_funktion_header_and_page_numbers(side_a, worker):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    # Long enough for a second page, to see the running header and the page count.
    paragraphs = "\n\n".join(f"Afsnit {n}: borgerens forløb og vurdering." * 6 for n in range(20))
    assert answer_on_the_page(side_a, case, text=paragraphs).status_code == 302
    worker()

    document = Document.objects.get(case=case, category=Category.WRITTEN_ANSWER)
    pages = page_texts(stored(document))
    total = len(pages)
    assert total >= 2
    assert document.pages == total

    region = side_a.region
    answered_on = timezone.localdate(case.advice.get().created_at)
    first = pages[0]
    assert "#}" not in "".join(pages)  # no template comment printed
    assert region.klinisk_funktion_name in first
    assert "Sundhedskoordinatorfunktionen" in first
    assert f"Udpeget postkasse: {region.designated_inbox}" in first
    assert f"Dato {answered_on:%d.%m.%Y}" in first
    assert WRITTEN_ANSWER in first
    assert f"Side 1 af {total}" in first
    running = f"{region.klinisk_funktion_name} · {WRITTEN_ANSWER}"
    assert running not in first  # the first page has the letterhead instead
    for number, text in enumerate(pages[1:], start=2):
        assert running in text
        assert f"Side {number} af {total}" in text
        assert f"Sag {case.reference}" in text  # the answer's own footer stays


def test_the_agenda_carries_the_municipality_header_and_page_numbers(side_a):
    day = make_day(side_a, coordinator=side_a.coordinator)
    booked_case(side_a, day)

    pages = page_texts(agenda_pdf(side_a.caseworker, day, channel="web").content)

    first = pages[0]
    assert side_a.municipality.name in first
    assert day.get_kind_display() in first
    assert f"Dagsorden {MEETING:%d.%m.%Y}" in first
    assert f"Udskrevet {timezone.localdate():%d.%m.%Y}" in first
    assert f"Side 1 af {len(pages)}" in first


def test_the_indstilling_is_filed_with_the_municipality_header_and_its_page_count(side_a, worker):
    booking = book(side_a, meeting_day(side_a))
    with today_is(MEETING):
        save_indstilling(side_a.team_member, booking, {"employment_goal": "Arbejde i butik"})
    held(side_a, booking.meeting, [booking])
    indstilling, _ = finalise_indstilling(side_a.caseworker, booking)
    worker()

    indstilling.refresh_from_db()
    document = indstilling.document
    assert document is not None
    pages = page_texts(stored(document))
    assert document.pages == len(pages) >= 1
    first = pages[0]
    assert side_a.municipality.name in first
    assert "Rehabiliteringsteamet" in first
    assert "Rehabiliteringsteamets indstilling" in first
    assert f"Side 1 af {len(pages)}" in first
