"""Backup and restore of the database and the file store together, consistent with each other.

A backup is a directory: the database (`pg_dump` custom format on PostgreSQL, an SQLite copy
made with SQLite's backup API), the stored files the database refers to under `files/`, and
`manifest.json` (written last, so a directory without it is no backup) with the row count of
every table, the applied migrations and every file's SHA-256.

Consistency: on PostgreSQL the dump and the list of files are read in one exported
repeatable-read snapshot (`pg_dump --snapshot`); on SQLite the list is read from the copy
itself. So every file the backup's rows refer to is in the backup, and a file stored after the
snapshot is not needed. Stored files are never changed in place (documents are stored once by
content), so copying a referenced file after the snapshot copies the bytes it referred to.

The file fields are found from the installed models (any `FileField`), so this module knows no
domain app.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections
from django.db.models import FileField
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = "sagsbro-backup"
VERSION = 1
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FILES_DIR = "files"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be made; the message is for the operator (Danish)."""


@dataclass
class Summary:
    vendor: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    skipped_files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def file_columns() -> list[tuple[str, str, Storage]]:
    """(table, column, storage) of every stored-file field of the installed models."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField):
                found.append((model._meta.db_table, str(f.column), f.storage))
    return found


def _storage_for(table: str, column: str) -> Storage:
    for t, c, storage in file_columns():
        if (t, c) == (table, column):
            return storage
    raise BackupError(f"Ingen filkolonne {table}.{column} i denne version af programmet.")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashing(source: Any, target: Path) -> tuple[str, int]:
    """Copy the open binary file `source` to `target`; its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def _safe_relative(name: str) -> Path:
    """A stored file's name as a path inside the backup; nothing that climbs out of it."""
    path = Path(name)
    if path.is_absolute() or ".." in path.parts or not name:
        raise BackupError(f"Ugyldigt filnavn i databasen: {name!r}")
    return path


