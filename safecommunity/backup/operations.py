"""Backing up, restoring and pruning: what the commands and the scheduled job call."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import errors
from .archive import FILES, FORMAT, SUFFIXES, ArchiveWriter, Manifest, Member, Unpacked, unpack
from .database import (
    ENGINE_LABELS,
    check_dump,
    database_content,
    database_rows,
    dump_database,
    load_dump,
    other_sessions,
    vendor_of,
)
from .errors import BackupError
from .files import clear_storage, save_exact, storage_names, stored_sha256

Progress = Callable[[int, int], None]
NAME_PREFIX = "safecommunity-"
NAME_PATTERN = re.compile(r"^safecommunity-(\d{8}-\d{6})(?:-(\d+))?\.tar(?:\.gz)?$")
STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Summary:
    """What a backup holds (or a restore loaded): its archive and headline numbers."""

    archive: Path
    created_at: str
    engine: str
    tables: int
    rows: int
    files: int
    bytes: int  # of the files
    archive_bytes: int

    @classmethod
    def of(cls, archive: Path, manifest: Manifest) -> Summary:
        return cls(
            archive=archive,
            created_at=manifest.created_at,
            engine=manifest.engine,
            tables=len(manifest.tables),
            rows=manifest.rows,
            files=len(manifest.files),
            bytes=manifest.file_bytes,
            archive_bytes=archive.stat().st_size,
        )


# --- Backup ----------------------------------------------------------------------------------


def make_backup(target: Path, *, progress: Progress | None = None) -> Path:
    """Write one archive of the database and every private file to `target` (a .tar or .tar.gz
    file, or a folder to put a timestamped one in); the archive's path."""
    return write_backup(target, progress=progress).archive


