"""The database's own guard over the audit tables, beside the application's.

An entry may change in one way only, once: the sealer sets its block. Blocks never change.
Neither table can be deleted from or (on PostgreSQL) truncated. The guards stand aside only
while a row sits in `audit_maintenance_window`, which the test runner opens to empty its
databases between tests; in production the application's database role is given no right to
that table. The guards stop mistakes and casual tampering; someone who owns the database can
drop them, which the keyed MACs and the checkpoints outside the database then reveal.
"""

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

ENTRY_TABLE = "audit_auditentry"
BLOCK_TABLE = "audit_auditblock"
WINDOW_TABLE = "audit_maintenance_window"

POSTGRES_UP = f"""
CREATE TABLE IF NOT EXISTS {WINDOW_TABLE} (opened_at timestamptz NOT NULL DEFAULT now());
CREATE OR REPLACE FUNCTION audit_in_maintenance() RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM {WINDOW_TABLE})
$$ LANGUAGE sql STABLE;
CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger AS $$
BEGIN
    IF audit_in_maintenance() THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.block_id IS NULL AND NEW.block_id IS NOT NULL
            AND (to_jsonb(NEW) - 'block_id') = (to_jsonb(OLD) - 'block_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_block_guard() RETURNS trigger AS $$
BEGIN
    IF audit_in_maintenance() THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_truncate_guard() RETURNS trigger AS $$
BEGIN
    IF audit_in_maintenance() THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log cannot be truncated';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_guard BEFORE UPDATE OR DELETE ON {ENTRY_TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_guard();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {ENTRY_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard();
CREATE TRIGGER audit_block_guard BEFORE UPDATE OR DELETE ON {BLOCK_TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_block_guard();
CREATE TRIGGER audit_block_no_truncate BEFORE TRUNCATE ON {BLOCK_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_truncate_guard();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_entry_guard ON {ENTRY_TABLE};
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {ENTRY_TABLE};
DROP TRIGGER IF EXISTS audit_block_guard ON {BLOCK_TABLE};
DROP TRIGGER IF EXISTS audit_block_no_truncate ON {BLOCK_TABLE};
DROP FUNCTION IF EXISTS audit_entry_guard();
DROP FUNCTION IF EXISTS audit_block_guard();
DROP FUNCTION IF EXISTS audit_truncate_guard();
DROP FUNCTION IF EXISTS audit_in_maintenance();
DROP TABLE IF EXISTS {WINDOW_TABLE};
"""
SQLITE_CLOSED = f"NOT EXISTS (SELECT 1 FROM {WINDOW_TABLE})"
SQLITE_TRIGGERS = ("entry_update", "entry_delete", "block_update", "block_delete")


def _sqlite_up(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(cursor, ENTRY_TABLE)
            if column.name != "block_id"
        ]
    unchanged = " AND ".join(f'NEW."{name}" IS OLD."{name}"' for name in columns)
    raise_ = "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    return [
        f"CREATE TABLE IF NOT EXISTS {WINDOW_TABLE} "
        "(opened_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        f"CREATE TRIGGER audit_guard_entry_update BEFORE UPDATE ON {ENTRY_TABLE} "
        f"WHEN {SQLITE_CLOSED} AND NOT (OLD.block_id IS NULL AND NEW.block_id IS NOT NULL "
        f"AND {unchanged}) {raise_}",
        f"CREATE TRIGGER audit_guard_entry_delete BEFORE DELETE ON {ENTRY_TABLE} "
        f"WHEN {SQLITE_CLOSED} {raise_}",
        f"CREATE TRIGGER audit_guard_block_update BEFORE UPDATE ON {BLOCK_TABLE} "
        f"WHEN {SQLITE_CLOSED} {raise_}",
        f"CREATE TRIGGER audit_guard_block_delete BEFORE DELETE ON {BLOCK_TABLE} "
        f"WHEN {SQLITE_CLOSED} {raise_}",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        statements = [POSTGRES_UP]
    elif connection.vendor == "sqlite":
        statements = _sqlite_up(connection)
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        statements = [POSTGRES_DOWN]
    elif connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS audit_guard_{name}" for name in SQLITE_TRIGGERS]
        statements.append(f"DROP TABLE IF EXISTS {WINDOW_TABLE}")
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextlib.contextmanager
def maintenance_window(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the audit tables be emptied while inside (emptying test databases)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WINDOW_TABLE} DEFAULT VALUES")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {WINDOW_TABLE}")
