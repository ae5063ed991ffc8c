"""The page budget: a case warns once its documents fill more pages than the agreement allows,
counting each set of bytes once and documents without a page count not at all."""

from sagsbro.documents.rules import DEFAULT_PAGE_BUDGET, case_page_total, page_budget_warning


def test_up_to_the_budget_there_is_no_warning():
    assert DEFAULT_PAGE_BUDGET == 50
    assert page_budget_warning(0, 50) is None
    assert page_budget_warning(50, 50) is None


def test_one_page_over_the_budget_warns_in_danish():
    assert page_budget_warning(51, 50) == (
        "Sagen fylder 51 sider – over samarbejdsaftalens grænse på 50 sider."
    )
    assert page_budget_warning(63, 60) == (
        "Sagen fylder 63 sider – over samarbejdsaftalens grænse på 60 sider."
    )


def test_the_same_bytes_count_once_and_unknown_pages_not_at_all():
    assert case_page_total([]) == 0
    assert case_page_total([("a", 3), ("b", 4), ("a", 3), ("c", None)]) == 7
