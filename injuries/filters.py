"""Filters for the list of injury records: unit, injury date range, source, cause, domain and
outcome."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from injuries.choices import Cause, Domain, Outcome, Source
from injuries.models import InjuryRecord
from programs.core.models import CreatingUnit
from safecommunity.forms import style_form

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InjuryRecordFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=CreatingUnit.objects.none(), empty_label=_("All")
    )
    start = django_filters.DateFilter(
        label=_("Injured from"), field_name="injury_date", lookup_expr="gte", widget=DATE_INPUT
    )
    end = django_filters.DateFilter(
        label=_("Injured until"), field_name="injury_date", lookup_expr="lte", widget=DATE_INPUT
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("All")
    )
    cause = django_filters.ChoiceFilter(
        label=_("Cause"), choices=Cause.choices, empty_label=_("All")
    )
    domain = django_filters.ChoiceFilter(
        label=_("Domain"), choices=Domain.choices, empty_label=_("All")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=Outcome.choices, empty_label=_("All")
    )

    class Meta:
        model = InjuryRecord
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = CreatingUnit.objects.records_visible_to(
            user
        ).in_plan_order()

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_form(super().form)
        return self._form

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.filters)
