"""The injury statistics page and its xlsx export (a job, `injuries.jobs`): the same filters,
the same tables.

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
from injuries.jobs import export_statistics
from injuries.selectors import statistics_for
from programs.jobs.exports import start_export

from .base import InjuriesPageMixin


class StatisticsView(InjuriesPageMixin, TemplateView):
    """Counts, shares, changes, the monthly trend and rates per 100,000, as tables and charts;
    invalid filters show their errors at the fields and no numbers."""

    template_name = "injuries/statistics.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = StatisticsFilterForm(self.request.GET, user=self.request.user)
        context["form"] = form
        if form.is_valid():
            stats = statistics_for(form.user, form.filters())
            context.update(
                stats=stats,
                charts=stats.charts(),
                summary=form.summary(),
                not_compared=NOT_COMPARED,
                export_query=self.request.GET.urlencode(),
            )
        return context


class StatisticsExportView(View):
    """Every table of the page, as filtered there, in one xlsx workbook written by a job: a first
    sheet naming the filters and the headline numbers, then one sheet per table. Invalid filters
    send the user back to the page, which shows why; valid ones start the job with the dates
    written out, and the job's page follows it to the download."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = StatisticsFilterForm(request.GET, user=request.user)
        if not form.is_valid():  # the page shows why
            query = request.GET.urlencode()
            return redirect(reverse("injuries:statistics") + (f"?{query}" if query else ""))
        period = form.filters().period
        title = _("Injury statistics export %(start)s – %(end)s") % {
            "start": f"{period.start:%Y-%m-%d}",
            "end": f"{period.end:%Y-%m-%d}",
        }
        return start_export(
            request, export_statistics, title=title, params={"query": form.as_query()}
        )
