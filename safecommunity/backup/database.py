"""The database half of a backup: a consistent dump with its row counts, and loading it back.

PostgreSQL: `pg_dump -Fc` and `pg_restore`, with every connection setting passed through the
environment (`PGPASSWORD`, `PGHOST` …), never on the command line where `ps` would show it. The
row counts and the migration state are read in the very snapshot `pg_dump` dumps
(`pg_export_snapshot`), so they match the dump even while the portal keeps writing.
SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database page by page into
a file; the counts are read from that copy.

The tables are those of every installed model (many-to-many tables included) plus
`django_migrations`, found through the app registry and the connection's introspection — never
by importing an app. The database cache table holds nothing worth keeping and is left out.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

from . import errors
from .errors import BackupError

ENGINE_LABELS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MIGRATIONS_TABLE = MigrationRecorder.Migration._meta.db_table
# What `migrate` writes into an empty database by itself: a restore target holding rows only in
# these tables counts as empty.
MIGRATE_TABLES = frozenset({"django_content_type", "auth_permission", MIGRATIONS_TABLE})


@dataclass(frozen=True)
class DatabaseDump:
    """A dump written to `path`, with the row count of every table and the migration state."""

    path: Path
    tables: dict[str, int]
    migrations: dict[str, str]


def vendor_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ENGINE_LABELS:
        raise BackupError(errors.ENGINE_UNSUPPORTED, engine=connection.vendor)
    return connection.vendor


def cache_tables() -> set[str]:
    return {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("DatabaseCache")
    }


def model_tables(connection: BaseDatabaseWrapper, existing: Iterable[str]) -> list[str]:
    """The tables of every installed model that exist in the database, plus `django_migrations`
    (the cache table left out), sorted."""
    present = set(existing)
    wanted = {MIGRATIONS_TABLE}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and router.allow_migrate_model(connection.alias, model):
            wanted.add(meta.db_table)
    return sorted((wanted & present) - cache_tables())


def quote(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def count_rows(cursor: Any, tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations(cursor: Any, tables: Iterable[str]) -> dict[str, str]:
    """The latest applied migration of each app (by name: 0012_… after 0011_…)."""
    if MIGRATIONS_TABLE not in tables:
        return {}
    cursor.execute(f"SELECT app, name FROM {quote(MIGRATIONS_TABLE)}")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


# --- Writing the dump ------------------------------------------------------------------------


def dump_database(connection: BaseDatabaseWrapper, folder: Path) -> DatabaseDump:
    """Dump the database into `folder`, with the row counts and migration state of that dump."""
    vendor = vendor_of(connection)
    path = folder / DUMP_NAMES[vendor]
    if vendor == "postgresql":
        return _pg_dump(connection, path)
    return _sqlite_dump(connection, path)


def _sqlite_dump(connection: BaseDatabaseWrapper, path: Path) -> DatabaseDump:
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # The online backup API: a consistent copy even while other processes write.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        existing = [
            row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        tables = model_tables(connection, existing)
        counts = count_rows(cursor, tables)
        migrations = latest_migrations(cursor, tables)
    finally:
        copy.close()
    return DatabaseDump(path, counts, migrations)


def _pg_dump(connection: BaseDatabaseWrapper, path: Path) -> DatabaseDump:
    if connection.in_atomic_block:
        raise RuntimeError("A backup needs a transaction of its own; call it outside atomic().")
    cache = sorted(cache_tables())
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # One snapshot for the counts, the migration state and pg_dump: the first statement of
        # the transaction fixes it, and pg_dump imports it while this transaction stays open.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = model_tables(connection, connection.introspection.table_names(cursor))
        counts = count_rows(cursor, tables)
        migrations = latest_migrations(cursor, tables)
        run_tool(
            connection,
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            *(f"--exclude-table-data={name}" for name in cache),
            f"--file={path}",
        )
    return DatabaseDump(path, counts, migrations)


# --- Loading it back -------------------------------------------------------------------------


def check_dump(vendor: str, path: Path) -> None:
    """Refuse a dump this machine cannot load, before anything is changed."""
    if vendor == "postgresql":
        tool = _tool("pg_restore")
        result = subprocess.run(
            [tool, "--list", str(path)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise BackupError(errors.DUMP_UNREADABLE, reason=_reason(result.stderr))
        return
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(errors.DUMP_UNREADABLE, reason=str(error)) from error
    if verdict != "ok":
        raise BackupError(errors.DUMP_UNREADABLE, reason=verdict)


def load_dump(connection: BaseDatabaseWrapper, path: Path) -> None:
    """Replace the whole database with the dump at `path`."""
    # Our own connections must not hold the tables (PostgreSQL) or the file (SQLite).
    connections.close_all()
    if vendor_of(connection) == "postgresql":
        # One transaction: a failure leaves the database as it was. --clean --if-exists drops
        # what the dump holds first, so a migrated target and a bare database both work.
        run_tool(
            connection,
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname=",  # empty: libpq takes the database from PGDATABASE
            str(path),
        )
        return
    try:
        _sqlite_load(connection, path)
    except sqlite3.Error as error:  # e.g. "database is locked": a web server still writing
        raise BackupError(errors.TOOL_FAILED, tool="SQLite", reason=str(error)) from error


def _sqlite_load(connection: BaseDatabaseWrapper, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if connection.is_in_memory_db():
            connection.ensure_connection()
            source.backup(connection.connection)
            return
        timeout = connection.settings_dict["OPTIONS"].get("timeout", 30)
        target = sqlite3.connect(connection.settings_dict["NAME"], timeout=timeout)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def other_sessions(connection: BaseDatabaseWrapper) -> list[str]:
    """Who else is connected to the database (PostgreSQL): a restore waits for their locks, and
    they would go on writing into what it loads. SQLite cannot tell; its backup API waits for
    readers instead."""
    if connection.vendor != "postgresql":
        return []
    for other in connections.all(initialized_only=True):
        if other is not connection:  # this process's own side connection is no one else
            other.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(NULLIF(application_name, ''), host(client_addr), 'local') "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def database_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The row count of every model table of the database as it is now."""
    with connection.cursor() as cursor:
        tables = model_tables(connection, connection.introspection.table_names(cursor))
        return count_rows(cursor, tables)


def database_content(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The tables holding rows that `migrate` did not write (see `MIGRATE_TABLES`)."""
    return {
        table: count
        for table, count in database_rows(connection).items()
        if count and table not in MIGRATE_TABLES
    }


# --- PostgreSQL's tools ----------------------------------------------------------------------


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the connection settings: host, port, database, user, password,
    TLS, service and server options — so no secret is ever on a command line."""
    options = settings_dict.get("OPTIONS", {})
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGOPTIONS": options.get("options"),
    }
    return {key: str(value) for key, value in pairs.items() if value not in (None, "")}


def run_tool(connection: BaseDatabaseWrapper, name: str, *arguments: str) -> None:
    """Run a PostgreSQL client tool against the connection's database. Its environment is this
    process's (libpq reads it here too) with the settings' connection on top."""
    environment = {**os.environ, **pg_environment(connection.settings_dict)}
    result = subprocess.run(
        [_tool(name), *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(errors.TOOL_FAILED, tool=name, reason=_reason(result.stderr))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(errors.TOOL_MISSING, tool=name)
    return found


def _reason(stderr: str) -> str:
    """The line of a tool's error output that says what went wrong: its first error, else its
    last line (pg_restore follows an error with the statement that failed)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors_said = [line for line in lines if "error" in line.lower()]
    return (errors_said or lines or ["?"])[0 if errors_said else -1]
