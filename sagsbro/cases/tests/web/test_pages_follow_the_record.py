"""The pages say what the record says: the reason a case was returned stands on its overview
until it is resent; work that ended leaves the worklists; a team member's "Afventer dig" holds
only what they can act on; a GP sees the documents sent to them; confirmations are sentences.
"""

import re

import pytest
from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import assigned_case, attach, sent_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.meetings import services as meeting_services

REASON = "Vedlæg venligst den nyeste LÆ 265 fra egen læge."


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def html_of(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def awaiting_box(html):
    """The "Afventer dig" section of a worklist page."""
    match = re.search(r'<h2 id="awaiting-heading">.*?</section>', html, re.S)
    assert match, "no Afventer dig box on the page"
    return match.group(0)


def case_list(html):
    """The worklist's own case table (the results part under the filters)."""
    return html.split('id="case-results"', 1)[1]


def set_state(case, state):
    """Put a case straight into a state; these tests read the pages, not the workflow."""
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case


# --- the reason a case was returned -------------------------------------------------------


def test_return_reason_stands_on_the_overview_until_resent(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    services.return_for_information(side_a.coordinator, case, REASON)
    url = f"/sager/{case.pk}/"

    for user in (side_a.caseworker, side_a.secretariat, side_a.coordinator):
        html = html_of(user, url)
        assert "Sagen er returneret for flere oplysninger" in html, user.username
        assert REASON in html, user.username
        assert "Anna Coordinator" in html.split("Sagen er returneret for flere", 1)[1][:1500]

    case.refresh_from_db()
    services.resend_case(side_a.caseworker, case, "LÆ 265 er vedhæftet.")
    for user in (side_a.caseworker, side_a.coordinator):
        html = html_of(user, url)
        assert REASON not in html, user.username
        assert "Sagen er returneret for flere oplysninger" not in html
    # The history keeps it.
    assert REASON in html_of(side_a.caseworker, f"/sager/{case.pk}/historik/")


# --- work that ended leaves the worklists ------------------------------------------------


def test_answered_case_leaves_the_coordinators_open_list(side_a):
    answered = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    waiting = assigned_case(side_a, Subtype.SENIORPENSION)
    services.answer_in_writing(
        side_a.coordinator, answered, text="Borgeren kan fortsætte.", recommendations=[]
    )
    answered.refresh_from_db()
    assert answered.state == "answered"

    html = html_of(side_a.coordinator, "/")
    listed = case_list(html)
    assert waiting.reference in listed
    assert answered.reference not in listed
    assert 'Alle åbne <span class="count">(1)</span>' in html

    # Not gone from the record: "Alle sager" and the state's own filter still find it.
    assert answered.reference in case_list(html_of(side_a.coordinator, "/?status=alle"))
    assert answered.reference in case_list(html_of(side_a.coordinator, "/?status=answered"))

    # The secretariat's count of each coordinator's open cases agrees.
    secretariat = html_of(side_a.secretariat, "/")
    workload = secretariat.split('id="workload-heading"', 1)[1].split("</table>", 1)[0]
    row = workload.split("Anna Coordinator</td>", 1)[1][:80]
    assert '<td class="text-right">1</td>' in row


def test_meeting_held_case_leaves_the_coordinators_open_list(side_a):
    held = set_state(assigned_case(side_a, Subtype.REHABILITERINGSTEAM), "meeting_held")
    html = html_of(side_a.coordinator, "/")
    assert held.reference not in case_list(html)
    assert held.reference in case_list(html_of(side_a.coordinator, "/?status=alle"))


def test_the_caseworkers_open_list_keeps_answered_cases(side_a):
    """For the municipality an answered case is still open work: read and close it."""
    case = set_state(assigned_case(side_a, Subtype.LOEBENDE_SAG), "answered")
    assert case.reference in case_list(html_of(side_a.caseworker, "/"))


# --- "Afventer dig" for the team member ----------------------------------------------------


def test_team_member_awaits_only_cases_they_can_act_on(side_a):
    returned = set_state(assigned_case(side_a, Subtype.LOEBENDE_SAG), "returned")
    answered = set_state(assigned_case(side_a, Subtype.SENIORPENSION), "answered")
    held = set_state(assigned_case(side_a, Subtype.REHABILITERINGSTEAM), "meeting_held")

    team_box = awaiting_box(html_of(side_a.team_member, "/"))
    assert held.reference in team_box
    assert "Send indstillingen til borgeren og egen læge" in team_box
    assert returned.reference not in team_box  # only the caseworker resends
    assert answered.reference not in team_box  # only the caseworker closes
    assert 'Afventer dig <span class="count">(1)</span>' in team_box

    caseworker_box = awaiting_box(html_of(side_a.caseworker, "/"))
    for case in (returned, answered, held):
        assert case.reference in caseworker_box


# --- the GP's page -------------------------------------------------------------------------


def indstilling_sent_to_gp(side):
    """A team case whose indstilling the caseworker sent to the citizen and the GP."""
    case = set_state(sent_case(side, Subtype.REHABILITERINGSTEAM), "meeting_held")
    document = attach(side.caseworker, case, Category.INDSTILLING)
    meeting_services.send_indstilling(side.caseworker, case)
    return case, document


def test_gp_sees_the_documents_sent_to_them(side_a, side_b):
    case, document = indstilling_sent_to_gp(side_a)
    other = case.documents.exclude(pk=document.pk).first()
    assert other is not None
    html = html_of(side_a.gp, "/")

    assert "Dokumenter sendt til dig" in html
    table = html.split('id="shared-heading"', 1)[1].split("</table>", 1)[0]
    assert document.title in table
    assert "Indstilling" in table  # the category
    assert case.reference in table
    assert side_a.citizen.name in table
    assert "Indstilling efter rehabiliteringsteammøde" in table  # why it was sent
    share = document.shares.get()
    assert share.shared_at.astimezone().strftime("%d.%m.%Y") in table
    download = f"/api/v1/documents/{document.pk}/content/"
    assert f'href="{download}"' in table
    # Nothing else of the case: not its other documents, not a link to its page.
    assert other.title not in table or other.title == document.title
    assert f"/api/v1/documents/{other.pk}/content/" not in html
    assert f"/sager/{case.pk}/" not in html
    assert AuditEntry.objects.filter(
        user=side_a.gp, action="list", object_type="document", object_id=str(document.pk)
    ).exists()

    # The link downloads the document, checked and audited.
    gp = client_for(side_a.gp)
    response = gp.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        user=side_a.gp, action="download", object_id=str(document.pk)
    ).exists()
    assert gp.get(f"/api/v1/documents/{other.pk}/content/").status_code == 404
    assert gp.get(f"/sager/{case.pk}/").status_code == 404

    # Another GP sees none of it.
    other_gp = html_of(side_b.gp, "/")
    assert case.reference not in other_gp
    assert side_a.citizen.name not in other_gp
    assert "Der er ikke sendt dokumenter til dig endnu." in other_gp
    assert client_for(side_b.gp).get(download).status_code == 404


def test_gp_document_list_is_paginated(side_a, monkeypatch):
    monkeypatch.setattr("sagsbro.documents.web.shared_page.PAGE_SIZE", 1)
    first_case, first = indstilling_sent_to_gp(side_a)
    second_case, second = indstilling_sent_to_gp(side_a)
    page_one = html_of(side_a.gp, "/")
    assert "Viser 1–1" in page_one and "(2)" in page_one
    assert second_case.reference in page_one  # newest first
    assert first_case.reference not in page_one
    following = re.search(r'href="(\?dok_efter=[^"]+)"', page_one)
    assert following is not None
    page_two = html_of(side_a.gp, "/" + following.group(1))
    assert "Viser 2–2" in page_two
    assert first_case.reference in page_two
    assert second_case.reference not in page_two
    assert Document.objects.visible_to(side_a.gp).count() == 2


# --- confirmations read as sentences -------------------------------------------------------


def status_message(response):
    match = re.search(r'role="status"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert match, "no status message on the page"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        ("assign", "coordinator", "Sundhedskoordinator Anna Coordinator er tildelt sagen."),
        ("return_for_information", "reason", "Sagen er returneret til Københavns Kommune."),
        ("withdraw", "reason", "Sagen er trukket tilbage, og Region Hovedstaden har fået besked."),
    ],
)
def test_action_confirmation_is_a_sentence(side_a, name, payload, expected):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    user = side_a.caseworker if name == "withdraw" else side_a.secretariat
    data = {"coordinator": {"assignee": side_a.coordinator.pk}, "reason": {"reason": REASON}}
    response = client_for(user).post(
        f"/sager/{case.pk}/handling/{name}/", data[payload], follow=True
    )
    assert response.status_code == 200
    assert expected in status_message(response)
    assert "udført" not in status_message(response)


