"""Injury statistics: counts by each code of the report card with their shares, the change
against the same dates of the previous year and of a baseline year, the monthly trend, the
sex × age-group table and rates per 100,000 residents per unit (or district) and year.

Every number is counted in the database, the whole years of each period from the rollup's
years, its other whole months from the rollup's months (a row per unit and year or month at the
filter's level, `injuries.models.InjuryRollupYear` and `InjuryRollup`) and the days at its
edges from the records (`injuries.selectors.counts`), in at most nine grouped queries
whatever the number of records:

- `dimension_counts`: per period and its two comparison periods, the rollup's columns summed
  and the edges' records counted per code of every dimension and per sex and age group (the
  sex × age-group table; at most three rows each);
- `monthly_counts`: the rollup's records per month, the edges' per day, of this period and the
  previous year's;
- `unit_year_counts`: records per unit and year in the period (the rates per unit, or per
  district, and year).

The page and its xlsx export show the same `Table` objects (`injuries.selectors.tables`), so a
sheet is the table as shown. Labels are translated when the tables are built: build them in the
user's language. The periods and filters are in `injuries.selectors.periods`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Min, QuerySet

from injuries.choices import AGE_GROUP_CHOICES, Outcome
from injuries.models import InjuryRecord, InjuryRollup, InjuryRollupYear
from injuries.selectors.counts import (
    Rollup,
    monthly_totals,
    period_dimension_counts,
    unit_year_totals,
)
from injuries.selectors.periods import Filters, Period
from injuries.selectors.tables import (
    Table,
    change,
    dimension_table,
    district_rates_table,
    rates_table,
    sex_age_table,
    trend_table,
)
from programs.core.models import CreatingUnit, District, Program

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


def rollup_for(user: User, filters: Filters) -> Rollup:
    """The rollup rows, of months and of years, matching `records_for`: the units the user may
    see and the filters choose, at the level of the source and domain asked ("" for all)."""

    level = {"source": filters.source, "domain": filters.domain}

    def rows(model: type[InjuryRollup | InjuryRollupYear]) -> QuerySet:
        chosen = model.objects.visible_to(user).matching(**level)
        if filters.units:
            chosen = chosen.filter(unit__in=[unit.pk for unit in filters.units])
        return chosen.order_by()

    years = rows(InjuryRollupYear) if InjuryRollupYear.has_level(**level) else None
    return Rollup(months=rows(InjuryRollup), years=years)


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


def dimension_counts(
    records: QuerySet[InjuryRecord], rollup: Rollup, periods: dict[str, Period]
) -> dict[str, dict[str, Any]]:
    """Per period key: the number of records ("total") and, per dimension, per code — the
    whole years and months from the rollup, the edges from the records
    (`counts.period_dimension_counts`: up to four queries; the periods do not overlap: each
    is shorter than a year and shifted by whole years)."""
    distinct = _distinct(periods)
    counted = period_dimension_counts(records, rollup, distinct, code_lists())
    return {key: counted[distinct.index(period)] for key, period in periods.items()}


def monthly_counts(
    records: QuerySet[InjuryRecord], rollup: Rollup, periods: dict[str, Period]
) -> dict[str, dict[tuple[int, int], int]]:
    """Per period key: records per (year, month); two queries (`counts.monthly_totals`)."""
    return monthly_totals(records, rollup, periods)


def unit_year_counts(
    records: QuerySet[InjuryRecord], rollup: Rollup, period: Period
) -> dict[tuple[int, int], int]:
    """Records per (unit id, year) in the period: the rates per unit (or district) and year
    are sums of these. Up to three queries (`counts.unit_year_totals`)."""
    return unit_year_totals(records, rollup, period)


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
    *,
    records: QuerySet[InjuryRecord],
    rollup: Rollup,
    units: list[CreatingUnit],
    filters: Filters,
    by_district: tuple[list[District], dict[int, int]] | None = None,
) -> Statistics:
    """Every table of the statistics page for `records` and `rollup` (see `records_for` and
    `rollup_for`), with the rates of `units` — a row per unit, or with `by_district` (the
    districts, and each unit id's district id) a row per district. At most nine queries: five
    on the rollup (two of them on its years, for a period holding a whole year), four on the
    records."""
    periods = filters.periods()
    counted = dimension_counts(records, rollup, periods)
    by_unit_year = unit_year_counts(records, rollup, filters.period)
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
        trend=trend_table(monthly_counts(records, rollup, trend_periods), filters),
        dimensions=[
            dimension_table(name, codes, counted, filters) for name, codes in code_lists().items()
        ],
        sex_age=sex_age_table(current["sex_age"]),
        rates=(
            district_rates_table(*by_district, by_unit_year, filters)
            if by_district is not None
            else rates_table(units, by_unit_year, filters)
        ),
    )


def statistics_for(user: User, filters: Filters) -> Statistics:
    """The statistics `filters` ask for, among the records the user may see; with no unit
    chosen, the rates of every unit the user may see — for those who see every district (the
    city office, administrators), of every district instead: 400 unit rows would hide the
    comparison they make. The page and the export's job read it."""
    units, by_district = list(filters.units), None
    if not units:
        visible = CreatingUnit.objects.records_visible_to(user)
        if user.sees_every_district:
            # Rows per district: the units' districts read as ids (400 units, no instance).
            district_of = dict(visible.values_list("pk", "district_id"))
            present = set(district_of.values())
            districts = [d for d in user.visible_districts if d.pk in present]
            by_district = (districts, district_of)
        else:
            units = list(visible.in_plan_order())
    return injury_statistics(
        records=records_for(user, filters),
        rollup=rollup_for(user, filters),
        units=units,
        filters=filters,
        by_district=by_district,
    )
