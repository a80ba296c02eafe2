"""The district's monthly-report pages: the completeness grid (units × months, with each month's
reporting and on-time rates), the review queue, and every reported value as an xlsx file.

All three go through `CreatingUnit.objects.visible_to` / `MonthlyReport.objects.visible_to`: a
clerk sees only their own unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View
from django.views.generic import ListView, TemplateView

from programs.completeness import completeness, due_date, report_url, submitted_on_time
from programs.filters import CompletenessFilter
from programs.models import CreatingUnit, MonthlyReport, ReportValue
from safecommunity.spreadsheets import xlsx_response

UNITS_PER_PAGE = 100


def completeness_units(request) -> tuple[CompletenessFilter, QuerySet[CreatingUnit], list[date]]:
    """The units the user may see, filtered as the request asks, and the months asked for."""
    units = CreatingUnit.objects.visible_to(request.user).in_plan_order()
    filterset = CompletenessFilter(request.GET, queryset=units, user=request.user)
    return filterset, filterset.qs, filterset.months()


class ReportGridView(TemplateView):
    """Units × months, each cell coloured by the report's state and marked on time or late, with
    each month's reporting and on-time rates (numerator / denominator) at the bottom."""

    template_name = "programs/report_grid.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset, units, months = completeness_units(self.request)
        grid = completeness(units, months)
        # The rates cover every filtered unit; the rows are shown a hundred at a time.
        page = Paginator(grid.rows, UNITS_PER_PAGE).get_page(self.request.GET.get("page"))
        for row in page.object_list:
            for cell in row.cells:
                cell.url = report_url(row.unit.code, cell.month)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=filterset,
            grid=grid,
            rows=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            total=len(grid.rows),
            querystring_without_page=query.urlencode(),
            export_query=self.request.GET.urlencode(),
            today=timezone.localdate(),
        )
        return context


class ReportQueueView(ListView):
    """Submitted reports waiting for review, oldest submission first."""

    template_name = "programs/report_queue.html"
    context_object_name = "reports"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        return (
            MonthlyReport.objects.visible_to(self.request.user)
            .filter(status=MonthlyReport.Status.SUBMITTED)
            .select_related("unit__program", "submitted_by")
            .order_by("submitted_at", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for report in context["reports"]:
            report.url = report_url(report.unit.code, report.period)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(total=context["paginator"].count, querystring_without_page=query.urlencode())
        return context


EXPORT_HEADERS = (
    gettext_noop("Unit code"),
    gettext_noop("Unit"),
    gettext_noop("Month"),
    gettext_noop("Status"),
    gettext_noop("Submitted on time"),
    gettext_noop("Indicator code"),
    gettext_noop("Indicator"),
    gettext_noop("Unit of measure"),
    gettext_noop("Value"),
    gettext_noop("Comment"),
)


def export_rows(request) -> list[tuple]:
    """Every value of the filtered units' reports in the months asked for: one row per
    unit × indicator × month, in plan order, month, then indicator order."""
    _filterset, units, months = completeness_units(request)
    if not months:
        return []
    values = (
        ReportValue.objects.filter(
            report__in=MonthlyReport.objects.visible_to(request.user).filter(
                unit__in=units.values("pk"), period__gte=months[0], period__lte=months[-1]
            )
        )
        .order_by("report__unit__code", "report__period", "indicator__order", "indicator__code")
        .values_list(
            "report__unit__code",
            "report__unit__name",
            "report__period",
            "report__status",
            "report__first_submitted_at",
            "report__unit__program__report_due_day",
            "indicator__code",
            "indicator__name",
            "indicator__unit_of_measure",
            "value",
            "comment",
        )
    )
    labels = {value: str(label) for value, label in MonthlyReport.Status.choices}
    flags = {None: "", True: _("yes"), False: _("no")}
    timeliness: dict[tuple, str] = {}  # the same for every value of a report
    rows = []
    for code, name, period, status, first, due_day, *rest in values.iterator(chunk_size=5000):
        key = (period, first, due_day)
        if key not in timeliness:
            timeliness[key] = flags[submitted_on_time(first, due_date(period, due_day))]
        rows.append((code, name, f"{period:%Y-%m}", labels[status], timeliness[key], *rest))
    return rows


class ReportExportView(View):
    """Every reported value, as filtered on the grid, in an xlsx workbook."""

    def get(self, request) -> HttpResponse:
        return xlsx_response(
            f"monthly-reports-{timezone.localdate():%Y%m%d}.xlsx",
            _("Monthly report values"),
            [_(text) for text in EXPORT_HEADERS],
            export_rows(request),
        )