def write_backup(target: Path, *, progress: Progress | None = None) -> Summary:
    """`make_backup`, answering with the numbers of what was written.

    The database is dumped first, then the files are listed and copied: every file a dumped
    row names was stored before the dump (uploads write the file before the row, and never
    change it), so the archive holds it. A file that vanishes while the backup runs (an upload
    rolled back) is left out. `progress(done, total)` is called in bytes, dump and files
    together.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = vendor_of(connection)
    storage = default_storage
    _refuse_inside_storage(Path(target), storage)
    path = archive_path(Path(target))
    writer = ArchiveWriter(path)
    try:
        # The dump waits beside the archive (same disk, room for it), not in a small /tmp.
        with tempfile.TemporaryDirectory(prefix=".safecommunity-dump-", dir=path.parent) as tmp:
            dump = dump_database(connection, Path(tmp))
            database = writer.add_path(dump.path.name, dump.path)
        listed = _listed(storage)
        total = database.size + sum(size for _, size in listed)
        done = database.size
        if progress is not None:
            progress(done, total)
        files = []
        for name, size in listed:
            entry = _add_file(writer, storage, name, size)
            if entry is not None:
                files.append(entry)
            done += size
            if progress is not None:
                progress(done, total)
        manifest = Manifest(
            format=FORMAT,
            created_at=timezone.localtime().isoformat(timespec="seconds"),
            engine=vendor,
            django=django.get_version(),
            migrations=dump.migrations,
            tables=dump.tables,
            database=database,
            files=files,
        )
        writer.add_manifest(manifest)
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    return Summary.of(path, manifest)


def scheduled_backup(*, progress: Progress | None = None) -> Path:
    """The daily backup: a timestamped archive in `BACKUP_DIR`, then archives older than
    `BACKUP_KEEP_DAYS` removed (never the newest)."""
    folder = Path(settings.BACKUP_DIR)
    path = make_backup(folder, progress=progress)
    prune_backups(folder, settings.BACKUP_KEEP_DAYS)
    return path


def archive_path(target: Path) -> Path:
    """Where the archive goes: `target` itself when it names a .tar or .tar.gz file (which must
    not exist yet), else a new timestamped file in the folder `target` (made if missing)."""
    if target.name.endswith(SUFFIXES):
        if target.exists():
            raise BackupError(errors.TARGET_EXISTS, path=target)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.resolve()
    if target.exists() and not target.is_dir():
        raise BackupError(errors.TARGET_SUFFIX, path=target)
    target.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime(STAMP)
    path = target / f"{NAME_PREFIX}{stamp}.tar.gz"
    number = 1
    while path.exists() or path.with_name(f".{path.name}.partial").exists():
        number += 1
        path = target / f"{NAME_PREFIX}{stamp}-{number}.tar.gz"
    return path.resolve()


def _refuse_inside_storage(path: Path, storage: Storage) -> None:
    location = getattr(storage, "location", None)
    if location and path.resolve().is_relative_to(Path(location).resolve()):
        raise BackupError(errors.TARGET_INSIDE_STORAGE, path=path)


def _listed(storage: Storage) -> list[tuple[str, int]]:
    """Every file of the storage with its size; one gone since `listdir` is left out."""
    listed = []
    for name in storage_names(storage):
        try:
            listed.append((name, storage.size(name)))
        except FileNotFoundError:
            continue
    return listed


def _add_file(writer: ArchiveWriter, storage: Storage, name: str, size: int) -> Member | None:
    try:
        stream = storage.open(name, "rb")
    except FileNotFoundError:  # removed since it was listed
        return None
    with stream:
        try:
            entry = writer.add_stream(FILES + name, stream, size)
        except OSError as error:  # shorter than it was when listed
            if "unexpected end of data" in str(error):
                raise BackupError(errors.FILE_CHANGED, name=name) from error
            raise
        if stream.read(1):  # longer than it was when listed
            raise BackupError(errors.FILE_CHANGED, name=name)
    return Member(name, entry.sha256, entry.size)


# --- Restore ---------------------------------------------------------------------------------


def restore_backup(
    archive: Path, *, force: bool = False, progress: Progress | None = None
) -> Summary:
    """Load the archive into this database and file storage, then verify them.

    Before anything is changed, the archive is read whole and checked: its manifest, every
    entry's SHA-256 and size, the database engine, migrations this code knows, a dump this
    machine can load; no other session may be connected to the database (PostgreSQL); and the
    target must be empty — no rows but those `migrate` writes itself (content types,
    permissions, the migration record) and no file in the storage — unless `force`, which
    replaces the database and every file. After loading, every table's row count and every
    file's SHA-256 must equal the manifest. `progress(done, total)` runs from 0 to
    twice the archive's size: reading and checking it, then loading.
    """
    archive = Path(archive)
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = vendor_of(connection)
    storage = default_storage
    size = archive.stat().st_size if archive.is_file() else 0

    def checking(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, 2 * size)

    def loading(done: int, of: int) -> None:
        if progress is not None:
            progress(size + (size * done // of if of else size), 2 * size)

    with tempfile.TemporaryDirectory(prefix="safecommunity-restore-") as scratch:
        unpacked = unpack(archive, Path(scratch), progress=checking)
        manifest = unpacked.manifest
        _check_target(unpacked, vendor, force, storage)
        # Nothing was changed before this line.
        load_dump(connection, unpacked.dump)
        payload = manifest.database.size + manifest.file_bytes
        done = manifest.database.size
        loading(done, payload)
        if force:
            clear_storage(storage)
        for entry in manifest.files:
            save_exact(storage, entry.name, unpacked.file(entry))
            done += entry.size
            loading(done, payload)
    _verify(manifest, storage)
    return Summary.of(archive, manifest)


def _check_target(unpacked: Unpacked, vendor: str, force: bool, storage: Storage) -> None:
    manifest = unpacked.manifest
    if manifest.engine != vendor:
        raise BackupError(
            errors.ENGINE_MISMATCH,
            found=ENGINE_LABELS.get(manifest.engine, manifest.engine),
            target=ENGINE_LABELS[vendor],
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app, name in manifest.migrations.items():
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations:
            raise BackupError(errors.MIGRATION_UNKNOWN, migration=f"{app}.{name}")
    check_dump(vendor, unpacked.dump)
    others = other_sessions(connections[DEFAULT_DB_ALIAS])
    if others:
        raise BackupError(errors.TARGET_IN_USE, count=len(others), who=", ".join(others))
    if force:
        return
    found = []
    content = database_content(connections[DEFAULT_DB_ALIAS])
    if content:
        table = next(iter(content))
        found.append(
            str(errors.TARGET_ROWS)
            % {"count": sum(content.values()), "tables": len(content), "table": table}
        )
    first = next(storage_names(storage), None)
    if first is not None:
        found.append(str(errors.TARGET_FILES) % {"name": first})
    if found:
        raise BackupError(errors.TARGET_NOT_EMPTY, what="; ".join(found))


def _verify(manifest: Manifest, storage: Storage) -> None:
    counts = database_rows(connections[DEFAULT_DB_ALIAS])
    for table, expected in manifest.tables.items():
        found = counts.get(table)
        if found != expected:
            raise BackupError(errors.AFTER_ROWS, table=table, found=found, expected=expected)
    for entry in manifest.files:
        if stored_sha256(storage, entry.name) != (entry.sha256, entry.size):
            raise BackupError(errors.AFTER_FILE, name=entry.name)


# --- Retention -------------------------------------------------------------------------------


def prune_backups(folder: Path, keep_days: int, *, now: datetime | None = None) -> list[Path]:
    """Delete the portal's archives in `folder` made more than `keep_days` days ago — judged by
    the time in their names, `safecommunity-YYYYMMDD-HHMMSS.tar.gz` — but never the newest one,
    and leftovers of interrupted backups older than a day. Other files are never touched. The
    paths deleted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    backups = []
    for path in folder.iterdir():
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            made = datetime.strptime(match[1], STAMP).replace(tzinfo=zone)
            backups.append((made, int(match[2] or 1), path))
    backups.sort()
    cutoff = now - timedelta(days=keep_days)
    removed = [path for made, _, path in backups[:-1] if made < cutoff]
    for path in removed:
        path.unlink()
    stale = time.time() - 24 * 60 * 60
    for path in folder.glob(".safecommunity-*"):
        if path.stat().st_mtime < stale:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed
