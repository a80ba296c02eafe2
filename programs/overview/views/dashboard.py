"""The district dashboard (the home page of district staff), and the start of the export of its
table as an xlsx file (a job, `programs.overview.jobs`)."""

from __future__ import annotations

from html import escape
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from programs.core.models import District
from programs.evaluations.selectors import evaluations_visible_to
from programs.jobs.exports import export_query, start_export
from programs.overview.jobs import export_dashboard
from programs.overview.selectors.dashboard import (
    Dashboard,
    dashboard_filter,
    dashboard_for,
    funds_headline,
)
from programs.overview.selectors.district_map import district_map_data
from programs.overview.selectors.readiness import ReadinessRow
from programs.overview.selectors.todo import district_inbox
from programs.titles.models import EXPIRY_WARNINGS
from safecommunity.links import reverse_each
from safecommunity.numbers import shown
from safecommunity.scoping import scoped_object


class DashboardView(TemplateView):
    """Where the whole programme stands: headline numbers, targets with their history, phases,
    titles, reporting, and every unit's readiness."""

    template_name = "programs/dashboard.html"

    def get_district(self) -> District | None:
        """The district whose units the page shows; None: every unit the user may see."""
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        district = self.get_district()
        filterset, board = dashboard_for(self.request.user, self.request.GET, district=district)
        evaluations_shown = evaluations_visible_to(self.request.user)
        table_prepare(board.rows)
        headlines = board.headlines()
        funds = funds_headline(self.request.user, board)
        if district is None:
            page_url = reverse("programs:dashboard")
            export_url = reverse("programs:dashboard-export")
        else:
            page_url = district.get_absolute_url()
            export_url = reverse("programs:district-export", args=[district.code])
        context.update(
            district=district,
            page_url=page_url,
            export_url=export_url,
            board=board,
            filter=filterset,
            headlines=headlines,
            funds_headline=funds,
            headline_columns=7 if len(headlines) + bool(funds) > 6 else 6,
            charts=board.charts() | {"heatmap": heatmap(board)},
            export_query=self.request.GET.urlencode(),
            evaluations_shown=evaluations_shown,
            rows_html=rows_html(board.rows, evaluations_shown=evaluations_shown),
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
        [x, y, HEAT[state]]
        for y, row in enumerate(board.rows)
        for x, state in enumerate(row["strip"])
        if state != "none"
    ]
    return {
        "months": [f"{month:%Y-%m}" for month in board.months],
        "units": [f"{row['code']} {row['name']}" for row in board.rows],
        "cells": cells,
        "states": [_("Not yet due"), _("Late or missing"), _("On time")],
    }


# --- The readiness table, rendered lean ------------------------------------------------------
#
# The table's 400 rows are plain values (`ReadinessRow`); what each cell prints is prepared here
# once per row — or once per page for what many rows share (a phase's badge, a result's badge,
# the links' pattern) — so that the template's loop only places strings: no tag, include,
# translation or number formatting runs per row. `tests/overview/test_dashboard_table.py`
# compares the result with the markup the tags themselves give.

STRIP_CELL = {  # a month's square in the reports column, by its `timeliness`
    state: f'<span class="strip-cell strip-{state}"></span>'
    for state in ("none", "open", "late", "on_time")
}


