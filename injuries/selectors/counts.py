"""Counting injury records over periods: the whole years of a period from the rollup's years
(`injuries.models.InjuryRollupYear`), its other whole months from the rollup's months
(`InjuryRollup`; both a row per unit and time at the filter's level), the days at its edges from
the records through the (unit, injury_date) index. Each function runs one grouped query on each
side, and skips a side with nothing to count (a period of whole months reads no record; a
period inside one month reads no rollup row; a period within a year reads no year row).

`records` and `rollup` come filtered alike (`injuries.selectors.statistics.records_for` and
`rollup_for`): the same units, and the records of the source and domain asked, the rollup rows
of their level. `unit_month_injuries` reads a whole month of one unit from the rollup alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from injuries.choices import AGE_GROUP_CHOICES, Cause, Domain, Intent, Outcome, Sex, age_band_of
from injuries.models import InjuryRecord, InjuryRollup, InjuryRollupYear
from injuries.models.rollup import ALL, COUNTED, sex_age_column
from injuries.models.rollup import COLUMNS as ROLLUP_COLUMNS
from injuries.selectors.periods import Period
from safecommunity.calendar import Month

#: (sex, age group) of each sex × age-group column of the rollup.
SEX_AGE = {
    sex_age_column(sex, group): (sex, group)
    for sex in Sex.values
    for group, _label in AGE_GROUP_CHOICES
}
#: (field, code) of each per-code column of the rollup.
CODES = {f"{name}_{code}": (name, code) for name, codes in COUNTED for code in codes.values}
DIED_COLUMN = f"outcome_{Outcome.DIED}"

Pieces = list[tuple[int, Period]]


@dataclass(frozen=True)
class Rollup:
    """The rollup rows a count may read, filtered alike: the months' and the years' (None
    where the years do not hold the filter's level: its whole years are read from the
    months)."""

    months: QuerySet[InjuryRollup]
    years: QuerySet[InjuryRollupYear] | None


def split(periods: list[Period]) -> tuple[Pieces, Pieces]:
    """The whole months and the edges of each period, with the period's index."""
    whole: Pieces = []
    edges: Pieces = []
    for index, period in enumerate(periods):
        if period.whole_months is not None:
            whole.append((index, period.whole_months))
        edges += [(index, edge) for edge in period.edges()]
    return whole, edges


def split_years(
    periods: list[Period], *, by_year: bool = True, today: date | None = None
) -> tuple[Pieces, Pieces, Pieces, Pieces]:
    """The whole years, the whole months outside them, the edges of each period, and the days
    counted off, each with the period's index. Not `by_year`: no years, their months with the
    others.

    An edge is counted as its whole month (from the rollup) less the month's other days (from
    the records) when those days hold fewer records to read than the edge: when they are fewer
    days, counting only the days up to `today` (no card is dated after its day). The current
    month of a period ending today is then its rollup row less the days still to come — none
    to read —, and any other edge reads at most half a month of records. Not when another
    period has days in that month: a record on those days would belong to two pieces, and each
    record is counted for one piece."""
    today = today or timezone.localdate()
    years: Pieces = []
    months: Pieces = []
    edges: Pieces = []
    taken: Pieces = []
    for index, period in enumerate(periods):
        if not by_year:
            months += [(index, part) for part in [period.whole_months] if part is not None]
        else:
            if period.whole_years is not None:
                years.append((index, period.whole_years))
            months += [(index, part) for part in period.months_outside_years()]
        for edge in period.edges():
            month = Period(Month.first_day(edge.start), Month.last_day(edge.start))
            rest = [
                part
                for part in (
                    Period(month.start, edge.start - timedelta(1)),
                    Period(edge.end + timedelta(1), month.end),
                )
                if part.start <= part.end
            ]
            shared = any(
                other.start <= month.end and other.end >= month.start
                for other_index, other in enumerate(periods)
                if other_index != index
            )
            to_read = sum(_days_until(part, today) for part in rest)
            if edge.end <= month.end and not shared and to_read < _days_until(edge, today):
                months.append((index, month))
                taken += [(index, part) for part in rest]
            else:
                edges.append((index, edge))
    return years, months, edges, taken


