"""The one workbook writer: every xlsx the portal writes (exports, statistics, import templates).

    book = WorkbookWriter()
    sheet = book.sheet(_("Progress"), headers, widths=(8, 26), freeze="C2")
    for values in rows:
        sheet.row(values)
    return book.response("progress-20250101.xlsx")

or, for a single sheet, `xlsx_response(filename, sheet_name, headers, rows, widths=…)`.

- Written by XlsxWriter in its constant-memory mode: each row goes to a temporary file as it is
  written, so a ten-year export stays small in memory; `save_to(path)` writes the workbook to
  disk (a job's result), `save()` gives its bytes. XlsxWriter writes about twice as many cells a
  second as openpyxl's write-only mode (`bench/reports.py --writers`); why not the faster
  rustpy-xlsxwriter is in the README's dependency list.
- Text is always a text cell (`write_string`, never `write`): `=1+1`, `=HYPERLINK(…)` or `#N/A`
  are written as words, never as a formula or an error value, and no apostrophe shows. Text
  that starts like a formula or is an error's name is also marked "quote prefix", so editing the
  cell in Excel keeps it text. Characters xlsx cannot hold (control characters other than tab
  and line breaks) are left out.
- Numbers are number cells, dates and times date cells (dates shown as yyyy-mm-dd); an aware
  datetime is written in local time. Anything else (a lazy translation) is written as its text.
- A sheet with headers gets the portal's header row: bold on a light blue fill, frozen (with the
  columns left of `freeze`), columns as wide as given or as their header needs.
- Sheet names are made acceptable to Excel: no []:*?/\\, at most 31 characters, unique.
- A sheet meant to be printed takes a `PageSetup`: a bold title row above the header row, A4 in
  portrait or landscape, one page wide (as many pages long as it needs), the title and header
  rows repeated on each printed page, the page numbers in the footer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from safecommunity.spreadsheets.inert import FORMULA_STARTS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_COLOR = "DDE6F0"  # the header row's light blue fill
MIN_WIDTH, MAX_WIDTH = 8, 40
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters an xlsx cell cannot hold: C0 controls other than tab, line feed and carriage return.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
# Excel's error values: written as text they would read as errors once the cell is edited.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
# The number format of each kind of date and time (the first two as openpyxl wrote them).
DATE_FORMATS: dict[type, str] = {
    date: "yyyy-mm-dd",
    datetime: "yyyy-mm-dd h:mm:ss",
    time: "h:mm:ss",
    timedelta: "[h]:mm:ss",
}


A4_PAPER = 9  # Excel's paper size code of A4
TITLE_SIZE = 14  # the points of a printable sheet's title


@dataclass(frozen=True)
class PageSetup:
    """How a sheet prints: `title` in a bold first row above the header row (what the sheet
    is: its district, year, subject), A4 `landscape` or portrait, fitted to one page wide, the
    title and header rows repeated on each page, `footer` at the bottom of each page (Excel's
    codes: &P the page, &N the number of pages; centred)."""

    title: str = ""
    landscape: bool = False
    footer: str = "&P / &N"


def header_width(text: str) -> int:
    """A column width that shows `text`: Chinese characters count twice, within 8–40."""
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in text)
    return max(MIN_WIDTH, min(MAX_WIDTH, len(text) + wide + 2))


def plain_text(value: str) -> str:
    """`value` without the characters an xlsx cell cannot hold."""
    return value if value.isprintable() else ILLEGAL_CHARACTERS.sub("", value)


def looks_live(text: str) -> bool:
    """Text Excel would read as a formula or an error value once the cell is edited."""
    return text.startswith(FORMULA_STARTS) or text in ERROR_CODES


class SheetWriter:
    """One sheet of a `WorkbookWriter`, written row by row."""

    def __init__(
        self, book: WorkbookWriter, worksheet: Worksheet, formats: Sequence[str | None] = ()
    ) -> None:
        self._book = book
        self._sheet = worksheet
        self._formats = list(formats)
        self._row = 0

    def row(self, values: Iterable[Any] = (), *, bold: bool = False) -> None:
        """Append a row; an empty one leaves a blank line. `bold` for a total or a heading."""
        sheet, number, book = self._sheet, self._row, self._book
        formats = self._formats
        for column, value in enumerate(values):
            column_format = formats[column] if column < len(formats) else None
            kind = type(value)
            if kind is str:
                value = plain_text(value)
                live = looks_live(value)
                if value and (bold or live):
                    sheet.write_string(number, column, value, book.style(bold=bold, quote=live))
                elif value:
                    sheet.write_string(number, column, value)
            elif kind is int or kind is float or kind is Decimal:
                self._number(number, column, value, book.style(column_format, bold=bold))
            elif value is None:
                if bold:
                    sheet.write_blank(number, column, None, book.style(bold=True))
            else:
                self._other(number, column, value, column_format, bold)
        self._row += 1

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.row(values)

    def title(self, text: str) -> None:
        """A bold title row (a printable sheet's first row: `PageSetup.title`)."""
        value = plain_text(str(text))
        if value:
            style = self._book.style(title=True, quote=looks_live(value))
            self._sheet.write_string(self._row, 0, value, style)
        self._row += 1

    def header(self, headers: Iterable[Any]) -> None:
        for column, text in enumerate(headers):
            value = plain_text(str(text))
            style = self._book.style(header=True, quote=looks_live(value))
            self._sheet.write_string(self._row, column, value, style)
        self._row += 1

    def _number(self, row: int, column: int, value: Any, style: Any) -> None:
        if not math.isfinite(value):  # Excel has no NaN or infinity: written as their text
            self._sheet.write_string(row, column, str(value), style)
        else:
            self._sheet.write_number(row, column, value, style)

    def _other(
        self, row: int, column: int, value: Any, column_format: str | None, bold: bool
    ) -> None:
        """A value of any other type: a boolean, a date or time, a subclass, or text."""
        book = self._book
        if isinstance(value, bool):
            self._sheet.write_boolean(row, column, value, book.style(bold=bold))
        elif isinstance(value, int | float | Decimal):
            self._number(row, column, value, book.style(column_format, bold=bold))
        elif isinstance(value, date | time | timedelta):
            if isinstance(value, datetime) and timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            style = book.style(column_format or DATE_FORMATS[_date_kind(value)], bold=bold)
            self._sheet.write_datetime(row, column, value, style)
        else:
            text = plain_text(str(value))
            live = looks_live(text)
            style = book.style(bold=bold, quote=live) if (bold or live) else None
            if text:
                self._sheet.write_string(row, column, text, style)


def _date_kind(value: Any) -> type:
    """The date or time class `value` is an instance of (a subclass, such as a fake clock's)."""
    for kind in (datetime, date, time, timedelta):
        if isinstance(value, kind):
            return kind
    raise TypeError(value)


class WorkbookWriter:
    """An xlsx workbook written sheet by sheet, row by row (see the module's docstring)."""

    def __init__(self) -> None:
        # The file is named when it is saved: XlsxWriter only opens it in `close()`.
        self._book = Workbook(None, {"constant_memory": True})
        self._names: set[str] = set()
        self._styles: dict[tuple, Any] = {}

    def style(
        self,
        number_format: str | None = None,
        *,
        bold: bool = False,
        quote: bool = False,
        header: bool = False,
        title: bool = False,
    ) -> Any:
        """The workbook's cell format for this combination, made once (None for the default)."""
        key = (number_format, bold, quote, header, title)
        if key not in self._styles:
            if not (number_format or bold or quote or header or title):
                self._styles[key] = None
            else:
                properties: dict[str, Any] = {}
                if number_format:
                    properties["num_format"] = number_format
                if bold or header:
                    properties["bold"] = True
                if header:
                    properties.update(pattern=1, bg_color="#" + HEADER_COLOR)
                if quote:
                    properties["quote_prefix"] = True
                if title:
                    properties.update(bold=True, font_size=TITLE_SIZE)
                self._styles[key] = self._book.add_format(properties)
        return self._styles[key]

    def sheet(
        self,
        name: str,
        headers: Iterable[Any] = (),
        *,
        widths: Iterable[int | None] = (),
        formats: Sequence[str | None] = (),
        freeze: str | None = "A2",
        page: PageSetup | None = None,
    ) -> SheetWriter:
        """A new sheet, with the header row if `headers` are given. `widths` and `formats`
        (number formats such as "0.0", "0.00") go by column; `freeze` names the first cell
        that scrolls ("C2" keeps the header and two columns in view), counted below the title
        row when `page` gives one; `page` sets the sheet up for print (`PageSetup`)."""
        worksheet = self._book.add_worksheet(self._sheet_name(name))
        headers = [str(text) for text in headers]
        widths = list(widths)
        for position in range(max(len(headers), len(widths))):
            width = widths[position] if position < len(widths) else None
            if width is None and position < len(headers):
                width = header_width(headers[position])
            if width is not None:
                worksheet.set_column(position, position, width)
        sheet = SheetWriter(self, worksheet, formats)
        above = 0  # rows above the header row
        if page is not None:
            above = self._page_setup(worksheet, page, header=bool(headers))
            if page.title:
                sheet.title(page.title)
        if headers:
            if freeze and above:
                column, row = re.fullmatch(r"([A-Za-z]+)(\d+)", freeze).groups()
                freeze = f"{column}{int(row) + above}"
            if freeze:
                worksheet.freeze_panes(freeze)
            sheet.header(headers)
        return sheet

    @staticmethod
    def _page_setup(worksheet: Worksheet, page: PageSetup, *, header: bool) -> int:
        """Print `worksheet` as `page` says; the number of rows above its header row."""
        worksheet.set_paper(A4_PAPER)
        if page.landscape:
            worksheet.set_landscape()
        else:
            worksheet.set_portrait()
        worksheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
        if page.footer:
            worksheet.set_footer("&C" + page.footer.replace("&C", ""))
        above = 1 if page.title else 0
        if above or header:
            worksheet.repeat_rows(0, above + header - 1)
        return above

    def _sheet_name(self, title: Any) -> str:
        """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique in the book."""
        name = SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet"
        name = name.strip("'") or "Sheet"  # Excel refuses a name that starts or ends with '
        candidate, n = name, 2
        while candidate.lower() in self._names:
            suffix = f" ({n})"
            candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
        self._names.add(candidate.lower())
        return candidate

    def save(self) -> bytes:
        """The workbook's bytes; the writer cannot be used afterwards."""
        buffer = BytesIO()
        self._close(buffer)
        return buffer.getvalue()

    def save_to(self, path: str | Path) -> None:
        """Write the workbook to the file at `path`, never holding it whole in memory (a job's
        export); the writer cannot be used afterwards."""
        self._close(str(path))

    def _close(self, target: str | BytesIO) -> None:
        self._book.filename = target
        self._book.close()

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
