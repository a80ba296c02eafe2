"""The tables of the statistics page, as the page shows them and the export writes them: the
counts by code with shares and changes, the monthly trend, sex × age group and the rates per
100,000 residents, each with the data of its chart. Labels are translated when a table is
built: build them in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from injuries.choices import AGE_GROUP_CHOICES, Sex
from injuries.models import InjuryRecord
from programs.core.choices import UnitKind
from safecommunity.numbers import change_percent, per_population, percent

if TYPE_CHECKING:
    from injuries.selectors.periods import Filters, Period
    from programs.core.models import CreatingUnit, District

PER = 100_000
"""Rates are per this many residents."""


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


def _number(value: Decimal | None) -> float | None:
    """A value rounded once (half up, `safecommunity.numbers`) as the tables, charts and
    exports carry it: a number that prints with the same digits (35.5 stays 35.5)."""
    return None if value is None else float(value)


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal rounded half up (1 of 16 is 6.3); None
    when `whole` is zero."""
    return _number(percent(part, whole))


def change(now: int, before: int | None) -> float | None:
    """The change from `before` to `now` in percent, one decimal rounded half up (20 against 31
    is −35.5); None when `before` is zero."""
    return _number(change_percent(now, before))


def rate(count: int, population: int | None) -> float | None:
    """Records per 100,000 residents, one decimal rounded half up; None without a population."""
    return _number(per_population(count, population, PER))


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


def sex_age_table(by_sex_age: dict[tuple[int, int], int]) -> Table:
    """Records per five-year age group and sex in the period (the population pyramid), from
    the records per (sex, age group)."""
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


def _year_covered(period: Period, year: int) -> str:
    """The part of `year` the period covers, as a rate's column names it: "2025" for the whole
    year, "2026 (01-01 – 06-30)" for part of it."""
    start = max(period.start, date(year, 1, 1))
    end = min(period.end, date(year, 12, 31))
    if (start, end) == (date(year, 1, 1), date(year, 12, 31)):
        return str(year)
    return f"{year} ({start:%m-%d} – {end:%m-%d})"


def rates_table(
    units: list[CreatingUnit], by_unit_year: dict[tuple[int, int], int], filters: Filters
) -> Table:
    """Per unit and year of the period: records and records per 100,000 residents, from the
    unit's population; each rate column names the dates of its year it counts. The district
    row divides the records of the units with a population by the residents of its towns and
    street offices: the economic zones lie within them, so their residents are counted there
    already and are not added again."""
    with_population = [unit for unit in units if unit.population]
    return _rates(
        [(unit.pk, unit.code, unit.name, unit.population) for unit in units],
        by_unit_year,
        filters,
        heading=_("Unit"),
        total=(
            _("District"),
            sum(unit.population for unit in with_population if unit.kind != UnitKind.ZONE),
            {unit.pk for unit in with_population},
        ),
        note=_(
            "Records in the period per 100,000 residents of the unit; units without a "
            "population show “—” and are left out of the district's rate. The district's "
            "residents are those of its towns and street offices: the economic zones lie "
            "within them and are not added again."
        ),
    )


def district_rates_table(
    districts: list[District],
    district_of: dict[int, int],
    by_unit_year: dict[tuple[int, int], int],
    filters: Filters,
) -> Table:
    """Per district of `districts` (by code) and year of the period, for those who read every
    district (the city office, administrators): the records by district (`district_of`: each
    unit id's district id) and records per 100,000 of the district's residents — its census
    population, which the city dashboard and the map divide by too. The city's row divides the
    records of the districts with a population by their residents."""
    with_population = [district for district in districts if district.population]
    return _rates(
        [(d.pk, d.code, d.label, d.population) for d in districts],
        _by_owner(by_unit_year, district_of.get),
        filters,
        heading=pgettext("city table", "District"),
        total=(
            pgettext("total row", "City"),
            sum(district.population for district in with_population),
            {district.pk for district in with_population},
        ),
        note=_(
            "Records in the period per 100,000 residents of the district (its census "
            "population, as on the city dashboard); districts without a population show “—” "
            "and are left out of the city's rate."
        ),
    )


def _by_owner(
    by_unit_year: dict[tuple[int, int], int], owner: Callable[[int], int | None]
) -> dict[tuple[int | None, int], int]:
    """Records per (owner, year): the records per (unit id, year) summed by each unit's owner
    (its district)."""
    summed: dict[tuple[int | None, int], int] = {}
    for (unit_id, year), n in by_unit_year.items():
        key = (owner(unit_id), year)
        summed[key] = summed.get(key, 0) + n
    return summed


def _rates(
    rated: list[tuple[int, str, str, int | None]],
    by_year: dict[tuple[int | None, int], int],
    filters: Filters,
    *,
    heading: str,
    total: tuple[str, int, set[int]],
    note: str,
) -> Table:
    """The rates table of `rated` rows (key, code, name, population): per year of the period
    their records and rate; the total row (label, population, the keys its rate counts) sums
    every row's records and divides those of the keys it counts by its population."""
    years = sorted({year for year, _month in filters.period.months()})
    rows = []
    for key, code, name, population in rated:
        row: list[Any] = [code, name, population]
        for year in years:
            n = by_year.get((key, year), 0)
            row += [n, rate(n, population)]
        rows.append(row)
    label, population, counted_keys = total
    footer: list[Any] = ["", label, population or None]
    for year in years:
        footer += [
            sum(by_year.get((key, year), 0) for key, *_rest in rated),
            rate(sum(by_year.get((key, year), 0) for key in counted_keys), population),
        ]
    columns = [Column(_("Code"), Kind.LABEL), Column(heading, Kind.LABEL), Column(_("Population"))]
    for year in years:
        covered = _year_covered(filters.period, year)
        columns += [
            Column(_("Records %(year)s") % {"year": covered}),
            Column(_("Rate per 100,000 %(year)s") % {"year": covered}, Kind.RATE),
        ]
    return Table(
        key="rates",
        title=_("Rates per 100,000 residents"),
        columns=columns,
        rows=rows,
        total=footer,
        note=note,
        chart={
            "kind": "bar",
            "categories": [name for _key, _code, name, _population in rated],
            "series": [
                {
                    "name": _year_covered(filters.period, year),
                    "data": [row[4 + 2 * i] for row in rows],
                }
                for i, year in enumerate(years)
            ],
        },
    )
