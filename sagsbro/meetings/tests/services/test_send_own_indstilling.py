"""`send-indstilling` sends the municipality's own indstilling for this meeting of this case:
not another kind of document, not one on another case, not one a region user or another
municipality attached (data from before the category rule, or written around it)."""

import pytest

from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, attach
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category

API = "/api/v1"
MISSING = "Vedhæft rehabiliteringsteamets indstilling, før den sendes."


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _meeting_held(side):
    case = assigned_case(side, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    Case.objects.filter(pk=case.pk).update(state="meeting_held")
    return Case.objects.get(pk=case.pk)


def _planted_indstilling(case, uploaded_by, template):
    """An indstilling row as if someone else had attached it (the services refuse to)."""
    return Document.objects.create(
        case=case,
        category=Category.INDSTILLING,
        title="Indstilling",
        filename="indstilling.pdf",
        content_type=template.content_type,
        blob=template.blob,
        uploaded_by=uploaded_by,
    )


def _send(side, case):
    return api_client(side.caseworker).post(
        f"{API}/cases/{case.pk}/send-indstilling/", {}, format="json"
    )


def _refused(side, case):
    shares = DocumentShare.objects.count()
    response = _send(side, case)
    assert response.status_code == 400, response.json()
    assert (response.json()["code"], response.json()["detail"]) == ("attachment_missing", MISSING)
    assert Case.objects.get(pk=case.pk).state == "meeting_held"
    assert DocumentShare.objects.count() == shares


def test_another_kind_of_document_is_not_sent(side_a):
    case = _meeting_held(side_a)
    attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION)
    _refused(side_a, case)


def test_an_indstilling_on_another_case_is_not_sent(side_a):
    case = _meeting_held(side_a)
    other = _meeting_held(side_a)
    attach(side_a.caseworker, other, Category.INDSTILLING)
    _refused(side_a, case)


def test_an_indstilling_a_region_user_attached_is_not_sent(side_a):
    case = _meeting_held(side_a)
    template = attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION)
    _planted_indstilling(case, side_a.coordinator, template)
    _refused(side_a, case)


def test_another_municipalitys_indstilling_is_not_sent(side_a, side_b):
    case = _meeting_held(side_a)
    template = attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION)
    _planted_indstilling(case, side_b.caseworker, template)
    _refused(side_a, case)


def test_the_municipalitys_own_indstilling_is_sent_and_nothing_else(side_a):
    case = _meeting_held(side_a)
    template = attach(side_a.caseworker, case, Category.NEW_HEALTH_INFORMATION)
    _planted_indstilling(case, side_a.coordinator, template)
    own = attach(side_a.caseworker, case, Category.INDSTILLING)
    response = _send(side_a, case)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"
    shared = DocumentShare.objects.filter(document__case=case)
    assert [s.document_id for s in shared] == [own.pk]
