"""Each unit's readiness row on the dashboard: phase and gate, the last year's reports, the
evaluation that speaks for it, meetings, injuries and title; sorted on any column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from injuries.models import InjuryRecord, InjuryRollup
from injuries.selectors import Period, change, rate, unit_period_totals
from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit, User
from programs.evaluations.models import Evaluation, EvaluationKind
from programs.evaluations.selectors import scheme_maximums
from programs.overview.selectors.progress import units_with_progress
from programs.reports.selectors.completeness import Cell, Rate, cell_rates, completeness
from safecommunity.calendar import Month, Quarter
from safecommunity.numbers import round_half_up
from workgroups.selectors import meetings_held, record_start

REPORT_MONTHS = 12  # the reporting columns look back this many due months
MEETING_QUARTERS = 4  # the meetings column looks back this many completed quarters


# --- The readiness table ------------------------------------------------------------------------


def units_with_readiness(user: User, today: date | None = None) -> QuerySet[CreatingUnit]:
    """The units the user may see, annotated with the progress columns (phase gate, overdue
    milestones, title) and the final evaluation that speaks for the unit among those the user
    may see (`EvaluationQuerySet.speaking_first`): `evaluation_id`, `evaluation_total`,
    `evaluation_scheme`, `evaluation_result`, `evaluation_on`, `evaluation_kind` — one query.
    `readiness_rows` adds `evaluation_maximum`."""
    today = today or timezone.localdate()
    latest = Evaluation.objects.visible_to(user).filter(unit=OuterRef("pk")).speaking_first()

    def of_latest(column: str) -> Subquery:
        return Subquery(latest.values(column)[:1])

    return (
        units_with_progress(
            CreatingUnit.objects.records_visible_to(user).select_related("current_phase"), today
        )
        .annotate(
            evaluation_id=of_latest("pk"),
            evaluation_total=of_latest("total"),
            evaluation_scheme=of_latest("round__scheme"),
            evaluation_result=of_latest("result"),
            evaluation_on=of_latest("finalised_at"),
            evaluation_kind=of_latest("round__kind"),
        )
        .in_plan_order()
    )


@dataclass
class InjuryTrend:
    """A unit's injury records this year to date and on the same dates last year."""

    now: int = 0
    before: int = 0
    population: int | None = None

    @property
    def change(self) -> float | None:
        """In percent, one decimal rounded half up: 20 against 31 is −35.5, shown ▼35.5%."""
        return change(self.now, self.before)

    @property
    def rate(self) -> float | None:
        return rate(self.now, self.population)

    @property
    def rate_before(self) -> float | None:
        return rate(self.before, self.population)


@dataclass
class ReadinessRow:
    """One unit's line of the dashboard; `unit` carries the annotations of
    `units_with_readiness`."""

    unit: CreatingUnit
    cells: list[Cell]
    reported: Rate
    on_time: Rate
    meetings: Rate  # completed quarters with a creation work meeting, of those since it joined
    injuries: InjuryTrend | None  # None when the user may not see the unit's injury records

    @property
    def title_label(self) -> str:
        level = self.unit.title_level
        return str(TitleLevel(level).label) if level else ""

    @property
    def gate_share(self) -> float | None:
        """Required milestones of the current phase accepted, as a share (None without any)."""
        total = self.unit.gate_total
        return self.unit.gate_accepted / total if total else None

    @property
    def evaluation_result_label(self) -> str:
        result = self.unit.evaluation_result
        return str(Evaluation.Result(result).label) if result else ""

    @property
    def evaluation_kind_label(self) -> str:
        kind = self.unit.evaluation_kind
        return str(EvaluationKind(kind).label) if kind else ""

    @property
    def evaluation_percent(self) -> Decimal | None:
        """The latest evaluation's total as a share of its scheme's maximum, one decimal rounded
        half up: the schemes differ (150, 100 points), so rows compare by share."""
        total, maximum = self.unit.evaluation_total, self.unit.evaluation_maximum
        if total is None or not maximum:
            return None
        return round_half_up(Decimal(100) * total / maximum)


