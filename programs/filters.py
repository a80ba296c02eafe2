"""Filters for the unit list: kind, pilot, phase, free-text search and sort order."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programs.choices import TitleLevel, UnitKind
from programs.completeness import last_months, months_between, parse_month
from programs.evaluations import evaluations_visible_to
from programs.models import CreatingUnit, Evaluation, Phase
from safecommunity.forms import style_form


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sort with empty values last in both directions, the same on SQLite and PostgreSQL."""

    def get_ordering_value(self, param: str):
        descending = param.startswith("-")
        field = F(self.param_map.get(param.lstrip("-"), param.lstrip("-")))
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=UnitKind.choices, empty_label=_("All")
    )
    pilot = django_filters.ChoiceFilter(
        label=_("Pilot"),
        choices=(("yes", _("Pilots only")), ("no", _("Not pilots"))),
        empty_label=_("All"),
        method="filter_pilot",
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"),
        field_name="current_phase",
        queryset=Phase.objects.none(),
        empty_label=_("All"),
    )
    sort = NullsLastOrderingFilter(
        label=_("Sort"),
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("kind_rank", "kind"),
            ("population", "population"),
            ("current_phase__order", "phase"),
            ("group_count", "groups"),
            ("member_count", "members"),
        ),
        field_labels={
            "code": _("Code"),
            "name": _("Name"),
            "kind_rank": _("Kind"),
            "population": _("Population"),
            "current_phase__order": _("Phase"),
            "group_count": _("Work groups"),
            "member_count": _("Members"),
        },
    )

    class Meta:
        model = CreatingUnit
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["phase"].queryset = Phase.objects.visible_to(user).select_related("program")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_form(super().form)
        return self._form

    def filter_pilot(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_pilot=value == "yes")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__iexact=value) | Q(head_name__icontains=value)
        )


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
            return months_between(date(int(year), 1, 1), date(int(year), 12, 1))
        start, end = parse_month(data.get("start")), parse_month(data.get("end"))
        if start or end:
            end = end or last_months(1)[0]
            start = start or date(end.year - 1, end.month, 1)
            if start <= end and (end.year - start.year) * 12 + end.month - start.month < 240:
                return months_between(start, end)
        return last_months(12)


class DashboardFilter(ProgressFilter):
    """The progress filters plus the result of the latest evaluation. The dashboard sorts its
    rows itself (some columns are computed after the query), so there is no sort filter."""

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
