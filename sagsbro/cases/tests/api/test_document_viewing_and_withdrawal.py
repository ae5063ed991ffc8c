"""A document opens under its own name (PDFs in the browser, everything else as a download),
audited; the organisation that attached it may withdraw it until the other side has opened it,
and afterwards only mark it replaced. Nothing is deleted. Real files, real HTTP, a real DB."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sagsbro.audit.models import AuditEntry
from sagsbro.cases import services
from sagsbro.cases.models import CaseEvent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case, pdf_bytes
from sagsbro.documents.models import Document
from sagsbro.documents.tests import files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REASON = "Vedhæftet på den forkerte sag."


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(user, case, name, content, category="new_health_information"):
    response = api_client(user).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": category, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Document.objects.get(pk=response.json()["id"])


def download(user, document):
    """Through the page's link (a logged-in browser session), as a user clicks it."""
    client = Client()
    client.force_login(user)
    return client.get(f"/api/v1/documents/{document.pk}/content/")


def body(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def case(side_a):
    return assigned_case(side_a, Subtype.LOEBENDE_SAG)


# --- viewing -------------------------------------------------------------------------------


def test_a_pdf_opens_inline_under_its_own_name(side_a, case):
    content = pdf_bytes("Lægeerklæring")
    document = upload(side_a.caseworker, case, "Lægeerklæring marts.pdf", content)
    response = download(side_a.caseworker, document)
    assert response.status_code == 200
    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="Laegeerklaering marts.pdf"; '
        f"filename*=UTF-8''{quote('Lægeerklæring marts.pdf', safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(
        user=side_a.caseworker, action="download", object_id=str(document.pk), case_id=case.pk
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "served_as"),
    [
        ("Statusnotat", files.docx(), DOCX, "Statusnotat.docx"),
        ("scanning.png", files.png(), "image/png", "scanning.png"),
    ],
)
def test_other_types_are_downloads_with_their_extension(
    side_a, case, name, content, content_type, served_as
):
    document = upload(side_a.caseworker, case, name, content)
    response = download(side_a.secretariat, document)
    assert response.status_code == 200
    assert body(response) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{served_as}\"; filename*=UTF-8''{served_as}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEntry.objects.filter(
        user=side_a.secretariat, action="download", object_id=str(document.pk)
    ).exists()


def test_the_first_opening_by_the_other_side_is_recorded(side_a, case):
    document = upload(side_a.caseworker, case, "notat.pdf", pdf_bytes())
    assert download(side_a.caseworker, document).status_code == 200
    assert download(side_a.team_member, document).status_code == 200
    document.refresh_from_db()
    assert document.opened_by_other_side_at is None  # the uploader's own municipality

    assert download(side_a.secretariat, document).status_code == 200
    document.refresh_from_db()
    first = document.opened_by_other_side_at
    assert first is not None
    assert download(side_a.coordinator, document).status_code == 200
    document.refresh_from_db()
    assert document.opened_by_other_side_at == first


# --- withdrawing ---------------------------------------------------------------------------


def withdraw(user, document, reason=REASON):
    return api_client(user).post(
        f"/api/v1/documents/{document.pk}/withdraw/", {"reason": reason}, format="json"
    )


def test_a_document_withdrawn_before_it_was_opened_is_gone_for_the_other_side(side_a, case):
    content = pdf_bytes("Forkert borger")
    document = upload(side_a.caseworker, case, "forkert.pdf", content)
    response = withdraw(side_a.caseworker, document)
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["withdrawn_at"] and row["withdrawal_reason"] == REASON

    document.refresh_from_db()
    assert document.withdrawn_by == side_a.caseworker
    assert document.blob.file.open("rb").read() == content  # nothing deleted
    event = CaseEvent.objects.get(case=case, kind="document_withdrawn")
    assert event.actor == side_a.caseworker
    assert REASON not in event.label and event.data == {"document": document.pk}
    assert AuditEntry.objects.filter(
        user=side_a.caseworker, action="update", object_id=str(document.pk), detail="withdrawn"
    ).exists()

    # The region: not listed, not readable, not served; each refusal audited as denied.
    region = api_client(side_a.secretariat)
    listed = region.get("/api/v1/documents/", {"case": case.pk}).json()["results"]
    assert document.pk not in {r["id"] for r in listed} and listed
    assert region.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert download(side_a.secretariat, document).status_code == 404
    denied = AuditEntry.objects.filter(
        user=side_a.secretariat, action="denied", object_id=str(document.pk)
    )
    assert denied.count() == 2
    document.refresh_from_db()
    assert document.opened_by_other_side_at is None

    # The municipality still has it, marked as withdrawn, and may open it.
    own = api_client(side_a.team_member).get("/api/v1/documents/", {"case": case.pk}).json()
    assert document.pk in {r["id"] for r in own["results"]}
    assert download(side_a.team_member, document).status_code == 200


def test_after_the_other_side_opened_it_it_can_only_be_replaced(side_a, case):
    document = upload(side_a.caseworker, case, "status.pdf", pdf_bytes("v1"))
    assert download(side_a.coordinator, document).status_code == 200
    response = withdraw(side_a.caseworker, document)
    assert response.status_code == 400
    assert response.json()["code"] == "already_opened"
    assert "åbnet af modparten" in response.json()["detail"]
    document.refresh_from_db()
    assert document.withdrawn_at is None

    newer = upload(side_a.caseworker, case, "status v2.pdf", pdf_bytes("v2"))
    replaced = api_client(side_a.caseworker).post(
        f"/api/v1/documents/{document.pk}/replace/", {"replaced_by": newer.pk}, format="json"
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["replaced_by"] == newer.pk
    assert CaseEvent.objects.filter(case=case, kind="document_replaced").exists()
    # Both stay with the region.
    assert download(side_a.coordinator, document).status_code == 200
    assert download(side_a.coordinator, newer).status_code == 200

    again = api_client(side_a.caseworker).post(
        f"/api/v1/documents/{newer.pk}/replace/", {"replaced_by": document.pk}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["fields"]["replaced_by"] == [
        "Det nye dokument skal være tilføjet efter det, det erstatter."
    ]


def test_only_the_uploaders_organisation_may_withdraw(side_a, side_b, case):
    document = upload(side_a.caseworker, case, "notat.pdf", pdf_bytes())
    refused = withdraw(side_a.secretariat, document)
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(
        user=side_a.secretariat, action="denied", object_id=str(document.pk)
    ).exists()
    assert withdraw(side_b.caseworker, document).status_code == 404
    assert withdraw(side_a.gp, document).status_code == 404
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_a_withdrawal_needs_a_reason_in_danish(side_a, case):
    document = upload(side_a.caseworker, case, "notat.pdf", pdf_bytes())
    response = withdraw(side_a.caseworker, document, reason="  ")
    assert response.status_code == 400
    assert "Skriv hvorfor dokumentet trækkes tilbage." in str(response.json())
    assert withdraw(side_a.caseworker, document).status_code == 200
    twice = withdraw(side_a.caseworker, document)
    assert twice.status_code == 400
    assert twice.json()["detail"] == "Dokumentet er allerede trukket tilbage."


def test_a_withdrawn_document_no_longer_fills_the_checklist(side_a):
    draft = make_case(side_a, Subtype.KLINISK_FUNKTION)
    assert services.missing_requirements(draft) == []
    document = draft.documents.get(category="lae_271")
    assert withdraw(side_a.caseworker, document).status_code == 200
    assert [m.key for m in services.missing_requirements(draft)] == ["attachment:lae_271"]
