"""The one workbook writer: every xlsx the portal writes (exports, statistics, import templates).

    book = WorkbookWriter()
    sheet = book.sheet(_("Progress"), headers, widths=(8, 26), freeze="C2")
    for values in rows:
        sheet.row(values)
    return book.response("progress-20250101.xlsx")

or, for a single sheet, `xlsx_response(filename, sheet_name, headers, rows, widths=…)`.

- Rows are streamed (openpyxl's write-only mode), so a large export stays small in memory;
  `save_to(path)` writes the file to disk (a job's result), `save()` gives its bytes.
- Text is always a text cell: `=1+1`, `=HYPERLINK(…)` or `#N/A` are written as words, never as a
  formula or an error value, and no apostrophe shows. Text that starts like a formula is also
  marked "quote prefix", so editing the cell in Excel keeps it text. Characters xlsx cannot hold
  (control characters other than tab and line breaks) are left out.
- Numbers are number cells, dates and times date cells (dates shown as yyyy-mm-dd); an aware
  datetime is written in local time. Anything else (a lazy translation) is written as its text.
- A sheet with headers gets the portal's header row: bold on a light blue fill, frozen (with the
  columns left of `freeze`), columns as wide as given or as their header needs.
- Sheet names are made acceptable to Excel: no []:*?/\\, at most 31 characters, unique.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from safecommunity.spreadsheets.inert import FORMULA_STARTS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
MIN_WIDTH, MAX_WIDTH = 8, 40
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Values openpyxl writes right by itself; text is checked first (see `SheetWriter.row`).
_NATIVE = frozenset({int, float, Decimal, bool, date, time, timedelta, type(None)})
# Text openpyxl would not write as plain text (a formula, an error value) or Excel would read
# as a formula once the cell is edited.
_TEXT_TRAPS = (*FORMULA_STARTS, "#")


def header_width(text: str) -> int:
    """A column width that shows `text`: Chinese characters count twice, within 8–40."""
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in text)
    return max(MIN_WIDTH, min(MAX_WIDTH, len(text) + wide + 2))


class SheetWriter:
    """One sheet of a `WorkbookWriter`, written row by row."""

    def __init__(self, worksheet: Any, formats: Sequence[str | None] = ()) -> None:
        self._sheet = worksheet
        self._formats = list(formats)

    def row(self, values: Iterable[Any] = (), *, bold: bool = False) -> None:
        """Append a row; an empty one leaves a blank line. `bold` for a total or a heading."""
        if bold or self._formats:
            cells = [
                self._styled(value, position, bold=bold) for position, value in enumerate(values)
            ]
        else:
            cells = []
            for value in values:
                kind = type(value)
                if kind is str:
                    if not value.isprintable() or value.startswith(_TEXT_TRAPS):
                        value = self._text(value)
                elif kind not in _NATIVE:
                    value = self._cell(value)
                cells.append(value)
        self._sheet.append(cells)

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.row(values)

    def header(self, headers: Iterable[Any]) -> None:
        cells = []
        for text in headers:
            cell = self._as_cell(self._text(str(text)))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cells.append(cell)
        self._sheet.append(cells)

    def _styled(self, value: Any, position: int, *, bold: bool) -> Any:
        number_format = self._formats[position] if position < len(self._formats) else None
        if not (bold or number_format):
            return self._cell(value)
        cell = self._as_cell(self._cell(value))
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = BOLD
        return cell

    def _as_cell(self, value: Any) -> Cell:
        return value if isinstance(value, Cell) else WriteOnlyCell(self._sheet, value)

    def _cell(self, value: Any) -> Any:
        """The value as openpyxl should get it: as it is, or a cell typed as text."""
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        if type(value) in _NATIVE or isinstance(value, int | float | Decimal | date | time):
            return value
        return self._text(str(value))

    def _text(self, value: str) -> Any:
        """Text that stays text: openpyxl would write `=…` as a formula and `#N/A` as an error."""
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith(FORMULA_STARTS) and value not in ERROR_CODES:
            return value
        cell = WriteOnlyCell(self._sheet, value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell


class WorkbookWriter:
    """An xlsx workbook written sheet by sheet, row by row (see the module's docstring)."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self._names: set[str] = set()

    def sheet(
        self,
        name: str,
        headers: Iterable[Any] = (),
        *,
        widths: Iterable[int | None] = (),
        formats: Sequence[str | None] = (),
        freeze: str | None = "A2",
    ) -> SheetWriter:
        """A new sheet, with the header row if `headers` are given. `widths` and `formats`
        (number formats such as "0.0") go by column; `freeze` names the first cell that
        scrolls ("C2" keeps the header and two columns in view)."""
        worksheet = self._book.create_sheet(self._sheet_name(name))
        headers = [str(text) for text in headers]
        widths = list(widths)
        for position in range(max(len(headers), len(widths))):
            width = widths[position] if position < len(widths) else None
            if width is None and position < len(headers):
                width = header_width(headers[position])
            if width is not None:
                worksheet.column_dimensions[get_column_letter(position + 1)].width = width
        sheet = SheetWriter(worksheet, formats)
        if headers:
            if freeze:
                worksheet.freeze_panes = freeze
            sheet.header(headers)
        return sheet

    def _sheet_name(self, title: Any) -> str:
        """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique in the book."""
        name = SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet"
        candidate, n = name, 2
        while candidate.lower() in self._names:
            suffix = f" ({n})"
            candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
        self._names.add(candidate.lower())
        return candidate

    def save(self) -> bytes:
        """The workbook's bytes; the writer cannot be used afterwards."""
        buffer = BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()

    def save_to(self, path: str | Path) -> None:
        """Write the workbook to the file at `path`, never holding it whole in memory (a job's
        export); the writer cannot be used afterwards."""
        self._book.save(str(path))

    def response(self, filename: str) -> HttpResponse:
        """The workbook as a download named `filename`."""
        response = HttpResponse(self.save(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def xlsx_response(
    filename: str,
    sheet_name: str,
    headers: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    widths: Iterable[int | None] = (),
    freeze: str | None = "A2",
) -> HttpResponse:
    """A one-sheet xlsx download: the portal's header row, then the rows, streamed."""
    book = WorkbookWriter()
    book.sheet(sheet_name, headers, widths=widths, freeze=freeze).rows(rows)
    return book.response(filename)
