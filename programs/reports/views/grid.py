"""The completeness grid (`/reports/`): units × months, each cell coloured by the report's state
and marked on time or late, with each month's rates; its rows read as plain values
(`report_grid`) and printed by one Jinja2 template, so that the city office's 400 units × 12
months stay cheap."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.template import engines
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from programs.reports.models import MonthlyReport
from programs.reports.selectors.completeness import GridRow, report_grid
from programs.reports.selectors.values import completeness_units
from safecommunity.links import reverse_each

UNITS_PER_PAGE = 100


class ReportGridView(TemplateView):
    """Units × months, each cell coloured by the report's state and marked on time or late, with
    each month's reporting and on-time rates (numerator / denominator) at the bottom."""

    template_name = "programs/report_grid.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset, units, months = completeness_units(self.request.user, self.request.GET)
        grid = report_grid(units, months)
        # The rates cover every filtered unit; the rows are shown a hundred at a time.
        page = Paginator(grid.rows, UNITS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=filterset,
            grid=grid,
            rows=page.object_list,
            rows_html=grid_rows_html(page.object_list, grid.months),
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            total=len(grid.rows),
            querystring_without_page=query.urlencode(),
            export_query=self.request.GET.urlencode(),
            today=timezone.localdate(),
        )
        return context


def grid_rows_html(rows: list[GridRow], months: list[date]) -> SafeString:
    """The grid's rows printed by one Jinja2 template (`programs/jinja2/programs/
    report_grid_rows.html`): what the page's Django loop printed (kept in
    `tests/reports/report_grid_rows.html`), from plain values, the links reversed once and the
    words said once — a hundred rows of twelve cells cost Django's engine ten times the SQL."""
    labels = {value: str(label) for value, label in MonthlyReport.Status.choices}
    labels[""] = _("No report")
    template = engines["jinja2"].get_template("programs/report_grid_rows.html")
    return mark_safe(  # the template escaped every value it printed
        template.render(
            {
                "rows": rows,
                "periods": [f"{month:%Y-%m}" for month in months],
                "unit_url": reverse_each("programs:unit-detail"),
                "report_url": reverse_each("programs:report-detail", 2),
                "labels": labels,
                "words": {"on_time": _("On time"), "late": _("Late")},
            }
        )
    )