def table_prepare(rows: list[ReadinessRow]) -> None:
    """Add to each row what the dashboard's table prints (the export reads the rows as they
    are) — links, the phase's and the result's badges, the reports' squares, the score, the
    injury change and rate, the title's end, each exactly as the tags and filters the template
    used per row printed it (`rows_html` then prints the rows)."""
    unit_url = reverse_each("programs:unit-detail")
    summary_url = reverse_each("programs:unit-summary")
    evaluation_url = reverse_each("programs:evaluation-detail")
    summary_of = _("One-page summary of %(name)s")
    on_time_of = _("%(n)s of %(d)s on time")
    badge_of_phase = engines["django"].from_string("{% load portal %}{% phase_badge phase %}")
    badge_of_result = engines["django"].from_string(
        '{% include "programs/evaluation_result_badge.html" %}'
    )
    phase_badges: dict[int | None, SafeString] = {}
    result_badges: dict[tuple[str | None, str], SafeString] = {}
    points: dict[Any, str] = {}  # a score or maximum → as `floatformat:"-1"` prints it
    numbers: dict[int, str] = {}  # an integer → as `{{ value }}` prints it (localized)
    grouped = settings.USE_THOUSAND_SEPARATOR  # without it, `{{ value }}` prints str(value)
    strips: dict[tuple[str, ...], SafeString] = {}  # the squares of a year's states

    def number(value: int) -> str:
        if not grouped:
            return str(value)
        if value not in numbers:
            numbers[value] = localize(value)
        return numbers[value]

    for row in rows:
        code = row["code"]
        row["url"] = unit_url(code)
        row["summary_url"] = summary_url(code)
        row["summary_label"] = mark_safe(summary_of % {"name": escape(row["name"])})
        phase = row["phase_id"]
        if phase not in phase_badges:
            phase_badges[phase] = badge_of_phase.render({"phase": phase_of(row)})
        row["phase_badge"] = phase_badges[phase]
        accepted, total = row["gate_accepted"], row["gate_total"]
        row["gate_accepted_text"], row["gate_total_text"] = number(accepted), number(total)
        row["gate_full"] = bool(total) and accepted == total
        row["gate_width"] = str(round(float(accepted) / float(total or 1) * 100))  # widthratio
        row["overdue_text"] = number(row["overdue_count"])
        strip = row["strip"]
        if strip not in strips:
            strips[strip] = mark_safe("".join(STRIP_CELL[state] for state in strip))
        row["strip_html"] = strips[strip]
        on_time = number(row["on_time"].numerator), number(row["on_time"].denominator)
        row["strip_title"] = mark_safe(on_time_of % {"n": on_time[0], "d": on_time[1]})
        row["on_time_text"] = f"{on_time[0]}/{on_time[1]}"
        meetings = row["meetings"]
        row["meetings_short"] = meetings.numerator < meetings.denominator
        row["meetings_text"] = f"{number(meetings.numerator)}/{number(meetings.denominator)}"
        if row["evaluation_id"]:
            row["evaluation_url"] = evaluation_url(row["evaluation_id"])
            for value in (row["evaluation_total"], row["evaluation_maximum"]):
                if value not in points:
                    points[value] = floatformat(value, "-1")
            row["evaluation_total_text"] = points[row["evaluation_total"]]
            row["evaluation_maximum_text"] = points[row["evaluation_maximum"]]
            result = (row["evaluation_result"], row["evaluation_result_label"])
            if result not in result_badges:
                result_badges[result] = badge_of_result.render(
                    {"result": result[0], "label": result[1]}
                )
            row["evaluation_badge"] = result_badges[result]
        injuries = row["injuries"]
        row["injuries_text"] = number(injuries.now) if injuries else ""
        change = injuries.change if injuries else None
        row["change_text"] = ""
        if change is not None:
            row["change_class"] = "text-danger" if change > 0 else "text-success"
            row["change_text"] = (
                f"▲{shown(change)}"
                if change > 0
                else f"▼{shown(change)[1:]}"
                if change < 0
                else "±0"
            )
        row["rate_text"] = shown(injuries.rate) if injuries else ""
        until = row["title_valid_until"]
        row["title_until"] = f"{until:%Y-%m-%d}" if until else ""


def phase_of(row: ReadinessRow) -> SimpleNamespace | None:
    """The row's phase as `{% phase_badge %}` reads it (order, label, description)."""
    if row["phase_id"] is None:
        return None
    return SimpleNamespace(
        order=row["phase_order"], label=row["phase_label"], description=row["phase_description"]
    )


def rows_html(rows: list[ReadinessRow], *, evaluations_shown: bool) -> SafeString:
    """The table's rows, readied by `table_prepare`, printed by one Jinja2 template
    (`programs/jinja2/programs/dashboard_rows.html`): the loop the page's template had, at a
    fraction of its cost (400 rows × 40 values cost Django's engine more than the page's SQL),
    with Django's escaping (`safecommunity/jinja2.py`)."""
    words = {  # what every row says alike
        "pilot": _("Pilot"),
        "summary_title": _("One-page summary"),
        "gate_label": _("Required milestones accepted"),
        "self_title": _(
            "No district review or expert evaluation yet: the unit’s own self-assessment"
        ),
        "self_label": pgettext("evaluation kind, short", "self"),
    }
    template = engines["jinja2"].get_template("programs/dashboard_rows.html")
    return mark_safe(  # the template escaped every value it printed
        template.render({"rows": rows, "words": words, "evaluations_shown": evaluations_shown})
    )


class DistrictDetailView(DashboardView):
    """A district's page: the dashboard over the units of that district, with the map of its
    units, for those whose scope holds the district (404 for others, district staff of another
    district too)."""

    def get_district(self) -> District:
        if not hasattr(self, "district"):
            self.district = scoped_object(self.request, District, code=self.kwargs["code"])
        return self.district

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            district_map=district_map_data(self.get_district(), self.request.user), **kwargs
        )


class DashboardExportView(View):
    """The dashboard's unit table as an xlsx workbook, with the page's filters and order, written
    by a job: the filters are checked as the page checks them (a search past its length is the
    400 page), then the job's page follows it to the download. With a district's `code` (the
    district's page), the units of that district only."""

    def get(self, request: HttpRequest, code: str | None = None) -> HttpResponse:
        today = timezone.localdate()
        district = None if code is None else scoped_object(request, District, code=code)
        filterset = dashboard_filter(request.user, request.GET, today, district=district)
        _units = filterset.qs  # a search the filters refuse raises BadQuery here: the 400 page
        query = export_query(request.GET, {*filterset.form.fields, "sort"})
        params: dict[str, Any] = {"query": query}
        title = _("Dashboard export %(date)s") % {"date": f"{today:%Y-%m-%d}"}
        if district is not None:
            params["district"] = district.code
            title = _("Dashboard export of %(district)s %(date)s") % {
                "district": district.label,
                "date": f"{today:%Y-%m-%d}",
            }
        return start_export(request, export_dashboard, title=title, params=params)
