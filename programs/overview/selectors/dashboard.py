"""The district dashboard: the whole programme on one page.

Everything here is read with a fixed number of queries, whatever the number of units, months,
reports or injury records: the units with their readiness columns annotated in SQL (one query),
then one query each for the monthly reports, the creation work meetings, the injury records
(two: the rollup's whole months, this month's records), the evaluation schemes' points, the
titles in force, the programme and the phase counts; the targets take four more (their results
three, their history one).

What counts, decided once here:

- **Readiness row** of a unit: its phase and the required milestones of that phase accepted;
  open milestones past due; monthly reports submitted on time over the last 12 due months
  (`programs.completeness` rules); the final evaluation that speaks for it among those the user
  may see — its latest district review or expert evaluation, else its latest self-assessment
  (score, share of the scheme's maximum, result, kind); creation work meetings held in the last
  four completed quarters (since it joined); injury records this year to date against the same
  dates last year, and the rate per 100,000 residents; the highest title in force.
- **This month's reporting**: last month, whose reports fall due on the programme's due day of
  this month: reported and on time so far, over the units expected to report.
- **Titles expiring**: titles in force that end within the first warning (90 days).
- **Certification progress**: at the end of each month since the programme started, the value
  each target measures (units or pilots holding the level or a higher one), against the target's
  straight line from zero at the programme's start to its threshold at its deadline. Expired
  titles count while they were in force; a revoked title is not counted at all (the portal does
  not know since when it was revoked).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    QuerySet,
)
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from injuries.models import InjuryRecord
from injuries.selectors import change
from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit, District, Program, User
from programs.evaluations.models import Evaluation
from programs.funds.selectors import execution_total
from programs.overview.filters import DashboardFilter
from programs.overview.selectors.readiness import (
    ReadinessRow,
    injury_counts,
    injury_periods,
    readiness_rows,
    rows_sorted,
    units_with_readiness,
)
from programs.reports.selectors.completeness import Rate, completeness, returned_text
from programs.titles.models import EXPIRY_WARNINGS, LEVEL_RANK, Certification, levels_at_least
from programs.titles.selectors import TargetResult, target_numerator, targets_evaluate
from safecommunity.calendar import Month
from safecommunity.money import shown_yuan
from safecommunity.numbers import percent, shown

# --- Headline numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One number at the top of the dashboard (and the admin index), with a word of detail and
    the page it comes from."""

    key: str
    label: str
    value: str
    detail: str
    url: str


@dataclass
class TitleSummary:
    held: int  # units holding a title in force
    by_level: list[tuple[str, int]]  # (level label, units whose highest title is that level)
    expiring: list[Certification]  # in force, ending within the first warning


def title_summary(units: QuerySet[CreatingUnit], today: date) -> TitleSummary:
    """Titles in force among `units`, by highest level, and those about to expire; one query."""
    titles = list(
        Certification.objects.held(today)
        .filter(unit__in=units.values("pk"))
        .select_related("unit")
        .order_by("valid_until")
    )
    highest: dict[int, str] = {}
    for title in titles:
        if LEVEL_RANK[title.level] >= LEVEL_RANK.get(highest.get(title.unit_id, ""), 0):
            highest[title.unit_id] = title.level
    by_level = [
        (str(label), sum(1 for level in highest.values() if level == value))
        for value, label in TitleLevel.choices
    ]
    horizon = today + timedelta(days=max(EXPIRY_WARNINGS))
    return TitleSummary(
        held=len(highest),
        by_level=by_level,
        expiring=[title for title in titles if title.valid_until <= horizon],
    )


def _separator() -> str:
    return pgettext("list separator", ", ")  # "、" in Chinese


