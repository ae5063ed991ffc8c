"""The demo's documents carry a date and an author, and one case shows a re-scanned copy of
its LÆ 265 flagged as a duplicate and left out of the combined case file."""

import datetime

import pytest
from django.utils import timezone

from sagsbro.cases.models import Case
from sagsbro.demo.load import load_demo
from sagsbro.documents.case_file import duplicates_by_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.tasks import fingerprint_document
from sagsbro.documents.viewing import PDF


@pytest.mark.django_db
def test_demo_documents_are_dated_and_one_case_has_a_flagged_rescan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(today=datetime.date(2026, 11, 26))
    # The text fingerprints are read by the worker, as `manage.py db_worker` does after loading.
    for document_id in Document.objects.filter(content_type=PDF).values_list("pk", flat=True):
        fingerprint_document.call(document_id)

    documents = Document.objects.exclude(category=Category.WRITTEN_ANSWER)
    assert documents.exists()
    assert not documents.filter(document_date__isnull=True).exists()
    assert not documents.filter(document_date__gt=timezone.localdate()).exists()
    assert not documents.filter(author_organisation="").exists()
    certificate = documents.filter(category=Category.LAE_265).first()
    assert certificate is not None and certificate.document_date is not None
    assert certificate.author_organisation.startswith("Praktiserende læge ")
    assert certificate.document_date < timezone.localdate()

    duplicates = {
        case_id: found
        for case_id, found in duplicates_by_case(Case.objects.values_list("pk", flat=True)).items()
        if found
    }
    # The København case, and the demo's referral that carried its documents over.
    assert duplicates
    for case_id, found in duplicates.items():
        ((copy_id, original_id),) = found.items()
        copy = Document.objects.get(pk=copy_id)
        original = Document.objects.get(pk=original_id)
        assert copy.case_id == original.case_id == case_id
        assert copy.title == "LÆ 265 Lægeattest fra egen læge (scannet igen)"
        assert copy.blob_id != original.blob_id
        assert copy.text_sha256 == original.text_sha256 != ""
        assert Case.objects.get(pk=case_id).state != "draft"
