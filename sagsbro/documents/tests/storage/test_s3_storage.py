"""Documents in S3-compatible object storage, against a real server over HTTP: moto's server
(`moto[server]`, run as `python -m moto.server` by this folder's conftest), with django-storages'
S3 backend configured by `sagsbro.core.storage.default_storage_settings` exactly as production
configures it from SAGSBRO_S3_* variables.

Uploads go through the API and the page, downloads through the access-checked views; the
bucket is read directly with boto3 to see what really landed in it."""

import hashlib
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case, pdf_bytes
from sagsbro.core.storage import S3_BACKEND, default_storage_settings
from sagsbro.documents.models import Blob, CombinedCaseFile, Document
from sagsbro.documents.rules import Category
from sagsbro.documents.services import attach_document, blob_files_block, store_blob
from sagsbro.documents.tests import files
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.documents.tests.storage.conftest import Bucket, make_bucket, use_bucket
from sagsbro.tests.test_backup_restore import _rows, _tables


def key_of(content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    return f"blobs/{digest[:2]}/{digest}"


def upload(user, case, name, content, category="new_health_information"):
    return api_client(user).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": category, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def case(side_a):
    return assigned_case(side_a, Subtype.LOEBENDE_SAG)


def test_the_settings_choose_s3_only_when_a_bucket_is_named():
    assert default_storage_settings({})["BACKEND"].endswith("FileSystemStorage")
    chosen = default_storage_settings(
        {"SAGSBRO_S3_BUCKET": "dokumenter", "SAGSBRO_S3_ENDPOINT_URL": "http://minio:9000"}
    )
    assert chosen["BACKEND"] == S3_BACKEND
    options = chosen["OPTIONS"]
    assert options["bucket_name"] == "dokumenter"
    # Never a URL to the bucket: documents are served by the access-checked views.
    assert options["querystring_auth"] is False
    assert options["default_acl"] == "private"
    assert "access_key" not in options  # boto3's own credential chain then
    assert (
        default_storage_settings({"SAGSBRO_S3_BUCKET": "d", "SAGSBRO_S3_ACL": "none"})["OPTIONS"][
            "default_acl"
        ]
        is None
    )


def test_an_upload_lands_in_the_bucket_once_under_its_hash(bucket: Bucket, side_a, case):
    content = pdf_bytes("Lægeerklæring i bøtten")
    assert isinstance(default_storage, S3Storage)
    before = bucket.keys()  # the case's own documents

    first = upload(side_a.caseworker, case, "erklæring.pdf", content)
    assert first.status_code == 201, first.content
    assert bucket.keys() == sorted([*before, key_of(content)])
    assert bucket.read(key_of(content)) == content
    # Private: only the owner has a grant.
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key_of(content))["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert "URI" not in grants[0]["Grantee"]

    # The same bytes again, on another case: a second document, no second object.
    other = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    second = upload(side_a.caseworker, other, "kopi.pdf", content)
    assert second.status_code == 201, second.content
    assert bucket.keys() == sorted([*before, key_of(content)])
    assert Blob.objects.filter(sha256=hashlib.sha256(content).hexdigest()).count() == 1
    assert Document.objects.filter(blob__sha256=hashlib.sha256(content).hexdigest()).count() == 2


def test_a_document_is_served_from_the_bucket_through_the_views(bucket: Bucket, side_a, case):
    content = pdf_bytes("Statusattest")
    created = upload(side_a.caseworker, case, "Statusattest.pdf", content)
    document_id = created.json()["id"]

    # The API, as the region's coordinator on the case.
    response = api_client(side_a.coordinator).get(f"/api/v1/documents/{document_id}/content/")
    assert response.status_code == 200
    assert body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert int(response["Content-Length"]) == len(content)

    # The page's link, in a signed-in browser session.
    browser = Client()
    browser.force_login(side_a.caseworker)
    page = browser.get(f"/api/v1/documents/{document_id}/content/")
    assert page.status_code == 200
    assert body(page) == content


def test_an_upload_through_the_page_lands_in_the_bucket(bucket: Bucket, side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    content = pdf_bytes("Indsatsplan fra siden")
    browser = Client()
    browser.force_login(side_a.caseworker)
    response = browser.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {
            "category": str(Category.INDSATSPLAN),
            "title": "",
            "file": SimpleUploadedFile("plan.pdf", content, content_type="application/pdf"),
            "tilbage": "dokumenter",
        },
    )
    assert response.status_code == 302
    assert bucket.keys() == [key_of(content)]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("program.pdf", b"MZ\x90\x00" + bytes(200)),
        ("arkiv.docx", b"PK\x03\x04" + bytes(100)),
        ("side.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ],
)
def test_a_refused_upload_leaves_no_object_and_no_row(bucket: Bucket, side_a, case, name, content):
    documents, before = Document.objects.count(), bucket.keys()
    response = upload(side_a.caseworker, case, name, content)
    assert response.status_code == 400
    assert "file" in response.json()["fields"]
    assert bucket.keys() == before
    assert Document.objects.count() == documents


def test_a_failed_transaction_removes_the_object_it_wrote(bucket: Bucket, side_a, case):
    content = pdf_bytes("Skrevet og fortrudt")
    before = bucket.keys()
    with pytest.raises(RuntimeError), blob_files_block():
        attach_document(
            side_a.caseworker,
            case,
            category=str(Category.NEW_HEALTH_INFORMATION),
            title="",
            filename="fortrudt.pdf",
            content=content,
        )
        # Written by the inner (committed) block: the outer one owns it now.
        assert bucket.keys() == sorted([*before, key_of(content)])
        raise RuntimeError("a later step of the same request fails")
    assert bucket.keys() == before
    assert not Blob.objects.filter(sha256=hashlib.sha256(content).hexdigest()).exists()

    # An object left behind by a failure elsewhere is checked and reused, not duplicated.
    bucket.client.put_object(Bucket=bucket.name, Key=key_of(content), Body=content)
    blob = store_blob(content)
    assert blob.file.name == key_of(content)
    assert bucket.keys() == sorted([*before, key_of(content)])
    # A damaged one is replaced by the right bytes.
    other = pdf_bytes("Beskadiget")
    bucket.client.put_object(Bucket=bucket.name, Key=key_of(other), Body=b"%PDF-1.4 halv")
    store_blob(other)
    assert bucket.read(key_of(other)) == other


def test_the_combined_case_file_is_built_from_the_bucket(bucket: Bucket, side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM, complete=False)
    sources = [multi_page_pdf(f"Bilag {n}", 2) for n in range(3)]
    for n, content in enumerate(sources):
        Document.objects.create(
            case=case,
            category=Category.LAE_265,
            title=f"Bilag {n}",
            filename=f"bilag-{n}.pdf",
            content_type="application/pdf",
            blob=store_blob(content),
            uploaded_by=side_a.caseworker,
        )
    assert bucket.keys() == sorted(key_of(c) for c in sources)

    response = api_client(side_a.caseworker).get(f"/api/v1/cases/{case.pk}/documents/combined/")
    assert response.status_code == 200
    combined = body(response)
    reader = PdfReader(io.BytesIO(combined))
    assert len(reader.outline) == 3
    assert len(reader.pages) == 3 * 2 + 1
    # The result is stored in the bucket too, under its own hash.
    row = CombinedCaseFile.objects.get(case=case)
    assert row.blob is not None
    assert bucket.read(str(row.blob.file.name)) == combined


@pytest.mark.django_db(transaction=True)
def test_a_backup_reads_the_bucket_and_a_restore_fills_an_empty_one(
    s3_endpoint, settings, side_a, empty_database, tmp_path
):
    source = make_bucket(s3_endpoint)
    use_bucket(settings, source)
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    stored = {str(b.file.name): source.read(str(b.file.name)) for b in Blob.objects.all()}
    assert stored and set(stored) == set(source.keys())

    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir), stdout=io.StringIO())
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(content).hexdigest() for name, content in stored.items()
    }

    # A new server: an empty database and an empty bucket.
    target = make_bucket(s3_endpoint)
    use_bucket(settings, target)
    call_command("restore", str(backup_dir), "--database", empty_database, stdout=io.StringIO())
    assert {key: target.read(key) for key in target.keys()} == stored
    assert _rows(empty_database, "documents_document") == _rows("default", "documents_document")
    assert _tables(empty_database) == _tables("default")
    assert case.documents.count() == len(stored)


def test_an_image_is_converted_and_drawn_from_the_bucket(bucket: Bucket, side_a, case):
    from sagsbro.documents.conversion import convert_document_now
    from sagsbro.documents.tasks import save_thumbnail

    content = files.png()
    created = upload(side_a.caseworker, case, "skanning.png", content)
    assert created.status_code == 201, created.content
    document = Document.objects.get(pk=created.json()["id"])
    assert document.conversion_status == "pending"

    # The background tasks' bodies: each reads its source from the bucket and stores there.
    assert convert_document_now(document.pk) == "done"
    document.refresh_from_db()
    assert document.rendition is not None
    rendition = bucket.read(str(document.rendition.file.name))
    assert len(PdfReader(io.BytesIO(rendition)).pages) == 1
    assert save_thumbnail(document.pk)
    document.refresh_from_db()
    assert document.thumbnail is not None
    assert bucket.read(str(document.thumbnail.file.name)).startswith(b"\x89PNG")
    assert set(bucket.keys()) >= {
        key_of(content),
        document.rendition.file.name,
        document.thumbnail.file.name,
    }
