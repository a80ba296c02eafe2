"""The private files of Django's default storage, read and written only through the storage API.

Several web servers may share the files through `STORAGES` (a network folder, an object store),
so nothing here assumes a local disk: names come from `listdir`, bytes from `storage.open`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage

from . import errors
from .errors import BackupError

CHUNK = 1024 * 1024


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folder by folder, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage whose folder was never created holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from storage_names(storage, posixpath.join(folder, sub) if folder else sub)


def is_safe_name(name: str) -> bool:
    """A relative storage name with no `..`, `.` or empty part (read with either slash), so it
    never reaches outside the storage."""
    parts = re.split(r"[/\\]", name)
    return bool(name) and all(part not in ("", ".", "..") for part in parts)


class HashingReader:
    """Reads a stream and keeps the SHA-256 and the size of what was read, so a file is hashed
    while it is copied, without being read twice or held in memory."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    """The SHA-256 and size of what is left in `stream`, read in chunks."""
    reader = HashingReader(stream)
    while reader.read(CHUNK):
        pass
    return reader.sha256, reader.size


def stored_sha256(storage: Storage, name: str) -> tuple[str, int]:
    with storage.open(name, "rb") as stream:
        return sha256_of(stream)


def clear_storage(storage: Storage) -> int:
    """Delete every file of the storage (for `--force`); the number deleted."""
    names = list(storage_names(storage))
    for name in names:
        storage.delete(name)
    return len(names)


def save_exact(storage: Storage, name: str, path: Path) -> None:
    """Save the file at `path` under exactly `name`; a storage that picks another name (because
    the name is taken, or it rewrites names) is undone and refused."""
    with path.open("rb") as stream:
        saved = storage.save(name, File(stream, name=name))
    if saved != name:
        storage.delete(saved)
        raise BackupError(errors.STORAGE_RENAMED, name=name, saved=saved)