def _rate_detail(rate: Rate, board: Dashboard) -> str:
    """ "35 of 38 units"; before the due day "12 of 38 units so far · due 12-05"; with "of
    which 2 returned" when reports it counts are now returned."""
    counts = {"n": rate.numerator, "d": rate.denominator}
    if board.month_due is None or board.today > board.month_due:
        text = _("%(n)s of %(d)s units") % counts
    else:
        text = _("%(n)s of %(d)s units so far · due %(due)s") % {
            **counts,
            "due": f"{board.month_due:%m-%d}",
        }
    if rate.returned:
        text += " · " + returned_text(rate)
    return text


def _percent(rate: Rate) -> str:
    return "—" if rate.percent is None else f"{rate.percent}%"


def _change_text(now: int, before: int) -> str:
    difference = change(now, before)
    if difference is None:
        return _("last year: %(before)s") % {"before": before}
    return _("%(change)+.1f%% on last year (%(before)s)") % {"change": difference, "before": before}


# --- The whole page ------------------------------------------------------------------------------


@dataclass
class TargetSeries:
    """A target's value at each month's end since the programme began, and its straight line."""

    result: TargetResult
    months: list[date]
    values: list[float]
    line: list[tuple[date, float]]  # (programme start, 0) → (deadline, threshold)

    def as_chart(self) -> dict[str, Any]:
        target = self.result.target
        return {
            "id": target.code,
            "name": target.name,
            "unit": "%" if self.result.denominator is not None else "",
            "actual": [[f"{m:%Y-%m-%d}", v] for m, v in zip(self.months, self.values, strict=True)],
            "line": [[f"{d:%Y-%m-%d}", v] for d, v in self.line],
            "threshold": float(target.threshold),
            "deadline": f"{target.deadline:%Y-%m-%d}",
        }


def _month_ends(first: date, last: date) -> list[date]:
    return [min(Month.last_day(month), last) for month in Month.between(first, last)]


def certification_series(
    program: Program, results: list[TargetResult], today: date
) -> list[TargetSeries]:
    """Each target's measured value at every month's end from the programme's start to today;
    one query for the titles (the unit counts come with the targets' results)."""
    titles = list(
        Certification.objects.filter(
            unit__program=program,
            status__in=[Certification.Status.NAMED, Certification.Status.EXPIRED],
            named_on__lte=today,
            valid_until__isnull=False,  # an expired title recorded without its end is not drawn
        ).values_list("unit_id", "unit__is_pilot", "level", "named_on", "valid_until")
    )
    months = _month_ends(program.start_date, today)
    series = []
    for result in results:
        target = result.target
        levels = set(levels_at_least(target.level))
        relevant = [
            (unit_id, is_pilot, named_on, valid_until)
            for unit_id, is_pilot, level, named_on, valid_until in titles
            if level in levels
        ]
        values = []
        for month_end in months:
            holding = {
                (unit_id, is_pilot)
                for unit_id, is_pilot, named_on, valid_until in relevant
                if named_on <= month_end <= valid_until
            }
            numerator = target_numerator(target, holding)
            if result.denominator is None:
                values.append(float(numerator))
            else:
                share = percent(numerator, result.denominator) or Decimal(0)
                values.append(float(share))  # a number in the chart's JSON
        line = [(program.start_date, 0.0), (target.deadline, float(target.threshold))]
        series.append(TargetSeries(result, months, values, line))
    return series


