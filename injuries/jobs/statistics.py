"""Injury surveillance's background work: the statistics page's tables as an xlsx workbook.

The statistics are counted in at most six grouped queries (the whole months from the rollup, the
edge months from the records), and an export of a workbook still takes longer than a request
should; the job reads them for its user with the
filters the page checked (`StatisticsFilterForm.as_query`: the dates written out), and writes a
first sheet naming the filters and the headline numbers, then one sheet per table of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from injuries.errors import FILTERS_NO_LONGER_VALID, StatisticsRefused
from injuries.forms import StatisticsFilterForm
from injuries.selectors import Kind, Statistics, statistics_for
from programs.jobs.exports import file_outcome, query_dict
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job
from safecommunity.spreadsheets import WorkbookWriter

NUMBER_FORMATS = {Kind.PERCENT: "0.0", Kind.CHANGE: "+0.0;-0.0;0.0", Kind.RATE: "0.0"}


def statistics_workbook(
    stats: Statistics,
    summary: list[tuple[str, str]],
    rows: Callable[[list[list]], list[list]] = lambda rows: rows,
) -> WorkbookWriter:
    """The xlsx file: the filters and headline numbers, then a sheet per table of the page; each
    table's rows pass through `rows` (the job reports its progress there)."""
    book = WorkbookWriter()
    sheet = book.sheet(_("Filters"), widths=(28, 50))
    sheet.rows(summary)
    headline = stats.headline
    sheet.row()
    sheet.row([_("Headline")], bold=True)
    sheet.row([_("Records"), headline.total])
    sheet.row([_("Deaths"), headline.deaths])
    if stats.filters.compares:
        sheet.row([_("Change against the previous year (%)"), headline.change_previous])
        sheet.row([_("Change against the baseline year (%)"), headline.change_baseline])
    for table in stats.tables:
        sheet = book.sheet(
            table.title,
            [column.title for column in table.columns],
            widths=[24 if column.kind == Kind.LABEL else 14 for column in table.columns],
            formats=[NUMBER_FORMATS.get(column.kind) for column in table.columns],
            freeze="B2",
        )
        sheet.rows(rows(table.rows))
        if table.total:
            sheet.row(table.total, bold=True)
        if table.note:
            sheet.row()
            sheet.row([table.note])
    return book


@job(label=gettext_lazy("Export of the injury statistics"))
def export_statistics(record: Job, *, query: dict[str, list[str]]) -> Outcome:
    """The statistics page's tables for the filters `query`, among the records the job's user
    may see now; filters that no longer hold (a unit left the user's scope) refuse the job."""
    form = StatisticsFilterForm(query_dict(query), user=record.user)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        raise StatisticsRefused(FILTERS_NO_LONGER_VALID, errors=errors)
    stats = statistics_for(record.user, form.filters())
    total = sum(len(table.rows) for table in stats.tables)
    record.report_progress(0, total)
    written = 0

    def table_rows(rows: list[list]) -> list[list]:  # a table's rows: a step of the progress
        nonlocal written
        written += len(rows)
        record.report_progress(written, total)
        return rows

    def write(path: Path) -> None:
        statistics_workbook(stats, form.summary(), table_rows).save_to(path)

    period = stats.filters.period
    return file_outcome(
        record,
        write,
        file_name=f"injury-statistics-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
    )
