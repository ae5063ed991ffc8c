"""Keyset pagination of the pages' lists (sagsbro/core/pagination.py): every row once, in
order, across pages and while rows are inserted; NULLs last; bad cursors ignored; a page
reads a page of rows whatever its depth."""

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from sagsbro.cases.models import Case
from sagsbro.core.pagination import bounded_count, keyset_page

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _cases(side, n, *, meeting_date=lambda i: None, created_at=None):
    made = Case.objects.bulk_create(
        Case(
            reference=f"KP-{next(_numbers):06d}",
            subtype="loebende_sag",
            municipality=side.municipality,
            region=side.region,
            citizen=side.citizen,
            caseworker=side.caseworker,
            meeting_date=meeting_date(i),
        )
        for i in range(n)
    )
    if created_at is not None:
        for i, case in enumerate(made):
            Case.objects.filter(pk=case.pk).update(created_at=created_at(i))
    return list(Case.objects.filter(pk__in=[c.pk for c in made]))


def _walk(queryset, keys, page_size, params=None):
    """Every page from the first by "Næste"; returns the pages' rows."""
    pages = []
    params = dict(params or {})
    while True:
        page = keyset_page(queryset, keys, params, page_size=page_size)
        pages.append(page)
        if not page.has_next:
            return pages
        params = {**params, **{k: v for k, v in page.next_query.items() if v is not None}}
        params.pop("foer", None)


def _expected(queryset, keys):
    from sagsbro.core.pagination import Key

    return list(queryset.order_by(*(Key.of(k).order_by() for k in keys)))


