"""Each unit's readiness row on the dashboard: phase and gate, the last year's reports, the
evaluation that speaks for it, meetings, injuries and title; sorted on any column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, TypedDict, cast

from django.db.models import (
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from injuries.models import InjuryRecord, InjuryRollup
from injuries.selectors import Period, change, rate, unit_period_totals
from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit, District, User
from programs.evaluations.models import Evaluation, EvaluationKind
from programs.evaluations.selectors import scheme_maximums
from programs.overview.selectors.progress import units_with_progress
from programs.reports.models import MonthlyReport
from programs.reports.selectors.completeness import Rate, timeliness
from safecommunity.calendar import Month, Quarter, due_date, submitted_on_time
from safecommunity.models import in_active_language
from safecommunity.numbers import round_half_up
from workgroups.selectors import meetings_held

REPORT_MONTHS = 12  # the reporting columns look back this many due months
MEETING_QUARTERS = 4  # the meetings column looks back this many completed quarters


# --- The readiness table ------------------------------------------------------------------------


def units_with_readiness(
    user: User, today: date | None = None, *, district: District | None = None
) -> QuerySet[CreatingUnit]:
    """The units the user may see (of `district` only, when given), annotated with the
    progress columns (phase gate, overdue milestones, title) and the final evaluation that
    speaks for the unit among those the user may see (`EvaluationQuerySet.speaking_first`):
    `evaluation_id`, `evaluation_total`, `evaluation_scheme`, `evaluation_result`,
    `evaluation_on`, `evaluation_kind` — one query. `readiness_rows` adds
    `evaluation_maximum`."""
    today = today or timezone.localdate()
    latest = Evaluation.objects.visible_to(user).filter(unit=OuterRef("pk")).speaking_first()

    def of_latest(column: str) -> Subquery:
        return Subquery(latest.values(column)[:1])

    units = CreatingUnit.objects.records_visible_to(user).select_related("current_phase")
    if district is not None:
        units = units.filter(district=district)
    return (
        units_with_progress(units, today)
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


class ReadinessRow(TypedDict):
    """One unit's line of the dashboard and of its export: the unit's columns and the
    annotations of `units_with_readiness` read with `.values()` (no model instance), and the
    figures `readiness_rows` computes from them, each once."""

    pk: int
    code: str
    name: str
    kind: str
    is_pilot: bool
    population: int | None
    phase_id: int | None
    phase_order: int | None
    phase_label: str  # in the interface's language; "" without a phase
    phase_description: str | None
    gate_total: int
    gate_accepted: int
    gate_share: float | None  # required milestones of the current phase accepted (None: none)
    overdue_count: int
    title_level: str | None
    title_rank: int
    title_valid_until: date | None
    title_label: str
    evaluation_id: int | None
    evaluation_total: Decimal | None
    evaluation_scheme: int | None
    evaluation_maximum: Decimal | None
    evaluation_percent: Decimal | None
    evaluation_result: str | None
    evaluation_result_label: str
    evaluation_on: datetime | None
    evaluation_kind: str | None
    evaluation_kind_label: str
    strip: tuple[str, ...]  # each month's `timeliness`, oldest first
    reported: Rate
    on_time: Rate
    meetings: Rate  # completed quarters with a creation work meeting, of those since it joined
    injuries: InjuryTrend | None  # None when the user may not see the unit's injury records


# What `readiness_rows` reads of each unit with `.values()`: columns and annotations under their
# own names, then the programme's and the phase's under the row's.
READINESS_FIELDS = (
    "pk",
    "code",
    "name",
    "kind",
    "is_pilot",
    "population",
    "joined_on",
    "gate_total",
    "gate_accepted",
    "overdue_count",
    "title_level",
    "title_rank",
    "title_valid_until",
    "evaluation_id",
    "evaluation_total",
    "evaluation_scheme",
    "evaluation_result",
    "evaluation_on",
    "evaluation_kind",
)
READINESS_RELATED = {
    "program_start": F("program__start_date"),
    "due_day": F("program__report_due_day"),
    "phase_id": F("current_phase"),
    "phase_order": F("current_phase__order"),
    "phase_name": F("current_phase__name"),
    "phase_name_en": F("current_phase__name_en"),
    "phase_description": F("current_phase__description"),
}


@dataclass(frozen=True)
class Readiness:
    """The rows, the months of their reporting strips, and last month's reporting over them:
    when its reports fall due, reported (with how many are now returned) and on time."""

    rows: list[ReadinessRow]
    months: list[date]
    month_due: date | None
    month_reporting: Rate
    month_on_time: Rate


def injury_periods(today: date) -> tuple[Period, Period]:
    """This year to date, and the same dates a year earlier."""
    now = Period(today.replace(month=1, day=1), today)
    return now, now.shifted(-1)


def injury_counts(user: User, unit_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """Unit id → (records this year to date, records on the same dates last year), for the
    units of `unit_ids`.

    The whole months of each period from the injury rollup, the days of this month (and of the
    same month last year) from the records through the (unit, injury_date) index: two queries
    (`injuries.selectors.unit_period_totals`). The units go in as a list of ids, not as a
    subquery: joined to a subquery PostgreSQL ANDed a bitmap of each unit's every record with
    the dates' (210 ms for 38 units at 10 M records, against 12 ms read per unit and dates).
    """
    now, before = injury_periods(today)
    totals = unit_period_totals(
        InjuryRecord.objects.visible_to(user).filter(unit__in=unit_ids),
        InjuryRollup.objects.visible_to(user).matching().filter(unit__in=unit_ids),
        {"now": now, "before": before},
    )
    return {unit_id: (counts["now"], counts["before"]) for unit_id, counts in totals.items()}


def readiness_rows(
    user: User, units: QuerySet[CreatingUnit], today: date | None = None
) -> Readiness:
    """Every unit of `units` (from `units_with_readiness`) as a dashboard row built from plain
    values, in the order of `units`; five queries whatever the number of units: the units, the
    reports of the last 12 due months, the meetings, the injury counts, the schemes' points.

    The reporting rules are `programs.reports.selectors.completeness`'s (expected from the
    month the unit joined; reported once first submitted; on time by the due day; returned)."""
    today = today or timezone.localdate()
    months = Month.last_months(REPORT_MONTHS, until=today)
    values = list(units.values(*READINESS_FIELDS, **READINESS_RELATED))
    # The units once read, their ids go into the other queries as a list: the annotated units'
    # query is not compiled again as a subquery of each.
    unit_ids = [row["pk"] for row in values]
    reports = {
        (unit_id, period): (status, first_submitted_at)
        for unit_id, period, status, first_submitted_at in MonthlyReport.objects.filter(
            unit__in=unit_ids, period__gte=months[0], period__lte=months[-1]
        ).values_list("unit_id", "period", "status", "first_submitted_at")
    }
    quarters = Quarter.last_quarters(MEETING_QUARTERS, until=today)
    quarter_ends = [(quarter, quarter.end) for quarter in quarters]
    held = meetings_held(unit_ids, quarters[0].start, quarters[-1].end)
    # The units whose injury records the user may see (None: every unit), as the records'
    # own scoping decides; the others show no injury figures rather than zeros.
    injury_units = InjuryRecord.objects.unit_ids_visible_to(user)
    injuries = injury_counts(user, unit_ids, today) if injury_units != set() else {}
    maximums = scheme_maximums({row["evaluation_scheme"] for row in values} - {None})
    titles = {value: str(label) for value, label in TitleLevel.choices}
    results = {value: str(label) for value, label in Evaluation.Result.choices}
    kinds = {value: str(label) for value, label in EvaluationKind.choices}
    zone = timezone.get_current_timezone()
    dues: dict[int, list[date]] = {}  # due day → each month's due date
    phase_labels: dict[tuple[str | None, str | None], str] = {}
    month_due, last = None, [0, 0, 0, 0]  # last month: expected, reported, on time, returned
    for row in values:
        # The reporting strip, each month as `completeness()` reads its cell, from the month
        # the unit's record starts (`expected_from`, `record_start`: joined, else the
        # programme's start).
        joined_on, program_start = row.pop("joined_on"), row.pop("program_start")
        record_start = joined_on or program_start
        first_month = Month.first_day(record_start)
        due_day = row.pop("due_day")
        if due_day not in dues:
            dues[due_day] = [due_date(month, due_day) for month in months]
        strip, expected, reported, on_time, returned = [], 0, 0, 0, 0
        for month, due in zip(months, dues[due_day], strict=True):
            status, first_submitted_at = reports.get((row["pk"], month), ("", None))
            timely = submitted_on_time(first_submitted_at, due, zone)
            strip.append(timeliness(first_month <= month, timely, due, today))
            if first_month <= month:
                expected += 1
                if first_submitted_at is not None:
                    reported += 1
                    on_time += bool(timely)
                    returned += status == MonthlyReport.Status.RETURNED
        if first_month <= months[-1]:  # last month: the loop's last cell
            month_due = month_due or due
            last[0] += 1
            if first_submitted_at is not None:
                last[1] += 1
                last[2] += bool(timely)
                last[3] += status == MonthlyReport.Status.RETURNED
        row["strip"] = tuple(strip)
        row["reported"] = Rate(reported, expected, returned=returned)
        row["on_time"] = Rate(on_time, expected)
        # Meetings in the completed quarters since the unit's record began.
        due_quarters = [quarter for quarter, end in quarter_ends if end >= record_start]
        row["meetings"] = Rate(
            sum((row["pk"], quarter) in held for quarter in due_quarters), len(due_quarters)
        )
        trend = None
        if injury_units is None or row["pk"] in injury_units:
            now, before = injuries.get(row["pk"], (0, 0))
            trend = InjuryTrend(now, before, row["population"])
        row["injuries"] = trend
        # Labels in the interface's language, as the models' own would read.
        names = row.pop("phase_name"), row.pop("phase_name_en")
        if names not in phase_labels:  # a few phases among the rows: asked once each
            phase_labels[names] = in_active_language(*names) if names[0] else ""
        row["phase_label"] = phase_labels[names]
        total = row["gate_total"]
        row["gate_share"] = row["gate_accepted"] / total if total else None
        row["title_label"] = titles.get(row["title_level"] or "", "")
        row["evaluation_result_label"] = results.get(row["evaluation_result"] or "", "")
        row["evaluation_kind_label"] = kinds.get(row["evaluation_kind"] or "", "")
        maximum = maximums.get(row["evaluation_scheme"])
        row["evaluation_maximum"] = maximum
        score = row["evaluation_total"]
        # The total as a share of its scheme's maximum, one decimal rounded half up: the
        # schemes differ (150, 100 points), so rows compare by share.
        row["evaluation_percent"] = (
            round_half_up(Decimal(100) * score / maximum) if score is not None and maximum else None
        )
    return Readiness(
        rows=cast(list[ReadinessRow], values),
        months=months,
        month_due=month_due,
        month_reporting=Rate(last[1], last[0], returned=last[3]),
        month_on_time=Rate(last[2], last[0]),
    )


# key → how a row sorts on it; empty values go last in both directions.
SORT_KEYS: dict[str, Callable[[ReadinessRow], Any]] = {
    "code": itemgetter("code"),
    "name": itemgetter("name"),
    "phase": itemgetter("phase_order"),
    "gate": itemgetter("gate_share"),
    "overdue": itemgetter("overdue_count"),
    "on_time": lambda row: row["on_time"].percent,
    "evaluation": itemgetter("evaluation_percent"),
    "meetings": lambda row: row["meetings"].percent,
    "injuries": lambda row: row["injuries"].now if row["injuries"] else None,
    "rate": lambda row: row["injuries"].rate if row["injuries"] else None,
    "title": lambda row: row["title_rank"] or None,
    "expiry": itemgetter("title_valid_until"),
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