def _days_until(period: Period, today: date) -> int:
    """The period's days up to `today`: those that may hold records."""
    return max(0, (min(period.end, today) - period.start).days + 1)


def signed(edges: Pieces, taken: Pieces) -> Pieces:
    """The record pieces of `split_years` in one list: an edge under its period's index, a
    piece of days counted off under −1 − the index (`unsigned` reads it back)."""
    return [*edges, *((-1 - index, part) for index, part in taken)]


def unsigned(index: int) -> tuple[int, int]:
    """(period index, +1 or −1) of a piece's index from `signed`."""
    return (index, 1) if index >= 0 else (-1 - index, -1)


def months_q(period: Period) -> Q:
    """The rollup rows of a period of whole months (a row's month is its first day)."""
    return Q(month__gte=period.start, month__lte=period.end)


def years_q(period: Period) -> Q:
    """The rollup's year rows of a period of whole years."""
    return Q(year__gte=period.start.year, year__lte=period.end.year)


def _indexed(rows: QuerySet, pieces: Pieces, q: Any) -> QuerySet:
    """`rows` in any piece, annotated with the index of its period."""
    return rows.filter(reduce(or_, (q(piece) for _index, piece in pieces))).annotate(
        period_index=Case(
            *(When(q(piece), then=Value(index)) for index, piece in pieces),
            output_field=IntegerField(),
        )
    )


def _empty(lists: dict[str, list[tuple[Any, str]]]) -> dict[str, Any]:
    counted: dict[str, Any] = {"total": 0}
    for dimension, codes in lists.items():
        counted[dimension] = {code: 0 for code, _label in codes}
    return counted


#: The dimensions read from the sex × age-group counts (an age band is a span of age groups).
FROM_SEX_AGE = ("sex", "age_group", "age_band")


def _add_sex_age(into: dict[str, Any], sex: int, group: int, n: int) -> None:
    """Count `n` records of `sex` and age `group` in the sex × age-group table and in each of
    `FROM_SEX_AGE` that `into` counts."""
    into["sex_age"][sex, group] += n
    for dimension, code in (("sex", sex), ("age_group", group), ("age_band", age_band_of(group))):
        if dimension in into:
            into[dimension][code] += n


def period_dimension_counts(
    records: QuerySet[InjuryRecord],
    rollup: Rollup,
    periods: list[Period],
    lists: dict[str, list[tuple[Any, str]]],
) -> list[dict[str, Any]]:
    """Per period (in order): the number of records ("total"), per dimension of `lists` per
    code, and per (sex, age group) ("sex_age"). The periods must not overlap. Up to three
    queries: the rollup's columns summed per period over its years and over its other months,
    and over the edges a conditional count per code (`COUNT(*) FILTER (WHERE cause = 3)`) and
    a grouped count per sex and age group, from which sex, age group and age band are sums, as
    on the rollup's side (a filter per sex and age group too would double the conditions every
    record is tested against)."""
    counted = [_empty(lists) | {"sex_age": dict.fromkeys(SEX_AGE.values(), 0)} for _p in periods]
    years, months, edges, taken = split_years(periods, by_year=rollup.years is not None)
    days = signed(edges, taken)
    sums = {"n": Sum("n")} | {name: Sum(name) for name in (*CODES, *SEX_AGE)}
    for rows, pieces, q in ((rollup.years, years, years_q), (rollup.months, months, months_q)):
        if not pieces:
            continue
        for row in _indexed(rows, pieces, q).values("period_index").annotate(**sums).order_by():
            into = counted[row["period_index"]]
            into["total"] += row["n"]
            for name, (dimension, code) in CODES.items():
                if dimension in into:
                    into[dimension][code] += row[name]
            for name, (sex, group) in SEX_AGE.items():
                _add_sex_age(into, sex, group, row[name])
    if days:
        aggregates: dict[str, Count] = {"total": Count("pk")}
        names: dict[str, tuple[str, Any]] = {}
        for dimension, codes in lists.items():
            if dimension in FROM_SEX_AGE:
                continue
            for code, _label in codes:
                alias = f"n{len(names)}"
                names[alias] = (dimension, code)
                aggregates[alias] = Count("pk", filter=Q(**{dimension: code}))
        rows = _indexed(records, days, lambda period: period.q)
        for row in rows.values("period_index").annotate(**aggregates).order_by():
            index, sign = unsigned(row["period_index"])
            into = counted[index]
            into["total"] += sign * row["total"]
            for alias, (dimension, code) in names.items():
                into[dimension][code] += sign * row[alias]
        by_sex_age = rows.values_list("period_index", "sex", "age_group").annotate(Count("pk"))
        for piece, sex, group, n in by_sex_age.order_by():
            index, sign = unsigned(piece)
            _add_sex_age(counted[index], sex, group, sign * n)
    return counted


