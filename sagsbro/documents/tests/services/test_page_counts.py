"""A document's page count: counted from the PDF when it is attached, and for the PDFs attached
before (the data migration), with NULL for other types and files that cannot be read."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import attach_document
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.documents.tests.files import png

count_pages = importlib.import_module(
    "sagsbro.documents.migrations.0009_document_pages"
).count_pages


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _attach(side, case, content, filename):
    return attach_document(
        side.caseworker,
        case,
        category=str(Category.OTHER_HEALTH_INFORMATION),
        title="Epikrise",
        filename=filename,
        content=content,
    )


def test_an_attached_pdf_has_its_page_count(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    document = _attach(side_a, case, multi_page_pdf("Epikrise", 7), "epikrise.pdf")
    document.refresh_from_db()
    assert document.pages == 7


def test_an_image_has_no_page_count(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    document = _attach(side_a, case, png(), "billede.png")
    document.refresh_from_db()
    assert document.content_type == "image/png"
    assert document.pages is None


def test_the_data_migration_counts_earlier_pdfs_and_tolerates_unreadable_ones(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    readable = _attach(side_a, case, multi_page_pdf("Tidligere", 4), "tidligere.pdf")
    damaged = _attach(side_a, case, multi_page_pdf("Beskadiget", 2), "beskadiget.pdf")
    image = _attach(side_a, case, png(), "billede.png")
    Document.objects.update(pages=None)
    # The stored file of one blob is damaged after it was attached.
    damaged.blob.file.delete(save=False)
    damaged.blob.file.save("blobs/damaged", ContentFile(b"%PDF-1.4\nnot a pdf"), save=True)

    count_pages(apps, None)

    pages = dict(
        Document.objects.filter(pk__in=[readable.pk, damaged.pk, image.pk]).values_list(
            "pk", "pages"
        )
    )
    assert pages == {readable.pk: 4, damaged.pk: None, image.pk: None}
