"""The injury statistics page and its xlsx export: the same filters, the same tables.

Records come from `InjuryRecord.objects.visible_to(user)` and units from
`CreatingUnit.objects.visible_to(user)`: a clerk counts only their own unit's records, whatever
the query string asks for (a unit out of scope is an invalid choice of the form).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from injuries.forms import NOT_COMPARED, StatisticsFilterForm
from injuries.selectors import Kind, Statistics, injury_statistics, records_for
from programs.core.models import CreatingUnit
from safecommunity.spreadsheets import WorkbookWriter

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
        period = stats.filters.period
        filename = f"injury-statistics-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        return statistics_workbook(stats, form.summary()).response(filename)


NUMBER_FORMATS = {Kind.PERCENT: "0.0", Kind.CHANGE: "+0.0;-0.0;0.0", Kind.RATE: "0.0"}


def statistics_workbook(stats: Statistics, summary: list[tuple[str, str]]) -> WorkbookWriter:
    """The xlsx file: the filters and headline numbers, then a sheet per table of the page."""
    book = WorkbookWriter()
    sheet = book.sheet(_("Filters"), widths=(28, 50))
    sheet.rows(summary)
    headline = stats.headline
    sheet.row()
    sheet.row([_("Headline")], bold=True)
    sheet.row([_("Records"), headline.total])
    sheet.row([_("Deaths"), headline.deaths])
    if stats.filters.compares:
        sheet.row([_("Change against the previous year (%)"), headline.change_previous])
        sheet.row([_("Change against the baseline year (%)"), headline.change_baseline])
    for table in stats.tables:
        sheet = book.sheet(
            table.title,
            [column.title for column in table.columns],
            widths=[24 if column.kind == Kind.LABEL else 14 for column in table.columns],
            formats=[NUMBER_FORMATS.get(column.kind) for column in table.columns],
            freeze="B2",
        )
        sheet.rows(table.rows)
        if table.total:
            sheet.row(table.total, bold=True)
        if table.note:
            sheet.row()
            sheet.row([table.note])
    return book
