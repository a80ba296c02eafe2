"""The city map (`/map/`): Beijing's 16 districts coloured by one measure, and the same figures
as a table.

What counts, decided once here:

- **Units holding a title**: the district's units with a title in force today (named, not past
  its validity: `CertificationQuerySet.held`), over its units.
- **Reporting rate, last month**: the monthly reports of last month submitted at least once,
  over the units expected to report for it — `programs.reports.selectors.completeness`'s rules
  (expected from the month a unit joined; reported once first submitted), summed per district
  in SQL by its `month_rates`.
- **Injuries per 100,000**: the injury records of the last 12 whole months (the rollup's rows,
  `injuries.selectors.unit_period_totals`) over the district's resident population
  (`District.population`), per 100,000, rounded half up (`safecommunity.numbers`).

A district's figures are shown only to those who read every unit of it: the city office and
administrators for every district, district staff and providers for their own. Everything else —
districts not on the portal, a district outside the user's scope, a figure without its
denominator (no unit, no unit expected, no population) — is **no data**, with its own colour.
Every figure is read through `visible_to`, so nothing outside the user's scope enters the page.

Five queries whatever the number of districts and units: the districts, each unit's district
(plain values), last month's rates grouped by district, the titles in force, the injury
rollup's whole months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from injuries.models import InjuryRecord, InjuryRollup
from injuries.selectors import Period, unit_period_totals
from programs.core.divisions import districts as official_districts
from programs.core.models import CreatingUnit, District, User
from programs.overview import errors
from programs.reports.selectors.completeness import Rate, month_rates
from programs.titles.models import Certification
from safecommunity.calendar import Month
from safecommunity.errors import BadQuery
from safecommunity.numbers import PER_100_000, per_population, shown

#: How many whole months the injury rate counts.
INJURY_MONTHS = 12
NO_DATA_COLOUR = "#ced4da"
#: Light to dark: more titles and better reporting are darker blue; more injuries darker red.
BLUES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
REDS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")


class Measure(models.TextChoices):
    """What the city map colours its districts by (`?measure=`)."""

    TITLES = "titles", gettext_lazy("Units holding a title")
    REPORTING = "reporting", gettext_lazy("Reporting rate, last month")
    INJURIES = "injuries", gettext_lazy("Injuries per 100,000, last 12 months")


@dataclass(frozen=True)
class Figure:
    """A district's value for one measure, with its parts: units holding a title of units,
    reports of units expected, injury records of residents. `value` is None (no data) when the
    denominator is zero or unknown."""

    numerator: int
    denominator: int | None
    value: Decimal | None

    @property
    def text(self) -> str:
        """The value as the map's tooltip and the table print it, without its unit."""
        return shown(self.value)


@dataclass(frozen=True)
class Bin:
    """One step of the legend: values from `low` up to `high` (the last step includes `high`)."""

    low: Decimal
    high: Decimal
    colour: str

    @property
    def label(self) -> str:
        return f"{plain(self.low)}–{plain(self.high)}"


def plain(value: Decimal) -> str:
    """A legend's bound as written: 20, 2.5, 250 (no trailing zeros, no exponent)."""
    return f"{value.normalize():f}"


@dataclass
class DistrictFigures:
    """One of the 16 districts as the map and the table show it."""

    code: str
    name: str  # the official Chinese name: the GeoJSON's feature name
    label: str  # the name in the interface's language
    district: District | None = None  # None: not on the portal
    url: str = ""  # the district's page, when the user may open it
    figures: dict[str, Figure] = field(default_factory=dict)  # by measure; empty: no data
    colour: str = NO_DATA_COLOUR

    @property
    def on_portal(self) -> bool:
        return self.district is not None

    @property
    def titles(self) -> Figure | None:
        return self.figures.get(Measure.TITLES)

    @property
    def reporting(self) -> Figure | None:
        return self.figures.get(Measure.REPORTING)

    @property
    def injuries(self) -> Figure | None:
        return self.figures.get(Measure.INJURIES)


@dataclass
class CityMap:
    measure: Measure
    rows: list[DistrictFigures]
    month: date  # last month, whose reports the reporting rate counts
    injury_period: Period
    bins: list[Bin]

    @property
    def measures(self) -> list[tuple[str, str]]:
        return list(Measure.choices)

    @property
    def unit(self) -> str:
        """What the chosen measure's values are in: "%" or "per 100,000"."""
        return "" if self.measure == Measure.INJURIES else "%"

    def chart(self) -> dict[str, Any]:
        """What the page's script draws (embedded with `json_script`): one item per district,
        named as the GeoJSON names it, with its colour, its value as printed and its page."""
        return {
            "measure": self.measure.label,
            "unit": self.unit,
            "noData": _("No data"),
            "noDataColour": NO_DATA_COLOUR,
            "districts": [
                {
                    "name": row.name,
                    "label": row.label,
                    "colour": row.colour,
                    "text": figure.text if (figure := row.figures.get(self.measure)) else "",
                    "value": float(figure.value) if figure and figure.value is not None else None,
                    "url": row.url,
                }
                for row in self.rows
            ],
        }


