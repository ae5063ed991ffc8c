"""Bulk writing of generated rows: PostgreSQL's COPY (through psycopg's ``cursor.copy()``) or
SQLite's ``executemany``.

Rows are tuples in the order of the field names a :class:`TableWriter` is made with, holding
plain Python values (``None``, ``bool``, ``int``, ``str``, ``date``, aware ``datetime`` in UTC,
``dict``/``list`` for JSON). On PostgreSQL one connection can run one COPY at a time, so each
table is first written to a temporary file in COPY's text format and copied in when the
generator is done (in the order the foreign keys need); on SQLite the rows go in batches as
they come.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

BATCH = 5000
_COPY_CHUNK = 1 << 20


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_datetime(value: datetime.datetime) -> str:
    return value.isoformat()


_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    str: _escape,
    int: str,
    bool: lambda value: "t" if value else "f",
    datetime.date: datetime.date.isoformat,
    datetime.datetime: _copy_datetime,
    datetime.time: datetime.time.isoformat,
    dict: lambda value: _escape(json.dumps(value, ensure_ascii=False)),
    list: lambda value: _escape(json.dumps(value, ensure_ascii=False)),
}


def _copy_value(value: object) -> str:
    if value is None:
        return "\\N"
    convert = _COPY_TEXT.get(type(value))
    if convert is None:  # a str enum (TextChoices), say
        if isinstance(value, str):
            return _escape(str(value))
        convert = _COPY_TEXT[type(value).__mro__[1]]
    return convert(value)


def copy_line(row: Sequence[object]) -> str:
    """One row in COPY's text format (tab-separated, ``\\N`` for NULL)."""
    return "\t".join(map(_copy_value, row)) + "\n"


def _sqlite_datetime(value: datetime.datetime) -> str:
    # As Django stores it on SQLite: naive UTC, space-separated.
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


_SQLITE_VALUE: dict[type, Callable[[Any], object]] = {
    datetime.date: datetime.date.isoformat,
    datetime.datetime: _sqlite_datetime,
    datetime.time: datetime.time.isoformat,
    dict: json.dumps,
    list: json.dumps,
    bool: int,
}


def _sqlite_row(row: Sequence[object]) -> tuple[object, ...]:
    return tuple(
        _SQLITE_VALUE[type(value)](value) if type(value) in _SQLITE_VALUE else value
        for value in row
    )


class TableWriter:
    """Collects the rows of one table and writes them in bulk."""

    def __init__(
        self, connection: BaseDatabaseWrapper, model: type[models.Model], fields: Sequence[str]
    ) -> None:
        self.connection = connection
        self.model = model
        self.table = model._meta.db_table
        self.columns = [model._meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
        # A NOT NULL column the generator does not name (a field added to the model later)
        # gets the model's default, so adding a field with a default never breaks the
        # generator; a NOT NULL field without a default still fails, as it should.
        named = {model._meta.get_field(name).name for name in fields}
        self._defaults: tuple[object, ...] = ()
        for field in model._meta.concrete_fields:
            if field.name in named or field.primary_key or field.null:
                continue
            if field.has_default() or field.empty_strings_allowed:
                self.columns.append(field.column)
                self._defaults += (field.get_default(),)
        self.count = 0
        self.postgres = connection.vendor == "postgresql"
        self._rows: list[Sequence[object]] = []
        self._file: IO[str] | None = None
        if self.postgres:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")

    def add(self, row: Sequence[object]) -> None:
        if self._defaults:
            row = (*row, *self._defaults)
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= BATCH:
            self.flush()

    def add_many(self, rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self._rows:
            return
        if self._file is not None:
            self._file.write("".join(copy_line(row) for row in self._rows))
        else:
            columns = ", ".join(f'"{column}"' for column in self.columns)
            marks = ", ".join("?" for _ in self.columns)
            sql = f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})'
            raw = self.connection.connection
            assert raw is not None
            raw.executemany(sql, [_sqlite_row(row) for row in self._rows])
        self._rows = []

    def finish(self) -> None:
        """Write what is left; on PostgreSQL, COPY the table's file in."""
        self.flush()
        if self._file is None:
            return
        self._file.seek(0)
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                while chunk := self._file.read(_COPY_CHUNK):
                    copy.write(chunk)
        self._file.close()
        self._file = None
