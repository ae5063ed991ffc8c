"""Dates are written one way on every page: dd.mm.åååå (07.03.2027), a time as
"07.03.2027 kl. 14.30". The main pages are rendered for every role and every case tab, and
their visible text (and the values in their date fields) may hold no date in another form:
no ISO date, no month written out, no dashes."""

import datetime
import html as html_lib
import re

import pytest
from django.test import Client
from django.utils import timezone

from sagsbro.cases import services
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.tabs import case_tabs
from sagsbro.clinical.testing import book_consultation
from sagsbro.conftest import assigned_case, make_case, sent_case
from sagsbro.documents.models import DocumentShare
from sagsbro.meetings import services as meeting_services

MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
OTHER_FORMS = {
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "date with dashes": re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b"),
    "month written out": re.compile(rf"\b\d{{1,2}}\. ?(?:{MONTHS}) \d{{4}}\b", re.I),
    "date and time without kl.": re.compile(r"\b\d{2}\.\d{2}\.\d{4} \d{1,2}[:.]\d{2}\b"),
    "one-digit day or month": re.compile(r"(?<![\d.])\d\.\d{1,2}\.\d{4}\b|\b\d{1,2}\.\d\.\d{4}\b"),
}
FIELD_VALUE = re.compile(r'<input[^>]*\bvalue="([^"]*)"')


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_one_date_form(page: str, where: str) -> None:
    text = visible_text(page)
    values = " ".join(html_lib.unescape(v) for v in FIELD_VALUE.findall(page))
    for name, pattern in OTHER_FORMS.items():
        for part, source in ((text, "text"), (values, "field value")):
            found = pattern.search(part)
            assert found is None, f"{where}: {name} in {source}: {found.group(0)!r}"


def get(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def cases(side_a):
    """A case in most states, with notes, advice, documents, deadlines and a history."""
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    services.add_note(side_a.caseworker, team, text="Borgeren kan kun om formiddagen.")
    meeting_services.record_screening(
        side_a.coordinator, team, text="Belyst.", medically_clarified=True, treatment_exhausted=None
    )
    answered = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    services.answer_in_writing(
        side_a.coordinator, answered, text="Borgeren kan fortsætte.", recommendations=[]
    )
    returned = sent_case(side_a, Subtype.SENIORPENSION)
    services.return_for_information(side_a.secretariat, returned, "Seneste job mangler.")
    clinical = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    appointment = timezone.localdate(clinical.received_at) + datetime.timedelta(days=7)
    book_consultation(side_a.secretariat, clinical, on=appointment)
    DocumentShare.objects.create(
        document=clinical.documents.first(), recipient=side_a.gp, reason="Kopi til egen læge"
    )
    draft = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    return [team, answered, returned, clinical, draft]


def test_every_main_page_writes_dates_as_dd_mm_aaaa(side_a, cases):
    team = cases[0]
    overview = get(side_a.caseworker, f"/sager/{team.pk}/")
    assert "10.03.2027" in visible_text(overview)  # the meeting date, as it should be
    assert re.search(r"\d{2}\.\d{2}\.\d{4} kl\. \d{2}\.\d{2}", visible_text(overview))

    checked = 0
    for user in side_a.users():
        assert_one_date_form(get(user, "/"), f"arbejdsliste som {user.username}")
        checked += 1
    for case in cases:
        readers = [side_a.caseworker] + ([side_a.secretariat] if case.state != "draft" else [])
        for user in readers:
            # Every tab the user is shown for this case (some only on some subtypes or roles).
            for tab in sorted(tab.name for tab in case_tabs.visible(case, user)):
                url = f"/sager/{case.pk}/{tab}/"
                assert_one_date_form(get(user, url), f"{url} som {user.username}")
                checked += 1
    draft = cases[-1]
    assert_one_date_form(get(side_a.caseworker, f"/sager/{draft.pk}/rediger/"), "rediger")
    postpone = get(side_a.caseworker, f"/sager/{draft.pk}/handling/postpone/")
    assert_one_date_form(postpone, "udsæt møde")
    calculator = get(
        side_a.caseworker,
        "/fristberegner/?startdato=23.12.2026&antal=5&enhed=arbejdsdage&aar=2027",
    )
    assert "lørdag den 02.01.2027" not in calculator  # sanity: the page computed something
    assert re.search(r"den \d{2}\.\d{2}\.\d{4}", visible_text(calculator))
    assert_one_date_form(calculator, "fristberegner")
    assert checked > 60


def test_a_date_field_shows_its_value_as_dd_mm_aaaa(side_a):
    draft = make_case(side_a, Subtype.REHABILITERINGSTEAM, meeting_date=datetime.date(2027, 3, 8))
    page = get(side_a.caseworker, f"/sager/{draft.pk}/rediger/")
    assert 'value="08.03.2027"' in page
    assert_one_date_form(page, "rediger")
