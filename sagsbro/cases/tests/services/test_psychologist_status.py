"""A psychologist's assessment or status (BEK § 1 stk. 5, § 3 stk. 2): the municipality obtains
an assessment only as a specialist certificate from klinisk funktion, and adds a psychologist's
status only where the collaboration agreement in force lets it; klinisk funktion may always add
one it obtained. Through the service and the API, against the real database."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.uploads import agreement_upload_refusal
from sagsbro.cases.services.documents import add_case_document
from sagsbro.conftest import api_client, assigned_case, make_case, pdf_bytes
from sagsbro.core.errors import PermissionRefused
from sagsbro.documents.models import Document
from sagsbro.documents.rules import Category, Side
from sagsbro.organisations.models import CollaborationAgreement

STATUS = Category.PSYCHOLOGIST_STATUS


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_rule() -> None:
    refusal = agreement_upload_refusal(
        Side.MUNICIPALITY, STATUS, municipality_requests_status=False
    )
    assert refusal is not None and "BEK § 3, stk. 2" in refusal and "BEK § 1, stk. 5" in refusal
    assert (
        agreement_upload_refusal(Side.MUNICIPALITY, STATUS, municipality_requests_status=True)
        is None
    )
    # Klinisk funktion obtains a status itself; other categories are not this rule's.
    assert agreement_upload_refusal(Side.REGION, STATUS, municipality_requests_status=False) is None
    assert (
        agreement_upload_refusal(
            Side.MUNICIPALITY, Category.LAE_265, municipality_requests_status=False
        )
        is None
    )


def _add(user, case):
    return add_case_document(
        user, case, category=STATUS, title="Status", filename="status.pdf", content=pdf_bytes()
    )


def test_the_municipality_adds_a_status_only_under_an_agreement_in_force(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    # No agreement: refused, nothing stored.
    with pytest.raises(PermissionRefused) as refused:
        _add(side_a.caseworker, case)
    assert refused.value.code == "no_agreement_for_status"
    assert not Document.objects.filter(case=case, category=STATUS).exists()
    # An agreement that does not let the municipality obtain status: still refused.
    agreement = CollaborationAgreement.objects.create(
        region=side_a.region,
        municipality=side_a.municipality,
        valid_from=datetime.date(2026, 1, 1),
    )
    with pytest.raises(PermissionRefused):
        _add(side_a.caseworker, case)
    # An agreement that ended yesterday does not count either.
    agreement.municipality_requests_status = True
    agreement.valid_to = datetime.date.today() - datetime.timedelta(days=1)
    agreement.save()
    with pytest.raises(PermissionRefused):
        _add(side_a.caseworker, case)
    agreement.valid_to = None
    agreement.save()
    document = _add(side_a.caseworker, case)
    assert (document.category, document.case_id) == (STATUS, case.pk)


def test_klinisk_funktion_adds_a_status_it_obtained(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    document = _add(side_a.coordinator, case)
    assert document.category == STATUS


def test_the_api_refuses_with_a_structured_danish_error(side_a):
    case = make_case(side_a, Subtype.REHABILITERINGSTEAM)
    response = api_client(side_a.caseworker).post(
        "/api/v1/documents/",
        {
            "case": case.pk,
            "category": STATUS,
            "file": SimpleUploadedFile("status.pdf", pdf_bytes(), "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "no_agreement_for_status"
    assert "samarbejdsaftalen" in body["fields"]["category"][0]
    assert not Document.objects.filter(case=case, category=STATUS).exists()
