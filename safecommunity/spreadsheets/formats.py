"""The file formats the portal reads and writes: xlsx, and CSV in UTF-8 or GB18030.

Both write inert files: the xlsx through the one workbook writer (text typed as text), the CSV
with OWASP's `'` before a formula start, which the CSV format takes off again when it reads.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tablib
from django.utils.translation import gettext
from import_export.formats import base_formats

from safecommunity.spreadsheets.inert import inert_row, restored_row
from safecommunity.spreadsheets.writing import WorkbookWriter


def csv_to_file(path: str | Path, headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """A CSV file at `path` as Excel opens it: UTF-8 with a BOM (without it Excel shows Chinese
    as mojibake), the header row, then the rows, inert (`inert.inert_text`: `=1+1` is written
    `'=1+1`), written row by row. Numbers are written as digits and dates as yyyy-mm-dd, which
    Excel reads back as numbers and dates; None is an empty cell. For the largest exports: it
    writes several times as many cells a second as the workbook writer."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(inert_row(str(text) for text in headers))
        writer.writerows(map(inert_row, rows))


# --- Formats ---


class UnreadableFile(ValueError):
    """A file the format cannot read, with a message the person who uploaded it can act on."""


def decode_text(data: bytes, encodings: Iterable[str], preferred: str | None = None) -> str:
    """Decode with the first encoding that fits; UTF-8 is strict, so it goes first."""
    candidates = [preferred, *encodings] if preferred else list(encodings)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableFile(
        gettext("The file is neither UTF-8 nor GB18030 text; save it again as CSV or xlsx.")
    )


class SpreadsheetXLSX(base_formats.XLSX):
    """xlsx written by the portal's one workbook writer: a member named `=1+1` stays the words
    `=1+1` (a text cell, never a formula), numbers and dates are real ones, and the header row
    looks like every other export's. The sheet is named by the dataset's title
    (`SpreadsheetResource.export` gives it the model's name). The admin passes native values
    (numbers, dates) to any subclass of import-export's XLSX, see `SpreadsheetExportMixin`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        book = WorkbookWriter()
        book.sheet(dataset.title or gettext("Export"), dataset.headers or ()).rows(dataset)
        return book.save()

    def export_to_file(
        self, path: Path, *, title: str, headers: list[str], rows: Iterable[Iterable[Any]]
    ) -> None:
        """The same file as `export_data`, written row by row to `path` (a job's export)."""
        book = WorkbookWriter()
        book.sheet(title or gettext("Export"), headers).rows(rows)
        book.save_to(path)


class SpreadsheetCSV(base_formats.CSV):
    """CSV as offices save it: UTF-8 (with or without BOM) or GB18030 (Chinese Excel's default).

    import-export decodes text formats with one fixed encoding before the format sees them
    (the admin's `from_encoding`, UTF-8), so a GB18030 file fails to open. This format declares
    itself binary: the admin then hands over the raw bytes, and `create_dataset` tries each
    encoding in turn. Exports are UTF-8 with a BOM, which Excel needs to show Chinese, and inert
    (`inert.inert_text`: `=1+1` is written `'=1+1`); reading takes the `'` off again.
    """

    ENCODINGS = ("utf-8-sig", "gb18030")

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream, self.ENCODINGS, preferred=self.encoding)
        dataset = base_formats.TablibFormat.create_dataset(self, in_stream, **kwargs)
        return tablib.Dataset(*(restored_row(row) for row in dataset), headers=dataset.headers)

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        inert = tablib.Dataset(
            *(inert_row(row) for row in dataset),
            headers=inert_row(dataset.headers) if dataset.headers else None,
        )
        return super().export_data(inert, **kwargs).encode("utf-8-sig")

    def export_to_file(
        self, path: Path, *, title: str, headers: list[str], rows: Iterable[Iterable[Any]]
    ) -> None:
        """The same file as `export_data`, written row by row to `path` (a job's export)."""
        csv_to_file(path, headers, rows)


#: The formats offered by every import/export admin: Excel first, then CSV.
SPREADSHEET_FORMATS = [SpreadsheetXLSX, SpreadsheetCSV]
