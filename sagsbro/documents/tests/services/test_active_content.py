"""Uploads refused for what they would make the reader's computer do: office files that
fetch from the internet or carry ActiveX/OLE/DDE parts, zips whose directory is giant, and
images too large to decode. Ordinary documents with links and pictures stay accepted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case
from sagsbro.core.errors import ServiceError
from sagsbro.documents import rules
from sagsbro.documents.tests import files
from sagsbro.documents.tests.services.test_hostile_uploads import attach, state

ACTIVE = [
    ("notat.docx", files.docx_with_remote_template, rules.OFFICE_ACTIVE),
    ("notat.docx", files.docx_with_external_ole_object, rules.OFFICE_ACTIVE),
    (
        "notat.docx",
        lambda: files.docx_with_external_ole_object('TargetMode="&#69;xternal"'),
        rules.OFFICE_ACTIVE,
    ),
    ("notat.docx", files.docx_with_activex, rules.OFFICE_ACTIVE),
    ("notat.docx", files.docx_with_embedded_ole, rules.OFFICE_ACTIVE),
    ("notat.odt", files.odt_with_remote_image, rules.OFFICE_ACTIVE),
    ("notat.odt", files.odt_with_dde_link, rules.OFFICE_ACTIVE),
    ("notat.docx", lambda: files.docx_declaring_entries(60_000), rules.OFFICE_TOO_LARGE),
    ("billede.png", files.large_png, rules.image_too_large("49 megapixel")),
    ("billede.png", lambda: files.png()[:20], rules.IMAGE_UNREADABLE),
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(("filename", "build", "message"), ACTIVE)
def test_an_active_or_oversized_upload_is_refused_and_leaves_nothing(
    settings, side_a, filename, build, message
):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = state(settings)
    with pytest.raises(ServiceError) as refused:
        attach(side_a.caseworker, case, build(), filename=filename)
    assert refused.value.code == "invalid_document"
    assert refused.value.fields == {"file": [message]}
    assert state(settings) == before


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (files.docx_with_hyperlink_and_image, rules.FileKind.DOCX),
        (files.odt_with_hyperlink, rules.FileKind.ODT),
        (files.xlsx, rules.FileKind.XLSX),
        (files.ods, rules.FileKind.ODS),
        (lambda: files.large_png(6000, 6000), rules.FileKind.PNG),
        (files.jpeg, rules.FileKind.JPEG),
    ],
)
def test_ordinary_documents_with_links_and_pictures_are_accepted(settings, side_a, build, kind):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    document = attach(
        side_a.caseworker, case, SimpleUploadedFile("fil", build()), filename="fil.bin"
    )
    assert document.content_type == kind
