"""The GP's worklist section "Dokumenter sendt til dig": one page of rows by a keyset
cursor, the total counted only up to a limit, and the same number of SQL queries for a GP
with two documents as for one with years of them."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import attach, make_case
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category
from sagsbro.documents.web import shared_page


def _shared(side, count):
    """`count` documents on one of the side's cases, each sent to the side's GP."""
    case = make_case(side, Subtype.REHABILITERINGSTEAM)
    original = attach(side.caseworker, case, Category.INDSTILLING)
    documents = [original] + [
        Document.objects.create(
            case=case,
            category=original.category,
            title=f"Indstilling {n}",
            filename=original.filename,
            content_type=original.content_type,
            blob=original.blob,
            uploaded_by=side.caseworker,
        )
        for n in range(count - 1)
    ]
    for document in documents:
        DocumentShare.objects.create(document=document, recipient=side.gp, reason="Til egen læge")
    return documents


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_section_reads_one_page_whatever_the_number_of_documents(side_a, monkeypatch):
    monkeypatch.setattr(shared_page, "COUNT_LIMIT", 30)
    client = Client()
    client.force_login(side_a.gp)
    _shared(side_a, 2)
    few, html = _queries(client, "/")
    assert 'Dokumenter sendt til dig <span class="count">(2)</span>' in html

    _shared(side_a, 40)
    many, html = _queries(client, "/")
    assert many == few
    assert "(mere end 30)" in html
    assert "Viser 1–25" in html
    following = re.search(r'href="(\?dok_efter=[^"]+)"', html)
    assert following is not None
    second, html = _queries(client, "/" + following.group(1))
    assert second == few
    assert "Viser 26–42" in html