def test_resend_confirmation_names_the_region(side_a):
    case = sent_case(side_a, Subtype.LOEBENDE_SAG)
    services.return_for_information(side_a.secretariat, case, REASON)
    response = client_for(side_a.caseworker).post(
        f"/sager/{case.pk}/handling/resend/", {"comment": "Vedhæftet."}, follow=True
    )
    assert (
        status_message(response)
        == "Sagen er sendt igen til Region Hovedstaden med de nye oplysninger."
    )


def test_every_action_has_its_own_sentence(side_a):
    """Every action has its sentence: in the cases app's mapping, or, for the apps that
    extend cases, in the transition's registry entry; a new action gets its sentence with it."""
    from sagsbro.cases.registry import transitions
    from sagsbro.cases.rules.workflow import TRANSITIONS
    from sagsbro.cases.web.confirmations import CONFIRMATIONS, confirmation

    with_sentence = set(CONFIRMATIONS) | {
        entry.name for entry in transitions if entry.confirmation is not None
    }
    assert set(TRANSITIONS) <= with_sentence
    assert set(transitions.names()) <= with_sentence
    case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    for name in sorted(with_sentence):
        sentence = confirmation(name, case)
        assert sentence[0].isupper() and sentence.endswith("."), (name, sentence)
        assert "udført" not in sentence and "None" not in sentence, (name, sentence)
        assert " ." not in sentence and "  " not in sentence, (name, sentence)
