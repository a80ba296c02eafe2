"""Reading a unit's progress: the gate of its current phase, and what stands in the way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from programs.core.models import CreatingUnit, Phase, User
from programs.progress.filters import MilestoneQueueFilter
from programs.progress.models import UnitMilestone


@dataclass(frozen=True)
class Gate:
    """Whether a unit may leave its current phase, and what still stands in the way."""

    phase: Phase | None
    next_phase: Phase | None
    required: list[UnitMilestone]  # the current phase's milestones the gate waits for

    @property
    def open_required(self) -> list[UnitMilestone]:
        return [i for i in self.required if i.status != UnitMilestone.Status.ACCEPTED]

    @property
    def accepted_count(self) -> int:
        return len(self.required) - len(self.open_required)

    @property
    def is_open(self) -> bool:
        return self.next_phase is not None and not self.open_required


def unit_gate(
    unit: CreatingUnit,
    *,
    phases: list[Phase] | None = None,
    items: Iterable[UnitMilestone] | None = None,
) -> Gate:
    """The gate of the unit's current phase. Pages that already hold the unit's phases and
    milestones pass them in; otherwise they are read here."""
    if phases is None:
        phases = list(unit.program.phases.order_by("order"))
    current = unit.current_phase
    later = [p for p in phases if current is None or p.order > current.order]
    required: list[UnitMilestone] = []
    if current is not None:
        if items is None:
            items = UnitMilestone.objects.filter(
                unit=unit, milestone__phase=current
            ).select_related("milestone", "unit")
        required = [
            i for i in items if i.milestone.phase_id == current.pk and i.milestone.required_for_gate
        ]
    return Gate(phase=current, next_phase=later[0] if later else None, required=required)


# --- The milestone queue ------------------------------------------------------------------------


def milestone_queue(user: User, params: QueryDict) -> MilestoneQueueFilter:
    """Milestones across the units `user` may see, as filtered by `params` (submitted ones, the
    longest waiting first, unless they say otherwise); `.qs` holds the rows with their unit,
    milestone, phase and who moved them last."""
    rows = (
        UnitMilestone.objects.visible_to(user)
        .select_related("unit", "milestone__phase", "status_changed_by")
        .with_band()
    )
    return MilestoneQueueFilter(params, queryset=rows, user=user)


def milestone_queue_ids(user: User, params: QueryDict) -> list[int]:
    """The ids of the queue's milestones in its order; one query."""
    return list(milestone_queue(user, params).qs.values_list("pk", flat=True))


def milestone_queue_pages(user: User, params: QueryDict) -> list[tuple[int, str]]:
    """(id, page URL) of the queue's milestones in its order, for "3 of 12" and the next one;
    one query."""
    rows = milestone_queue(user, params).qs.values_list("pk", "unit__code")
    return [(pk, reverse("programs:milestone-detail", args=[code, pk])) for pk, code in rows]
