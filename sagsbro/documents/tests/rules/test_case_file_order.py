"""The case file's order, duplicates and cache key (documents.rules)."""

from datetime import date

from sagsbro.documents.rules import (
    CASE_FILE_CATEGORY_ORDER,
    CaseFileEntry,
    Category,
    case_file_key,
    case_file_order,
    case_file_plan,
    contents_start_pages,
)


def entry(pk, category, day, sha="a", *, title=None, is_pdf=True):
    return CaseFileEntry(
        document_id=pk,
        category=str(category),
        title=title or f"Dokument {pk}",
        document_date=date(2026, 11, day),
        sha256=sha * 64 if len(sha) == 1 else sha,
        is_pdf=is_pdf,
    )


def test_every_category_has_a_place_in_the_order():
    assert set(CASE_FILE_CATEGORY_ORDER) == set(Category)
    assert len(CASE_FILE_CATEGORY_ORDER) == len(set(CASE_FILE_CATEGORY_ORDER))


def test_by_category_then_newest_first_then_as_added():
    entries = [
        entry(1, Category.OTHER, 20, "a"),
        entry(2, Category.LAE_265, 3, "b"),
        entry(3, Category.LAE_265, 9, "c"),
        entry(4, Category.FORBEREDENDE_DEL, 1, "d"),
        entry(5, Category.LAE_265, 9, "e"),
    ]
    assert [e.document_id for e in case_file_order(entries)] == [4, 3, 5, 2, 1]


def test_the_same_bytes_are_included_once_and_the_copy_points_at_the_first():
    entries = [
        entry(1, Category.LAE_265, 3, "a"),
        entry(2, Category.FORBEREDENDE_DEL, 1, "a"),
        entry(3, Category.OTHER, 5, "a"),
        entry(4, Category.OTHER, 5, "b", is_pdf=False),
    ]
    plan = case_file_plan(entries)
    assert [e.document_id for e in plan.included] == [2]
    assert plan.duplicates == {1: 2, 3: 2}
    assert [e.document_id for e in plan.not_included] == [4]
    assert [e.document_id for e in plan.ordered] == [2, 1, 3, 4]


def test_the_key_changes_with_what_the_file_shows_and_only_then():
    entries = [entry(1, Category.LAE_265, 3, "a"), entry(2, Category.OTHER, 4, "b")]
    key = case_file_key(case_file_plan(entries))
    assert key == case_file_key(case_file_plan(list(reversed(entries))))
    assert len(key) == 64
    retitled = [entry(1, Category.LAE_265, 3, "a", title="Ny titel"), entries[1]]
    assert case_file_key(case_file_plan(retitled)) != key
    rehashed = [entries[0], entry(2, Category.OTHER, 4, "c")]
    assert case_file_key(case_file_plan(rehashed)) != key
    assert case_file_key(case_file_plan(entries[:1])) != key


def test_start_pages_follow_the_contents():
    assert contents_start_pages(2, [5, 1, 3]) == [3, 8, 9]
    assert contents_start_pages(1, []) == []