@dataclass
class Dashboard:
    today: date
    program: Program | None
    rows: list[ReadinessRow]
    months: list[date]
    targets: list[TargetSeries] = field(default_factory=list)
    phases: list[dict] = field(default_factory=list)
    titles: TitleSummary | None = None
    month_reporting: Rate = field(default_factory=lambda: Rate(0, 0))
    month_on_time: Rate = field(default_factory=lambda: Rate(0, 0))
    injuries_now: int | None = None
    injuries_before: int | None = None
    unit_count: int = 0
    month_due: date | None = None  # the day last month's reports fall due
    district: District | None = None  # a district's page: its cards link to its units only

    @property
    def month(self) -> date | None:
        return self.months[-1] if self.months else None

    @property
    def injury_period_label(self) -> str:
        """The dates the injury columns count, this year to date: "2026-01-01 – 12-06"."""
        now, _before = injury_periods(self.today)
        return f"{now.start:%Y-%m-%d} – {now.end:%m-%d}"

    def headlines(self) -> list[Headline]:
        return _headlines(self)

    def result_counts(self) -> list[tuple[str, str, int]]:
        """(result, label, units) for each result of the latest evaluations, then "none"."""
        counts = Counter(row["evaluation_result"] or "none" for row in self.rows)
        choices = [*Evaluation.Result.choices, ("none", _("Not evaluated"))]
        return [(key, str(label), counts[key]) for key, label in choices]

    def charts(self) -> dict[str, Any]:
        """What the page's charts draw, as JSON-ready data with translated labels."""
        return {
            "phases": {
                "categories": [row["name"] or _("No phase") for row in self.phases],
                "data": [row["count"] for row in self.phases],
                "orders": [row["order"] or 0 for row in self.phases],
            },
            "targets": [series.as_chart() for series in self.targets],
            "results": [
                {"key": key, "name": str(label), "value": count}
                for key, label, count in self.result_counts()
            ],
            "labels": {
                "actual": _("Actual"),
                "line": _("Target line"),
                "units": _("Units"),
            },
        }


def dashboard_program(user: User, district: District | None = None) -> Program | None:
    """The programme whose targets the dashboard follows: the latest of `district`, else of
    the user's district. Over the units of several districts (the city role or an
    administrator without a district chosen) none: each district's targets are its own, and
    its page shows them. One query."""
    programs = Program.objects.visible_to(user).order_by("-start_date")
    if district is not None:
        programs = programs.filter(district=district)
    found = list(programs)
    if len({program.district_id for program in found}) > 1:
        return None
    return found[0] if found else None


def dashboard_build(
    user: User,
    units: QuerySet[CreatingUnit],
    today: date | None = None,
    *,
    district: District | None = None,
) -> Dashboard:
    """The dashboard for `units` (already scoped to the user and filtered, and to `district`
    when given): the rows, the programme's targets and their history, phases, titles, this
    month's reporting and the injury totals."""
    today = today or timezone.localdate()
    table = readiness_rows(user, units, today)
    rows = table.rows
    program = dashboard_program(user, district)
    board = Dashboard(
        today=today,
        program=program,
        rows=rows,
        months=table.months,
        unit_count=len(rows),
        district=district,
    )
    board.phases = units.phase_counts() if rows else []
    board.titles = title_summary(units, today)
    if program is not None and user.sees_all_units:
        board.targets = certification_series(program, targets_evaluate(program, today), today)
    board.month_due = table.month_due
    board.month_reporting, board.month_on_time = table.month_reporting, table.month_on_time
    trends = [row["injuries"] for row in rows if row["injuries"] is not None]
    if trends:
        board.injuries_now = sum(trend.now for trend in trends)
        board.injuries_before = sum(trend.before for trend in trends)
    return board


def _headlines(board: Dashboard) -> list[Headline]:
    """The headline cards. Their pages list every unit the user may see; a district's page
    links them to that district's (`?district=<code>`, the pages' district filter)."""

    def link(name: str, **query: str) -> str:
        if board.district is not None:
            query["district"] = board.district.code
        return reverse(name) + (f"?{urlencode(query)}" if query else "")

    units = board.unit_count
    titles = board.titles or TitleSummary(0, [], [])
    month = f"{board.month:%Y-%m}" if board.month else "—"
    headlines = [
        Headline(
            "units",
            _("Creating units"),
            str(units),
            _separator().join(
                f"{row['name'] or _('No phase')} {row['count']}" for row in board.phases
            ),
            link("programs:unit-list"),
        ),
        Headline(
            "titled",
            _("Holding a title"),
            str(titles.held),
            _separator().join(f"{label} {count}" for label, count in titles.by_level if count),
            link("programs:progress", sort="title"),
        ),
        Headline(
            "expiring",
            _("Titles expiring"),
            str(len(titles.expiring)),
            _("within %(days)s days") % {"days": max(EXPIRY_WARNINGS)},
            link("programs:progress", sort="expiry"),
        ),
        Headline(
            "reporting",
            _("Reported for %(month)s") % {"month": month},
            _percent(board.month_reporting),
            _rate_detail(board.month_reporting, board),
            link("programs:report-grid"),
        ),
        Headline(
            "on_time",
            _("On time for %(month)s") % {"month": month},
            _percent(board.month_on_time),
            _rate_detail(board.month_on_time, board),
            link("programs:report-grid"),
        ),
    ]
    if board.injuries_now is not None:
        headlines.append(
            Headline(
                "injuries",
                _("Injuries this year"),
                str(board.injuries_now),
                _change_text(board.injuries_now, board.injuries_before or 0),
                link("injuries:statistics"),
            )
        )
    return headlines


def funds_headline(user: User, board: Dashboard) -> Headline | None:
    """The creation funds' card for those who see funds (`User.sees_funds`; None, and no query,
    for others): this year's budget, spending and execution rate of the units in view — the
    table's rows, the units the user reads —, linking to `/funds/` (of the district, on a
    district's page). One query (`funds.selectors.execution_total`)."""
    if not user.sees_funds:
        return None
    year = board.today.year
    total = execution_total([row["pk"] for row in board.rows], year)
    query = {"year": year}
    if board.district is not None:
        query["district"] = board.district.code
    rate = total.execution_rate
    return Headline(
        "funds",
        _("Funds executed in %(year)s") % {"year": year},
        "—" if rate is None else f"{shown(rate)}%",
        _("%(spent)s of %(budget)s yuan spent")
        % {"spent": shown_yuan(total.spent), "budget": shown_yuan(total.budget)},
        f"{reverse('programs:funds')}?{urlencode(query)}",
    )


def headline_numbers(user: User, today: date | None = None) -> list[Headline]:
    """The dashboard's headline numbers over every unit the user may see, without its rows (for
    the admin index): the same rules, a handful of small queries."""
    today = today or timezone.localdate()
    units = CreatingUnit.objects.records_visible_to(user)
    grid = completeness(units, Month.last_months(1, until=today), today=today)
    board = Dashboard(today=today, program=None, rows=[], months=grid.months)
    board.unit_count = len(grid.rows)
    board.phases = units.phase_counts() if grid.rows else []
    board.titles = title_summary(units, today)
    board.month_reporting, board.month_on_time = grid.reporting, grid.on_time
    board.month_due = next((row.cells[0].due for row in grid.rows if row.cells), None)
    if InjuryRecord.objects.unit_ids_visible_to(user) != set():
        counts = injury_counts(user, [row.unit.pk for row in grid.rows], today).values()
        board.injuries_now = sum(now for now, _before in counts)
        board.injuries_before = sum(before for _now, before in counts)
    return board.headlines()


def dashboard_filter(
    user: User, query: QueryDict, today: date, *, district: District | None = None
) -> DashboardFilter:
    """The readiness table's filters over the units the user may see (of `district` only, when
    given), as `query` asks; its `qs` raises `BadQuery` for a search the filter refuses (the
    400 page)."""
    units = units_with_readiness(user, today, district=district)
    return DashboardFilter(query, queryset=units, user=user)


def dashboard_for(
    user: User, query: QueryDict, *, district: District | None = None
) -> tuple[DashboardFilter, Dashboard]:
    """The dashboard over the units the user may see — of `district` only, when given (a
    district's page) —, filtered and sorted as `query` asks: the page with `request.user` and
    `request.GET`, the export's job with its own user and query."""
    today = timezone.localdate()
    filterset = dashboard_filter(user, query, today, district=district)
    board = dashboard_build(user, filterset.qs, today, district=district)
    board.rows = rows_sorted(board.rows, query.get("sort", ""))
    return filterset, board
