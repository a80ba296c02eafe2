"""Injury statistics: counts by each code of the report card with their shares, the change
against the same dates of the previous year and of a baseline year, the monthly trend, the
sex × age-group table and rates per 100,000 residents per unit and year.

Every number is counted in the database, in three grouped queries whatever the number of
records:

- `dimension_counts`: one scan over the period and its two comparison periods, grouped by
  period, with one conditional count per code of every dimension (at most three rows);
- `monthly_counts`: records per day of this period and the previous year's (summed by month);
- `unit_sex_age_counts`: records per unit, year, sex and age group in the period (summed into
  the rates per unit and year and the sex × age-group table).

The page and its xlsx export show the same `Table` objects (`injuries.selectors.tables`), so a
sheet is the table as shown. Labels are translated when the tables are built: build them in the
user's language. The periods and filters are in `injuries.selectors.periods`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Value, When

from injuries.choices import AGE_GROUP_CHOICES, Outcome
from injuries.models import InjuryRecord
from injuries.selectors.periods import Filters, Period
from injuries.selectors.tables import (
    Table,
    change,
    dimension_table,
    rates_table,
    sex_age_table,
    trend_table,
)
from programs.core.models import CreatingUnit, Program

if TYPE_CHECKING:
    from programs.core.models import User

#: The coded fields the statistics count by, in the order of the page. All are required fields
#: of a record (age group and broad age group are derived from the age), so no code is empty.
DIMENSIONS: tuple[str, ...] = (
    "cause",
    "place",
    "activity",
    "intent",
    "nature",
    "body_part",
    "severity",
    "outcome",
    "sex",
    "age_group",
    "age_band",
)


def records_for(user: User, filters: Filters) -> QuerySet[InjuryRecord]:
    """The records the user may see, narrowed by the filters' units, source and domain (the
    dates are the counting functions' business: they count several periods)."""
    records = InjuryRecord.objects.visible_to(user).order_by()
    if filters.units:
        records = records.filter(unit__in=[unit.pk for unit in filters.units])
    if filters.source:
        records = records.filter(source=filters.source)
    if filters.domain:
        records = records.filter(domain=filters.domain)
    return records


def default_baseline_year(records: QuerySet[InjuryRecord], today: date) -> int:
    """The year before the programme started; without a programme, the earliest year with
    records; without records, last year."""
    started = Program.objects.aggregate(first=Min("start_date"))["first"]
    if started is not None:
        return started.year - 1
    earliest = records.aggregate(first=Min("year"))["first"]
    return earliest if earliest is not None else today.year - 1


# --- Counting, in the database ---


def code_lists() -> dict[str, list[tuple[Any, str]]]:
    """Each dimension's codes and their labels in the current language, in the card's order."""
    lists = {}
    for name in DIMENSIONS:
        choices = (
            AGE_GROUP_CHOICES if name == "age_group" else InjuryRecord._meta.get_field(name).choices
        )
        lists[name] = [(code, str(label)) for code, label in choices]
    return lists


def _distinct(periods: dict[str, Period]) -> list[Period]:
    """The periods counted once each (a baseline year may be the previous year)."""
    return list(dict.fromkeys(periods.values()))


def _by_period(records: QuerySet[InjuryRecord], periods: dict[str, Period]) -> QuerySet:
    """The records of any of the periods, annotated with the index of theirs in `_distinct`
    (the periods do not overlap: each is shorter than a year and shifted by whole years)."""
    distinct = _distinct(periods)
    return records.filter(reduce(or_, (period.q for period in distinct))).annotate(
        period_index=Case(
            *(When(period.q, then=Value(n)) for n, period in enumerate(distinct)),
            output_field=IntegerField(),
        )
    )


