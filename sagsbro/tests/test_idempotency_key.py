"""Every create operation of the API takes an `Idempotency-Key` header: a retried request
with the same key (same user, path and body) gets the first answer and creates nothing new;
the same key with another body is refused; keys are per user and expire."""

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from sagsbro.cases.models import Case, CaseEvent, CaseNote, Consent
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case, pdf_bytes, sent_case
from sagsbro.documents.models import Document
from sagsbro.organisations.models import (
    Citizen,
    CollaborationAgreement,
    IdempotencyRecord,
    TreatmentRelation,
)
from sagsbro.tests.concurrency import run_at_once
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(user, path, data, key, *, format="json"):
    return api_client(user).post(path, data, format=format, headers={"Idempotency-Key": key})


def _meeting():
    return configured_calendar().add_working_days(timezone.localdate(), 20).isoformat()


def _closed_team_case(side):
    case = make_case(side, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    Case.objects.filter(pk=case.pk).update(state="closed")
    return case


# Each create operation: who calls it, the path and body (made from the side), how the body
# is sent, and how many objects of its kind exist.
def _citizen(side):
    return side.caseworker, f"{API}/citizens/", {"cpr": "1507901234", "name": "Ny Borger"}, "json"


def _case(side):
    body = {"subtype": "loebende_sag", "citizen": side.citizen.pk, "question": "Spørgsmål?"}
    return side.caseworker, f"{API}/cases/", body, "json"


def _note(side):
    case = make_case(side, Subtype.LOEBENDE_SAG)
    return side.caseworker, f"{API}/cases/{case.pk}/notes/", {"text": "En note."}, "json"


def _document(side):
    case = make_case(side, Subtype.LOEBENDE_SAG, complete=False)
    body = {"case": case.pk, "category": "new_health_information", "file": None}
    return side.caseworker, f"{API}/documents/", body, "multipart"


def _consent(side):
    body = {"citizen": side.citizen.pk, "scope": "contact_gp", "given_on": "2026-01-05"}
    return side.caseworker, f"{API}/consents/", body, "json"


def _agreement(side):
    body = {"municipality": side.municipality.pk, "rules": []}
    return side.regional_admin, f"{API}/agreements/", body, "json"


def _treatment_relation(side):
    sent_case(side, Subtype.LOEBENDE_SAG)  # the region knows the citizen from a case
    body = {"citizen": side.citizen.pk, "doctor": side.coordinator_2.pk, "kind": "treating"}
    return side.secretariat, f"{API}/treatment-relations/", body, "json"


def _gp_contact(side):
    case = sent_case(side, Subtype.LOEBENDE_SAG)
    from sagsbro.cases import services

    services.assign_coordinator(side.secretariat, case, side.coordinator)
    body = {"contacted_on": timezone.localdate().isoformat(), "summary": "Talt om medicinen."}
    return side.coordinator, f"{API}/cases/{case.pk}/gp-contact/", body, "json"


def _reopen(side):
    case = _closed_team_case(side)
    body = {"meeting_date": _meeting()}
    return side.caseworker, f"{API}/cases/{case.pk}/reopen-as-genforelaeggelse/", body, "json"


OPERATIONS = {
    "citizen": (_citizen, lambda: Citizen.objects.count()),
    "case": (_case, lambda: Case.objects.count()),
    "note": (_note, lambda: CaseNote.objects.count()),
    "document": (_document, lambda: Document.objects.count()),
    "consent": (_consent, lambda: Consent.objects.count()),
    "agreement": (_agreement, lambda: CollaborationAgreement.objects.count()),
    "treatment_relation": (_treatment_relation, lambda: TreatmentRelation.objects.count()),
    "gp_contact": (_gp_contact, lambda: CaseEvent.objects.filter(kind="gp_contact").count()),
    "reopen": (_reopen, lambda: Case.objects.filter(subtype="genforelaeggelse").count()),
}


def _body(data, format):
    if format == "multipart" and "file" in data:
        # A fresh upload per request, with the same bytes.
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {**data, "file": SimpleUploadedFile("epikrise.pdf", pdf_bytes("Epikrise"))}
    return data


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_a_retried_create_makes_one_object_and_gets_the_first_answer(side_a, name):
    make, count = OPERATIONS[name]
    user, path, data, format = make(side_a)
    key = str(uuid.uuid4())
    before = count()

    first = _post(user, path, _body(data, format), key, format=format)
    assert 200 <= first.status_code < 300, first.json()
    assert count() == before + 1
    retry = _post(user, path, _body(data, format), key, format=format)
    assert (retry.status_code, retry.json()) == (first.status_code, first.json())
    assert retry["Idempotency-Replayed"] == "true"
    assert count() == before + 1


def test_the_same_key_with_another_body_is_refused(side_a):
    key = "7a1e-retry-key"
    path = f"{API}/citizens/"
    first = _post(side_a.caseworker, path, {"cpr": "1507901234", "name": "Første"}, key)
    assert first.status_code == 201, first.json()
    count = Citizen.objects.count()
    other = _post(side_a.caseworker, path, {"cpr": "1608902345", "name": "Anden"}, key)
    assert other.status_code == 422, other.json()
    assert other.json() == {
        "code": "idempotency_key_reused",
        "detail": "Nøglen i Idempotency-Key er allerede brugt til en anden anmodning. "
        "Brug en ny nøgle til en ny anmodning.",
    }
    assert Citizen.objects.count() == count
    # Another path with the key is another request as well.
    case = _post(
        side_a.caseworker,
        f"{API}/cases/",
        {"subtype": "loebende_sag", "citizen": side_a.citizen.pk},
        key,
    )
    assert case.status_code == 422


def test_keys_are_per_user(side_a, side_b):
    key = "shared-key-1"
    body = {"cpr": "1507901234", "name": "Samme Borger"}
    first = _post(side_a.caseworker, f"{API}/citizens/", body, key)
    second = _post(side_b.caseworker, f"{API}/citizens/", body, key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotency-Replayed" not in second
    assert first.json()["id"] != second.json()["id"]
    assert second.json()["municipality"] == side_b.municipality.pk


def test_a_refused_request_is_not_kept_and_may_be_corrected(side_a):
    key = "corrected-request"
    refused = _post(side_a.caseworker, f"{API}/citizens/", {"cpr": "12", "name": "X"}, key)
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    fixed = _post(side_a.caseworker, f"{API}/citizens/", {"cpr": "1507901234", "name": "X"}, key)
    assert fixed.status_code == 201, fixed.json()


def test_the_key_is_stored_only_as_a_hash_and_expires(side_a, settings):
    key = "my-secret-request-key"
    body = {"subtype": "loebende_sag", "citizen": side_a.citizen.pk}
    first = _post(side_a.caseworker, f"{API}/cases/", body, key)
    assert first.status_code == 201
    (record,) = IdempotencyRecord.objects.all()
    assert key not in {record.key_hash, record.path, str(record.response_body)}

    # After the time to live the key is a new request, and the purge removes old answers.
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    again = _post(side_a.caseworker, f"{API}/cases/", body, key)
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    out = io.StringIO()
    call_command("purge_idempotency_records", stdout=out)
    assert out.getvalue() == "1 udløbne idempotensnøgler slettet.\n"
    assert not IdempotencyRecord.objects.exists()


def test_an_unusable_key_is_refused(side_a):
    body = {"subtype": "loebende_sag", "citizen": side_a.citizen.pk}
    response = _post(side_a.caseworker, f"{API}/cases/", body, "x" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Case.objects.exists()


def test_the_schema_documents_the_header_on_create_operations(side_a):
    schema = api_client(side_a.caseworker).get("/api/schema/", {"format": "json"}).json()

    def header_names(path, method):
        parameters = schema["paths"][path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    for path in (
        "/api/v1/cases/",
        "/api/v1/citizens/",
        "/api/v1/documents/",
        "/api/v1/consents/",
        "/api/v1/agreements/",
        "/api/v1/treatment-relations/",
        "/api/v1/cases/{id}/notes/",
        "/api/v1/cases/{id}/gp-contact/",
        "/api/v1/cases/{id}/reopen-as-genforelaeggelse/",
    ):
        assert "Idempotency-Key" in header_names(path, "post"), path
    assert "Idempotency-Key" not in header_names("/api/v1/cases/{id}/notes/", "get")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_one_key_make_one_object(side_a):
    """The second request waits for the first one's transaction (the unique key on
    PostgreSQL, the write lock on SQLite) and then gets its answer."""
    body = {"subtype": "loebende_sag", "citizen": side_a.citizen.pk, "question": "Samtidig?"}

    def send():
        response = _post(side_a.caseworker, f"{API}/cases/", body, "same-time")
        return (response.status_code, response.json())

    answers = run_at_once(send, send)

    assert len(answers) == 2, answers
    assert answers[0] == answers[1], answers
    assert isinstance(answers[0], tuple) and answers[0][0] == 201, answers
    assert Case.objects.filter(question="Samtidig?").count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_an_upload_whose_key_cannot_be_recorded_leaves_no_file(side_a, settings, monkeypatch):
    """The document was stored, then keeping the answer failed: the whole request is undone,
    the stored file too."""
    from sagsbro.organisations import idempotency

    def fail(*args, **kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(idempotency, "remember", fail)
    user, path, data, format = _document(side_a)
    documents = Document.objects.count()
    client = api_client(user)
    client.raise_request_exception = False
    response = client.post(
        path, _body(data, format), format=format, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 500
    assert Document.objects.count() == documents
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
