from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from sagsbro.organisations.rules import Cpr, CprError, birth_century, masked_cpr, parse_cpr

FORMAT_MESSAGE = "CPR-nummeret skal have formen DDMMÅÅ-XXXX."
DATE_MESSAGE = "CPR-nummeret indeholder ikke en gyldig fødselsdato."


@pytest.mark.parametrize("value", ["0101901234", "010190-1234", "  010190-1234\n", "\t0101901234 "])
def test_accepted_forms(value: str) -> None:
    cpr = parse_cpr(value)
    assert cpr.digits == "0101901234"
    assert cpr.birth_date == date(1990, 1, 1)
    assert cpr.formatted() == "010190-1234"
    assert cpr.masked() == "010190-XXXX"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "010190123",  # too short
        "01019012345",  # too long
        "010190 1234",  # space as separator
        "010190--1234",
        "0101-901234",  # separator in the wrong place
        "01019O1234",  # letter O
        "010190-123X",
        "٠١٠١٩٠١٢٣٤",  # Arabic-Indic digits
        "01/01/90-1234",
    ],
)
def test_bad_format(value: str) -> None:
    with pytest.raises(CprError) as excinfo:
        parse_cpr(value)
    assert excinfo.value.code == "format"
    assert excinfo.value.message == FORMAT_MESSAGE
    assert str(excinfo.value) == FORMAT_MESSAGE


def test_cpr_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_cpr("nonsense")


@pytest.mark.parametrize(
    "value",
    [
        "310299-1234",  # 31 February
        "300201-1234",  # 30 February 1901
        "290201-1234",  # 1901 is not a leap year
        "290200-1234",  # 7th digit 1: 1900, which is not a leap year
        "000190-1234",  # day 0
        "320190-1234",  # day 32
        "311190-1234",  # 31 November
        "011390-1234",  # month 13
        "010090-1234",  # month 0
    ],
)
def test_invalid_date(value: str) -> None:
    with pytest.raises(CprError) as excinfo:
        parse_cpr(value)
    assert excinfo.value.code == "date"
    assert excinfo.value.message == DATE_MESSAGE


def test_error_messages_never_contain_the_number() -> None:
    for value in ("310299-1234", "310299-12345"):
        with pytest.raises(CprError) as excinfo:
            parse_cpr(value)
        assert "310299" not in str(excinfo.value)
        assert "1234" not in str(excinfo.value)
        assert excinfo.value.__cause__ is None


def test_leap_year_2000() -> None:
    # 7th digit 4 and YY 00 gives 2000, a leap year (divisible by 400).
    assert parse_cpr("290200-4000").birth_date == date(2000, 2, 29)


def test_leap_year_1900_is_rejected() -> None:
    # 7th digit 0-3 gives 1900, not a leap year (divisible by 100, not 400).
    with pytest.raises(CprError) as excinfo:
        parse_cpr("290200-3000")
    assert excinfo.value.code == "date"


def test_ordinary_leap_year() -> None:
    assert parse_cpr("290296-1234").birth_date == date(1996, 2, 29)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 7th digit 0-3: always 1900s
        ("010100-0000", date(1900, 1, 1)),
        ("010136-1000", date(1936, 1, 1)),
        ("010137-2000", date(1937, 1, 1)),
        ("311299-3999", date(1999, 12, 31)),
        # 7th digit 4: 2000s up to YY 36, otherwise 1900s
        ("010100-4000", date(2000, 1, 1)),
        ("010136-4000", date(2036, 1, 1)),
        ("010137-4000", date(1937, 1, 1)),
        ("010199-4000", date(1999, 1, 1)),
        # 7th digit 9: same as 4
        ("010100-9000", date(2000, 1, 1)),
        ("010136-9000", date(2036, 1, 1)),
        ("010137-9000", date(1937, 1, 1)),
        ("010199-9999", date(1999, 1, 1)),
        # 7th digit 5-8: 2000s up to YY 57, otherwise 1800s
        ("010100-5000", date(2000, 1, 1)),
        ("010157-6000", date(2057, 1, 1)),
        ("010158-7000", date(1858, 1, 1)),
        ("010199-8000", date(1899, 1, 1)),
    ],
)
def test_century_rules(value: str, expected: date) -> None:
    assert parse_cpr(value).birth_date == expected


@pytest.mark.parametrize(
    ("seventh", "yy", "century"),
    [
        (0, 0, 1900),
        (3, 99, 1900),
        (4, 36, 2000),
        (4, 37, 1900),
        (9, 36, 2000),
        (9, 37, 1900),
        (5, 57, 2000),
        (8, 58, 1800),
    ],
)
def test_birth_century(seventh: int, yy: int, century: int) -> None:
    assert birth_century(seventh, yy) == century


@pytest.mark.parametrize(("seventh", "yy"), [(-1, 0), (10, 0), (0, -1), (0, 100)])
def test_birth_century_rejects_out_of_range(seventh: int, yy: int) -> None:
    with pytest.raises(ValueError):
        birth_century(seventh, yy)


def test_modulus_11_is_not_applied() -> None:
    # 0101901234 fails the modulus-11 check; it must still be accepted.
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    assert sum(int(d) * w for d, w in zip("0101901234", weights, strict=True)) % 11 != 0
    assert parse_cpr("0101901234").formatted() == "010190-1234"


def test_repr_hides_the_full_number() -> None:
    cpr = parse_cpr("010190-1234")
    assert "1234" not in repr(cpr)
    assert "0101901234" not in repr(cpr)


def test_cpr_is_immutable() -> None:
    cpr = parse_cpr("010190-1234")
    with pytest.raises(FrozenInstanceError):
        cpr.digits = "0000000000"  # type: ignore[misc]


def test_direct_construction_validates_digits() -> None:
    with pytest.raises(CprError) as excinfo:
        Cpr(digits="010190-1234", birth_date=date(1990, 1, 1))
    assert excinfo.value.code == "format"


def test_masked_cpr() -> None:
    assert masked_cpr("0101801234") == "010180-XXXX"
    assert masked_cpr("010180-1234") == "010180-XXXX"
    assert masked_cpr("") == "XXXXXX-XXXX"
