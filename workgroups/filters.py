"""Filters for a unit's activity log: the month and the kind of activity."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safecommunity.calendar import FIRST_DAY, LAST_DAY, Month
from safecommunity.forms import style_form
from workgroups.choices import ActivityKind
from workgroups.errors import MONTH_INVALID
from workgroups.models import Activity


class MonthField(forms.CharField):
    """A calendar month typed as YYYY-MM (the browser's month picker); cleaned to its 1st day."""

    widget = forms.TextInput(
        attrs={
            "type": "month",
            "placeholder": "YYYY-MM",
            "min": f"{FIRST_DAY:%Y-%m}",
            "max": f"{LAST_DAY:%Y-%m}",
        }
    )

    def to_python(self, value: str | None) -> date | None:
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        month = Month.parse(value)
        if month is None:
            raise forms.ValidationError(
                MONTH_INVALID,
                code="invalid",
                params={"first": f"{FIRST_DAY:%Y-%m}", "last": f"{LAST_DAY:%Y-%m}"},
            )
        return month


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs: QuerySet, value: date | None) -> QuerySet:
        return qs.in_month(value) if value else qs


class ActivityFilter(django_filters.FilterSet):
    month = MonthFilter(label=_("Month"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ActivityKind.choices, empty_label=_("All")
    )

    class Meta:
        model = Activity
        fields: list[str] = []

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_form(super().form)
        return self._form
