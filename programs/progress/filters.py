"""Filters of the milestone queue: submitted milestones across units, for acceptance."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programs.core.filters import NullsLastOrderingFilter
from programs.core.models import Phase
from programs.progress.models import UnitMilestone
from safecommunity.errors import BadQuery
from safecommunity.forms import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG, style_form

QUEUE_ALL = "all"
Status = UnitMilestone.Status


class MilestoneQueueFilter(django_filters.FilterSet):
    """Unit (code or name), phase, state (submitted unless said otherwise) and the order —
    the longest waiting first unless said otherwise."""

    unit = django_filters.CharFilter(
        label=_("Unit"),
        method="filter_unit",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
    )
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"),
        field_name="milestone__phase",
        queryset=Phase.objects.none(),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(QUEUE_ALL, _("Any state")), *Status.choices],
        empty_label=None,
        method="filter_state",
    )
    sort = NullsLastOrderingFilter(
        label=_("Sort"),
        fields=(
            ("status_changed_at", "waiting"),
            ("unit__code", "unit"),
            ("due_date", "due"),
        ),
        field_labels={
            "status_changed_at": _("Last change"),
            "unit__code": _("Unit"),
            "due_date": _("Due date"),
        },
        empty_label=None,
    )

    class Meta:
        model = UnitMilestone
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs) -> None:
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("state", Status.SUBMITTED)
        data.setdefault("sort", "waiting")
        super().__init__(data, *args, **kwargs)
        self.filters["phase"].queryset = Phase.objects.visible_to(user).select_related("program")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_form(super().form)
        return self._form

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if "unit" in self.form.errors:
            raise BadQuery(self.form.errors["unit"][0])
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(unit__code__icontains=value) | Q(unit__name__icontains=value))

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == QUEUE_ALL else queryset.filter(status=value)
