"""The city dashboard (`/city/`): the districts side by side, for the city office and
administrators, and its table as an xlsx file (a row per district: small, answered at once)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from programs.overview.selectors.city import CityBoard, CityRow, city_board
from safecommunity.spreadsheets import WorkbookWriter


class CityScopeMixin:
    """Only those who see every district reach the city's pages; for anybody else there is no
    such page (404, as for any record outside one's scope)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.sees_every_district:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class CityDashboardView(CityScopeMixin, TemplateView):
    """Every district's figures side by side, and the city's total."""

    template_name = "programs/city_dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["board"] = city_board(self.request.user)
        return context


def city_headers(board: CityBoard) -> list[str]:
    """The export's headers, the page's columns in the same order."""
    return [
        _("Code"),
        pgettext("city table", "District"),
        _("Units"),
        *(column.label for column in board.phases),
        *(label for _level, label in board.levels),
        _("Targets met"),
        _("Targets"),
        _("Reported (%(month)s)") % {"month": f"{board.month:%Y-%m}"},
        _("Expected to report"),
        _("Reporting rate (%)"),
        _("On time"),
        _("On-time rate (%)"),
        _("Injuries, %(period)s") % {"period": board.injury_period},
        _("Population"),
        _("Injuries per 100,000"),
    ]


def city_cells(board: CityBoard, row: CityRow) -> list[Any]:
    """A row of the file: numbers as numbers, no value where the page says "no data"."""
    district = row.district
    return [
        district.code if district else "",
        district.label if district else _("City total"),
        row.units,
        *(row.phases[column.order] for column in board.phases),
        *(row.titles[level] for level, _label in board.levels),
        row.targets_met,
        row.targets_total,
        row.reporting.numerator,
        row.reporting.denominator,
        row.reporting.percent,
        row.on_time.numerator,
        row.on_time.percent,
        row.injuries,
        row.population,
        row.injury_rate,
    ]


class CityExportView(CityScopeMixin, View):
    """The city dashboard's table as an xlsx workbook: a row per district, then the total."""

    def get(self, request: HttpRequest) -> HttpResponse:
        board = city_board(request.user)
        book = WorkbookWriter()
        headers = city_headers(board)
        sheet = book.sheet(_("Districts"), headers, widths=[8, 12], freeze="C2")
        sheet.rows(city_cells(board, row) for row in board.rows)
        sheet.row(city_cells(board, board.total), bold=True)
        return book.response(f"city-{board.today:%Y%m%d}.xlsx")
