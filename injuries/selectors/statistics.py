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

The page and its xlsx export show the same `Table` objects, so a sheet is the table as shown.
Labels are translated when the tables are built: build them in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from injuries.choices import AGE_GROUP_CHOICES, Outcome, Sex
from injuries.models import InjuryRecord
from programs.models import Program

if TYPE_CHECKING:
    from programs.models import CreatingUnit, User

PER = 100_000
"""Rates are per this many residents."""

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


# --- Periods ---


def shift_years(day: date, years: int) -> date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    """A range of injury dates, both ends included."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def shifted(self, years: int) -> Period:
        return Period(shift_years(self.start, years), shift_years(self.end, years))

    @property
    def q(self) -> Q:
        return Q(injury_date__gte=self.start, injury_date__lte=self.end)

    @property
    def within_a_year(self) -> bool:
        """Shorter than a year, so that it does not overlap the same dates of other years."""
        return self.end < shift_years(self.start, 1)

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period touches, in order."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass(frozen=True)
class Filters:
    """What the statistics are asked for: a period, the units (none: every unit in scope), a
    source and a domain ("" for all), and the baseline year to compare with.

    A period shorter than a year is compared with the same dates a year earlier ("previous
    year") and in the baseline year; a longer one would overlap them, so it is not compared.
    """

    period: Period
    baseline_year: int
    units: tuple[CreatingUnit, ...] = ()
    source: str = ""
    domain: str = ""

    @property
    def compares(self) -> bool:
        return self.period.within_a_year

    @property
    def previous(self) -> Period | None:
        return self.period.shifted(-1) if self.compares else None

    @property
    def baseline(self) -> Period | None:
        if not self.compares:
            return None
        return self.period.shifted(self.baseline_year - self.period.start.year)

    def periods(self) -> dict[str, Period]:
        """The periods counted, by key: "current", "previous", "baseline" (when compared)."""
        periods = {"current": self.period}
        if self.compares:
            periods.update(previous=self.previous, baseline=self.baseline)
        return periods


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


# --- Tables, as the page shows them and the export writes them ---


class Kind:
    """How a column's numbers read: a label, a count, a percentage, a change, a rate."""

    LABEL = "label"
    COUNT = "count"
    PERCENT = "percent"
    CHANGE = "change"
    RATE = "rate"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = Kind.COUNT


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str


@dataclass
class Table:
    """One table of the page and one sheet of the export: the same columns, the same numbers.

    `chart` is the data of the chart drawn beside it (`kind`, `categories`, `series`)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: str = ""
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def chart_height(self) -> int:
        """Pixels for the chart: a horizontal bar per category, otherwise a fixed height."""
        kind = self.chart.get("kind")
        if kind in {"hbar", "pyramid"}:
            return 60 + 22 * len(self.chart["categories"])
        return 280 if kind == "pie" else 320

    @property
    def body(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows]

    @property
    def footer(self) -> list[Cell]:
        return self._cells(self.total) if self.total else []

    @property
    def parts(self) -> list[tuple[str, list[list[Cell]]]]:
        """("tbody", rows) and ("tfoot", [total]): the HTML table's sections."""
        return [("tbody", self.body), *([("tfoot", [self.footer])] if self.total else [])]

    def _cells(self, row: list[Any]) -> list[Cell]:
        return [Cell(value, column.kind) for value, column in zip(row, self.columns, strict=True)]


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is zero."""
    return round(100 * part / whole, 1) if whole else None


def change(now: int, before: int | None) -> float | None:
    """The change from `before` to `now` in percent, one decimal; None when `before` is zero."""
    return round(100 * (now - before) / before, 1) if before else None


def rate(count: int, population: int | None) -> float | None:
    """Records per 100,000 residents, one decimal; None without a population."""
    return round(PER * count / population, 1) if population else None


def _comparison_columns(filters: Filters) -> list[Column]:
    if not filters.compares:
        return []
    return [
        Column(_("Previous year")),
        Column(_("Change (%)"), Kind.CHANGE),
        Column(_("Baseline %(year)s") % {"year": filters.baseline_year}),
        Column(_("Change (%)"), Kind.CHANGE),
    ]


def _compared(now: int, previous: int | None, baseline: int | None, filters: Filters) -> list:
    if not filters.compares:
        return []
    return [previous, change(now, previous), baseline, change(now, baseline)]


#: How each dimension is drawn: long code lists as horizontal bars, short ones as pies.
CHART_KINDS = {
    "intent": "pie",
    "severity": "pie",
    "outcome": "pie",
    "sex": "pie",
    "age_band": "pie",
    "age_group": "bar",
}


def dimension_table(
    name: str, codes: list[tuple[Any, str]], counted: dict[str, dict[str, Any]], filters: Filters
) -> Table:
    """Per code: records, share of the period's records, and (for a period shorter than a year)
    the previous year's and the baseline year's records with the change against each."""
    current = counted["current"]
    previous, baseline = counted.get("previous"), counted.get("baseline")
    rows = []
    for code, label in codes:
        n = current[name][code]
        rows.append(
            [
                label,
                n,
                share(n, current["total"]),
                *_compared(
                    n,
                    previous and previous[name][code],
                    baseline and baseline[name][code],
                    filters,
                ),
            ]
        )
    total = current["total"]
    title = capfirst(InjuryRecord._meta.get_field(name).verbose_name)
    return Table(
        key=name,
        title=title,
        columns=[
            Column(title, Kind.LABEL),
            Column(_("Records")),
            Column(_("Share (%)"), Kind.PERCENT),
            *_comparison_columns(filters),
        ],
        rows=rows,
        total=[
            _("Total"),
            total,
            share(total, total),
            *_compared(
                total,
                previous and previous["total"],
                baseline and baseline["total"],
                filters,
            ),
        ],
        chart={
            "kind": CHART_KINDS.get(name, "hbar"),
            "categories": [row[0] for row in rows],
            "series": [{"name": _("Records"), "data": [row[1] for row in rows]}],
        },
    )


def trend_table(monthly: dict[str, dict[tuple[int, int], int]], filters: Filters) -> Table:
    """Records per month of the period, beside the same month a year earlier."""
    current, previous = monthly["current"], monthly.get("previous", {})
    rows = []
    for year, month in filters.period.months():
        n = current.get((year, month), 0)
        row: list[Any] = [f"{year}-{month:02d}", n]
        if filters.compares:
            before = previous.get((year - 1, month), 0)
            row += [before, change(n, before)]
        rows.append(row)
    columns = [Column(_("Month"), Kind.LABEL), Column(_("Records"))]
    total: list[Any] = [_("Total"), sum(row[1] for row in rows)]
    series = [{"name": str(filters.period), "data": [row[1] for row in rows]}]
    if filters.compares:
        columns += [Column(_("Previous year")), Column(_("Change (%)"), Kind.CHANGE)]
        before_total = sum(row[2] for row in rows)
        total += [before_total, change(total[1], before_total)]
        series.append({"name": str(filters.previous), "data": [row[2] for row in rows]})
    return Table(
        key="trend",
        title=_("Records by month"),
        columns=columns,
        rows=rows,
        total=total,
        chart={"kind": "line", "categories": [row[0] for row in rows], "series": series},
    )


def sex_age_table(counts: dict[tuple[int, int, int, int], int]) -> Table:
    """Records per five-year age group and sex in the period (the population pyramid)."""
    by_sex_age: dict[tuple[int, int], int] = {}
    for (_unit, _year, sex, group), n in counts.items():
        by_sex_age[sex, group] = by_sex_age.get((sex, group), 0) + n
    sexes = [(code, str(label)) for code, label in Sex.choices]
    rows = []
    for group, label in AGE_GROUP_CHOICES:
        by_sex = [by_sex_age.get((sex, group), 0) for sex, _label in sexes]
        rows.append([label, *by_sex, sum(by_sex)])
    total = [_("Total"), *(sum(row[i] for row in rows) for i in range(1, len(sexes) + 2))]
    return Table(
        key="sex_age",
        title=_("Sex and age group"),
        columns=[
            Column(capfirst(InjuryRecord._meta.get_field("age_group").verbose_name), Kind.LABEL),
            *(Column(capfirst(label)) for _code, label in sexes),
            Column(_("Total")),
        ],
        rows=rows,
        total=total,
        chart={
            "kind": "pyramid",
            "categories": [row[0] for row in rows],
            "series": [
                {"name": capfirst(label), "data": [row[1 + i] for row in rows]}
                for i, (code, label) in enumerate(sexes)
                if code != Sex.UNSTATED
            ],
        },
    )


def rates_table(
    units: list[CreatingUnit], counts: dict[tuple[int, int, int, int], int], filters: Filters
) -> Table:
    """Per unit and year of the period: records and records per 100,000 residents, from the
    unit's population; the district row divides the records of the units with a population by
    the sum of their populations."""
    by_unit_year: dict[tuple[int, int], int] = {}
    for (unit_id, year, _sex, _group), n in counts.items():
        by_unit_year[unit_id, year] = by_unit_year.get((unit_id, year), 0) + n
    years = sorted({year for year, _month in filters.period.months()})
    rows = []
    for unit in units:
        row: list[Any] = [unit.code, unit.name, unit.population]
        for year in years:
            n = by_unit_year.get((unit.pk, year), 0)
            row += [n, rate(n, unit.population)]
        rows.append(row)
    with_population = [unit for unit in units if unit.population]
    population = sum(unit.population for unit in with_population)
    total: list[Any] = ["", _("District"), population or None]
    for year in years:
        counted = sum(by_unit_year.get((unit.pk, year), 0) for unit in with_population)
        total += [
            sum(by_unit_year.get((unit.pk, year), 0) for unit in units),
            rate(counted, population),
        ]
    columns = [
        Column(_("Code"), Kind.LABEL),
        Column(_("Unit"), Kind.LABEL),
        Column(_("Population")),
    ]
    for year in years:
        columns += [
            Column(_("Records %(year)s") % {"year": year}),
            Column(_("Rate per 100,000 %(year)s") % {"year": year}, Kind.RATE),
        ]
    return Table(
        key="rates",
        title=_("Rates per 100,000 residents"),
        columns=columns,
        rows=rows,
        total=total,
        note=_(
            "Records in the period per 100,000 residents of the unit; units without a "
            "population show “—” and are left out of the district's rate."
        ),
        chart={
            "kind": "bar",
            "categories": [unit.name for unit in units],
            "series": [
                {"name": str(year), "data": [row[4 + 2 * i] for row in rows]}
                for i, year in enumerate(years)
            ],
        },
    )


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
