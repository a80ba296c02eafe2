"""Reading titles and targets: each target against today's titles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, Program
from programs.titles.models import Certification, Target, levels_at_least
from safecommunity.numbers import round_half_up


class TargetState(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    MISSED = "missed", _("Missed")


@dataclass(frozen=True)
class TargetResult:
    target: Target
    numerator: int
    denominator: int | None
    value: Decimal
    state: str

    @property
    def state_label(self) -> str:
        return TargetState(self.state).label

    @property
    def progress_percent(self) -> float:
        """How far towards the threshold, 0–100, for a progress bar."""
        if not self.target.threshold:
            return 100.0
        return float(min(Decimal(100), self.value / self.target.threshold * 100))


def targets_evaluate(program: Program, today: date | None = None) -> list[TargetResult]:
    """Each target of the programme against today's numbers, in three queries."""
    return targets_results(program.targets.all(), today)


def targets_results(targets: Iterable[Target], today: date | None = None) -> list[TargetResult]:
    """Each of `targets` against today's numbers of its programme, in the targets' order: two
    queries (the units' totals, the titles held) however many targets and programmes, besides
    reading `targets` (which should bring their programme along)."""
    today = today or timezone.localdate()
    targets = list(targets)
    if not targets:
        return []
    programs = {target.program_id for target in targets}
    totals = {
        row["program"]: row
        for row in CreatingUnit.objects.filter(program__in=programs)
        .order_by()
        .values("program")
        .annotate(all=Count("pk"), pilots=Count("pk", filter=Q(is_pilot=True)))
    }
    held = Certification.objects.held(today).filter(unit__program__in=programs)
    holders: dict[tuple[int, str], set[tuple[int, bool]]] = {}
    for program_id, level, unit_id, is_pilot in held.values_list(
        "unit__program_id", "level", "unit_id", "unit__is_pilot"
    ):
        holders.setdefault((program_id, level), set()).add((unit_id, is_pilot))
    results = []
    for target in targets:
        holding = set().union(
            *(
                holders.get((target.program_id, level), set())
                for level in levels_at_least(target.level)
            )
        )
        numerator = target_numerator(target, holding)
        counts = totals.get(target.program_id, {"all": 0, "pilots": 0})
        if target.measure == Target.Measure.PILOTS_TITLED:
            denominator = counts["pilots"]
        elif target.measure == Target.Measure.UNITS_SHARE:
            denominator = counts["all"]
        else:
            denominator = None
        if denominator is None:
            exact = Decimal(numerator)
        else:
            exact = Decimal(100) * numerator / denominator if denominator else Decimal(0)
        state = _target_state(target, exact, target.program, today)
        value = exact if denominator is None else round_half_up(exact)
        results.append(TargetResult(target, numerator, denominator, value, state))
    return results


def target_numerator(target: Target, holding: set[tuple[int, bool]]) -> int:
    """How many of the units holding the target's level or a higher one — (unit id, is pilot)
    pairs — count towards it: the pilots among them for a pilots target, else all of them."""
    if target.measure == Target.Measure.PILOTS_TITLED:
        return sum(1 for _unit, is_pilot in holding if is_pilot)
    return len(holding)


def _target_state(target: Target, value: Decimal, program: Program, today: date) -> str:
    """Met, missed (deadline passed), or — comparing with a straight line from the programme's
    start to the deadline — on track or at risk."""
    if value >= target.threshold:
        return TargetState.MET
    if today > target.deadline:
        return TargetState.MISSED
    span = (target.deadline - program.start_date).days
    elapsed = max(0, (today - program.start_date).days)
    expected = target.threshold * Decimal(elapsed) / Decimal(span) if span > 0 else target.threshold
    return TargetState.ON_TRACK if value >= expected else TargetState.AT_RISK
