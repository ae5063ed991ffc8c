"""The invitation letter to the citizen (the PDF that booking a slot puts on the case and in the
outbox): time and place, what to bring, the right to bring a bisidder, that the consultation is
part of the municipality's case, and how to change the time, through the caseworker or in
writing to the region's klinisk funktion at its address. No phone number is registered, so
none is printed, and the CPR number appears only masked."""

import datetime
import re

from django.utils import timezone
from pypdf import PdfReader

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.services import booking
from sagsbro.conftest import assigned_case


def letter_pages(case) -> tuple[int, str]:
    """The letter's page count and its text, with the line breaks as spaces."""
    letter = case.documents.get(title="Indkaldelse til konsultation")
    with letter.blob.file.open("rb") as fh:
        pages = PdfReader(fh).pages
        text = " ".join(page.extract_text() for page in pages)
    return len(pages), " ".join(text.split())


def test_the_letter_says_when_where_what_to_bring_and_how_to_change_the_time(side_a):
    side_a.caseworker.first_name, side_a.caseworker.last_name = "Karen", "Sagsbehandler"
    side_a.caseworker.save(update_fields=["first_name", "last_name"])
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    place = booking.create_place(
        side_a.secretariat, name="Klinik Nord", address="Nordvej 1, 2200 København N"
    )
    day = timezone.localdate() + datetime.timedelta(days=7)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    slot = booking.create_slot(
        side_a.secretariat, specialist=side_a.specialist, place=place, starts_at=starts, minutes=45
    )
    booking.book_slot(side_a.secretariat, slot, case)
    pages, text = letter_pages(case)
    assert pages == 1  # one sheet the citizen can bring along
    region = side_a.region

    # Time and place.
    assert "kl. 09.30 (ca. 45 minutter)" in text
    assert "Klinik Nord, Nordvej 1, 2200 København N" in text
    assert f"{day.day}. " in text and str(day.year) in text
    # Part of the municipality's case, and what comes of it.
    assert f"{side_a.municipality.name} har bedt {region.klinisk_funktion_name}" in text
    assert "Vurderingen er en del af din sag i kommunen." in text
    assert "speciallægeattest til kommunen" in text
    # What to bring.
    assert "Billedlegitimation" in text
    assert "sundhedskort (det gule kort)" in text
    assert "En liste over den medicin, du tager" in text
    assert "Svar på nyere undersøgelser" in text
    # A companion.
    assert "Du må gerne tage en bisidder med" in text
    # How to change the time: the caseworker by name, or the region's address; the case's
    # reference to quote; no phone number and no "ring til os" without one.
    assert "Hvis du vil ændre tiden eller ikke kan komme" in text
    assert f"din sagsbehandler i {side_a.municipality.name}, Karen Sagsbehandler" in text
    assert f"skriv til {region.klinisk_funktion_name} på {region.designated_inbox}" in text
    assert f"Oplys sagsnummeret {case.reference}" in text
    assert "ring til os" not in text.lower()
    assert not re.search(r"\b(tlf|telefon)\b", text, re.IGNORECASE)
    assert not re.search(r"\d{2} ?\d{2} ?\d{2} ?\d{2}\b", text.replace(case.reference, ""))
    # The citizen by name and masked CPR number only.
    assert side_a.citizen.name in text
    assert side_a.citizen.cpr not in text
    assert "Din sagsbehandler i kommunen har fået en kopi af dette brev." in text
