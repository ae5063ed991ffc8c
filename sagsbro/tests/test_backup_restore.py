"""Backup and restore: `manage.py backup` and `manage.py restore` bring back the database and
the document store together, into an empty database and an empty store, with every row,
every document byte for byte and the audit chain intact."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connections

from sagsbro.audit.services import verify_chain
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, attach, make_case
from sagsbro.documents.models import Blob, Document
from sagsbro.documents.rules import Category

pytestmark = pytest.mark.django_db(transaction=True)

TARGET = "restore_target"


def _tables(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _rows(alias, table):
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return sorted(cursor.fetchall(), key=repr)


@pytest.fixture
def empty_database(tmp_path):
    """A second, empty database under the alias TARGET: on PostgreSQL a fresh database made
    for the test, on SQLite a new file."""
    default = connections["default"].settings_dict
    if connections["default"].vendor == "postgresql":
        import psycopg

        name = f"{default['NAME']}_restore_target"
        params = {
            "dbname": "postgres",
            "user": default["USER"],
            "host": default["HOST"],
            "port": default["PORT"] or 5432,
            "autocommit": True,
        }
        if default.get("PASSWORD"):
            params["password"] = default["PASSWORD"]
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    connections.settings[TARGET] = {**default, "NAME": name}
    # Connected here, as the test runner allows only the databases it set up to connect later.
    connections[TARGET].connect()
    try:
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]
        if connections["default"].vendor == "postgresql":
            with psycopg.connect(**params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def data(side_a, side_b, settings, tmp_path):
    """Cases with documents on both sides (one document shared by content), reads and
    refusals in the audit log, and a stray file in the store that no row refers to."""
    settings.MEDIA_ROOT = tmp_path / "media"
    team = assigned_case(side_a, Subtype.REHABILITERINGSTEAM)
    attach(side_a.caseworker, team, Category.OTHER, text="Samme indhold")
    other = assigned_case(side_b, Subtype.LOEBENDE_SAG)
    attach(side_b.caseworker, other, Category.OTHER, text="Samme indhold")
    make_case(side_a, Subtype.LOEBENDE_SAG)
    api_client(side_a.coordinator).get(f"/api/v1/cases/{team.pk}/")
    api_client(side_b.coordinator).get(f"/api/v1/cases/{team.pk}/")
    document = team.documents.first()
    api_client(side_a.coordinator).get(f"/api/v1/documents/{document.pk}/content/")
    default_storage.save("blobs/zz/not-referenced", ContentFile(b"stray"))
    return {blob.file.name: blob.file.read() for blob in Blob.objects.all()}


def test_a_restore_gives_every_row_and_document_back(data, empty_database, settings, tmp_path):
    assert Document.objects.count() >= 4 and len(data) >= 3
    backup_dir = tmp_path / "backup"
    out = io.StringIO()
    call_command("backup", str(backup_dir), stdout=out)
    assert "Sikkerhedskopi" in out.getvalue()

    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["vendor"] == connections["default"].vendor
    assert manifest["tables"]["cases_case"] == 3
    assert ["audit", "0001_initial"] in manifest["migrations"]
    # Exactly the files the database refers to, with their SHA-256.
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(content).hexdigest() for name, content in data.items()
    }
    assert not (backup_dir / "files" / "blobs" / "zz" / "not-referenced").exists()

    # A new server: an empty database and an empty store.
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    out = io.StringIO()
    call_command("restore", str(backup_dir), "--database", empty_database, stdout=out)
    assert "Gendannet" in out.getvalue()

    assert _tables(empty_database) == _tables("default")
    for table in _tables("default"):
        assert _rows(empty_database, table) == _rows("default", table), table
    restored = Path(settings.MEDIA_ROOT)
    for name, content in data.items():
        assert (restored / name).read_bytes() == content
    assert not (restored / "blobs" / "zz" / "not-referenced").exists()
    assert verify_chain(using=empty_database).ok


def test_restore_refuses_a_database_that_is_not_empty(data, settings, tmp_path):
    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir), stdout=io.StringIO())
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="er ikke tom"):
        call_command("restore", str(backup_dir), stdout=io.StringIO())


def test_restore_refuses_a_backup_whose_files_were_changed(data, empty_database, tmp_path):
    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir), stdout=io.StringIO())
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    (backup_dir / "files" / manifest["files"][0]["name"]).write_bytes(b"changed")
    with pytest.raises(CommandError, match="ændret"):
        call_command("restore", str(backup_dir), "--database", empty_database)
    assert _tables(empty_database) == []


def test_backup_refuses_a_directory_that_is_not_empty(data, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old").write_text("x")
    with pytest.raises(CommandError, match="ikke tom"):
        call_command("backup", str(tmp_path / "backup"))
