"""Keyset pagination for the pages' long lists.

A page is found by the sort key of the last (or first) row the user saw, not by an offset:
``WHERE (key) > (last key) ORDER BY key LIMIT n + 1``. With an index on the sort key the
database reads one page of rows whatever page the user is on, and rows inserted while the
user pages neither repeat nor skip a row. The order must end in a unique key (``id``).

The position travels in the URL as an opaque cursor (``?efter=…`` for "Næste", ``?foer=…``
for "Forrige"): the sort key's values of the boundary row, base64 of JSON. Sort keys are
references, dates and ids only — never a citizen's name or CPR number — so nothing personal
ends up in a URL or an access log. A cursor that does not parse is ignored (first page).

NULLs sort last ascending and first descending on every database (PostgreSQL's own btree
order), so a plain index on the sort key serves both directions.

    page = keyset_page(queryset, ["-created_at", "-id"], request.GET, page_size=25)
    page.rows, page.has_next, page.has_previous, page.next_cursor, page.previous_cursor

There is no page count: counting every row of a ten-year table is the slow part we avoid.
Where a total helps the reader, ``bounded_count`` counts up to a limit ("mere end 1.000").

A short list whose order is computed in Python (a case's documents in the case file's order)
is paged the same way by ``sequence_page``: the same cursors over a key of integers, so the
same pager partial (``_keyset_pagination.html``) shows it.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

AFTER = "efter"
BEFORE = "foer"


@dataclass(frozen=True)
class Key:
    """One sort key: a model field's name (attname, e.g. ``municipality_id``) or an
    annotation on the queryset; descending or not."""

    name: str
    descending: bool = False

    @classmethod
    def of(cls, key: Key | str) -> Key:
        if isinstance(key, Key):
            return key
        return cls(key.lstrip("-"), descending=key.startswith("-"))

    def order_by(self, *, reverse: bool = False) -> OrderBy:
        descending = self.descending != reverse
        if descending:
            return F(self.name).desc(nulls_first=True)
        return F(self.name).asc(nulls_last=True)


@dataclass
class KeysetPage[T]:
    rows: list[T]
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    # 1-based position of the first row in the whole list, as far as the cursor knows it
    # (for "Viser 26–50"); rows inserted before the page while paging can shift it.
    start_index: int
    after_param: str = AFTER
    before_param: str = BEFORE

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.rows) - 1 if self.rows else self.start_index - 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_query(self) -> dict[str, str | None]:
        """The query parameters of the next page (for ``{% querystring %}``)."""
        return {self.after_param: self.next_cursor, self.before_param: None}

    @property
    def previous_query(self) -> dict[str, str | None]:
        return {self.after_param: None, self.before_param: self.previous_cursor}


@dataclass(frozen=True)
class BoundedCount:
    """A count that stops at ``limit``: ``more`` when there are more rows than that."""

    count: int
    more: bool

    def __str__(self) -> str:
        return f"mere end {self.count:,}".replace(",", ".") if self.more else str(self.count)


def bounded_count(queryset: QuerySet[Any], limit: int) -> BoundedCount:
    """Count at most ``limit + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT n)``)."""
    n = queryset.order_by()[: limit + 1].count()
    return BoundedCount(min(n, limit), n > limit)


def keyset_page(
    queryset: QuerySet[Any],
    keys: Sequence[Key | str],
    params: Mapping[str, Any],
    *,
    page_size: int,
    after_param: str = AFTER,
    before_param: str = BEFORE,
    present: Q | None = None,
) -> KeysetPage[Any]:
    """The page of ``queryset`` in the order of ``keys`` that ``params`` points at: after
    the cursor in ``params[after_param]``, before the one in ``params[before_param]``, or
    the first page. Two queries at most (going back past the start reloads the first page),
    each reading ``page_size + 1`` rows.

    ``present``: when the first key is an expensive annotation (a subquery), a condition
    that holds exactly when it is not NULL and that the database evaluates cheaply (an
    EXISTS over an index). The rows with the key and those without are then read apart —
    the first by all keys, the second by the other keys only — so the annotation is
    computed for the rows that have it, not for every row. One more query per page."""
    sort = [Key.of(key) for key in keys]
    fields = [_field(queryset, key.name) for key in sort]
    parsers = [field.to_python for field, _ in fields]
    nullable = [null for _, null in fields]
    names = dict(after_param=after_param, before_param=before_param)
    reader = _Reader(queryset, sort, nullable, present)

    before = _decode(params.get(before_param), parsers)
    if before is not None:
        values, position = before
        fetched = reader.read(values, forward=False, limit=page_size + 1)
        if len(fetched) > page_size:
            rows = fetched[:page_size][::-1]
            start = max(position - page_size, 2)
            return _page(rows, sort, True, True, start, names)
        # Fewer than a page before the cursor: the reader is back at the start.

    after = _decode(params.get(after_param), parsers) if before is None else None
    cursor, start = after if after is not None else (None, 1)
    fetched = reader.read(cursor, forward=True, limit=page_size + 1)
    return _page(
        fetched[:page_size], sort, len(fetched) > page_size, after is not None, start, names
    )


@dataclass
class _Reader:
    queryset: QuerySet[Any]
    sort: list[Key]
    nullable: list[bool]
    present: Q | None

    def read(self, values: list[Any] | None, *, forward: bool, limit: int) -> list[Any]:
        """Up to ``limit`` rows beyond ``values`` (None: from the start) in the direction
        of travel."""
        if self.present is None:
            return self._query(self.queryset, self.sort, self.nullable, values, forward, limit)
        # NULL is the largest value: travelling towards larger values the rows with the key
        # come first, then those without.
        larger = self.sort[0].descending != forward
        segments = [True, False] if larger else [False, True]
        cursor_segment = None if values is None else values[0] is not None
        rows: list[Any] = []
        reached = cursor_segment is None
        for has_key in segments:
            if not reached and has_key != cursor_segment:
                continue  # the cursor is past this segment
            at_cursor = not reached or has_key == cursor_segment and values is not None
            reached = True
            # Always queried (for at least one row), so a page's number of queries does not
            # depend on how its rows fall into the two.
            want = max(limit - len(rows), 1)
            if has_key:
                queryset = self.queryset.filter(self.present)
                sort, nullable, bound = self.sort, self.nullable, values
            else:
                queryset = self.queryset.exclude(self.present)
                sort, nullable = self.sort[1:], self.nullable[1:]
                bound = values[1:] if values is not None else None
            found = self._query(
                queryset, sort, nullable, bound if at_cursor else None, forward, want
            )
            rows += found[: limit - len(rows)]
        return rows

    @staticmethod
    def _query(
        queryset: QuerySet[Any],
        sort: list[Key],
        nullable: list[bool],
        values: list[Any] | None,
        forward: bool,
        limit: int,
    ) -> list[Any]:
        if values is not None:
            queryset = queryset.filter(_beyond(sort, values, nullable, forward=forward))
        order = [key.order_by(reverse=not forward) for key in sort]
        return list(queryset.order_by(*order)[:limit])


def _page(
    rows: list[Any],
    sort: list[Key],
    has_next: bool,
    has_previous: bool,
    start: int,
    names: dict[str, str],
) -> KeysetPage[Any]:
    next_cursor = _encode(sort, rows[-1], start + len(rows)) if has_next and rows else None
    previous_cursor = _encode(sort, rows[0], start) if has_previous and rows else None
    return KeysetPage(
        rows=rows,
        has_next=bool(next_cursor),
        has_previous=bool(previous_cursor),
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        start_index=start,
        **names,
    )


def _beyond(sort: list[Key], values: list[Any], nullable: list[bool], *, forward: bool) -> Q:
    """The rows strictly after (``forward``) or before the row whose keys are ``values``:
    for keys k1..kn, OR over i of (k1..k(i-1) equal and ki beyond). NULL counts as the
    largest value (last ascending, first descending)."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value, null in zip(sort, values, nullable, strict=True):
        larger = key.descending != forward
        condition |= equal & _strictly(key.name, value, larger=larger, null=null)
        equal &= Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})
    first, value = sort[0], values[0]
    if not nullable[0] and value is not None:
        # The same bound on the leading key alone, so the database seeks the index to it
        # rather than filtering the rows it walks.
        lookup = "gte" if first.descending != forward else "lte"
        condition &= Q(**{f"{first.name}__{lookup}": value})
    return condition


