"""Klinisk funktion's work on a case over the API: the consultation note, investigations,
record requests and the structured LÆ 275 from draft to delivery, with the access rules
(the municipality reads the delivered certificate, not the specialist's notes) and the audit."""

import datetime

from django.test import Client
from django.urls import reverse

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical import services as clinical_services
from sagsbro.clinical.models import Certificate, Investigation
from sagsbro.clinical.services import certificate as certificates
from sagsbro.clinical.testing import book_consultation, hold_consultation_at_booked_time
from sagsbro.conftest import api_client, assigned_case
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.messaging.models import OutgoingMessage

API = "/api/v1"

SECTIONS = {
    "functional_capacity": "Kan løfte 5 kg.",
    "health": "Kroniske lændesmerter; normal neurologi.",
    "citizen_view": "Borgeren mener ikke at kunne arbejde fuld tid.",
    "doctor_view": "Skånejob 25 timer om ugen er realistisk.",
}


def consulted(side):
    case = assigned_case(side, Subtype.KLINISK_FUNKTION)
    book_consultation(side.secretariat, case)
    return hold_consultation_at_booked_time(side.specialist, case)


def url(case, what):
    return f"{API}/cases/{case.pk}/{what}/"


def test_the_specialist_records_the_assessment_and_the_region_reads_it(side_a):
    s = side_a
    case = consulted(s)
    specialist = api_client(s.specialist)

    response = specialist.put(url(case, "consultation-note"), {"note": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"note": ["Skriv notatet fra konsultationen."]}
    response = specialist.put(
        url(case, "consultation-note"), {"note": "Ondt i ryggen."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["note"] == "Ondt i ryggen."

    response = specialist.post(
        url(case, "investigations"),
        {"kind": "imaging", "description": "MR af lænd", "citizen_consented": False},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "consent_missing"
    assert not Investigation.objects.exists()
    response = specialist.post(
        url(case, "investigations"),
        {"kind": "imaging", "description": "MR af lænd", "citizen_consented": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    investigation = response.json()
    assert investigation["ordered_by"]["id"] == s.specialist.pk
    assert investigation["consent_covered"] is True
    response = specialist.post(
        url(case, f"investigations/{investigation['id']}/done"),
        {"done_on": datetime.date.today().isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()

    response = specialist.post(url(case, "record-requests"), {"source": "Rigshospitalet"})
    assert response.status_code == 400
    assert response.json()["code"] == "consent_missing"
    Consent.objects.create(
        citizen=s.citizen,
        scope="obtain_records",
        given_on=datetime.date.today(),
        written=True,
        registered_by=s.caseworker,
    )
    response = specialist.post(url(case, "record-requests"), {"source": "Rigshospitalet"})
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    response = specialist.post(url(case, f"record-requests/{request_id}/received"))
    assert response.status_code == 200 and response.json()["received_at"]

    for reader in (s.specialist, s.secretariat):
        mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        response = api_client(reader).get(url(case, "clinical-assessment"))
        assert response.status_code == 200
        body = response.json()
        assert body["consultation"]["note"] == "Ondt i ryggen."
        assert [i["kind"] for i in body["investigations"]] == ["imaging"]
        assert body["record_requests"][0]["consent_covered"] is True
        read = AuditEntry.objects.filter(id__gt=mark).get()
        assert (read.action, read.user_id, read.case_id) == (
            AuditEntry.Action.READ,
            reader.pk,
            case.pk,
        )

    # The municipality gets the certificate, not the specialist's notes; the GP gets nothing.
    response = api_client(s.caseworker).get(url(case, "clinical-assessment"))
    assert response.status_code == 403
    assert "Ondt" not in response.content.decode()
    denied = AuditEntry.objects.order_by("-id").first()
    assert denied is not None and denied.action == AuditEntry.Action.DENIED
    assert api_client(s.gp).get(url(case, "clinical-assessment")).status_code == 404
    # Nor does the municipality write them.
    response = api_client(s.caseworker).put(
        url(case, "consultation-note"), {"note": "x"}, format="json"
    )
    assert response.status_code == 403


def test_certificate_from_draft_to_delivery(side_a):
    s = side_a
    case = consulted(s)
    specialist = api_client(s.specialist)
    caseworker = api_client(s.caseworker)

    response = specialist.post(url(case, "certificates"), {"health": "Kun helbred"}, format="json")
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert draft["status"] == "draft"
    assert set(draft["problems"]) == {"functional_capacity", "citizen_view", "doctor_view"}
    certificate_url = url(case, f"certificates/{draft['id']}")

    # Refused while incomplete, listing the missing sections; nothing is filed.
    response = specialist.post(f"{certificate_url}sign/")
    assert response.status_code == 400
    assert response.json()["code"] == "certificate_incomplete"
    assert set(response.json()["fields"]) == set(draft["problems"])
    assert not case.documents.filter(category="lae_275").exists()

    response = specialist.patch(
        certificate_url, {"further_price": "abc", **SECTIONS}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "further_price": ["Angiv prisen som et beløb i kroner med punktum før ørerne, fx 4500.00."]
    }
    # The page's comma is refused by the API, and the message shows the API's form.
    response = specialist.patch(certificate_url, {"further_price": "4500,00"}, format="json")
    assert response.status_code == 400
    assert "fx 4500.00" in response.json()["further_price"][0]
    assert Certificate.objects.get(pk=draft["id"]).functional_capacity == ""
    response = specialist.patch(certificate_url, SECTIONS, format="json")
    assert response.status_code == 200 and response.json()["problems"] == {}

    # The municipality does not see the draft.
    assert caseworker.get(url(case, "certificates")).json() == []
    assert caseworker.get(certificate_url).status_code == 404
    assert caseworker.post(f"{certificate_url}sign/").status_code == 404

    response = specialist.post(f"{certificate_url}sign/")
    assert response.status_code == 200, response.json()
    signed = response.json()
    # Signed, but not on the case until delivery: klinisk funktion opens the PDF by its link.
    assert signed["status"] == "signed" and signed["document"] is None
    assert signed["signed_pdf"] == f"{certificate_url}pdf/"
    for reader in (specialist, api_client(s.secretariat)):
        response = reader.get(signed["signed_pdf"])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DOWNLOAD,
        object_type="certificate",
        object_id=str(draft["id"]),
        user=s.secretariat,
    ).exists()
    assert caseworker.get(signed["signed_pdf"]).status_code == 404
    assert api_client(s.gp).get(signed["signed_pdf"]).status_code == 404

    response = specialist.post(url(case, "deliver-certificate"), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "answered"
    assert Case.objects.get(pk=case.pk).state == "answered"
    signed = specialist.get(certificate_url).json()
    assert signed["status"] == "delivered" and signed["document"]
    assert DocumentShare.objects.filter(document=signed["document"], recipient=s.gp).exists()
    assert OutgoingMessage.objects.filter(
        case=case, purpose="gp_certificate_copy", document=signed["document"]
    ).exists()

    # Now the municipality reads it (audited), and the GP reads the copy's document.
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    rows = caseworker.get(url(case, "certificates")).json()
    assert [(r["id"], r["status"]) for r in rows] == [(draft["id"], "delivered")]
    # The municipality opens it as the case's document, not by klinisk funktion's link.
    assert rows[0]["document"] == signed["document"] and rows[0]["signed_pdf"] is None
    read = AuditEntry.objects.filter(id__gt=mark).get()
    assert (read.action, read.object_type, read.object_id) == (
        AuditEntry.Action.READ,
        "certificate",
        str(draft["id"]),
    )
    response = api_client(s.gp).get(f"{API}/documents/{signed['document']}/")
    assert response.status_code == 200


def test_other_side_and_other_cases_are_refused(side_a, side_b):
    s = side_a
    case = consulted(s)
    response = api_client(s.specialist).post(url(case, "certificates"), SECTIONS, format="json")
    certificate_id = response.json()["id"]
    other = consulted(side_b)
    # Another case's certificate is not reached through this case.
    response = api_client(side_b.specialist).get(url(other, f"certificates/{certificate_id}"))
    assert response.status_code == 404
    for user in (side_b.specialist, side_b.secretariat, side_b.caseworker):
        response = api_client(user).get(url(case, "certificates"))
        assert response.status_code == 404
        assert "lændesmerter" not in response.content.decode()
    # A non-clinical case has none of these routes.
    team = assigned_case(s, Subtype.REHABILITERINGSTEAM)
    assert api_client(s.secretariat).get(url(team, "clinical-assessment")).status_code == 404


def _lae_275_seen_by(client, case):
    """The LÆ 275 documents the client lists on the case, and whether any document it can
    open there serves the signed certificate's bytes."""
    response = client.get(f"{API}/documents/", {"case": case.pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    listed = [r["id"] for r in rows if r["category"] == "lae_275"]
    opened = []
    for row in rows:
        content = client.get(reverse("document-content", args=[row["id"]]))
        assert content.status_code == 200
        opened.append(b"".join(content.streaming_content))
    return listed, opened


def test_the_municipality_gets_the_certificate_only_with_the_gps_copy(side_a):
    """BEK § 15 stk. 2: between signing and delivery the municipality neither lists nor opens
    the certificate (API or case page); right after delivery it does, and the GP's share
    exists in the same moment."""
    s = side_a
    case = consulted(s)
    draft = certificates.create_certificate(s.specialist, case, **SECTIONS)
    signed = certificates.sign_certificate(s.specialist, case, draft)
    assert signed.pdf is not None
    with signed.pdf.file.open("rb") as handle:
        pdf = handle.read()
    caseworker = api_client(s.caseworker)
    page = Client()
    page.force_login(s.caseworker)
    documents_tab = reverse("cases:detail-tab", args=[case.pk, "dokumenter"])

    listed, opened = _lae_275_seen_by(caseworker, case)
    assert listed == [] and pdf not in opened
    assert not Document.objects.filter(blob=signed.pdf_id).exists()
    tab = page.get(documents_tab)
    assert tab.status_code == 200 and "speciallaegeattest-" not in tab.text
    assert "speciallaegeattest-" not in page.get(f"/sager/{case.pk}/").text
    assert not DocumentShare.objects.filter(recipient=s.gp).exists()

    clinical_services.deliver_certificate(s.specialist, case)
    signed.refresh_from_db()
    assert signed.document is not None
    listed, opened = _lae_275_seen_by(caseworker, case)
    assert listed == [signed.document_id] and pdf in opened
    assert DocumentShare.objects.filter(document=signed.document, recipient=s.gp).exists()
    html = page.get(documents_tab).text
    assert reverse("document-content", args=[signed.document_id]) in html
    assert signed.document.filename in html
