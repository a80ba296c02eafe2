"""The backup archive: one .tar or .tar.gz holding the database dump, the files and a manifest.

Layout: `database.dump` (PostgreSQL) or `database.sqlite3` (SQLite), then `files/<name>` for
every file of the storage, then `manifest.json` last — it lists the SHA-256 and size of each,
which are known only once everything is written. The archive is written under a hidden
`.<name>.partial` name and renamed when complete, so a half-written one is never taken for a
backup. Reading checks every entry against the manifest while unpacking into a folder, so a
restore knows the archive is whole before it changes anything.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from . import errors
from .errors import BackupError
from .files import CHUNK, HashingReader, is_safe_name

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"
SUFFIXES = (".tar", ".tar.gz", ".tgz")


@dataclass(frozen=True)
class Member:
    """An entry of the archive: its name there, SHA-256 and size."""

    name: str
    sha256: str
    size: int


@dataclass
class Manifest:
    """What a backup holds and how to check it; `manifest.json` in the archive."""

    format: int
    created_at: str
    engine: str
    django: str
    migrations: dict[str, str]
    tables: dict[str, int]
    database: Member
    files: list[Member] = field(default_factory=list)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes, path: Path) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError(
                    errors.FORMAT_UNSUPPORTED, path=path, found=raw.get("format"), expected=FORMAT
                )
            return cls(
                format=raw["format"],
                created_at=str(raw["created_at"]),
                engine=str(raw["engine"]),
                django=str(raw["django"]),
                migrations={str(app): str(name) for app, name in raw["migrations"].items()},
                tables={str(table): int(count) for table, count in raw["tables"].items()},
                database=Member(**raw["database"]),
                files=[Member(**entry) for entry in raw["files"]],
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            reason = f"{type(error).__name__}: {error}"
            raise BackupError(errors.MANIFEST_INVALID, path=path, reason=reason) from error

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def file_bytes(self) -> int:
        return sum(entry.size for entry in self.files)

    def members(self) -> dict[str, Member]:
        """Every entry the archive must hold besides the manifest, by its name there."""
        found = {self.database.name: self.database}
        found.update({FILES + entry.name: entry for entry in self.files})
        return found


# --- Writing ---------------------------------------------------------------------------------


def is_compressed(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


class ArchiveWriter:
    """Writes the archive under a temporary name; `commit()` renames it into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.raw = os.fdopen(descriptor, "wb")
        mode = "w:gz" if is_compressed(path) else "w"
        options = {"compresslevel": 6} if is_compressed(path) else {}
        # Kept open across calls; `commit()` or `abandon()` closes it.
        self.tar = tarfile.open(  # noqa: SIM115
            fileobj=self.raw, mode=mode, format=tarfile.PAX_FORMAT, **options
        )

    def add_stream(self, name: str, stream: BinaryIO, size: int) -> Member:
        """Copy `size` bytes of `stream` into the archive as `name`, hashing them on the way."""
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(time.time())
        info.mode = 0o600
        reader = HashingReader(stream)
        self.tar.addfile(info, reader)  # type: ignore[arg-type]  # it only calls read()
        return Member(name, reader.sha256, reader.size)

    def add_path(self, name: str, path: Path) -> Member:
        with path.open("rb") as stream:
            return self.add_stream(name, stream, path.stat().st_size)

    def add_manifest(self, manifest: Manifest) -> None:
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(time.time())
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(data))

    def commit(self) -> Path:
        self.tar.close()
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()
        os.replace(self.partial, self.path)
        with contextlib.suppress(OSError):  # make the rename itself durable where possible
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        return self.path

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.tar.close()
        with contextlib.suppress(Exception):
            self.raw.close()
        self.partial.unlink(missing_ok=True)


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unpacked:
    """An archive checked against its manifest, its entries unpacked into a folder."""

    manifest: Manifest
    paths: dict[str, Path]  # archive name → unpacked file

    @property
    def dump(self) -> Path:
        return self.paths[self.manifest.database.name]

    def file(self, entry: Member) -> Path:
        return self.paths[FILES + entry.name]


def unpack(
    archive: Path, folder: Path, progress: Callable[[int, int], None] | None = None
) -> Unpacked:
    """Unpack `archive` into `folder` and check it whole: readable to the end, a manifest,
    every entry it lists present with its SHA-256 and size, nothing else. Refuses with a
    `BackupError` naming what is wrong."""
    if not archive.is_file():
        raise BackupError(errors.ARCHIVE_MISSING, path=archive)
    total = archive.stat().st_size
    found: dict[str, Member] = {}
    paths: dict[str, Path] = {}
    manifest_data: bytes | None = None
    try:
        with archive.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as tar:
            for index, info in enumerate(tar):
                if info.isdir():
                    continue
                if not info.isfile() or not _safe_member(info.name) or info.name in found:
                    raise BackupError(errors.MEMBER_UNSAFE, name=info.name)
                stream = tar.extractfile(info)
                assert stream is not None  # a regular file always has a stream
                if info.name == MANIFEST:
                    manifest_data = stream.read()
                    found[MANIFEST] = Member(MANIFEST, "", len(manifest_data))
                    continue
                # Unpacked under a number, never under its own name: no name can reach out.
                target = folder / f"{index:09d}"
                reader = HashingReader(stream)
                with target.open("wb") as out:
                    while chunk := reader.read(CHUNK):
                        out.write(chunk)
                found[info.name] = Member(info.name, reader.sha256, reader.size)
                paths[info.name] = target
                if progress is not None:
                    progress(min(raw.tell(), total), total)
    except BackupError:
        raise
    except (EOFError, tarfile.ReadError, zlib.error, gzip.BadGzipFile) as error:
        raise _unreadable(archive, error) from error
    if manifest_data is None:
        raise BackupError(errors.ARCHIVE_NO_MANIFEST, path=archive)
    manifest = Manifest.from_json(manifest_data, archive)
    check_members(manifest, found)
    return Unpacked(manifest, paths)


def check_members(manifest: Manifest, found: dict[str, Member]) -> None:
    expected = manifest.members()
    for name, entry in expected.items():
        if name not in found:
            raise BackupError(errors.MEMBER_MISSING, name=name)
        if (found[name].sha256, found[name].size) != (entry.sha256, entry.size):
            raise BackupError(errors.MEMBER_CORRUPT, name=name)
    for name in found:
        if name != MANIFEST and name not in expected:
            raise BackupError(errors.MEMBER_UNEXPECTED, name=name)


def _safe_member(name: str) -> bool:
    if name in (MANIFEST, "database.dump", "database.sqlite3"):
        return True
    return name.startswith(FILES) and is_safe_name(name.removeprefix(FILES))


def _unreadable(archive: Path, error: Exception) -> BackupError:
    message = str(error)
    if isinstance(error, EOFError) or "unexpected end of data" in message:
        return BackupError(errors.ARCHIVE_TRUNCATED, path=archive)
    if isinstance(error, tarfile.ReadError) and (
        "could not be opened successfully" in message or "empty file" in message
    ):
        return BackupError(errors.ARCHIVE_NOT_TAR, path=archive)
    return BackupError(errors.ARCHIVE_DAMAGED, path=archive, reason=message or repr(error))