def _strictly(name: str, value: Any, *, larger: bool, null: bool) -> Q:
    """Rows whose ``name`` is larger (or smaller) than ``value``, NULL being largest."""
    if value is None:
        return Q(pk__in=[]) if larger else Q(**{f"{name}__isnull": False})
    if larger and null:
        return Q(**{f"{name}__gt": value}) | Q(**{f"{name}__isnull": True})
    if larger:
        return Q(**{f"{name}__gt": value})
    return Q(**{f"{name}__lt": value})


def _field(queryset: QuerySet[Any], name: str) -> tuple[Any, bool]:
    """The field a sort key's values have (the annotation's output field or the model's),
    and whether the key can be NULL (an annotation always can: a subquery may find no row)."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field, True
    meta = queryset.model._meta
    if name == "pk":
        return meta.pk, False
    for field in meta.concrete_fields:
        if name in (field.name, field.attname):
            return field, field.null
    raise ValueError(f"{name!r} is neither a field nor an annotation of {meta.object_name}")


def _value(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return row[name]
    return getattr(row, name)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _encode(sort: list[Key], row: Any, position: int) -> str:
    return _encode_values([_plain(_value(row, key.name)) for key in sort], position)


def _encode_values(values: Sequence[Any], position: int) -> str:
    payload = {"v": list(values), "n": position}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str | None, parsers: list[Any]) -> tuple[list[Any], int] | None:
    """The cursor's values, parsed as the keys' fields, and its position; None when it is
    missing or does not parse."""
    if not cursor or len(cursor) > 1000:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values, position = payload["v"], payload["n"]
        if not isinstance(values, list) or len(values) != len(parsers):
            return None
        if not isinstance(position, int) or position < 1:
            return None
        parsed = [None if v is None else parse(v) for parse, v in zip(parsers, values, strict=True)]
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError, ValidationError):
        return None
    return parsed, position


def _whole_number(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("not a whole number")
    return value


def _integer_cursor(decoded: tuple[list[Any], int] | None) -> tuple[list[Any], int] | None:
    """A cursor of ``sequence_page``: every value a whole number (a crafted one with empty
    values is no cursor: the first page)."""
    if decoded is None or any(value is None for value in decoded[0]):
        return None
    return decoded


def sequence_page[T](
    items: Sequence[T],
    key: Callable[[T], tuple[int, ...]],
    params: Mapping[str, Any],
    *,
    page_size: int,
    after_param: str = AFTER,
    before_param: str = BEFORE,
) -> KeysetPage[T]:
    """The page of ``items`` (already sorted by ``key``, a unique tuple of integers of one
    length) that ``params`` points at, with ``keyset_page``'s cursors: the items after the
    key in ``params[after_param]``, the page before the one in ``params[before_param]``, or
    the first page. An item added while the user pages neither repeats nor skips another.
    For lists held in memory whole; a table's rows are paged by ``keyset_page``."""
    keys = [key(item) for item in items]
    names = dict(after_param=after_param, before_param=before_param)
    width = len(keys[0]) if keys else 0
    parsers = [_whole_number] * width
    before = _integer_cursor(_decode(params.get(before_param), parsers))
    after = _integer_cursor(_decode(params.get(after_param), parsers)) if before is None else None
    start = 0
    if before is not None:
        end = bisect.bisect_left(keys, tuple(before[0]))
        # Fewer than a page before the cursor: back at the start.
        start = max(end - page_size, 0) if end > page_size else 0
    elif after is not None:
        start = bisect.bisect_right(keys, tuple(after[0]))
        if start >= len(items):
            # Nothing after it any longer (the last items went): the last page.
            start = max(len(items) - page_size, 0)
    end = min(start + page_size, len(items))
    has_next, has_previous = end < len(items), start > 0
    return KeysetPage(
        rows=list(items[start:end]),
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=_encode_values(keys[end - 1], end + 1) if has_next else None,
        previous_cursor=_encode_values(keys[start], start + 1) if has_previous else None,
        start_index=start + 1,
        **names,
    )
