"""Filters of the progress page and the dashboard's readiness table."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from programs.core.choices import TitleLevel
from programs.core.filters import NullsLastOrderingFilter, UnitFilter
from programs.evaluations.models import Evaluation
from programs.evaluations.selectors import evaluations_visible_to


class ProgressFilter(UnitFilter):
    """The unit list's filters plus the highest title held and "overdue only"."""

    title = django_filters.ChoiceFilter(
        label=_("Title held"),
        choices=(("none", _("No title")), *TitleLevel.choices),
        empty_label=_("All"),
        method="filter_title",
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=(("yes", _("With overdue milestones")), ("no", _("Nothing overdue"))),
        empty_label=_("All"),
        method="filter_overdue",
    )
    sort = NullsLastOrderingFilter(
        label=_("Sort"),
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("kind_rank", "kind"),
            ("current_phase__order", "phase"),
            ("gate_share", "gate"),
            ("overdue_count", "overdue"),
            ("title_rank", "title"),
            ("title_valid_until", "expiry"),
        ),
    )

    def filter_title(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(title_level__isnull=True)
        return queryset.filter(title_level=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return (
            queryset.filter(overdue_count__gt=0)
            if value == "yes"
            else queryset.filter(overdue_count=0)
        )


class DashboardFilter(ProgressFilter):
    """The progress filters plus the result of the latest evaluation. The dashboard sorts its
    rows itself (some columns are computed after the query), so there is no sort filter; and a
    district's dashboard is its own page (`/districts/<code>/`, with its programme's targets),
    so there is no district filter."""

    offers_district = False

    result = django_filters.ChoiceFilter(
        label=_("Last evaluation"),
        choices=(*Evaluation.Result.choices, ("none", _("Not evaluated"))),
        empty_label=_("All"),
        method="filter_result",
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.filters["sort"]
        if not evaluations_visible_to(user):  # nothing to filter by: every result is hidden
            del self.filters["result"]

    def filter_result(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(evaluation_result__isnull=True)
        return queryset.filter(evaluation_result=value)
