"""Validation of Danish CPR numbers (personnummer).

A CPR number is ``DDMMYY-SSSS``: the birth date followed by a four-digit
serial number whose first digit, together with ``YY``, gives the century
(the CPR office's rule, see :func:`birth_century`).

The modulus-11 check is deliberately NOT applied. Since 1 October 2007 the
CPR office has issued numbers that do not satisfy it, because some birth dates
ran out of valid serial numbers, so a modulus-11 failure says nothing about
whether a number is real.

Error messages never contain the number itself, so they are safe to show,
log and return in API responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

CprErrorCode = Literal["format", "date"]

_MESSAGES: dict[CprErrorCode, str] = {
    "format": "CPR-nummeret skal have formen DDMMÅÅ-XXXX.",
    "date": "CPR-nummeret indeholder ikke en gyldig fødselsdato.",
}

# ASCII digits only: ``\d`` would also accept e.g. Arabic-Indic digits.
_CPR_PATTERN = re.compile(r"([0-9]{6})-?([0-9]{4})")
_DIGITS_PATTERN = re.compile(r"[0-9]{10}")


class CprError(ValueError):
    """An invalid CPR number. ``code`` is ``"format"`` or ``"date"``."""

    def __init__(self, code: CprErrorCode) -> None:
        self.code: CprErrorCode = code
        self.message: str = _MESSAGES[code]
        super().__init__(self.message)


def birth_century(seventh_digit: int, yy: int) -> int:
    """Return the century (1800, 1900 or 2000) of a CPR birth date.

    The CPR office's rule, by the first digit of the serial number:

    * 0-3: 1900-1999;
    * 4 and 9: 2000-2036 when ``YY`` is 00-36, otherwise 1937-1999;
    * 5-8: 2000-2057 when ``YY`` is 00-57, otherwise 1858-1899.
    """
    if not 0 <= seventh_digit <= 9 or not 0 <= yy <= 99:
        raise ValueError("seventh_digit must be 0-9 and yy 0-99")
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


@dataclass(frozen=True)
class Cpr:
    """A syntactically valid CPR number with a valid birth date.

    ``digits`` is kept out of ``repr`` so the full number does not end up in
    logs or tracebacks by accident; use :meth:`formatted` when it is needed.
    Create instances with :func:`parse_cpr`.
    """

    digits: str = field(repr=False)
    birth_date: date

    def __post_init__(self) -> None:
        if not _DIGITS_PATTERN.fullmatch(self.digits):
            raise CprError("format")

    def formatted(self) -> str:
        """The full number as ``DDMMYY-SSSS``."""
        return f"{self.digits[:6]}-{self.digits[6:]}"

    def masked(self) -> str:
        """The number as ``DDMMYY-XXXX``, for display where the full number is not needed."""
        return f"{self.digits[:6]}-XXXX"


def parse_cpr(value: str) -> Cpr:
    """Parse ``DDMMYYSSSS`` or ``DDMMYY-SSSS`` (surrounding whitespace ignored).

    Raises :class:`CprError` with code ``"format"`` when the shape is wrong and
    ``"date"`` when the digits do not form a real birth date.
    """
    match = _CPR_PATTERN.fullmatch(value.strip())
    if match is None:
        raise CprError("format")
    head, serial = match.group(1), match.group(2)
    day, month, yy = int(head[0:2]), int(head[2:4]), int(head[4:6])
    year = birth_century(int(serial[0]), yy) + yy
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise CprError("date") from None
    return Cpr(digits=head + serial, birth_date=birth_date)


def masked_cpr(cpr: str) -> str:
    """DDMMÅÅ-XXXX: the birth date part only; the serial number is never shown on a page
    or in a document."""
    digits = "".join(ch for ch in cpr or "" if ch.isdigit())
    return f"{digits[:6]}-XXXX" if len(digits) >= 6 else "XXXXXX-XXXX"