def monthly_totals(
    records: QuerySet[InjuryRecord], rollup: Rollup, periods: dict[str, Period]
) -> dict[str, dict[tuple[int, int], int]]:
    """Per period key: records per (year, month). The periods must not overlap. The rollup's
    whole months grouped by month (its months' `n` alone: an index-only scan); the edges'
    records grouped by day (a month at the edge of two periods — 15 July to 10 July — still
    splits between them)."""
    keys = list(periods)
    whole, edges = split(list(periods.values()))
    counted: dict[str, dict[tuple[int, int], int]] = {key: {} for key in periods}

    def add(key: str, year: int, month: int, n: int) -> None:
        counted[key][year, month] = counted[key].get((year, month), 0) + n

    if whole:
        rows = _indexed(rollup.months, whole, months_q).values("period_index", "month")
        for row in rows.annotate(n=Sum("n")).order_by():
            add(keys[row["period_index"]], row["month"].year, row["month"].month, row["n"])
    if edges:
        rows = _indexed(records, edges, lambda period: period.q).values(
            "period_index", "injury_date"
        )
        for row in rows.annotate(n=Count("pk")).order_by():
            day = row["injury_date"]
            add(keys[row["period_index"]], day.year, day.month, row["n"])
    return counted


def unit_year_totals(
    records: QuerySet[InjuryRecord], rollup: Rollup, period: Period
) -> dict[tuple[int, int], int]:
    """Records per (unit id, year) in the period: the rollup's `n` of each unit and year over
    its whole years as they are, over its other whole months summed per unit and year (an
    index-only scan), the edges' records counted per unit and year."""
    counted: dict[tuple[int, int], int] = {}
    years, months, edges, taken = split_years([period], by_year=rollup.years is not None)
    days = signed(edges, taken)
    sides = []
    if years and rollup.years is not None:
        sides.append(rollup.years.filter(years_q(years[0][1])).values("unit_id", "year"))
    if months:
        in_months = rollup.months.filter(reduce(or_, (months_q(part) for _i, part in months)))
        sides.append(in_months.annotate(year=ExtractYear("month")).values("unit_id", "year"))
    for side in sides:
        for unit_id, year, n in (
            side.annotate(total=Sum("n")).values_list("unit_id", "year", "total").order_by()
        ):
            counted[unit_id, year] = counted.get((unit_id, year), 0) + n
    if days:
        rows = (
            _indexed(records, days, lambda part: part.q)
            .values("period_index", "unit_id", "year")
            .annotate(n=Count("pk"))
            .values_list("period_index", "unit_id", "year", "n")
            .order_by()
        )
        for piece, unit_id, year, n in rows:
            _index, sign = unsigned(piece)
            counted[unit_id, year] = counted.get((unit_id, year), 0) + sign * n
    return counted


