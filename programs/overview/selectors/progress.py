"""Reading units' certification progress: each unit's gate, overdue milestones and title."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.core.models import CreatingUnit
from programs.progress.models import UnitMilestone
from programs.titles.models import Certification


def units_with_progress(
    units: QuerySet[CreatingUnit], today: date | None = None
) -> QuerySet[CreatingUnit]:
    """Annotate, each in one correlated subquery: required milestones of the current phase
    (`gate_total`) and how many are accepted (`gate_accepted`), open milestones past due
    (`overdue_count`), and the highest title in force (`title_level`, `title_rank`,
    `title_valid_until`)."""
    today = today or timezone.localdate()

    def count_of(rows: models.QuerySet) -> Coalesce:
        counted = rows.filter(unit=OuterRef("pk")).order_by().values("unit")
        return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)

    gate = UnitMilestone.objects.filter(
        milestone__phase=OuterRef("current_phase"), milestone__required_for_gate=True
    )
    best_title = Certification.objects.held(today).filter(unit=OuterRef("pk")).highest_first()
    return units.annotate(
        gate_total=count_of(gate),
        gate_accepted=count_of(gate.filter(status=UnitMilestone.Status.ACCEPTED)),
        overdue_count=count_of(UnitMilestone.objects.overdue(today)),
        title_level=Subquery(best_title.values("level")[:1]),
        title_rank=Coalesce(Subquery(best_title.values("rank")[:1]), 0),
        title_valid_until=Subquery(best_title.values("valid_until")[:1]),
    )


def progress_cells(unit: CreatingUnit) -> list:
    """A unit's first columns in the progress and dashboard exports (the unit annotated
    `units_with_progress`): code, name, kind, pilot, phase, required milestones accepted and in all,
    overdue milestones."""
    return [
        unit.code,
        unit.name,
        unit.get_kind_display(),
        _("yes") if unit.is_pilot else _("no"),
        unit.current_phase.label if unit.current_phase else "",
        unit.gate_accepted,
        unit.gate_total,
        unit.overdue_count,
    ]
