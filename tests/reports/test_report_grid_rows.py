"""The report grid from plain values (`report_grid`, `grid_rows_html`): the same cells and
rates as `completeness`, and each row's markup what the page's Django loop printed from
`completeness`'s rows (`report_grid_rows.html` keeps that loop), in both languages, for every
state a cell can be in — no report, a draft, submitted, approved, returned; on time, late,
overdue, not yet due; a unit not yet expected, with and without a report."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from programs.models import CreatingUnit, MonthlyReport
from programs.reports.selectors.completeness import completeness, report_grid, report_url
from programs.reports.views.grid import grid_rows_html
from safecommunity.links import reverse_each
from tests.factories import ProgramFactory, UnitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = MonthlyReport.Status
MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
TODAY = date(2026, 12, 3)  # November's reports fall due on 5 December: not yet overdue

# The grid's loop as the page's Django template wrote it, before the rows moved to Jinja2.
ROW_TEMPLATE = (Path(__file__).parent / "report_grid_rows.html").read_text()


@pytest.fixture(params=["en", "zh-hans"])
def language(request):
    with translation.override(request.param):
        yield request.param


def report(unit, month: date, status: str, first: datetime | None) -> None:
    MonthlyReport.objects.create(
        unit=unit,
        period=month,
        status=status,
        submitted_at=first,
        first_submitted_at=first,
        return_reason="请补充" if status == Status.RETURNED else "",
    )


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def units(db):
    """A unit in every state: on time, late, returned, a draft, none (overdue and not yet
    due); a unit joining in November with a report of October (not expected), and one whose
    name and code need escaping."""
    program = ProgramFactory(report_due_day=5, start_date=date(2025, 1, 1))
    steady = UnitFactory(program=program, code="T01", name="胜利街道")
    joiner = UnitFactory(
        program=program, code="110113001", name='Zone "<b>" & co\'s', joined_on=date(2026, 11, 20)
    )
    odd = UnitFactory(program=program, code="a&b?c", name="甲 <乙>")
    report(steady, MONTHS[0], Status.APPROVED, at(date(2026, 10, 5), 23))  # on time
    report(steady, MONTHS[1], Status.RETURNED, at(date(2026, 11, 6), 0))  # late, returned
    report(steady, MONTHS[2], Status.DRAFT, None)  # a draft, not yet due
    report(joiner, MONTHS[1], Status.SUBMITTED, at(date(2026, 11, 1)))  # before it joined
    report(odd, MONTHS[1], Status.DRAFT, at(date(2026, 11, 2)))  # reopened: still reported
    return CreatingUnit.objects.filter(program=program).order_by("code")


def test_the_cells_and_rates_are_completeness_s(units):
    grid = report_grid(units, MONTHS, today=TODAY)
    expected = completeness(units, MONTHS, today=TODAY)

    assert (grid.months, grid.columns) == (expected.months, expected.columns)
    assert (grid.reporting, grid.on_time) == (expected.reporting, expected.on_time)
    for row, old in zip(grid.rows, expected.rows, strict=True):
        assert (row["pk"], row["code"], row["name"]) == (old.unit.pk, old.unit.code, old.unit.name)
        assert [
            (c.month, c.expected, c.report_id, c.status, c.reported, c.returned, c.on_time, c.late)
            for c in row["cells"]
        ] == [
            (c.month, c.expected, c.report_id, c.status, c.reported, c.returned, c.on_time, c.late)
            for c in old.cells
        ]


def test_each_rows_markup_is_what_the_templates_loop_printed(units, language):
    old = completeness(units, MONTHS, today=TODAY)
    for row in old.rows:
        for cell in row.cells:
            cell.url = report_url(row.unit.code, cell.month)
    looped = engines["django"].from_string(ROW_TEMPLATE).render({"rows": old.rows})

    grid = report_grid(units, MONTHS, today=TODAY)

    assert grid_rows_html(grid.rows, grid.months) + "\n" == looped


@pytest.mark.parametrize("code", ["T01", "110113001", "Z-01 x", "甲01", "a&b?c#d%"])
def test_report_links_are_what_reverse_gives_for_each_code(code):
    assert reverse_each("programs:report-detail", 2)(code, "2026-11") == reverse(
        "programs:report-detail", args=[code, "2026-11"]
    )
