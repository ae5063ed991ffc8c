"""The case file's order, duplicates and cache key (documents.rules)."""

from datetime import date

from sagsbro.documents.rules import (
    CASE_FILE_CATEGORY_ORDER,
    CaseFileEntry,
    Category,
    author_refusal,
    case_file_key,
    case_file_order,
    case_file_plan,
    contents_start_pages,
    document_date_refusal,
)


def _hash(sha):
    return sha * 64 if len(sha) == 1 else sha


def entry(pk, category, day, sha="a", *, title=None, is_pdf=True, text="", source=""):
    return CaseFileEntry(
        document_id=pk,
        category=str(category),
        title=title or f"Dokument {pk}",
        document_date=date(2026, 11, day),
        sha256=_hash(sha),
        is_pdf=is_pdf,
        text_sha256=_hash(text) if text else "",
        source_sha256=_hash(source) if source else "",
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


def test_a_rescanned_copy_with_the_same_text_is_a_duplicate_of_the_newest():
    entries = [
        entry(1, Category.LAE_265, 3, "a", text="t"),
        # The same certificate scanned again (other bytes, same text) and dated later.
        entry(2, Category.LAE_265, 9, "b", text="t"),
        entry(3, Category.LAE_265, 5, "c", text="u"),
    ]
    plan = case_file_plan(entries)
    assert [e.document_id for e in plan.included] == [2, 3]
    assert plan.duplicates == {1: 2}


def test_documents_without_text_are_never_duplicates_by_text():
    entries = [entry(1, Category.OTHER, 3, "a"), entry(2, Category.OTHER, 3, "b")]
    plan = case_file_plan(entries)
    assert plan.duplicates == {}
    assert [e.document_id for e in plan.included] == [1, 2]


def test_a_converted_document_joins_its_rendition_and_is_a_copy_by_its_original():
    # Two uploads of one Word file: the first converted (rendition "r"), the second not yet.
    converted = entry(1, Category.WORK_TRIAL_REPORT, 4, "r", source="w", text="t")
    pending = entry(2, Category.WORK_TRIAL_REPORT, 4, "w", source="w", is_pdf=False)
    # The PDF the rendition was made from would be the same text again.
    exported = entry(3, Category.WORK_TRIAL_REPORT, 4, "p", text="t")
    plan = case_file_plan([pending, exported, converted])
    assert plan.included == (converted,)
    assert plan.duplicates == {2: 1, 3: 1}
    assert plan.not_included == ()


def test_a_duplicate_across_categories_points_at_the_first_in_the_file():
    entries = [
        entry(1, Category.OTHER, 20, "a", text="t"),
        entry(2, Category.LAE_265, 1, "b", text="t"),
    ]
    assert case_file_plan(entries).duplicates == {1: 2}


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
    redated = [entries[0], entry(2, Category.OTHER, 5, "b")]
    assert case_file_key(case_file_plan(redated)) != key
    # A conversion finished: the document now joins its rendition's bytes.
    pending = [entries[0], entry(2, Category.OTHER, 4, "b", is_pdf=False)]
    converted = [entries[0], entry(2, Category.OTHER, 4, "r", source="b")]
    keys = {key, case_file_key(case_file_plan(pending)), case_file_key(case_file_plan(converted))}
    assert len(keys) == 3
    # A copy found by its text changes what the file includes.
    copied = [entries[0], entry(2, Category.OTHER, 4, "b", text="t")]
    copied.append(entry(3, Category.OTHER, 4, "c", text="t"))
    assert case_file_key(case_file_plan(copied)) != case_file_key(
        case_file_plan([*copied[:2], entry(3, Category.OTHER, 4, "c", text="u")])
    )


def test_start_pages_follow_the_contents():
    assert contents_start_pages(2, [5, 1, 3]) == [3, 8, 9]
    assert contents_start_pages(1, []) == []


def test_a_document_date_may_be_today_or_earlier_or_none():
    today = date(2026, 12, 6)
    assert document_date_refusal(None, today) is None
    assert document_date_refusal(today, today) is None
    assert document_date_refusal(date(2019, 1, 2), today) is None
    assert document_date_refusal(date(2026, 12, 7), today) == (
        "Dokumentets dato kan ikke ligge i fremtiden."
    )


def test_the_author_is_free_text_without_control_characters():
    assert author_refusal("") is None
    assert author_refusal("Lægehuset Nørrebrogade, Aarhus C") is None
    assert author_refusal("x" * 200) is None
    assert author_refusal("x" * 201) == "Afsenderen må højst være 200 tegn."
    for bad in ("Klinik\x00", "Klinik\nNord", "Klinik\x85"):
        assert author_refusal(bad) == "Afsenderen indeholder tegn, der ikke kan gemmes."
