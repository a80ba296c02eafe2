"""The district dashboard (the home page of district staff) and its table as an xlsx file."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View
from django.views.generic import TemplateView

from programs.evaluations.selectors import evaluations_visible_to
from programs.overview.filters import DashboardFilter
from programs.overview.selectors.dashboard import Dashboard, dashboard_build
from programs.overview.selectors.readiness import ReadinessRow, rows_sorted, units_with_readiness
from programs.overview.views.progress import progress_cells
from programs.titles.models import EXPIRY_WARNINGS
from safecommunity.spreadsheets import xlsx_response


def dashboard_for(request: HttpRequest) -> tuple[DashboardFilter, Dashboard]:
    """The dashboard over the units the user may see, filtered and sorted as the request asks."""
    today = timezone.localdate()
    filterset = DashboardFilter(
        request.GET, queryset=units_with_readiness(request.user, today), user=request.user
    )
    board = dashboard_build(request.user, filterset.qs, today)
    board.rows = rows_sorted(board.rows, request.GET.get("sort", ""))
    return filterset, board


class DashboardView(TemplateView):
    """Where the whole programme stands: headline numbers, targets with their history, phases,
    titles, reporting, and every unit's readiness."""

    template_name = "programs/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset, board = dashboard_for(self.request)
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
    """The dashboard's unit table as an xlsx workbook, with the page's filters and order."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _filterset, board = dashboard_for(request)
        shown = evaluations_visible_to(request.user)
        columns = [n for n, header in enumerate(HEADERS) if shown or header not in EVALUATION]
        return xlsx_response(
            f"dashboard-{board.today:%Y%m%d}.xlsx",
            _("Readiness"),
            [_(HEADERS[n]) for n in columns],
            ([values[n] for n in columns] for values in map(export_row, board.rows)),
            widths=[WIDTHS[n] for n in columns],
            freeze="C2",
        )


HEADERS = [
    gettext_noop("Code"),
    gettext_noop("Name"),
    gettext_noop("Kind"),
    gettext_noop("Pilot"),
    gettext_noop("Phase"),
    gettext_noop("Required milestones accepted"),
    gettext_noop("Required milestones"),
    gettext_noop("Overdue milestones"),
    gettext_noop("Reports submitted (12 months)"),
    gettext_noop("Reports on time (12 months)"),
    gettext_noop("Reports expected (12 months)"),
    gettext_noop("Last evaluation score"),
    gettext_noop("Maximum"),
    gettext_noop("Result"),
    gettext_noop("Kind of evaluation"),
    gettext_noop("Evaluated on"),
    gettext_noop("Quarters with a creation meeting"),
    gettext_noop("Quarters due"),
    gettext_noop("Injuries this year"),
    gettext_noop("Injuries last year (same dates)"),
    gettext_noop("Injuries per 100,000"),
    gettext_noop("Title held"),
    gettext_noop("Title valid until"),
]
WIDTHS = (8, 26, 12, 6, 14, *[10] * 9, 16, 12, 10, 10, 10, 10, 10, 14, 14)
# The columns left out for those who may not see evaluations (providers).
EVALUATION = set(HEADERS[11:16])


def export_row(row: ReadinessRow) -> list[Any]:
    unit = row.unit
    injuries = row.injuries
    return [
        *progress_cells(unit),
        row.reported.numerator,
        row.on_time.numerator,
        row.on_time.denominator,
        unit.evaluation_total,
        unit.evaluation_maximum,
        row.evaluation_result_label,
        row.evaluation_kind_label,
        timezone.localdate(unit.evaluation_on) if unit.evaluation_on else None,
        row.meetings.numerator,
        row.meetings.denominator,
        injuries.now if injuries else None,
        injuries.before if injuries else None,
        injuries.rate if injuries else None,
        row.title_label,
        unit.title_valid_until,
    ]
