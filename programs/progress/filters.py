"""Filters of the milestone queue: submitted milestones across units, for acceptance."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from programs.core.filters import NullsLastOrderingFilter, QueueFilter, queue_states
from programs.core.models import Phase
from programs.progress.models import UnitMilestone

Status = UnitMilestone.Status


class MilestoneQueueFilter(QueueFilter):
    """Unit (code or name), phase, state (submitted unless said otherwise) and the order —
    the longest waiting first unless said otherwise."""

    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"),
        field_name="milestone__phase",
        queryset=Phase.objects.none(),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=queue_states(Status.choices),
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

    defaults = {"state": Status.SUBMITTED, "sort": "waiting"}

    class Meta:
        model = UnitMilestone
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs) -> None:
        super().__init__(data, *args, **kwargs)
        self.filters["phase"].queryset = Phase.objects.visible_to(user).select_related("program")
