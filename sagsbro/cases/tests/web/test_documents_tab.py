"""The Dokumenter tab: the documents in the case file's order (by category, newest document
date first), each with its first-page thumbnail, title, category, date, author and pages,
duplicates flagged as the combined PDF leaves them out, the conversion's state, and where a
carried-over document came from; the thumbnail served access-checked and audited. The
query count does not grow with the documents."""

import datetime
import io
import re
from html import unescape

import pikepdf
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sagsbro.audit.models import AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.services.documents import add_case_document, withdraw_case_document
from sagsbro.cases.tests.web.test_case_file_pages import case_with_documents
from sagsbro.cases.web import case_page
from sagsbro.conftest import api_client, assigned_case, make_case
from sagsbro.documents.case_file import case_file_entries
from sagsbro.documents.models import Document, DocumentShare
from sagsbro.documents.rules import Category, case_file_plan
from sagsbro.documents.services import store_blob
from sagsbro.documents.tasks import fingerprint_document, make_thumbnail
from sagsbro.documents.tests.case_file_files import multi_page_pdf
from sagsbro.documents.tests.files import docx

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
TITLE = re.compile(r'<a href="/api/v1/documents/(\d+)/content/">([^<]+)</a>')


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def resaved(content: bytes) -> bytes:
    """The same PDF saved again by another program: other bytes, the same text."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        pdf.docinfo[pikepdf.Name.Producer] = "Scanner 2000"
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert out.getvalue() != content
    return out.getvalue()


def add(side, case, title, category, *, pages=1, day=None, author="", content=None):
    return add_case_document(
        side.caseworker,
        case,
        category=str(category),
        title=title,
        filename=f"{title.lower()}.pdf",
        content=content if content is not None else multi_page_pdf(title, pages),
        document_date=day,
        author_organisation=author,
    )


def tab(user, case):
    client = Client()
    client.force_login(user)
    response = client.get(f"/sager/{case.pk}/dokumenter/")
    assert response.status_code == 200
    return response.content.decode()


def listed(page):
    """(document id, title, the row's HTML) of the table's rows, in order."""
    rows = []
    for html in ROW.findall(page.split('id="documents-table"', 1)[1].split("</table>", 1)[0]):
        found = TITLE.search(html)
        if found:
            rows.append((int(found.group(1)), found.group(2), html))
    return rows


@pytest.mark.django_db
def test_documents_in_the_case_file_order_with_date_author_and_pages(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    old = add(side_a, case, "Attest 2025", Category.LAE_265, day=datetime.date(2025, 3, 1))
    new = add(
        side_a,
        case,
        "Attest 2026",
        Category.LAE_265,
        pages=3,
        day=datetime.date(2026, 2, 1),
        author="Lægerne i Valby",
    )
    plan_part = add(side_a, case, "Forberedende del", Category.FORBEREDENDE_DEL)
    other = add(side_a, case, "Bilag", Category.OTHER)

    rows = listed(tab(side_a.caseworker, case))
    ids = [pk for pk, _, _ in rows]
    assert ids == [plan_part.pk, new.pk, old.pk, other.pk]
    assert ids == [e.document_id for e in case_file_plan(case_file_entries(case.pk)).ordered]
    newest = rows[1][2]
    assert "01.02.2026" in newest and "Lægerne i Valby" in newest
    assert "3 sider" in newest
    assert "LÆ 265 Lægeattest fra egen læge" in newest
    assert "Ingen dato" in rows[0][2]  # none given: ordered by its upload date


@pytest.mark.django_db
def test_a_resaved_copy_is_flagged_as_a_duplicate_and_its_pages_not_counted(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    original = multi_page_pdf("Epikrise", 4)
    first = add(side_a, case, "Epikrise", Category.NEW_HEALTH_INFORMATION, content=original)
    copy = add(side_a, case, "Epikrise rescannet", Category.OTHER, content=resaved(original))
    assert copy.blob_id != first.blob_id
    for document in (first, copy):
        fingerprint_document.call(document.pk)

    page = tab(side_a.caseworker, case)
    rows = {pk: html for pk, _, html in listed(page)}
    assert "Dublet af »Epikrise«" in rows[copy.pk]
    assert "Dublet af" not in rows[first.pk]
    assert "I alt 4 sider" in page


@pytest.mark.django_db
def test_carried_over_documents_name_the_earlier_case(side_a):
    earlier = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    source = add(side_a, earlier, "Lægeattest", Category.LAE_265)
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    Document.objects.create(
        case=case,
        category=source.category,
        title=source.title,
        filename=source.filename,
        content_type=source.content_type,
        blob=source.blob,
        pages=source.pages,
        uploaded_by=side_a.caseworker,
        carried_over_from=source,
    )
    assert f"Overført fra sag {earlier.reference}" in tab(side_a.caseworker, case)


@pytest.mark.django_db
def test_the_conversion_state_is_shown(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    word = add_case_document(
        side_a.caseworker,
        case,
        category=str(Category.OTHER),
        title="Statusnotat",
        filename="notat.docx",
        content=docx(),
    )
    assert word.conversion_status == "pending"
    assert "Konverteres til PDF …" in tab(side_a.caseworker, case)

    Document.objects.filter(pk=word.pk).update(
        conversion_status="failed", conversion_error="Konverteringen tog for lang tid."
    )
    assert "Kunne ikke konverteres: Konverteringen tog for lang tid." in tab(
        side_a.caseworker, case
    )

    rendition = store_blob(multi_page_pdf("Statusnotat", 1))
    Document.objects.filter(pk=word.pk).update(
        conversion_status="done", conversion_error="", rendition=rendition, pages=1
    )
    page = tab(side_a.caseworker, case)
    assert f'href="/api/v1/documents/{word.pk}/rendition/"' in page
    assert "Vis som PDF" in page


@pytest.mark.django_db
def test_the_thumbnail_is_shown_lazily_and_served_audited_to_those_who_see_the_case(side_a, side_b):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    drawn = add(side_a, case, "Journal", Category.OTHER_HEALTH_INFORMATION)
    waiting = add(side_a, case, "Notat", Category.OTHER)
    assert make_thumbnail.call(drawn.pk) is True
    url = f"/api/v1/documents/{drawn.pk}/thumbnail/"

    rows = {pk: html for pk, _, html in listed(tab(side_a.caseworker, case))}
    assert (
        f'<img class="document-thumbnail" src="{url}" alt="Første side af Journal"'
        in (rows[drawn.pk])
    )
    assert 'loading="lazy"' in rows[drawn.pk]
    assert "<img" not in rows[waiting.pk]

    client = Client()
    client.force_login(side_a.caseworker)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response.getvalue().startswith(b"\x89PNG")
    read = AuditEntry.objects.filter(object_type="document", object_id=str(drawn.pk)).latest("id")
    assert (read.action, read.user_id, read.detail) == (
        AuditEntry.Action.READ,
        side_a.caseworker.pk,
        "miniature",
    )
    # Seeing the thumbnail is not opening the document: it may still be withdrawn.
    drawn.refresh_from_db()
    assert drawn.opened_by_other_side_at is None

    # Not made yet: 404 without a refusal on record.
    denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED)
    before = denied.count()
    assert client.get(f"/api/v1/documents/{waiting.pk}/thumbnail/").status_code == 404
    assert denied.count() == before

    # Another organisation, or the GP it was not sent to: 404 and one refusal each.
    for user in (side_b.caseworker, side_b.coordinator, side_a.gp):
        assert api_client(user).get(url).status_code == 404
    assert denied.count() == before + 3

    # Withdrawn: still shown to the organisation that attached it.
    withdraw_case_document(side_a.caseworker, case, drawn, reason="Forkert borger")
    assert client.get(url).status_code == 200


def queries_for(user, case):
    client = Client()
    client.force_login(user)
    client.get(f"/sager/{case.pk}/dokumenter/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/sager/{case.pk}/dokumenter/").status_code == 200
    return len(captured)


def grown(side, documents):
    case = make_case(side, Subtype.LOEBENDE_SAG, complete=False)
    earlier = make_case(side, Subtype.LOEBENDE_SAG, complete=False)
    for n in range(documents):
        document = add(side, case, f"Bilag {n}", Category.OTHER, day=datetime.date(2026, 1, n + 1))
        make_thumbnail.call(document.pk)
        source = add(side, earlier, f"Tidligere {n}", Category.OTHER)
        Document.objects.create(
            case=case,
            category=source.category,
            title=source.title,
            filename=source.filename,
            content_type=source.content_type,
            blob=source.blob,
            uploaded_by=side.caseworker,
            carried_over_from=source,
        )
    add(side, case, "Kopi", Category.OTHER, content=resaved(multi_page_pdf("Bilag 0", 1)))
    return case


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_thumbnails_duplicates_and_carried_over(side_a):
    assert queries_for(side_a.caseworker, grown(side_a, 2)) == queries_for(
        side_a.caseworker, grown(side_a, 7)
    )


def tab_at(user, case, query=""):
    client = Client()
    client.force_login(user)
    response = client.get(f"/sager/{case.pk}/dokumenter/{query}")
    assert response.status_code == 200
    return response.content.decode()


PAGER = re.compile(
    r'<nav class="pagination" aria-label="Sider i listen over dokumenter">(.*?)</nav>', re.S
)
NEXT = re.compile(r'class="button button-arrow button-next" href="([^"]+)"')
PREVIOUS = re.compile(r'class="button button-arrow button-previous" href="([^"]+)"')


def pager(page):
    found = PAGER.search(page)
    return found.group(1) if found else None


def link(pattern, page):
    return unescape(pattern.search(pager(page)).group(1))


@pytest.mark.django_db
def test_the_list_is_paged_and_the_second_page_shows_the_rest(side_a, monkeypatch):
    monkeypatch.setattr(case_page, "DOCUMENTS_PER_PAGE", 3)
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    for n in range(5):
        add(side_a, case, f"Bilag {n}", Category.OTHER, day=datetime.date(2026, 1, n + 1))
    gone = add(side_a, case, "Forkert bilag", Category.LAE_265)
    withdraw_case_document(side_a.caseworker, case, gone, reason="Forkert borger")
    order = [e.document_id for e in case_file_plan(case_file_entries(case.pk)).ordered]
    everything = [*order, gone.pk]
    assert len(everything) == 6

    first = tab_at(side_a.caseworker, case)
    assert [pk for pk, _, _ in listed(first)] == everything[:3]
    assert "Viser 1–3" in pager(first)
    assert "Næste" in pager(first) and "Forrige" not in pager(first)
    assert "1–3 af 6" in first  # the table's caption
    assert "I alt 5 sider" in first  # every page of the case counted, not only this page's
    assert "Åbn alle dokumenter" in first

    # A document added meanwhile, before the cursor, neither repeats nor shifts a row.
    add(side_a, case, "Forberedende del", Category.FORBEREDENDE_DEL)
    second = tab_at(side_a.caseworker, case, link(NEXT, first))
    assert [pk for pk, _, _ in listed(second)] == everything[3:]
    assert "Trukket tilbage" in listed(second)[-1][2]
    assert "Næste" not in pager(second)
    assert "Viser 5–7" in pager(second)  # counted as the list is now

    # Back: the page before the cursor, and the new document before that.
    back = tab_at(side_a.caseworker, case, link(PREVIOUS, second))
    assert [pk for pk, _, _ in listed(back)] == everything[:3]
    assert "Viser 2–4" in pager(back) and "Forrige" in pager(back)
    start = tab_at(side_a.caseworker, case, link(PREVIOUS, back))
    assert [title for _, title, _ in listed(start)][0] == "Forberedende del"
    assert "Forrige" not in pager(start)


@pytest.mark.django_db
def test_one_page_shows_no_pager_and_a_bad_cursor_shows_the_first_page(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
    for n in range(3):
        add(side_a, case, f"Bilag {n}", Category.OTHER)
    page = tab_at(side_a.caseworker, case)
    assert len(listed(page)) == 3 and pager(page) is None
    for query in ("?efter=ikke-en-markør", "?foer=%7B%7D", "?efter=eyJ2IjpbIngiXSwibiI6Mn0"):
        assert len(listed(tab_at(side_a.caseworker, case, query))) == 3


@pytest.mark.django_db
def test_a_full_page_of_documents_and_the_rest_on_the_next(side_a):
    total = case_page.DOCUMENTS_PER_PAGE + 4
    case = case_with_documents(side_a, total, pages=1)
    first = tab_at(side_a.caseworker, case)
    second = tab_at(side_a.caseworker, case, link(NEXT, first))
    shown = [pk for pk, _, _ in listed(first)] + [pk for pk, _, _ in listed(second)]
    assert len(listed(first)) == case_page.DOCUMENTS_PER_PAGE
    assert len(listed(second)) == 4
    assert shown == [e.document_id for e in case_file_plan(case_file_entries(case.pk)).ordered]
    assert f"Viser {case_page.DOCUMENTS_PER_PAGE + 1}–{total}" in pager(second)


DOCUMENT_TABLES = ("documents_document", "documents_documentshare", "documents_blob")


def plans_of(captured):
    """The query plan of every captured query that reads a documents table; on PostgreSQL
    with sequential scans priced out, so one is chosen only when no index serves."""
    plans = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if not any(table in sql for table in DOCUMENT_TABLES):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            plans.append((sql, plan))
    return plans


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_every_query_of_a_page_reads_the_documents_through_an_index(side_a, role, monkeypatch):
    monkeypatch.setattr(case_page, "DOCUMENTS_PER_PAGE", 2)
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    for n in range(4):
        document = add(side_a, case, f"Bilag {n}", Category.OTHER)
        make_thumbnail.call(document.pk)
    DocumentShare.objects.create(document=document, recipient=side_a.gp, reason="Orientering")
    withdraw_case_document(side_a.caseworker, case, document, reason="Forkert")
    user = getattr(side_a, role)
    first = tab_at(user, case)
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/sager/{case.pk}/dokumenter/{link(NEXT, first)}")
    assert page.status_code == 200 and len(listed(page.content.decode())) == 2
    plans = plans_of(captured.captured_queries)
    assert plans
    for sql, plan in plans:
        for table in DOCUMENT_TABLES:
            assert not re.search(rf"(Seq Scan on|\bSCAN) {table}\b", plan), f"{sql}\n{plan}"
