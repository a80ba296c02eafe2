"""The city dashboard: every district the user may see side by side, one row each, and the
city's total.

Read with a fixed number of queries whatever the number of districts, units, reports or injury
records: the districts, the units per phase (grouped by district), each unit's district and
highest title in force (plain values, which also place each unit's injury records), the
targets and their results (three), last month's reporting and on-time rates (grouped by
district, `month_rates`), and the injury records of the last 12 whole months (one, from the
rollup). Eight in all; no unit, report or cell is built as an object, so the page's Python does
not grow with the units.

What counts, decided once here, with the rules of the domains that own them:

- **Units per phase**: the units of each district by the order of their current phase (each
  district has its own programme and phases; the columns go by order, named by the phases'
  names), and those without a phase.
- **Titles**: the units whose highest title in force today is Beijing's, the national or the
  international one (`Certification.objects.held`, `highest_first`), as the dashboard counts
  them.
- **Targets**: met of all the targets of the district's programmes, each judged by
  `programs.titles.selectors.targets_results` (the progress page's and the dashboard's rule).
- **Reporting, on time**: last month's reports over the units expected to report, by the rules
  of `programs.reports.selectors.completeness` (reported once first submitted, on time by the
  due day; before the due day the rates count what came so far), summed per district in SQL by
  its `month_rates`.
- **Injuries per 100,000**: the injury records of the last 12 whole months (the months before
  this one), counted by `injuries.selectors.counts` from the rollup, over the district's resident
  population; "no data" for a district without one. The city's rate divides the records of the
  districts with a population by their residents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from injuries.models import InjuryRecord, InjuryRollup
from injuries.selectors import Period, rate, unit_period_totals
from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit, District, User
from programs.reports.selectors.completeness import Rate, month_rates
from programs.titles.models import Certification, Target
from programs.titles.selectors import TargetState, targets_results
from safecommunity.calendar import Month
from safecommunity.models import in_active_language

INJURY_MONTHS = 12  # the injury rate counts this many whole months before this one


@dataclass
class CityRow:
    """One district's line of the city dashboard (or, with `district` None, the city's total)."""

    district: District | None
    units: int = 0
    phases: Counter[int | None] = field(default_factory=Counter)  # phase order → units
    titles: Counter[str] = field(default_factory=Counter)  # highest title in force → units
    targets_met: int = 0
    targets_total: int = 0
    reporting: Rate = field(default_factory=lambda: Rate(0, 0))
    on_time: Rate = field(default_factory=lambda: Rate(0, 0))
    injuries: int = 0  # records of the last 12 whole months
    population: int | None = None  # of the districts the rate divides by
    # The records the rate counts, when not all of them (the city's: of the districts with a
    # population).
    rated_injuries: int | None = None
    # Filled by `CityBoard`: the units per phase and per title in the columns' order.
    phase_cells: list[int] = field(default_factory=list)
    title_cells: list[int] = field(default_factory=list)

    @property
    def titled(self) -> int:
        return sum(self.titles.values())

    @property
    def injury_rate(self) -> float | None:
        """Records per 100,000 residents, one decimal rounded half up; None without a
        population."""
        counted = self.injuries if self.rated_injuries is None else self.rated_injuries
        return rate(counted, self.population)


@dataclass(frozen=True)
class PhaseColumn:
    order: int | None  # None: units without a phase
    label: str


@dataclass
class CityBoard:
    today: date
    month: date  # last month: the reports the rates count
    injury_period: Period
    rows: list[CityRow]
    total: CityRow
    phases: list[PhaseColumn]
    levels: list[tuple[str, str]]  # (title level, label), lowest first

    def __post_init__(self) -> None:
        for row in [*self.rows, self.total]:
            row.phase_cells = [row.phases[column.order] for column in self.phases]
            row.title_cells = [row.titles[level] for level, _label in self.levels]


def _phase_columns(names: dict[int | None, list[str]]) -> list[PhaseColumn]:
    """A column per phase order found, named by the phases of that order (their distinct names
    joined, when districts name them differently), then "no phase"."""
    columns = [
        PhaseColumn(order, " / ".join(dict.fromkeys(names[order])))
        for order in sorted(order for order in names if order is not None)
    ]
    if None in names:
        columns.append(PhaseColumn(None, _("No phase")))
    return columns


def city_board(user: User, today: date | None = None) -> CityBoard:
    """The districts `user` may see, each with its figures, and the city's total: eight queries
    whatever the number of districts and units."""
    today = today or timezone.localdate()
    districts = list(District.objects.visible_to(user).order_by("code"))
    rows = {
        district.pk: CityRow(district, population=district.population) for district in districts
    }
    units = CreatingUnit.objects.records_visible_to(user).filter(district__in=list(rows))

    names: dict[int | None, list[str]] = {}
    phase_counts = (
        units.order_by()
        .values("district", "current_phase__order", "current_phase__name", "current_phase__name_en")
        .annotate(n=Count("pk"))
    )
    for row in phase_counts:
        order = row["current_phase__order"]
        rows[row["district"]].phases[order] += row["n"]
        rows[row["district"]].units += row["n"]
        label = row["current_phase__name"] or ""
        names.setdefault(order, []).append(
            in_active_language(label, row["current_phase__name_en"] or "")
        )

    highest = Certification.objects.held(today).filter(unit=OuterRef("pk")).highest_first()
    district_of: dict[int, int] = {}  # unit → district, for the injury records
    for unit_id, district_id, level in (
        units.order_by()
        .annotate(title=Subquery(highest.values("level")[:1]))
        .values_list("pk", "district", "title")
    ):
        district_of[unit_id] = district_id
        if level is not None:
            rows[district_id].titles[level] += 1

    targets = (
        Target.objects.visible_to(user)
        .filter(program__district__in=list(rows))
        .select_related("program")
    )
    for result in targets_results(targets, today):
        row = rows[result.target.program.district_id]
        row.targets_total += 1
        row.targets_met += result.state == TargetState.MET

    month = Month.last_months(1, until=today)[0]
    for district_id, (reporting, on_time) in month_rates(units, month, by="district").items():
        rows[district_id].reporting, rows[district_id].on_time = reporting, on_time

    months = Month.last_months(INJURY_MONTHS, until=today)
    period = Period(months[0], Month.last_day(months[-1]))
    counted = unit_period_totals(
        InjuryRecord.objects.visible_to(user),
        InjuryRollup.objects.visible_to(user).matching().filter(unit__in=units.values("pk")),
        {"year": period},
    )
    for unit_id, counts in counted.items():
        if unit_id in district_of:
            rows[district_of[unit_id]].injuries += counts.get("year", 0)

    return CityBoard(
        today=today,
        month=month,
        injury_period=period,
        rows=list(rows.values()),
        total=city_total(list(rows.values())),
        phases=_phase_columns(names),
        levels=[(value, str(label)) for value, label in TitleLevel.choices],
    )


def city_total(rows: list[CityRow]) -> CityRow:
    """The city's line: every figure summed; the rates over all expected units; the injury
    rate over the districts with a population (None when none has one)."""
    total = CityRow(None)
    with_population = [row for row in rows if row.population]
    for row in rows:
        total.units += row.units
        total.phases.update(row.phases)
        total.titles.update(row.titles)
        total.targets_met += row.targets_met
        total.targets_total += row.targets_total
        total.injuries += row.injuries
    total.reporting = Rate(
        sum(row.reporting.numerator for row in rows),
        sum(row.reporting.denominator for row in rows),
        returned=sum(row.reporting.returned for row in rows),
    )
    total.on_time = Rate(
        sum(row.on_time.numerator for row in rows), sum(row.on_time.denominator for row in rows)
    )
    if with_population:
        total.population = sum(row.population or 0 for row in with_population)
        total.rated_injuries = sum(row.injuries for row in with_population)
    return total
