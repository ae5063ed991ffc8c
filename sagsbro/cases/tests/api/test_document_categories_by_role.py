"""Who adds which document: a coordinator (region) cannot add the municipality's categories
(e.g. the team's indstilling) and a caseworker (municipality) cannot add the region's (e.g.
the coordinator's advice) — through the API, the service and the page, whose upload form
offers only the categories the user may add. Nothing is stored when refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document
from sagsbro.conftest import api_client, assigned_case, make_case, pdf_bytes
from sagsbro.core.errors import PermissionRefused
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import CATEGORY_LABELS, Category

API = "/api/v1"
REGION_REFUSAL = (
    "Regionen kan ikke tilføje dokumenter af typen »Rehabiliteringsteamets indstilling«: "
    "det er kommunens dokument."
)
MUNICIPALITY_REFUSAL = (
    "Kommunen kan ikke tilføje dokumenter af typen »Sundhedskoordinators tidligere resumé og "
    "rådgivning«: det er regionens dokument."
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(user, case, category, text):
    return api_client(user).post(
        f"{API}/documents/",
        {
            "case": case.pk,
            "category": category,
            "file": SimpleUploadedFile("dokument.pdf", pdf_bytes(text)),
        },
        format="multipart",
    )


def _stored():
    return Document.objects.count(), Blob.objects.count()


def test_coordinator_cannot_upload_the_indstilling(side_a):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    before = _stored()
    response = _upload(side_a.coordinator, case, "indstilling", "Falsk indstilling")
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "category_not_allowed"
    assert response.json()["detail"] == REGION_REFUSAL
    assert _stored() == before
    # The region's own kind of document is accepted.
    assert _upload(side_a.coordinator, case, "coordinator_advice", "Rådgivning").status_code == 201


def test_caseworker_cannot_upload_the_coordinators_advice(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    before = _stored()
    response = _upload(side_a.caseworker, case, "coordinator_advice", "Falsk rådgivning")
    assert response.status_code == 403, response.json()
    assert response.json()["detail"] == MUNICIPALITY_REFUSAL
    assert _stored() == before
    # What the municipality forwards is its own document.
    forwarded = _upload(side_a.caseworker, case, "forwarded_coordinator_advice", "Kopi")
    assert forwarded.status_code == 201, forwarded.json()


@pytest.mark.parametrize(
    ("role", "category"),
    [
        ("secretariat", Category.INDSATSPLAN),
        ("coordinator", Category.CASEWORKER_SUMMARY),
        ("specialist", Category.LAE_265),
        ("caseworker", Category.WRITTEN_ANSWER),
        ("team_member", Category.COORDINATOR_ADVICE),
    ],
)
def test_the_service_refuses_the_other_sides_categories(side_a, role, category):
    if role == "specialist":
        case = assigned_case(side_a, Subtype.KLINISK_FUNKTION)
    else:
        case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    with pytest.raises(PermissionRefused) as refused:
        add_case_document(
            getattr(side_a, role),
            case,
            category=category,
            title="",
            filename="x.pdf",
            content=pdf_bytes("x"),
        )
    assert refused.value.code == "category_not_allowed"
    assert refused.value.fields == {"category": [refused.value.message]}


def _offered_categories(user, case):
    client = Client()
    client.force_login(user)
    html = client.get(f"/sager/{case.pk}/dokumenter/").content.decode()
    select = re.search(r'<select[^>]* name="category".*?</select>', html, re.S)
    assert select, "the page has an upload form"
    return set(re.findall(r'<option value="([a-z_0-9]+)"', select.group(0)))


def test_the_upload_form_offers_only_the_users_categories(side_a):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    coordinator = _offered_categories(side_a.coordinator, case)
    caseworker = _offered_categories(side_a.caseworker, case)
    assert "indstilling" not in coordinator and "indstilling" in caseworker
    assert "coordinator_advice" in coordinator and "coordinator_advice" not in caseworker
    assert "forwarded_coordinator_advice" in caseworker
    assert coordinator | caseworker == {str(c) for c in CATEGORY_LABELS}


def test_the_page_refuses_a_category_the_form_does_not_offer(side_a):
    case = assigned_case(side_a, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    client = Client()
    client.force_login(side_a.coordinator)
    before = _stored()
    response = client.post(
        f"/sager/{case.pk}/dokumenter/ny/",
        {
            "category": "indstilling",
            "file": SimpleUploadedFile("x.pdf", pdf_bytes("x"), content_type="application/pdf"),
            "tilbage": "dokumenter",
        },
    )
    assert response.status_code == 400
    assert _stored() == before