def injury_periods(today: date) -> tuple[Period, Period]:
    """This year to date, and the same dates a year earlier."""
    now = Period(today.replace(month=1, day=1), today)
    return now, now.shifted(-1)


def injury_counts(
    user: User, units: QuerySet[CreatingUnit], today: date
) -> dict[int, tuple[int, int]]:
    """Unit id → (records this year to date, records on the same dates last year).

    The whole months of each period from the injury rollup, the days of this month (and of the
    same month last year) from the records through the (injury_date, unit) index: two queries
    (`injuries.selectors.unit_period_totals`).
    """
    now, before = injury_periods(today)
    in_units = units.values("pk")
    totals = unit_period_totals(
        InjuryRecord.objects.visible_to(user).filter(unit__in=in_units),
        InjuryRollup.objects.visible_to(user).matching().filter(unit__in=in_units),
        {"now": now, "before": before},
    )
    return {unit_id: (counts["now"], counts["before"]) for unit_id, counts in totals.items()}


def readiness_rows(
    user: User, units: QuerySet[CreatingUnit], today: date | None = None
) -> tuple[list[ReadinessRow], list[date]]:
    """Every unit of `units` (from `units_with_readiness`) as a dashboard row, and the months of
    its reporting cells; four queries whatever the number of units."""
    today = today or timezone.localdate()
    months = Month.last_months(REPORT_MONTHS, until=today)
    grid = completeness(units, months, today=today)
    quarters = Quarter.last_quarters(MEETING_QUARTERS, until=today)
    held = meetings_held(units.values("pk"), quarters[0].start, quarters[-1].end)
    # The units whose injury records the user may see (None: every unit), as the records'
    # own scoping decides; the others show no injury figures rather than zeros.
    injury_units = InjuryRecord.objects.unit_ids_visible_to(user)
    injuries = injury_counts(user, units, today) if injury_units != set() else {}
    rows = []
    for grid_row in grid.rows:
        unit = grid_row.unit
        reported, on_time = cell_rates(grid_row.cells)
        due_quarters = [quarter for quarter in quarters if quarter.end >= record_start(unit)]
        meetings = Rate(sum((unit.pk, q) in held for q in due_quarters), len(due_quarters))
        trend = None
        if injury_units is None or unit.pk in injury_units:
            now, before = injuries.get(unit.pk, (0, 0))
            trend = InjuryTrend(now, before, unit.population)
        rows.append(ReadinessRow(unit, grid_row.cells, reported, on_time, meetings, trend))
    maximums = scheme_maximums({row.unit.evaluation_scheme for row in rows} - {None})
    for row in rows:
        row.unit.evaluation_maximum = maximums.get(row.unit.evaluation_scheme)
    return rows, grid.months


# key → how a row sorts on it; empty values go last in both directions.
SORT_KEYS: dict[str, Callable[[ReadinessRow], Any]] = {
    "code": lambda row: row.unit.code,
    "name": lambda row: row.unit.name,
    "phase": lambda row: row.unit.current_phase.order if row.unit.current_phase else None,
    "gate": lambda row: row.gate_share,
    "overdue": lambda row: row.unit.overdue_count,
    "on_time": lambda row: row.on_time.percent,
    "evaluation": lambda row: row.evaluation_percent,
    "meetings": lambda row: row.meetings.percent,
    "injuries": lambda row: row.injuries.now if row.injuries else None,
    "rate": lambda row: row.injuries.rate if row.injuries else None,
    "title": lambda row: row.unit.title_rank or None,
    "expiry": lambda row: row.unit.title_valid_until,
}


def rows_sorted(rows: list[ReadinessRow], sort: str) -> list[ReadinessRow]:
    """The rows ordered by a `SORT_KEYS` key ("-key" for descending), empty values last; the
    plan's order for an unknown key."""
    key = SORT_KEYS.get(sort.lstrip("-"))
    if key is None:
        return rows
    descending = sort.startswith("-")
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing
