"""Filters of the completeness grid: units and the months shown."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programs.core.filters import UnitFilter
from safecommunity.calendar import Month


class CompletenessFilter(UnitFilter):
    """The unit list's filters plus the months shown: a year, or a range of months (YYYY-MM);
    the last 12 months when neither is given. The month fields leave the units alone; the
    completeness views read them through `months()`."""

    year = django_filters.NumberFilter(label=_("Year"), method="keep")
    start = django_filters.CharFilter(label=_("From month"), method="keep")
    end = django_filters.CharFilter(label=_("To month"), method="keep")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.filters[name].field.widget.input_type = "month"
        del self.filters["sort"]

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def months(self) -> list:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        year = data.get("year")
        if year and 2000 <= year <= 2100:
            return Month.between(date(int(year), 1, 1), date(int(year), 12, 1))
        start, end = Month.parse(data.get("start")), Month.parse(data.get("end"))
        if start or end:
            end = end or Month.last_months(1)[0]
            start = start or date(end.year - 1, end.month, 1)
            if start <= end and (end.year - start.year) * 12 + end.month - start.month < 240:
                return Month.between(start, end)
        return Month.last_months(12)