def measure_of(query: dict[str, str]) -> Measure:
    """The measure `?measure=` asks for (units holding a title when none); an unknown one is a
    bad query (the 400 page)."""
    asked = query.get("measure") or Measure.TITLES
    if asked not in Measure.values:
        raise BadQuery(errors.UNKNOWN_MEASURE, measure=asked[:40])
    return Measure(asked)


def injury_period(today: date) -> Period:
    """The last 12 whole months before the one holding `today`."""
    months = Month.last_months(INJURY_MONTHS, until=today)
    return Period(months[0], Month.last_day(months[-1]))


def city_map(user: User, measure: Measure, today: date | None = None) -> CityMap:
    """Beijing's 16 districts in the official list's order, each with the figures the user may
    read (see the module's docstring); five queries."""
    today = today or timezone.localdate()
    month = Month.previous(today)
    period = injury_period(today)
    visible = {district.code: district for district in District.objects.visible_to(user)}
    # Figures only where the user reads every unit of the district (a clerk reads one unit).
    counted = {d.pk: d for d in visible.values()} if user.sees_all_units else {}

    by_district = figures_by_district(user, counted, month, period, today) if counted else {}
    rows = []
    for code, division in official_districts().items():
        district = visible.get(code)
        rows.append(
            DistrictFigures(
                code=code,
                name=division.name,
                label=district.label if district else division.name,
                district=district,
                url=district.get_absolute_url() if district else "",
                figures=by_district.get(district.pk, {}) if district else {},
            )
        )
    bins = bins_for(measure, [row.figures.get(measure) for row in rows])
    for row in rows:
        row.colour = colour_of(row.figures.get(measure), bins)
    return CityMap(measure=measure, rows=rows, month=month, injury_period=period, bins=bins)


def figures_by_district(
    user: User, counted: dict[int, District], month: date, period: Period, today: date
) -> dict[int, dict[str, Figure]]:
    """District id → measure → figure, for the districts of `counted`; four queries."""
    units = CreatingUnit.objects.records_visible_to(user).filter(district__in=list(counted))
    unit_district = dict(units.order_by().values_list("pk", "district"))
    unit_ids = list(unit_district)
    rates = month_rates(units, month, by="district")
    holding = set(
        Certification.objects.visible_to(user)
        .held(today)
        .filter(unit__in=unit_ids)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    injuries = unit_period_totals(
        InjuryRecord.objects.visible_to(user).filter(unit__in=unit_ids),
        InjuryRollup.objects.visible_to(user).matching().filter(unit__in=unit_ids),
        {"n": period},
    )

    units_of: dict[int, int] = defaultdict(int)
    titled: dict[int, int] = defaultdict(int)
    records: dict[int, int] = defaultdict(int)
    for unit_id, district_id in unit_district.items():
        units_of[district_id] += 1
        titled[district_id] += unit_id in holding
    for unit_id, counts in injuries.items():
        records[unit_district[unit_id]] += counts["n"]

    figures: dict[int, dict[str, Figure]] = {}
    for district_id, district in counted.items():
        reported: Rate = rates.get(district_id, (Rate(0, 0), Rate(0, 0)))[0]
        figures[district_id] = {
            Measure.TITLES: rate_figure(Rate(titled[district_id], units_of[district_id])),
            Measure.REPORTING: rate_figure(reported),
            Measure.INJURIES: Figure(
                records[district_id],
                district.population,
                per_population(records[district_id], district.population, PER_100_000),
            ),
        }
    return figures


def rate_figure(rate: Rate) -> Figure:
    return Figure(rate.numerator, rate.denominator, rate.percent)


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (5 steps of it make the scale)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (value.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # not reached


def bins_for(measure: Measure, figures: list[Figure | None]) -> list[Bin]:
    """Five equal steps: 0–20 … 80–100 % for the shares; for the injury rate 0 to a round
    number at or above the highest rate shown (none when no district has a rate)."""
    if measure == Measure.INJURIES:
        values = [f.value for f in figures if f is not None and f.value is not None]
        if not values:
            return []
        step, colours = nice_ceiling(max(values) / 5), REDS
    else:
        step, colours = Decimal(20), BLUES
    return [Bin(step * i, step * (i + 1), colour) for i, colour in enumerate(colours)]


def colour_of(figure: Figure | None, bins: list[Bin]) -> str:
    """The colour of the step holding the figure's value; the no-data colour without one."""
    if figure is None or figure.value is None or not bins:
        return NO_DATA_COLOUR
    for step in bins:
        if figure.value < step.high:
            return step.colour
    return bins[-1].colour
