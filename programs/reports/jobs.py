"""Monthly reports' background work: the export of every reported value the grid shows (ten
years of 400 units is 670,000 rows), as an xlsx workbook or, for the largest selections, as CSV
(written several times faster). The reminders are notifications' (`programs.notifications`)."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from programs.jobs.exports import file_outcome, query_dict, rows_with_progress
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job
from safecommunity.spreadsheets import WorkbookWriter, csv_to_file

from .selectors.values import (
    EXPORT_HEADERS,
    EXPORT_WIDTHS,
    completeness_units,
    report_values,
    value_rows,
)

#: The files the export writes: "xlsx" (the default) or "csv".
EXPORT_FORMATS = ("xlsx", "csv")


@job(label=_("Export of monthly report values"))
def export_report_values(
    record: Job, *, query: dict[str, list[str]], file_format: str = "xlsx"
) -> Outcome:
    """The grid's units and months (`query`, its filters with the months written out), every
    value of their reports the job's user may see, in one sheet (`file_format` "xlsx") or one
    CSV file ("csv")."""
    _filterset, units, months = completeness_units(record.user, query_dict(query))
    values = report_values(record.user, units, months)
    headers = [translation.gettext(text) for text in EXPORT_HEADERS]

    def write(path: Path) -> None:
        rows = rows_with_progress(record, value_rows(values), values.count())
        if file_format == "csv":
            csv_to_file(path, headers, rows)
            return
        book = WorkbookWriter()
        sheet = book.sheet(
            translation.gettext("Monthly report values"),
            headers,
            widths=EXPORT_WIDTHS,
            freeze="C2",
        )
        sheet.rows(rows)
        book.save_to(path)

    suffix = "csv" if file_format == "csv" else "xlsx"
    return file_outcome(
        record, write, file_name=f"monthly-reports-{timezone.localdate():%Y%m%d}.{suffix}"
    )
