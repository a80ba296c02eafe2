"""Monthly reports' background work: the export of every reported value the grid shows (ten
years of 400 units is 670,000 rows). The reminders are notifications' (`programs.notifications`)."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from programs.jobs.exports import file_outcome, query_dict, rows_with_progress
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job
from safecommunity.spreadsheets import WorkbookWriter

from .selectors.values import (
    EXPORT_HEADERS,
    EXPORT_WIDTHS,
    completeness_units,
    report_values,
    value_rows,
)


@job(label=_("Export of monthly report values"))
def export_report_values(record: Job, *, query: dict[str, list[str]]) -> Outcome:
    """The grid's units and months (`query`, its filters with the months written out), every
    value of their reports the job's user may see, in one sheet."""
    _filterset, units, months = completeness_units(record.user, query_dict(query))
    values = report_values(record.user, units, months)

    def write(path) -> None:
        book = WorkbookWriter()
        sheet = book.sheet(
            translation.gettext("Monthly report values"),
            [translation.gettext(text) for text in EXPORT_HEADERS],
            widths=EXPORT_WIDTHS,
            freeze="C2",
        )
        sheet.rows(rows_with_progress(record, value_rows(values), values.count()))
        book.save_to(path)

    return file_outcome(
        record, write, file_name=f"monthly-reports-{timezone.localdate():%Y%m%d}.xlsx"
    )