def unit_period_totals(
    records: QuerySet[InjuryRecord],
    rollup: QuerySet[InjuryRollup],
    periods: dict[str, Period],
    *,
    deaths: bool = False,
) -> dict[int, dict[str, int]]:
    """Unit id → {period key: records} (and "<key>_deaths": deaths, when asked) for each unit
    with records in any period; the periods may overlap. Two queries: per unit, the rollup's
    `n` (and deaths) summed over each period's whole months, the records counted over its
    edges."""
    counted: dict[int, dict[str, int]] = {}
    died = Q(outcome=Outcome.DIED)

    def add(unit_id: int, values: dict[str, int | None]) -> None:
        into = counted.setdefault(unit_id, {})
        for name, value in values.items():
            into[name] = into.get(name, 0) + (value or 0)

    whole = {key: period.whole_months for key, period in periods.items()}
    whole = {key: period for key, period in whole.items() if period is not None}
    if whole:
        sums: dict[str, Sum] = {}
        for key, period in whole.items():
            sums[key] = Sum("n", filter=months_q(period))
            if deaths:
                sums[f"{key}_deaths"] = Sum(DIED_COLUMN, filter=months_q(period))
        rows = rollup.filter(reduce(or_, map(months_q, whole.values()))).values("unit_id")
        for row in rows.annotate(**sums).order_by():
            add(row.pop("unit_id"), row)
    edges = {key: period.edges() for key, period in periods.items()}
    edges = {key: reduce(or_, (edge.q for edge in parts)) for key, parts in edges.items() if parts}
    if edges:
        counts: dict[str, Count] = {}
        for key, q in edges.items():
            counts[key] = Count("pk", filter=q)
            if deaths:
                counts[f"{key}_deaths"] = Count("pk", filter=q & died)
        rows = records.filter(reduce(or_, edges.values())).values("unit_id")
        for row in rows.annotate(**counts).order_by():
            add(row.pop("unit_id"), row)
    names = [*periods, *(f"{key}_deaths" for key in periods if deaths)]
    return {unit: {name: found.get(name, 0) for name in names} for unit, found in counted.items()}


def unit_month_injuries(unit_id: int, month: date) -> dict[str, tuple[int, int]]:
    """(injured, deaths) among a unit's records of one whole month in the groups the monthly
    report's injury indicators count — "traffic" (traffic-crash causes), "work" and "fire"
    (their domains), "assault" (the intent) — injured being every outcome but death. One query
    over at most three rollup rows (every domain, work, fire), read through the unique key."""
    rows = {
        row["domain"]: row
        for row in InjuryRollup.objects.filter(
            unit_id=unit_id,
            month=Month.first_day(month),
            source=ALL,
            domain__in=(ALL, Domain.WORK, Domain.FIRE),
        ).values()
    }
    empty = dict.fromkeys(("n", *ROLLUP_COLUMNS), 0)
    every = rows.get(ALL, empty)

    def injured_deaths(total: int, deaths: int) -> tuple[int, int]:
        return total - deaths, deaths

    def of_domain(domain: str) -> tuple[int, int]:
        row = rows.get(domain, empty)
        return injured_deaths(row["n"], row[DIED_COLUMN])

    return {
        "traffic": injured_deaths(
            sum(every[f"cause_{code}"] for code in Cause.traffic()),
            sum(every[f"died_cause_{code}"] for code in Cause.traffic()),
        ),
        "work": injured_deaths(
            rows.get(Domain.WORK, empty)["n"], rows.get(Domain.WORK, empty)[DIED_COLUMN]
        ),
        "fire": injured_deaths(
            rows.get(Domain.FIRE, empty)["n"], rows.get(Domain.FIRE, empty)[DIED_COLUMN]
        ),
        "assault": injured_deaths(
            every[f"intent_{Intent.ASSAULT}"], every[f"died_intent_{Intent.ASSAULT}"]
        ),
    }
