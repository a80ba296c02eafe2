"""Filters of the completeness grid: units and the months shown."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programs.core.filters import NullsLastOrderingFilter, QueueFilter, UnitFilter, queue_states
from programs.reports.models import MonthlyReport
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


# --- The review queue ---------------------------------------------------------------------------

MONTH_INVALID = _("Give a month as YYYY-MM, between 2000-01 and 2100-12.")


class MonthField(forms.CharField):
    """A month typed YYYY-MM (the browser's month input), cleaned to its first day."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        month = Month.parse(text)
        if month is None:
            raise forms.ValidationError(MONTH_INVALID, code="invalid")
        return month


class MonthFilter(django_filters.Filter):
    field_class = MonthField


Status = MonthlyReport.Status


class ReportQueueFilter(QueueFilter):
    """The review queue's filters: unit (code or name), month, state (submitted unless said
    otherwise), warnings and changes after approval — all read from fields stored at save time
    — and the order, oldest submission first unless said otherwise."""

    month = MonthFilter(label=_("Month"), field_name="period")
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=queue_states(Status.choices),
        empty_label=None,
        method="filter_state",
    )
    warnings = django_filters.ChoiceFilter(
        label=_("Warnings"),
        choices=(
            ("yes", _("With warnings")),
            ("unexplained", _("Unexplained or errors")),
            ("no", _("No warnings")),
        ),
        empty_label=_("All"),
        method="filter_warnings",
    )
    changed = django_filters.ChoiceFilter(
        label=_("Changed after approval"),
        choices=(("yes", _("Yes")), ("no", _("No"))),
        empty_label=_("All"),
        method="filter_changed",
    )
    sort = NullsLastOrderingFilter(
        label=_("Sort"),
        fields=(
            ("submitted_at", "submitted"),
            ("unit__code", "unit"),
            ("period", "month"),
            ("warning_count", "warnings"),
        ),
        field_labels={
            "submitted_at": _("Submitted at"),
            "unit__code": _("Unit"),
            "period": _("Month"),
            "warning_count": _("Warnings"),
        },
        empty_label=None,
    )

    defaults = {"state": Status.SUBMITTED, "sort": "submitted"}

    class Meta:
        model = MonthlyReport
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        # A bad month is shown at its field and filters nothing, like a filter left empty.
        super().__init__(*args, **kwargs)
        self.filters["month"].field.widget.input_type = "month"

    def filter_warnings(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.filter(warning_count__gt=0)
        if value == "unexplained":
            return queryset.filter(Q(error_count__gt=0) | Q(unexplained_count__gt=0))
        return queryset.filter(warning_count=0, error_count=0)

    def filter_changed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(changed_after_approval=value == "yes")
