"""The district dashboard (the home page of district staff), and the start of the export of its
table as an xlsx file (a job, `programs.overview.jobs`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from programs.evaluations.selectors import evaluations_visible_to
from programs.jobs.exports import export_query, start_export
from programs.overview.jobs import export_dashboard
from programs.overview.selectors.dashboard import Dashboard, dashboard_filter, dashboard_for
from programs.overview.selectors.todo import district_inbox
from programs.titles.models import EXPIRY_WARNINGS


class DashboardView(TemplateView):
    """Where the whole programme stands: headline numbers, targets with their history, phases,
    titles, reporting, and every unit's readiness."""

    template_name = "programs/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset, board = dashboard_for(self.request.user, self.request.GET)
        context.update(
            board=board,
            filter=filterset,
            headlines=board.headlines(),
            charts=board.charts() | {"heatmap": heatmap(board)},
            export_query=self.request.GET.urlencode(),
            evaluations_shown=evaluations_visible_to(self.request.user),
            expiry_days=max(EXPIRY_WARNINGS),
            last_warning=min(EXPIRY_WARNINGS),
            filtered=any(value for key, value in self.request.GET.items() if key != "sort"),
            inbox=district_inbox(self.request),
        )
        return context


HEAT = {"open": 0, "late": 1, "on_time": 2}  # a due month's state, as the heatmap colours it


def heatmap(board: Dashboard) -> dict[str, Any]:
    """The reporting completeness heatmap: units down, months across; each cell on time, late
    (submitted late, or not submitted and overdue) or not yet due; months before a unit joined
    stay blank."""
    cells = [
        [x, y, HEAT[cell.timeliness]]
        for y, row in enumerate(board.rows)
        for x, cell in enumerate(row.cells)
        if cell.expected
    ]
    return {
        "months": [f"{month:%Y-%m}" for month in board.months],
        "units": [f"{row.unit.code} {row.unit.name}" for row in board.rows],
        "cells": cells,
        "states": [_("Not yet due"), _("Late or missing"), _("On time")],
    }


class DashboardExportView(View):
    """The dashboard's unit table as an xlsx workbook, with the page's filters and order, written
    by a job: the filters are checked as the page checks them (a search past its length is the
    400 page), then the job's page follows it to the download."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        filterset = dashboard_filter(request.user, request.GET, today)
        _units = filterset.qs  # a search the filters refuse raises BadQuery here: the 400 page
        query = export_query(request.GET, {*filterset.form.fields, "sort"})
        title = _("Dashboard export %(date)s") % {"date": f"{today:%Y-%m-%d}"}
        return start_export(request, export_dashboard, title=title, params={"query": query})
