"""Documents' own services: bytes stored once by SHA-256, uploads checked before anything is
written, and a GP sees only what was shared with them."""

import hashlib

import pytest

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case, pdf_bytes
from sagsbro.core.errors import ServiceError
from sagsbro.documents.models import Blob, Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.documents.services import MAX_DOCUMENT_BYTES, attach_document, store_blob


@pytest.mark.django_db
def test_the_same_bytes_are_stored_once():
    content = pdf_bytes("Samme indhold")
    first = store_blob(content)
    second = store_blob(content)
    assert first.pk == second.pk
    assert first.sha256 == hashlib.sha256(content).hexdigest()
    assert first.size == len(content)
    assert Blob.objects.filter(sha256=first.sha256).count() == 1
    with first.file.open("rb") as stored:
        assert stored.read() == content


def _upload(**overrides):
    fields = {
        "category": str(Category.LAE_265),
        "title": "Lægeattest",
        "filename": "attest.pdf",
        "content": pdf_bytes("Attest"),
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "recipe"}, "category"),
        ({"content": b""}, "file"),
        ({"content": b"x" * (MAX_DOCUMENT_BYTES + 1)}, "file"),
        ({"content": b"MZ\x90\x00" + bytes(60)}, "file"),
    ],
)
def test_a_refused_upload_writes_nothing(side_a, overrides, field):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    counts = (Blob.objects.count(), Document.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ServiceError) as refused:
        attach_document(side_a.caseworker, case, **_upload(**overrides))
    assert refused.value.code == "invalid_document"
    assert field in refused.value.fields
    assert (Blob.objects.count(), Document.objects.count(), AuditEntry.objects.count()) == counts


def test_an_attached_document_is_audited_without_its_content(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    document = attach_document(side_a.caseworker, case, **_upload(title=""))
    assert document.case_id == case.pk
    # An empty title takes the category's label.
    assert document.title.startswith("LÆ 265")
    entry = AuditEntry.objects.filter(object_type="document", object_id=str(document.pk)).get()
    assert entry.citizen_id == case.citizen_id
    assert "Attest" not in (entry.detail or "")


def test_a_gp_sees_only_the_documents_shared_with_them(side_a, side_b):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    shared = attach_document(side_a.caseworker, case, **_upload(filename="delt.pdf"))
    attach_document(side_a.caseworker, case, **_upload(filename="ikke-delt.pdf"))
    DocumentShare.objects.create(document=shared, recipient=side_a.gp, reason="Kopi")
    assert list(Document.objects.visible_to(side_a.gp)) == [shared]
    assert not Document.objects.visible_to(side_b.gp).exists()