@pytest.mark.parametrize(
    "keys",
    [["-created_at", "-id"], ["meeting_date", "id"], ["-meeting_date", "id"], ["reference"]],
)
def test_pages_list_every_row_once_in_order_nulls_last(side_a, keys):
    base = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    _cases(
        side_a,
        23,
        # Ties and NULLs in the leading key: only the id decides among them.
        meeting_date=lambda i: None if i % 3 == 0 else datetime.date(2026, 2, 1 + i % 4),
        created_at=lambda i: base + datetime.timedelta(minutes=i // 2, microseconds=i),
    )
    queryset = Case.objects.all()
    pages = _walk(queryset, keys, page_size=5)
    rows = [case.pk for page in pages for case in page.rows]
    assert rows == [case.pk for case in _expected(queryset, keys)]
    assert [len(page.rows) for page in pages] == [5, 5, 5, 5, 3]
    assert [(p.start_index, p.end_index) for p in pages] == [
        (1, 5),
        (6, 10),
        (11, 15),
        (16, 20),
        (21, 23),
    ]
    assert not pages[0].has_previous and all(p.has_previous for p in pages[1:])
    dates = [case.meeting_date for page in pages for case in page.rows]
    if keys[0] == "meeting_date":  # NULLs last ascending
        assert dates[-8:] == [None] * 8 and None not in dates[:-8]
    if keys[0] == "-meeting_date":  # and first descending
        assert dates[:8] == [None] * 8 and None not in dates[8:]


def test_previous_walks_back_to_the_same_pages(side_a):
    _cases(side_a, 12, meeting_date=lambda i: None if i % 2 else datetime.date(2026, 3, i + 1))
    keys = ["meeting_date", "id"]
    forward = _walk(Case.objects.all(), keys, page_size=5)
    last = forward[-1]
    back = keyset_page(Case.objects.all(), keys, {"foer": last.previous_cursor}, page_size=5)
    assert [c.pk for c in back.rows] == [c.pk for c in forward[1].rows]
    assert back.has_previous and back.has_next and back.start_index == 6
    first = keyset_page(Case.objects.all(), keys, {"foer": back.previous_cursor}, page_size=5)
    assert [c.pk for c in first.rows] == [c.pk for c in forward[0].rows]
    assert not first.has_previous and first.start_index == 1


def test_rows_inserted_while_paging_neither_repeat_nor_skip_a_row(side_a):
    old = _cases(side_a, 10)
    keys = ["-created_at", "-id"]
    first = keyset_page(Case.objects.all(), keys, {}, page_size=4)
    # New cases come first in this order; the reader going on sees the rest of the old ones.
    _cases(side_a, 3)
    second = keyset_page(Case.objects.all(), keys, {"efter": first.next_cursor}, page_size=4)
    third = keyset_page(Case.objects.all(), keys, {"efter": second.next_cursor}, page_size=4)
    seen = [c.pk for page in (first, second, third) for c in page.rows]
    assert sorted(seen) == sorted(c.pk for c in old)
    assert len(set(seen)) == len(seen) and not third.has_next


@pytest.mark.parametrize(
    "cursor", ["", "not base64!", "eyJ2IjpbXX0", "eyJ2IjpbIngiLCJ5Il0sIm4iOjJ9", "A" * 2000]
)
def test_a_cursor_that_does_not_parse_gives_the_first_page(side_a, cursor):
    _cases(side_a, 3)
    page = keyset_page(Case.objects.all(), ["meeting_date", "id"], {"efter": cursor}, page_size=2)
    assert page.start_index == 1 and not page.has_previous and page.has_next


def test_an_annotation_can_be_a_key(side_a):
    _cases(side_a, 7, meeting_date=lambda i: datetime.date(2026, 4, 7 - i))
    queryset = Case.objects.annotate(day=F("meeting_date"))
    pages = _walk(queryset, ["day", "id"], page_size=3)
    days = [case.day for page in pages for case in page.rows]
    assert days == sorted(days) and len(days) == 7


def test_a_deep_page_costs_one_query_of_one_page(side_a):
    _cases(side_a, 30)
    keys = ["-created_at", "-id"]
    pages = _walk(Case.objects.all(), keys, page_size=5)
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(Case.objects.all(), keys, {"efter": pages[-2].next_cursor}, page_size=5)
    assert len(page.rows) == 5 and len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "LIMIT 6" in sql and "OFFSET" not in sql and "COUNT(" not in sql


def test_bounded_count_stops_at_the_limit(side_a):
    _cases(side_a, 6)
    assert (
        bounded_count(Case.objects.all(), 10).count,
        bounded_count(Case.objects.all(), 10).more,
    ) == (6, False)
    capped = bounded_count(Case.objects.all(), 5)
    assert (capped.count, capped.more, str(capped)) == (5, True, "mere end 5")
    with CaptureQueriesContext(connection) as queries:
        bounded_count(Case.objects.all(), 5)
    assert "LIMIT 6" in queries[0]["sql"].upper()


@pytest.mark.parametrize("keys", [["day", "id"], ["-day", "id"]])
def test_rows_with_and_without_the_first_key_read_apart_page_the_same(side_a, keys):
    """``present``: the rows with an expensive first key and those without are read by
    separate queries; the pages are those of the one ordering, both ways."""
    _cases(side_a, 17, meeting_date=lambda i: None if i % 3 else datetime.date(2026, 5, 1 + i))
    queryset = Case.objects.annotate(day=F("meeting_date"))
    present = Q(meeting_date__isnull=False)
    plain = _walk(queryset, keys, page_size=4)
    split = []
    params: dict = {}
    while True:
        page = keyset_page(queryset, keys, params, page_size=4, present=present)
        split.append(page)
        if not page.has_next:
            break
        params = {"efter": page.next_cursor}
    assert [[c.pk for c in p.rows] for p in split] == [[c.pk for c in p.rows] for p in plain]
    # And back again from the last page, page by page.
    page = split[-1]
    for expected in reversed(split[:-1]):
        page = keyset_page(
            queryset, keys, {"foer": page.previous_cursor}, page_size=4, present=present
        )
        assert [c.pk for c in page.rows] == [c.pk for c in expected.rows]


def test_a_list_in_memory_is_paged_with_the_same_cursors():
    from sagsbro.core.pagination import sequence_page

    items = [(group, n) for group in (0, 1) for n in range(4)]  # sorted, unique
    seen, starts = [], []
    params: dict[str, str | None] = {}
    while True:
        page = sequence_page(items, lambda item: item, params, page_size=3)
        seen += page.rows
        starts.append(page.start_index)
        if not page.has_next:
            break
        params = page.next_query
    assert seen == items and starts == [1, 4, 7]
    assert page.end_index == 8 and page.has_previous

    back = sequence_page(items, lambda item: item, page.previous_query, page_size=3)
    assert back.rows == items[3:6] and back.start_index == 4
    # An item added before the cursor is not shown again on the way forward.
    grown = sorted([*items, (0, -1)])
    forward = sequence_page(grown, lambda item: item, back.next_query, page_size=3)
    assert forward.rows == items[6:] and forward.start_index == 8
    # Nothing after the cursor any longer: the last page; a cursor that does not parse: the first.
    past = sequence_page(items[:5], lambda item: item, back.next_query, page_size=3)
    assert past.rows == items[2:5] and not past.has_next
    for bad in ("x", "eyJ2IjpbIngiLCAxXSwibiI6Mn0", "eyJ2IjpbMV0sIm4iOjJ9"):
        first = sequence_page(items, lambda item: item, {"efter": bad}, page_size=3)
        assert first.rows == items[:3]
    assert sequence_page([], lambda item: item, {"efter": "x"}, page_size=3).rows == []


@pytest.mark.parametrize("direction", ["efter", "foer"])
@pytest.mark.parametrize(
    "values", [[None, None], [1, None], [None, 2], [1.5, 2], [True, 2], ["1", 2]]
)
def test_a_crafted_in_memory_cursor_gives_the_first_page(direction, values):
    """Empty or non-whole values in a cursor of an in-memory list (the Dokumenter tab) are no
    cursor: the first page, never an error."""
    import base64
    import json

    from sagsbro.core.pagination import sequence_page

    items = [(group, n) for group in (0, 1) for n in range(4)]
    raw = json.dumps({"v": values, "n": 2}).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    page = sequence_page(items, lambda item: item, {direction: cursor}, page_size=3)
    assert page.rows == items[:3] and not page.has_previous
