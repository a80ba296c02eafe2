"""`month_rates`, the reporting and on-time rates summed per group of units in SQL, against the
rule it restates: `completeness`'s cells counted by `cell_rates`, on data that varies every
case the rules name — units joined before, during and after the month or never (the
programme's start), reports on time, late, submitted at the edge of the due day in Asia/Shanghai,
returned, drafts never submitted, reports of units not yet expected, programmes with different
due days — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from programs.models import CreatingUnit, MonthlyReport
from programs.reports.selectors.completeness import Rate, cell_rates, completeness, month_rates
from safecommunity.calendar import Month
from tests.factories import DistrictFactory, ProgramFactory, UnitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = MonthlyReport.Status
MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def python_rates(units, month: date) -> dict[int, tuple[Rate, Rate]]:
    """The rule itself: `completeness`'s cells of the month, per district, by `cell_rates`."""
    cells: dict[int, list] = {}
    for row in completeness(units, [month]).rows:
        cells.setdefault(row.unit.district_id, []).extend(row.cells)
    return {district: cell_rates(of_district) for district, of_district in cells.items()}


@pytest.fixture
def varied(db):
    """Two districts, three programmes (due on the 1st, 5th and 28th), 60 units joined at
    varied dates, and for each unit and month a report in a varied state, first submitted at a
    varied moment around its due day (or never)."""
    rng = random.Random(15)
    shunyi = DistrictFactory()
    huairou = DistrictFactory(code="110116", name="怀柔区")
    programmes = [
        ProgramFactory(code="p1", district=shunyi, report_due_day=1, start_date=date(2026, 10, 1)),
        ProgramFactory(code="p5", district=shunyi, report_due_day=5, start_date=date(2024, 1, 1)),
        ProgramFactory(
            code="p28", district=huairou, report_due_day=28, start_date=date(2026, 11, 30)
        ),
    ]
    joined = [
        None,
        date(2025, 3, 7),
        date(2026, 10, 1),
        date(2026, 10, 31),
        date(2026, 11, 15),
        date(2026, 11, 30),
        date(2026, 12, 1),
    ]
    for n in range(60):
        unit = UnitFactory(
            code=f"V{n:02d}", program=programmes[n % 3], joined_on=joined[n % len(joined)]
        )
        due_day = unit.program.report_due_day
        for month in MONTHS:
            kind = rng.randrange(7)
            if kind == 0:
                continue  # no report
            due = Month.next(month).replace(day=due_day)
            first = rng.choice(
                [
                    at(due, 23, 59),  # the last minute of the due day: on time
                    at(due + timedelta(days=1), 0, 1),  # the first of the next: late
                    at(due, 0, 0) - timedelta(hours=9),  # 15:00 UTC the day before
                    at(Month.last_day(month), 20),  # within the month itself
                    at(Month.next(Month.next(month)), 9),  # a month late
                    at(due.replace(day=1), 7) if due_day > 1 else at(due, 1),
                ]
            )
            status = rng.choice([Status.SUBMITTED, Status.APPROVED, Status.RETURNED])
            if kind == 1:
                status, first = Status.DRAFT, None  # a draft never submitted
            elif kind == 2:
                status = Status.DRAFT  # reopened after a submission: still reported
            MonthlyReport.objects.create(
                unit=unit,
                period=month,
                status=status,
                submitted_at=first,
                first_submitted_at=first,
                return_reason="请补充" if status == Status.RETURNED else "",
            )
    return shunyi, huairou


@pytest.mark.parametrize("month", MONTHS)
def test_the_sql_rates_equal_the_cells_rates_per_district(varied, month):
    units = CreatingUnit.objects.all()

    assert month_rates(units, month, by="district") == python_rates(units, month)


def test_the_varied_data_holds_every_case_the_rules_name(varied):
    """The comparison above means something only if each case occurs: late and on-time
    reports, returned ones, units not yet expected, and reports of such units."""
    units = CreatingUnit.objects.all()
    cells = [
        cell for month in MONTHS for row in completeness(units, [month]).rows for cell in row.cells
    ]
    expected = [cell for cell in cells if cell.expected]
    assert any(cell.on_time for cell in expected)
    assert any(cell.on_time is False for cell in expected)
    assert any(cell.returned for cell in expected)
    assert any(cell.expected and not cell.reported and cell.report_id for cell in cells)
    assert any(not cell.expected and cell.reported for cell in cells)


def test_a_group_takes_only_its_units(varied):
    _shunyi, huairou = varied
    units = CreatingUnit.objects.filter(district=huairou)

    rates = month_rates(units, date(2026, 11, 1), by="district")

    assert list(rates) == [huairou.pk]
    assert rates == python_rates(units, date(2026, 11, 1))


def test_a_report_first_submitted_at_the_due_days_last_minute_is_on_time(db):
    program = ProgramFactory(report_due_day=5)
    on_time, late = UnitFactory(program=program), UnitFactory(program=program)
    for unit, first in ((on_time, at(date(2026, 12, 5), 23, 59)), (late, at(date(2026, 12, 6), 0))):
        MonthlyReport.objects.create(
            unit=unit,
            period=date(2026, 11, 1),
            status=Status.SUBMITTED,
            submitted_at=first,
            first_submitted_at=first,
        )

    rates = month_rates(CreatingUnit.objects.all(), date(2026, 11, 1), by="district")

    assert rates == {program.district_id: (Rate(2, 2), Rate(1, 2))}
