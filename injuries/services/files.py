"""Keeping an uploaded file and reading it as a stream of rows: the file kept in the shared
storage between the check and the import (and copied to this machine for a reader that needs a
path), an Excel workbook (xlsx, or the legacy xls hospital systems still export: first sheet) or
CSV text in UTF-8 or GB18030, its fingerprint, and the refusals of a file that cannot be read at
all."""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from injuries.errors import (
    BATCH_FILE_GONE,
    REFUSED_ENCODING,
    REFUSED_NO_HEADER,
    REFUSED_TOO_BIG,
    REFUSED_TOO_MANY_ROWS,
    REFUSED_UNREADABLE,
    BatchError,
    ImportRefused,
)
from safecommunity.spreadsheets import restored_row
from safecommunity.spreadsheets.inert import QUOTE

#: The folder of the shared storage where uploaded files wait between the check and the import.
UPLOAD_DIR = "injury-imports"
BLOCK = 1 << 20
#: How a workbook's bytes begin: xlsx is a zip archive, the legacy xls an OLE2 compound file.
XLSX_HEAD = b"PK\x03\x04"
XLS_HEAD = b"\xd0\xcf\x11\xe0"


def file_sha256(path: Path) -> str:
    """The file's SHA-256 in hex, read in blocks: the fingerprint a batch keeps."""
    with open(path, "rb") as stream:
        return blocks_sha256(iter(lambda: stream.read(BLOCK), b""))


def blocks_sha256(blocks: Iterable[bytes]) -> str:
    """The SHA-256 in hex of a file given as its blocks (an upload's `chunks()`)."""
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def upload_store(upload: File) -> str:
    """Keep an uploaded file in the shared storage (`STORAGES["default"]`, which every web
    server and worker reaches) under a fresh, unguessable name; that name."""
    suffix = PurePath(upload.name or "").suffix.lower()[:8]
    return default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}", upload)


def stored_delete(name: str) -> None:
    """Remove a kept file (nothing happens when it is already gone)."""
    if name:
        default_storage.delete(name)


@contextlib.contextmanager
def stored_copy(name: str) -> Iterator[Path]:
    """A copy on this machine of the kept file `name`, for readers that need a path (calamine,
    openpyxl); deleted when the block ends. A file no longer kept is `BATCH_FILE_GONE`."""
    descriptor, local = tempfile.mkstemp(
        suffix=PurePath(name).suffix, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        with os.fdopen(descriptor, "wb") as target:
            try:
                stored = default_storage.open(name, "rb")
            except FileNotFoundError:
                raise BatchError(BATCH_FILE_GONE) from None
            with stored:
                shutil.copyfileobj(stored, target, BLOCK)
        yield Path(local)
    finally:
        Path(local).unlink(missing_ok=True)


def check_size(size: int) -> None:
    """Refuse a file larger than `INJURY_IMPORT_MAX_BYTES` before anything of it is read."""
    limit = settings.INJURY_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(REFUSED_TOO_BIG, limit=limit // (1024 * 1024))


def _csv_encoding(path: Path) -> tuple[str, int]:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (which
    covers GBK): detected, not asked. Reads the file once in blocks, counting its lines on the
    way (what the progress of a check counts up to)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        last = b"\n"
        try:
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(BLOCK), b""):
                    decoder.decode(block)
                    lines += block.count(b"\n")
                    last = block[-1:]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines + (last != b"\n")
    raise ImportRefused(REFUSED_ENCODING)


class SpreadsheetRows:
    """The header and the data rows of an xlsx, xls or CSV file, read as a stream.

    Rows come as (spreadsheet row number, cells); empty rows are skipped. Use it as a context
    manager so the workbook or file is closed. `total` is how many data rows the file has at
    most (the sheet's height, the text's lines), known before they are read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.total = 0
        self._close = lambda: None

    def __enter__(self) -> SpreadsheetRows:
        with open(self.path, "rb") as stream:
            head = stream.read(8)
        workbook = head.startswith((XLSX_HEAD, XLS_HEAD))
        rows = self._workbook() if workbook else self._csv()
        filled = _has_values if workbook else _has_text
        self._numbered = ((n, row) for n, row in enumerate(rows, start=1) if filled(row))
        first = next(self._numbered, None)
        if first is None or first[0] != 1:
            raise ImportRefused(REFUSED_NO_HEADER)
        self.header = ["" if cell is None else str(cell).strip() for cell in first[1]]
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._close()

    def __iter__(self) -> Iterator[tuple[int, Sequence[Any]]]:
        return self._numbered

    def _workbook(self) -> Iterator[Sequence[Any]]:
        """The first sheet (the template's codes sheet comes second) of an xlsx or xls workbook,
        read by calamine: about eight times faster than openpyxl, which matters at a hundred
        thousand rows. Date cells come as dates (or datetimes with their time) in both."""
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
            sheet = workbook.get_sheet_by_index(0)
        except (CalamineError, OSError, IndexError, ValueError):
            raise ImportRefused(REFUSED_UNREADABLE) from None
        self._close = workbook.close
        limit = settings.INJURY_IMPORT_MAX_ROWS
        if sheet.height > limit + 1:
            raise ImportRefused(REFUSED_TOO_MANY_ROWS, limit=limit)
        self.total = max(sheet.height - 1, 0)
        return sheet.iter_rows()

    def _csv(self) -> Iterator[Sequence[Any]]:
        encoding, lines = _csv_encoding(self.path)
        self.total = max(lines - 1, 0)
        stream = open(self.path, encoding=encoding, newline="")  # noqa: SIM115 closed in __exit__
        self._close = stream.close
        sample = stream.readline()
        stream.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        # A CSV export puts a ' before text starting like a formula (`inert_text`): taken off.
        return map(_restored, csv.reader(stream, delimiter=delimiter))


def _has_values(row: Sequence[Any]) -> bool:
    return any(cell is not None and (not isinstance(cell, str) or cell.strip()) for cell in row)


# A CSV row is a list of texts: what `_has_values` and `restored_row` look for in each cell is
# first looked for in the row's cells joined (in C), and most rows have none of it.


def _has_text(row: list[str]) -> bool:
    return bool("".join(row).strip())


def _restored(row: list[str]) -> list[str]:
    return restored_row(row) if QUOTE in "".join(row) else row
