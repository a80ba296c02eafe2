"""A unit's one-page summary, made to be printed (browser print to PDF, one A4 page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView

from programs.core.models import CreatingUnit
from programs.overview.selectors.summary import summary_units, unit_summary


class UnitSummaryView(DetailView):
    """Profile, phase, titles, reports, the latest evaluation, injuries and activities of one
    unit the user may see (else 404), on one page."""

    template_name = "programs/unit_summary.html"
    context_object_name = "unit"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[CreatingUnit]:
        return summary_units(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["summary"] = unit_summary(unit=self.object, user=self.request.user)
        return context


__all__ = ["UnitSummaryView"]