# --- reading the state of a database ---------------------------------------------------------


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _state(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts, applied migrations and referenced files, as `cursor` sees the database."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - catalogue names
        counts[table] = cursor.fetchone()[0]
    migrations: list[list[str]] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    files = []
    for table, column, _ in file_columns():
        if table not in tables:
            continue
        cursor.execute(
            f"SELECT DISTINCT {_quote(column)} FROM {_quote(table)} "  # noqa: S608
            f"WHERE {_quote(column)} <> '' ORDER BY 1"
        )
        files += [(table, column, row[0]) for row in cursor.fetchall()]
    return {"tables": counts, "migrations": migrations, "files": files}


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The libpq environment for pg_dump and pg_restore: no password on a command line."""
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS", {})
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} findes ikke på maskinen; installér PostgreSQL's klientværktøjer "
            "(Debian: postgresql-client) i samme hovedversion som serveren."
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} fejlede: {result.stderr.strip()[:2000]}")


def _pg_connect(settings_dict: dict[str, Any]) -> Any:
    """A connection of its own (not Django's), so its transaction is ours alone."""
    import psycopg

    params: dict[str, Any] = {
        key: str(settings_dict[name])
        for name, key in (
            ("NAME", "dbname"),
            ("USER", "user"),
            ("PASSWORD", "password"),
            ("HOST", "host"),
            ("PORT", "port"),
        )
        if settings_dict.get(name)
    }
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        params["sslmode"] = settings_dict["OPTIONS"]["sslmode"]
    return psycopg.connect(**params)


# --- backup ------------------------------------------------------------------------------------


def backup(target: Path, *, alias: str = "default") -> Summary:
    """Write a backup of database `alias` and its stored files to the new directory `target`."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Mappen {target} er ikke tom.")
    target.mkdir(parents=True, exist_ok=True)
    connection = connections[alias]
    vendor = connection.vendor
    if vendor == "postgresql":
        database_file, state, server = _backup_postgresql(target, alias)
    elif vendor == "sqlite":
        database_file, state, server = _backup_sqlite(target, alias)
    else:
        raise BackupError(f"Databasen {vendor} understøttes ikke.")

    summary = Summary(vendor=vendor, tables=state["tables"])
    files = []
    for table, column, name in state["files"]:
        storage = _storage_for(table, column)
        relative = _safe_relative(name)
        if not storage.exists(name):
            raise BackupError(f"Filen {name} ({table}) mangler i fillageret.")
        with storage.open(name, "rb") as source:
            digest, size = _copy_hashing(source, target / FILES_DIR / relative)
        files.append(
            {"name": name, "table": table, "column": column, "sha256": digest, "size": size}
        )
        summary.files += 1
        summary.file_bytes += size

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "server_version": server,
        "database_file": database_file,
        "database_sha256": _sha256_file(target / database_file),
        "tables": state["tables"],
        "migrations": state["migrations"],
        "files": files,
    }
    # Written last: a directory without a manifest is an unfinished backup.
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return summary


def _backup_postgresql(target: Path, alias: str) -> tuple[str, dict[str, Any], str]:
    import psycopg

    settings_dict = connections[alias].settings_dict
    snapshot_connection = _pg_connect(settings_dict)
    try:
        snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_connection.read_only = True
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server = cursor.fetchone()
            # The dump and the state below see the same snapshot while this transaction lives.
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target / PG_DUMP_FILE}",
                ],
                _pg_env(settings_dict),
            )
            state = _state(cursor, _pg_tables(cursor))
        snapshot_connection.rollback()
    finally:
        snapshot_connection.close()
    return PG_DUMP_FILE, state, server


def _backup_sqlite(target: Path, alias: str) -> tuple[str, dict[str, Any], str]:
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target / SQLITE_FILE)
    try:
        # SQLite's online backup: a consistent copy even while others write.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        state = _state(cursor, _sqlite_tables(cursor))
    finally:
        copy.close()
    return SQLITE_FILE, state, sqlite3.sqlite_version


# --- restore -----------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} er ingen færdig sikkerhedskopi (manifest.json mangler).")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("Sikkerhedskopien har et ukendt format.")
    return manifest


def verify_backup(source: Path, manifest: dict[str, Any]) -> None:
    """Every file of the backup is there with the bytes the manifest names."""
    if _sha256_file(source / manifest["database_file"]) != manifest["database_sha256"]:
        raise BackupError("Databasefilen i sikkerhedskopien er ændret eller beskadiget.")
    for entry in manifest["files"]:
        path = source / FILES_DIR / _safe_relative(entry["name"])
        if not path.exists():
            raise BackupError(f"Filen {entry['name']} mangler i sikkerhedskopien.")
        if _sha256_file(path) != entry["sha256"]:
            raise BackupError(f"Filen {entry['name']} i sikkerhedskopien er ændret.")


def restore(source: Path, *, alias: str = "default", force: bool = False) -> Summary:
    """Restore the backup in `source` into database `alias` and its file store.

    Both must be empty unless `force`; the backup is verified against its manifest before
    anything is written, and the restored database and files against it afterwards."""
    manifest = read_manifest(source)
    connection = connections[alias]
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"Sikkerhedskopien er fra {manifest['vendor']}; databasen {alias} er {vendor}."
        )
    verify_backup(source, manifest)
    storages = [_storage_for(e["table"], e["column"]) for e in manifest["files"]]
    clashes = [
        e["name"]
        for e, storage in zip(manifest["files"], storages, strict=True)
        if storage.exists(e["name"])
    ]
    if clashes and not force:
        raise BackupError(
            f"Fillageret er ikke tomt ({len(clashes)} af sikkerhedskopiens filer findes "
            "allerede); brug --force for at overskrive."
        )

    if vendor == "postgresql":
        _restore_postgresql(source / manifest["database_file"], alias, force)
    elif vendor == "sqlite":
        _restore_sqlite(source / manifest["database_file"], alias, force)
    else:
        raise BackupError(f"Databasen {vendor} understøttes ikke.")

    summary = Summary(vendor=vendor, tables=_restored_counts(alias))
    if summary.tables != manifest["tables"]:
        differing = sorted(
            t
            for t in set(summary.tables) | set(manifest["tables"])
            if summary.tables.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"Rækkerne stemmer ikke efter gendannelsen: {', '.join(differing)}")

    for entry, storage in zip(manifest["files"], storages, strict=True):
        name = entry["name"]
        if storage.exists(name):
            if _stored_sha256(storage, name) == entry["sha256"]:
                summary.skipped_files += 1
                continue
            storage.delete(name)
        with (source / FILES_DIR / _safe_relative(name)).open("rb") as fh:
            saved = storage.save(name, File(fh))
        if saved != name:
            raise BackupError(f"Fillageret gemte {name} som {saved}.")
        if _stored_sha256(storage, name) != entry["sha256"]:
            raise BackupError(f"Filen {name} blev ikke gendannet uændret.")
        summary.files += 1
        summary.file_bytes += entry["size"]
    return summary


def _stored_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as fh:
        for chunk in _chunks(fh):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(fh: Any) -> Iterator[bytes]:
    while chunk := fh.read(_CHUNK):
        yield chunk


def _restore_postgresql(dump: Path, alias: str, force: bool) -> None:
    settings_dict = connections[alias].settings_dict
    with _pg_connect(settings_dict) as check, check.cursor() as cursor:
        tables = _pg_tables(cursor)
    if tables and not force:
        raise BackupError(
            f"Databasen {settings_dict['NAME']} er ikke tom ({len(tables)} tabeller); "
            "brug --force for at erstatte dens indhold."
        )
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    if force:
        command += ["--clean", "--if-exists"]
    command += [f"--dbname={settings_dict['NAME']}", str(dump)]
    _run(command, _pg_env(settings_dict))


def _restore_sqlite(copy: Path, alias: str, force: bool) -> None:
    name = str(connections[alias].settings_dict["NAME"])
    target = sqlite3.connect(name)
    try:
        tables = _sqlite_tables(target.cursor())
        if tables and not force:
            raise BackupError(
                f"Databasen {name} er ikke tom ({len(tables)} tabeller); "
                "brug --force for at erstatte dens indhold."
            )
        source = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
    finally:
        target.close()


def _restored_counts(alias: str) -> dict[str, int]:
    """Row counts of the restored database, read on a connection of its own."""
    settings_dict = connections[alias].settings_dict
    if connections[alias].vendor == "postgresql":
        with _pg_connect(settings_dict) as own, own.cursor() as cursor:
            counts: dict[str, int] = _state(cursor, _pg_tables(cursor))["tables"]
        return counts
    own_sqlite = sqlite3.connect(str(settings_dict["NAME"]))
    try:
        cursor = own_sqlite.cursor()
        counts = _state(cursor, _sqlite_tables(cursor))["tables"]
    finally:
        own_sqlite.close()
    return counts