def dimension_counts(
    records: QuerySet[InjuryRecord], periods: dict[str, Period]
) -> dict[str, dict[str, Any]]:
    """Per period key: the number of records ("total") and, per dimension, per code.

    One query: the records of all periods, grouped by period, counted per code of every
    dimension with a conditional count (`COUNT(*) FILTER (WHERE cause = 3)` …)."""
    lists = code_lists()
    aggregates: dict[str, Count] = {"total": Count("pk")}
    names: dict[str, tuple[str, Any]] = {}
    for dimension, codes in lists.items():
        for code, _label in codes:
            alias = f"n{len(names)}"
            names[alias] = (dimension, code)
            aggregates[alias] = Count("pk", filter=Q(**{dimension: code}))
    rows = _by_period(records, periods).values("period_index").annotate(**aggregates).order_by()
    distinct = _distinct(periods)
    counted: dict[Period, dict[str, Any]] = {}
    for period in distinct:
        counted[period] = {"total": 0}
        for dimension, codes in lists.items():
            counted[period][dimension] = {code: 0 for code, _label in codes}
    for row in rows:
        into = counted[distinct[row["period_index"]]]
        into["total"] = row["total"]
        for alias, (dimension, code) in names.items():
            into[dimension][code] = row[alias]
    return {key: counted[period] for key, period in periods.items()}


def monthly_counts(
    records: QuerySet[InjuryRecord], periods: dict[str, Period]
) -> dict[str, dict[tuple[int, int], int]]:
    """Per period key: records per (year, month). One query, grouped by day (a row per day):
    cheaper in the database than grouping by period and month, and a month at the edge of two
    periods (15 July to 10 July) still splits between them."""
    rows = (
        records.filter(reduce(or_, (period.q for period in _distinct(periods))))
        .values("injury_date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted: dict[str, dict[tuple[int, int], int]] = {key: {} for key in periods}
    for row in rows:
        day = row["injury_date"]
        for key, period in periods.items():
            if period.start <= day <= period.end:
                month = counted[key]
                month[day.year, day.month] = month.get((day.year, day.month), 0) + row["n"]
    return counted


def unit_sex_age_counts(
    records: QuerySet[InjuryRecord], period: Period
) -> dict[tuple[int, int, int, int], int]:
    """Records per (unit id, year, sex, age group) in the period: the rates per unit and year
    and the sex × age-group table are sums of these. One query."""
    rows = (
        records.filter(period.q)
        .values("unit_id", "year", "sex", "age_group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["unit_id"], row["year"], row["sex"], row["age_group"]): row["n"] for row in rows}


# --- Everything the page shows ---


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the page."""

    total: int
    deaths: int
    previous: int | None
    baseline: int | None

    @property
    def change_previous(self) -> float | None:
        return change(self.total, self.previous)

    @property
    def change_baseline(self) -> float | None:
        return change(self.total, self.baseline)


@dataclass
class Statistics:
    filters: Filters
    headline: Headline
    trend: Table
    dimensions: list[Table]
    sex_age: Table
    rates: Table

    @property
    def tables(self) -> list[Table]:
        return [self.trend, *self.dimensions, self.sex_age, self.rates]

    def charts(self) -> dict[str, dict[str, Any]]:
        """The data of every chart, by table key, for `json_script`."""
        return {table.key: table.chart for table in self.tables}


def injury_statistics(
    *, records: QuerySet[InjuryRecord], units: list[CreatingUnit], filters: Filters
) -> Statistics:
    """Every table of the statistics page for `records` (see `records_for`), with the rates of
    `units`. Three queries."""
    periods = filters.periods()
    counted = dimension_counts(records, periods)
    by_unit_sex_age = unit_sex_age_counts(records, filters.period)
    trend_periods = {key: periods[key] for key in ("current", "previous") if key in periods}
    current = counted["current"]
    headline = Headline(
        total=current["total"],
        deaths=current["outcome"][Outcome.DIED],
        previous=counted["previous"]["total"] if filters.compares else None,
        baseline=counted["baseline"]["total"] if filters.compares else None,
    )
    return Statistics(
        filters=filters,
        headline=headline,
        trend=trend_table(monthly_counts(records, trend_periods), filters),
        dimensions=[
            dimension_table(name, codes, counted, filters) for name, codes in code_lists().items()
        ],
        sex_age=sex_age_table(by_unit_sex_age),
        rates=rates_table(units, by_unit_sex_age, filters),
    )


def statistics_for(user: User, filters: Filters) -> Statistics:
    """The statistics `filters` ask for, among the records the user may see; with no unit
    chosen, the rates of every unit the user may see. The page and the export's job read it."""
    units = list(filters.units) or list(
        CreatingUnit.objects.records_visible_to(user).in_plan_order()
    )
    return injury_statistics(records=records_for(user, filters), units=units, filters=filters)
