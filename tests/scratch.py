"""Scratch sites: a database and a file folder of their own, outside pytest-django's test
database, driven by `manage.py` in a subprocess under the real settings.

A backup test needs what the portal really runs on — `safecommunity.settings` read from the
environment — and a second, third … database to restore into. On PostgreSQL each site is a real
database named `bk_<pid>_<name>` (the test role has CREATEDB), on SQLite a file; either way a
folder of its own stands in for `PRIVATE_MEDIA_ROOT`. The comparisons read both sides directly
(psycopg2 or sqlite3, and the folders), not through Django.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CACHE_TABLE = "safecommunity_cache"


def _plain(value: object) -> object:
    """A value whose repr shows its content (psycopg2 hands out bytea as a memoryview)."""
    return bytes(value) if isinstance(value, memoryview) else value


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _pg_admin():
    import psycopg2

    db = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    connection.autocommit = True
    return connection


@dataclass
class Site:
    """One scratch site: `url` for DATABASE_URL, `files` for PRIVATE_MEDIA_ROOT."""

    name: str
    engine: str  # "postgresql" or "sqlite"
    folder: Path

    @property
    def files(self) -> Path:
        return self.folder / f"{self.name}-files"

    @property
    def sqlite_path(self) -> Path:
        return self.folder / f"{self.name}.sqlite3"

    @property
    def database(self) -> str:
        return f"bk_{os.getpid()}_{self.name}"

    @property
    def url(self) -> str:
        if self.engine == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        db = settings.DATABASES["default"]
        credentials = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
        where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return f"postgres://{credentials}@{where}/{self.database}"

    # --- making and removing ---

    def create(self, template: Site | None = None) -> Site:
        """A bare database (no tables) — or a copy of `template`, its files included."""
        self.files.mkdir(parents=True, exist_ok=True)
        if template is not None:
            shutil.copytree(template.files, self.files, dirs_exist_ok=True)
        if self.engine == "sqlite":
            if template is not None:
                for suffix in ("", "-wal", "-shm"):
                    source = Path(f"{template.sqlite_path}{suffix}")
                    if source.exists():
                        shutil.copyfile(source, f"{self.sqlite_path}{suffix}")
            return self
        admin = _pg_admin()
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                like = f' TEMPLATE "{template.database}"' if template else ""
                cursor.execute(f'CREATE DATABASE "{self.database}"{like}')
        finally:
            admin.close()
        return self

    def drop(self) -> None:
        shutil.rmtree(self.files, ignore_errors=True)
        if self.engine == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            return
        admin = _pg_admin()
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        finally:
            admin.close()

    # --- running the portal against it ---

    def environment(self, language: str = "en") -> dict[str, str]:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"} and not key.startswith("PG")
        }
        environment.update(
            DJANGO_SETTINGS_MODULE="safecommunity.settings",
            SECRET_KEY="backup-tests-secret-key-not-for-production-0123456789abcdef",
            DEBUG="0",
            DATABASE_URL=self.url,
            PRIVATE_MEDIA_ROOT=str(self.files),
            CACHE_DIR=str(self.folder / f"{self.name}-cache"),
            BACKUP_DIR=str(self.folder / f"{self.name}-backups"),
            LANGUAGE_CODE=language,
        )
        return environment

    def manage(
        self, *arguments: str, check: bool = True, language: str = "en"
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment(language),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(arguments)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    # --- reading it directly ---

    def _connect(self):
        if self.engine == "sqlite":
            return sqlite3.connect(self.sqlite_path)
        import psycopg2

        db = settings.DATABASES["default"]
        return psycopg2.connect(
            dbname=self.database,
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"] or None,
            port=db["PORT"] or None,
        )

    def tables(self) -> dict[str, str]:
        """Every table (the cache table aside) with a digest of its rows, in any order."""
        connection = self._connect()
        try:
            cursor = connection.cursor()
            if self.engine == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            else:
                cursor.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            names = sorted(row[0] for row in cursor.fetchall() if row[0] != CACHE_TABLE)
            digests = {}
            for name in names:
                cursor.execute(f'SELECT * FROM "{name}"')
                rows = sorted(repr(tuple(map(_plain, row))) for row in cursor.fetchall())
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
                digests[name] = f"{len(rows)} rows {digest}"
            return digests
        finally:
            connection.close()

    def counts(self) -> dict[str, int]:
        return {name: int(value.split()[0]) for name, value in self.tables().items()}

    def file_hashes(self) -> dict[str, str]:
        if not self.files.exists():
            return {}
        return {
            path.relative_to(self.files).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.files.rglob("*"))
            if path.is_file()
        }

    def state(self) -> tuple[dict[str, str], dict[str, str]]:
        """Everything a restore could change: table contents and files."""
        return self.tables(), self.file_hashes()
