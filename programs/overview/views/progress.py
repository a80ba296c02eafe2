"""The district's progress page: targets on top, then every unit's phase, gate, overdue work and
title; the same rows, exactly as filtered, as an xlsx file."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast, NullIf
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit
from programs.overview.filters import ProgressFilter
from programs.overview.selectors.dashboard import dashboard_program
from programs.overview.selectors.progress import progress_cells, units_with_progress
from programs.titles.selectors import targets_evaluate
from safecommunity.spreadsheets import xlsx_response


def progress_rows(request) -> tuple[ProgressFilter, QuerySet[CreatingUnit]]:
    """The units the user may see, with their progress, filtered and sorted as the request asks."""
    today = timezone.localdate()
    units = (
        units_with_progress(
            CreatingUnit.objects.records_visible_to(request.user).select_related("current_phase"),
            today,
        )
        .annotate(
            gate_share=Cast(F("gate_accepted"), FloatField()) / NullIf(F("gate_total"), 0),
        )
        .in_plan_order()
    )
    filterset = ProgressFilter(request.GET, queryset=units, user=request.user)
    return filterset, filterset.qs


class ProgressView(ListView):
    """Where every unit stands: phase, required milestones accepted, overdue work, title."""

    template_name = "programs/progress.html"
    context_object_name = "units"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        self.filterset, rows = progress_rows(self.request)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The targets of the district's programme: of the district chosen, for those who see
        # every district (none over several districts: each district's targets are its own).
        district = self.filterset.form.cleaned_data.get("district")
        program = dashboard_program(self.request.user, district)
        today = timezone.localdate()
        for unit in context["units"]:
            unit.title_label = TitleLevel(unit.title_level).label if unit.title_level else ""
            unit.title_days_left = (
                (unit.title_valid_until - today).days if unit.title_valid_until else None
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            querystring_without_page=query.urlencode(),
            filter=self.filterset,
            total=context["paginator"].count,
            # The district's targets are the district's business, not a single unit clerk's.
            targets=targets_evaluate(program)
            if program and self.request.user.sees_all_units
            else [],
            today=today,
            export_query=self.request.GET.urlencode(),
        )
        return context


class ProgressExportView(View):
    """The progress table as an xlsx workbook, with the same filters and order as the page."""

    def get(self, request) -> HttpResponse:
        _filterset, rows = progress_rows(request)
        headers = [
            _("Code"),
            _("Name"),
            _("Kind"),
            _("Pilot"),
            _("Phase"),
            _("Required milestones accepted"),
            _("Required milestones"),
            _("Overdue milestones"),
            _("Title held"),
            _("Title valid until"),
        ]
        return xlsx_response(
            f"progress-{timezone.localdate():%Y%m%d}.xlsx",
            _("Progress"),
            headers,
            (
                [
                    *progress_cells(unit),
                    str(TitleLevel(unit.title_level).label) if unit.title_level else "",
                    unit.title_valid_until,
                ]
                for unit in rows
            ),
            widths=(8, 26, 12, 6, 14, 12, 12, 12, 14, 14),
            freeze="C2",
        )
