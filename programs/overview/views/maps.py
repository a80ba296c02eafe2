"""The city map: Beijing's districts coloured by the measure asked for, the same figures below
as a table (`programs.overview.selectors.maps`)."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from programs.overview.selectors.maps import city_map, measure_of


class CityMapView(TemplateView):
    """/map/: every signed-in user; each sees the figures of the districts in their scope."""

    template_name = "programs/city_map.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        board = city_map(self.request.user, measure_of(self.request.GET))
        context.update(board=board, chart=board.chart())
        return context
