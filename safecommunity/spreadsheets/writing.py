"""Writing spreadsheets: inert cells and the xlsx download."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_row(values) -> list:
    """A row for an exported sheet in which no text can act as a formula: a clerk's comment
    such as `=HYPERLINK(...)` must reach district staff as words, not as a live formula."""
    return [
        f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for value in values
    ]


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str,
    title: str,
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    *,
    widths: Iterable[int] = (),
    freeze: str = "C2",
) -> HttpResponse:
    """An xlsx download of one sheet: a bold shaded header row, then the rows (made inert, see
    `inert_row`), written row by row so a large export stays small in memory. Dates are shown
    as yyyy-mm-dd."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in inert_row(list(row)):
            if isinstance(value, date) and not isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                value = cell
            cells.append(value)
        sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
