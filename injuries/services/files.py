"""Reading an uploaded file as a stream of rows: an xlsx workbook (first sheet) or CSV text in
UTF-8 or GB18030, its fingerprint, and the refusals of a file that cannot be read at all."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from injuries.errors import (
    REFUSED_ENCODING,
    REFUSED_NO_HEADER,
    REFUSED_OLD_EXCEL,
    REFUSED_TOO_BIG,
    REFUSED_TOO_MANY_ROWS,
    REFUSED_UNREADABLE,
    ImportRefused,
)
from safecommunity.spreadsheets import restored_row


def file_sha256(path: Path) -> str:
    """The file's SHA-256 in hex, read in blocks: the fingerprint a batch keeps."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_size(size: int) -> None:
    """Refuse a file larger than `INJURY_IMPORT_MAX_BYTES` before anything of it is read."""
    limit = settings.INJURY_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(REFUSED_TOO_BIG, limit=limit // (1024 * 1024))


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (which
    covers GBK): detected, not asked. Reads the file once in blocks."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportRefused(REFUSED_ENCODING)


class SpreadsheetRows:
    """The header and the data rows of an xlsx or CSV file, read as a stream.

    Rows come as (spreadsheet row number, cells); empty rows are skipped. Use it as a context
    manager so the workbook or file is closed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._close = lambda: None

    def __enter__(self) -> SpreadsheetRows:
        with open(self.path, "rb") as stream:
            head = stream.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRefused(REFUSED_OLD_EXCEL)
        rows = self._xlsx() if head.startswith(b"PK\x03\x04") else self._csv()
        self._numbered = ((n, row) for n, row in enumerate(rows, start=1) if _has_values(row))
        first = next(self._numbered, None)
        if first is None or first[0] != 1:
            raise ImportRefused(REFUSED_NO_HEADER)
        self.header = ["" if cell is None else str(cell).strip() for cell in first[1]]
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._close()

    def __iter__(self) -> Iterator[tuple[int, Sequence[Any]]]:
        return self._numbered

    def _xlsx(self) -> Iterator[Sequence[Any]]:
        """The first sheet (the template's codes sheet comes second), read by calamine: about
        eight times faster than openpyxl, which matters at a hundred thousand rows."""
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
        return sheet.iter_rows()

    def _csv(self) -> Iterator[Sequence[Any]]:
        encoding = _csv_encoding(self.path)
        stream = open(self.path, encoding=encoding, newline="")  # noqa: SIM115 closed in __exit__
        self._close = stream.close
        sample = stream.readline()
        stream.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        # A CSV export puts a ' before text starting like a formula (`inert_text`): taken off.
        return map(restored_row, csv.reader(stream, delimiter=delimiter))


def _has_values(row: Sequence[Any]) -> bool:
    return any(cell is not None and (not isinstance(cell, str) or cell.strip()) for cell in row)
