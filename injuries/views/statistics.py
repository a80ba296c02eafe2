"""The injury statistics page and its xlsx export: the same filters, the same tables.

Records come from `InjuryRecord.objects.visible_to(user)` and units from
`CreatingUnit.objects.visible_to(user)`: a clerk counts only their own unit's records, whatever
the query string asks for (a unit out of scope is an invalid choice of the form).
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from injuries.forms import NOT_COMPARED, StatisticsFilterForm
from injuries.selectors import Cell, Kind, Statistics, Table, injury_statistics, records_for
from programs.core.models import CreatingUnit
from safecommunity.spreadsheets import inert_row

from .base import InjuriesPageMixin


def statistics_for(form: StatisticsFilterForm) -> Statistics:
    """The statistics a valid filter form asks for, among the records its user may see."""
    filters = form.filters()
    units = list(filters.units) or list(CreatingUnit.objects.visible_to(form.user).in_plan_order())
    return injury_statistics(records=records_for(form.user, filters), units=units, filters=filters)


class StatisticsView(InjuriesPageMixin, TemplateView):
    """Counts, shares, changes, the monthly trend and rates per 100,000, as tables and charts;
    invalid filters show their errors at the fields and no numbers."""

    template_name = "injuries/statistics.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = StatisticsFilterForm(self.request.GET, user=self.request.user)
        context["form"] = form
        if form.is_valid():
            stats = statistics_for(form)
            context.update(
                stats=stats,
                charts=stats.charts(),
                summary=form.summary(),
                not_compared=NOT_COMPARED,
                export_query=self.request.GET.urlencode(),
            )
        return context


class StatisticsExportView(View):
    """Every table of the page, as filtered there, in one xlsx workbook: a first sheet naming
    the filters and the headline numbers, then one sheet per table."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = StatisticsFilterForm(request.GET, user=request.user)
        if not form.is_valid():  # the page shows why
            query = request.GET.urlencode()
            return redirect(reverse("injuries:statistics") + (f"?{query}" if query else ""))
        stats = statistics_for(form)
        response = HttpResponse(
            statistics_workbook(stats, form.summary()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        period = stats.filters.period
        filename = f"injury-statistics-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


NUMBER_FORMATS = {Kind.PERCENT: "0.0", Kind.CHANGE: "+0.0;-0.0;0.0", Kind.RATE: "0.0"}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def statistics_workbook(stats: Statistics, summary: list[tuple[str, str]]) -> bytes:
    """The xlsx file: the filters and headline numbers, then a sheet per table of the page."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    sheet = workbook.create_sheet(_sheet_name(_("Filters"), used))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 50
    for label, value in summary:
        sheet.append(inert_row([label, value]))
    headline = stats.headline
    sheet.append([])
    sheet.append([_bold(sheet, _("Headline"))])
    sheet.append(inert_row([_("Records"), headline.total]))
    sheet.append(inert_row([_("Deaths"), headline.deaths]))
    if stats.filters.compares:
        sheet.append(
            inert_row([_("Change against the previous year (%)"), headline.change_previous])
        )
        sheet.append(
            inert_row([_("Change against the baseline year (%)"), headline.change_baseline])
        )
    for table in stats.tables:
        _table_sheet(workbook, table, used)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table_sheet(workbook: Workbook, table: Table, used: set[str]) -> None:
    sheet = workbook.create_sheet(_sheet_name(table.title, used))
    sheet.freeze_panes = "B2"
    for n, column in enumerate(table.columns):
        width = 24 if column.kind == Kind.LABEL else 14
        sheet.column_dimensions[get_column_letter(n + 1)].width = width
    sheet.append([_bold(sheet, column.title, fill=True) for column in table.columns])
    for row in table.body:
        sheet.append(_cells(sheet, row))
    if table.total:
        sheet.append(_cells(sheet, table.footer, bold=True))
    if table.note:
        sheet.append([])
        sheet.append(inert_row([table.note]))


def _cells(sheet: Any, row: list[Cell], *, bold: bool = False) -> list[Any]:
    """The row's cells, formula-safe, numbers formatted by their column's kind."""
    cells = []
    values = inert_row([cell.value for cell in row])
    for value, cell in zip(values, row, strict=True):
        written = WriteOnlyCell(sheet, value=value)
        if cell.kind in NUMBER_FORMATS:
            written.number_format = NUMBER_FORMATS[cell.kind]
        if bold:
            written.font = Font(bold=True)
        cells.append(written)
    return cells


def _bold(sheet: Any, value: Any, *, fill: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.font = Font(bold=True)
    if fill:
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    return cell


def _sheet_name(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique in the book."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate
