"""Completeness and timeliness of the monthly reports (上报率, 及时率) over units × months.

The rules, decided once here:

- **Expected**: a unit is expected to report for a month when it had joined by the end of that
  month (`joined_on` on or before the month's last day). A unit without `joined_on` counts from
  its programme's start date.
- **Reported** (已报): a report counts once it has been submitted at least once
  (`first_submitted_at` is set), whatever its state now — a report returned for correction, or
  reopened after approval, was still reported. A draft never submitted does not count.
- **On time** (按时): the *first* submission came by the end of the programme's due day of the
  following month, in the portal's time zone (Asia/Shanghai); a resubmission after a return
  neither earns nor loses timeliness. The rule itself is `safecommunity.calendar`'s.
- **Returned** (其中已退回): of the reports counted as reported, those whose state is now
  "returned" — still reported, but waiting for the unit's correction; shown beside the
  reporting rate so that a rate of 100 % does not hide them.
- Both rates are (numerator, denominator, percent) over the expected units; the percentage has
  one decimal, rounded half up (`safecommunity.numbers`). A report from a unit
  not expected that month is shown in the grid but never counted, so a rate cannot pass 100 %.

`completeness()` reads everything with two queries — the units, then the reports of the range —
whatever the number of units and months. `report_grid()` gives the same grid with plain values
— the units read with `.values()`, each cell a `GridCell` tuple — for the grid page of every
unit of the city (400 units × 12 months), and shares the rules with `completeness()`: the cells
are read by `_cells`, counted by `_rates`. `month_rates()` gives one month's rates per group of
units (per district, say) in one grouped query, the same rules written in SQL, for pages that
show the rates and not the cells; `tests/reports/test_month_rates.py` holds the two to the same
numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple, Protocol, TypedDict

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractDay, TruncDate
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.core.models import CreatingUnit
from programs.reports.models import MonthlyReport
from safecommunity.calendar import Month, due_date, submitted_on_time
from safecommunity.numbers import percent

Status = MonthlyReport.Status


#: How far back a never-submitted month is still listed on the clerk's to-do.
REMIND_MONTHS_BACK = 12


def expected_from(unit: CreatingUnit) -> date:
    """The first month a unit is expected to report for: the month it joined."""
    return Month.first_day(unit.joined_on or unit.program.start_date)


@dataclass(frozen=True)
class Rate:
    """A share with its parts shown, never above 100 %. A reporting rate also says how many of
    the reports it counts are now returned (`returned`, part of the numerator)."""

    numerator: int
    denominator: int
    returned: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"{self.numerator}/{self.denominator} is not a rate")
        if not 0 <= self.returned <= self.numerator:
            raise ValueError(f"{self.returned} returned of {self.numerator} reported")

    @property
    def percent(self) -> Decimal | None:
        """One decimal, rounded half up (9 of 11 is 81.8)."""
        return percent(self.numerator, self.denominator)


def returned_text(rate: Rate) -> str:
    """ "of which 2 returned" (其中已退回 2): what a reporting rate says beside itself when some
    of the reports it counts are now returned."""
    return _("of which %(n)s returned") % {"n": rate.returned}


@dataclass
class Cell:
    """One unit's report for one month, as the grid shows it."""

    month: date
    expected: bool
    due: date
    report_id: int | None = None
    status: str = ""  # empty when there is no report
    first_submitted_at: datetime | None = None
    url: str = ""  # set by the page, for the rows it shows
    today: date | None = None  # the day lateness is judged on (None: the real today)

    @property
    def state(self) -> str:
        return self.status or "none"

    @property
    def reported(self) -> bool:
        return self.first_submitted_at is not None

    @property
    def returned(self) -> bool:
        """Reported, and now returned to the unit for correction."""
        return self.reported and self.status == Status.RETURNED

    @cached_property
    def on_time(self) -> bool | None:
        return submitted_on_time(self.first_submitted_at, self.due)

    @cached_property
    def late(self) -> bool:
        return is_late(self.expected, self.on_time, self.due, self.today or timezone.localdate())

    @property
    def timeliness(self) -> str:
        """ "on_time", "late" (submitted late, or not yet and overdue), "open" (expected, not
        yet due) or "none" (not expected): what the dashboard's squares and heatmap colour."""
        return timeliness(self.expected, self.on_time, self.due, self.today or timezone.localdate())

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status else ""


def is_late(expected: bool, on_time: bool | None, due: date, today: date) -> bool:
    """Submitted after the due day, or expected, still not submitted and past it on `today`
    (`on_time` is None before any submission)."""
    if on_time is not None:
        return not on_time
    return expected and today > due


def timeliness(expected: bool, on_time: bool | None, due: date, today: date) -> str:
    """A month's report as the dashboard's squares and heatmap colour it (`Cell.timeliness`):
    "none" when the unit was not expected to report, "on_time", "late" (submitted after the due
    day, or not submitted and past it) or "open" (not submitted, not yet due); `on_time` is
    None before any submission."""
    if not expected:
        return "none"
    if on_time:
        return "on_time"
    if on_time is False or today > due:
        return "late"
    return "open"


def cell_rates(cells: Iterable[Cell]) -> tuple[Rate, Rate]:
    """Reported (with how many of them are now returned) and on time, over the cells whose unit
    was expected to report that month."""
    expected = [cell for cell in cells if cell.expected]
    return (
        Rate(
            sum(cell.reported for cell in expected),
            len(expected),
            returned=sum(cell.returned for cell in expected),
        ),
        Rate(sum(bool(cell.on_time) for cell in expected), len(expected)),
    )


@dataclass
class Row:
    unit: CreatingUnit
    cells: list[Cell]


@dataclass(frozen=True)
class Column:
    """A month's rates across the units."""

    month: date
    reporting: Rate
    on_time: Rate


@dataclass
class Completeness:
    months: list[date]
    rows: list[Row]
    columns: list[Column] = field(default_factory=list)
    reporting: Rate = Rate(0, 0)
    on_time: Rate = Rate(0, 0)


class Counted(Protocol):
    """What `_rates` counts of a cell (`Cell` and `GridCell` alike)."""

    month: date
    expected: bool

    @property
    def reported(self) -> bool: ...

    @property
    def returned(self) -> bool: ...

    @property
    def on_time(self) -> bool | None: ...


def _reports(
    units: QuerySet[CreatingUnit], months: list[date]
) -> dict[tuple[int, date], tuple[int, str, datetime | None]]:
    """(unit id, month) → (report id, status, first submission) of the units' reports of the
    months' range; one query."""
    reports = MonthlyReport.objects.filter(
        unit__in=units.values("pk"), period__gte=months[0], period__lte=months[-1]
    ).values_list("unit_id", "period", "pk", "status", "first_submitted_at")
    return {(unit_id, period): rest for unit_id, period, *rest in reports}


def _rates(
    months: list[date], rows: Iterable[Iterable[Counted]]
) -> tuple[list[Column], Rate, Rate]:
    """Each month's reporting and on-time rates over the cells whose unit was expected, and
    both rates over all the months."""
    totals = {month: [0, 0, 0, 0] for month in months}  # expected, reported, on time, returned
    for cells in rows:
        for cell in cells:
            if cell.expected:
                count = totals[cell.month]
                count[0] += 1
                count[1] += cell.reported
                count[2] += bool(cell.on_time)
                count[3] += cell.returned
    columns = [
        Column(month, Rate(reported, expected, returned), Rate(on_time, expected))
        for month, (expected, reported, on_time, returned) in totals.items()
    ]
    expected = sum(c.reporting.denominator for c in columns)
    return (
        columns,
        Rate(
            sum(c.reporting.numerator for c in columns),
            expected,
            sum(c.reporting.returned for c in columns),
        ),
        Rate(sum(c.on_time.numerator for c in columns), expected),
    )


def completeness(
    units: QuerySet[CreatingUnit], months: Iterable[date], *, today: date | None = None
) -> Completeness:
    """Every unit's report state for each month, and each month's reporting and on-time rates
    over the units expected that month, lateness judged on `today`; two queries."""
    months = sorted({Month.first_day(month) for month in months})
    unit_list = list(units.select_related("program"))
    if not months:
        return Completeness(months=[], rows=[Row(unit, []) for unit in unit_list])
    found, dues = _reports(units, months), _DueDates(months)
    rows = [
        Row(
            unit,
            [
                Cell(
                    month=month,
                    expected=expected,
                    due=due,
                    report_id=report_id,
                    status=status,
                    first_submitted_at=first_submitted_at,
                    today=today,
                )
                for month, expected, due, (report_id, status, first_submitted_at) in _cells(
                    unit.pk, expected_from(unit), dues[unit.program.report_due_day], months, found
                )
            ],
        )
        for unit in unit_list
    ]
    columns, reporting, on_time = _rates(months, (row.cells for row in rows))
    return Completeness(
        months=months, rows=rows, columns=columns, reporting=reporting, on_time=on_time
    )


NO_REPORT: tuple[None, str, None] = (None, "", None)


class _DueDates(dict[int, list[date]]):
    """Due day → each month's due date, computed once per due day."""

    def __init__(self, months: list[date]) -> None:
        super().__init__()
        self.months = months

    def __missing__(self, due_day: int) -> list[date]:
        self[due_day] = [due_date(month, due_day) for month in self.months]
        return self[due_day]


def _cells(
    unit_id: int,
    start: date,
    dues: list[date],
    months: list[date],
    found: dict[tuple[int, date], tuple[int, str, datetime | None]],
) -> Iterator[tuple[date, bool, date, tuple[int | None, str, datetime | None]]]:
    """Each month's (month, expected, due, (report id, status, first submission)) for a unit
    expected from `start` whose reports fall due on `dues` (each month's due date)."""
    for month, due in zip(months, dues, strict=True):
        yield month, start <= month, due, found.get((unit_id, month), NO_REPORT)


class GridCell(NamedTuple):
    """One unit's report for one month as plain values (`report_grid`): what `Cell` says of
    it, each figure computed once."""

    month: date
    expected: bool
    report_id: int | None
    status: str  # empty when there is no report
    reported: bool
    returned: bool
    on_time: bool | None  # None before any submission
    late: bool


class GridRow(TypedDict):
    """A unit's line of the grid: its columns read with `.values()`, and its cells."""

    pk: int
    code: str
    name: str
    cells: list[GridCell]


@dataclass
class ReportGrid:
    months: list[date]
    rows: list[GridRow]
    columns: list[Column]
    reporting: Rate
    on_time: Rate


def report_grid(
    units: QuerySet[CreatingUnit],
    months: Iterable[date],
    *,
    today: date | None = None,
    zone: tzinfo | None = None,
) -> ReportGrid:
    """`completeness()` as plain values: every unit of `units` (code, name) with its cells as
    `GridCell` tuples, and the same rates; two queries, no model instance."""
    months = sorted({Month.first_day(month) for month in months})
    today = today or timezone.localdate()
    zone = zone or timezone.get_current_timezone()
    values = list(
        units.values(
            "pk",
            "code",
            "name",
            "joined_on",
            program_start=F("program__start_date"),
            due_day=F("program__report_due_day"),
        )
    )
    found, dues = _reports(units, months) if months else {}, _DueDates(months)
    rows: list[GridRow] = []
    for unit in values:
        # `expected_from`: the month the unit joined, else its programme's start.
        start = Month.first_day(unit["joined_on"] or unit["program_start"])
        cells = []
        for month, expected, due, (report_id, status, first_submitted_at) in _cells(
            unit["pk"], start, dues[unit["due_day"]], months, found
        ):
            on_time = submitted_on_time(first_submitted_at, due, zone)
            reported = first_submitted_at is not None
            cells.append(
                GridCell(
                    month,
                    expected,
                    report_id,
                    status,
                    reported,
                    reported and status == Status.RETURNED,
                    on_time,
                    is_late(expected, on_time, due, today),
                )
            )
        rows.append(GridRow(pk=unit["pk"], code=unit["code"], name=unit["name"], cells=cells))
    columns, reporting, on_time = _rates(months, (row["cells"] for row in rows))
    return ReportGrid(months, rows, columns, reporting, on_time)


def month_rates(
    units: QuerySet[CreatingUnit], month: date, *, by: str
) -> dict[object, tuple[Rate, Rate]]:
    """One month's reporting (with how many are now returned) and on-time rates over `units`,
    for each value of the units' column `by` (`"district"`): what `cell_rates` gives for the
    month's cells of those units, summed in one grouped query without reading a unit.

    The rules, as SQL: a unit is expected when its joined date (else its programme's start)
    falls on or before the month's last day; reported when the month's report has a first
    submission; on time when that first submission's day in the current time zone is on or
    before the due day of the following month — before the following month, or in it on a day
    of the month up to the programme's due day (1–28, a constraint of the programme's table)."""
    month = Month.first_day(month)
    following = Month.next(month)
    zone = timezone.get_current_timezone()
    submitted = "month_report__first_submitted_at"
    submitted_on = TruncDate(submitted, tzinfo=zone)
    expected = Q(
        LessThanOrEqual(Coalesce("joined_on", "program__start_date"), Month.last_day(month))
    )
    reported = expected & Q(**{f"{submitted}__isnull": False})
    on_time = reported & (
        Q(LessThan(submitted_on, following))
        | Q(LessThan(submitted_on, Month.next(following)))
        & Q(LessThanOrEqual(ExtractDay(submitted_on), F("program__report_due_day")))
    )
    rows = (
        units.alias(
            month_report=FilteredRelation(
                "monthly_reports", condition=Q(monthly_reports__period=month)
            )
        )
        .order_by()
        .values(by)
        .annotate(
            expected=Count("pk", filter=expected),
            reported=Count("pk", filter=reported),
            returned=Count("pk", filter=reported & Q(month_report__status=Status.RETURNED)),
            on_time=Count("pk", filter=on_time),
        )
    )
    return {
        row[by]: (
            Rate(row["reported"], row["expected"], returned=row["returned"]),
            Rate(row["on_time"], row["expected"]),
        )
        for row in rows
    }


def report_url(code: str, month: date) -> str:
    return reverse("programs:report-detail", args=[code, f"{month:%Y-%m}"])


def unit_report_cells(
    unit: CreatingUnit, months: list[date], *, today: date | None = None
) -> list[Cell]:
    """One unit's report state for each month (the unit's programme already loaded), lateness
    judged on `today`; one query."""
    if not months:
        return []
    found = {
        period: rest
        for period, *rest in MonthlyReport.objects.filter(
            unit=unit, period__gte=months[0], period__lte=months[-1]
        ).values_list("period", "pk", "status", "first_submitted_at")
    }
    start, due_day = expected_from(unit), unit.program.report_due_day
    cells = []
    for month in months:
        report_id, status, first_submitted_at = found.get(month, (None, "", None))
        cells.append(
            Cell(
                month=month,
                expected=start <= month,
                due=due_date(month, due_day),
                report_id=report_id,
                status=status,
                first_submitted_at=first_submitted_at,
                today=today,
            )
        )
    return cells
