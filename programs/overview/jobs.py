"""Background work of the pages across domains: the dashboard's readiness table as an xlsx file.

The dashboard is read with a fixed number of queries, but for a district of 400 units they take
seconds; the file is written by a job, for the job's user, as the page shows the table to them
(`dashboard_for(record.user, query)`): same filters, same order, no evaluation columns for
those who may not see evaluations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from programs.core.choices import UnitKind
from programs.core.models import District
from programs.evaluations.selectors import evaluations_visible_to
from programs.jobs.exports import file_outcome, query_dict, rows_with_progress
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job
from programs.overview.errors import DISTRICT_OUT_OF_SCOPE, DistrictOutOfScope
from programs.overview.selectors.dashboard import dashboard_for
from programs.overview.selectors.readiness import ReadinessRow
from safecommunity.spreadsheets import WorkbookWriter

HEADERS = [
    gettext_noop("Code"),
    gettext_noop("Name"),
    gettext_noop("Kind"),
    gettext_noop("Pilot"),
    gettext_noop("Phase"),
    gettext_noop("Required milestones accepted"),
    gettext_noop("Required milestones"),
    gettext_noop("Overdue milestones"),
    gettext_noop("Reports submitted (12 months)"),
    gettext_noop("Reports on time (12 months)"),
    gettext_noop("Reports expected (12 months)"),
    gettext_noop("Last evaluation score"),
    gettext_noop("Maximum"),
    gettext_noop("Result"),
    gettext_noop("Kind of evaluation"),
    gettext_noop("Evaluated on"),
    gettext_noop("Quarters with a creation meeting"),
    gettext_noop("Quarters due"),
    gettext_noop("Injuries this year"),
    gettext_noop("Injuries last year (same dates)"),
    gettext_noop("Injuries per 100,000 (this year to date)"),
    gettext_noop("Title held"),
    gettext_noop("Title valid until"),
]
WIDTHS = (8, 26, 12, 6, 14, *[10] * 9, 16, 12, 10, 10, 10, 10, 10, 14, 14)
# The columns left out for those who may not see evaluations (providers).
EVALUATION = set(HEADERS[11:16])


def export_row(row: ReadinessRow, kinds: dict[str, str]) -> list[Any]:
    """A row of the file (`kinds`: each unit kind's label): the first columns as the progress
    export's (`progress_cells`), then the dashboard's own."""
    injuries = row["injuries"]
    evaluated_on = row["evaluation_on"]
    return [
        row["code"],
        row["name"],
        kinds.get(row["kind"], row["kind"]),
        _("yes") if row["is_pilot"] else _("no"),
        row["phase_label"],
        row["gate_accepted"],
        row["gate_total"],
        row["overdue_count"],
        row["reported"].numerator,
        row["on_time"].numerator,
        row["on_time"].denominator,
        row["evaluation_total"],
        row["evaluation_maximum"],
        row["evaluation_result_label"],
        row["evaluation_kind_label"],
        timezone.localdate(evaluated_on) if evaluated_on else None,
        row["meetings"].numerator,
        row["meetings"].denominator,
        injuries.now if injuries else None,
        injuries.before if injuries else None,
        injuries.rate if injuries else None,
        row["title_label"],
        row["title_valid_until"],
    ]


@job(label=gettext_lazy("Export of the dashboard"))
def export_dashboard(
    record: Job, *, query: dict[str, list[str]], district: str | None = None
) -> Outcome:
    """The readiness table with the page's filters and order (`query`), one row per unit; of
    the units of `district` (its code: the district's page) only, when given."""
    chosen = None
    if district is not None:
        chosen = District.objects.visible_to(record.user).filter(code=district).first()
        if chosen is None:  # the user's scope no longer holds it
            raise DistrictOutOfScope(DISTRICT_OUT_OF_SCOPE)
    _filterset, board = dashboard_for(record.user, query_dict(query), district=chosen)
    shown = evaluations_visible_to(record.user)
    columns = [n for n, header in enumerate(HEADERS) if shown or header not in EVALUATION]

    def write(path: Path) -> None:
        book = WorkbookWriter()
        sheet = book.sheet(
            _("Readiness"),
            [_(HEADERS[n]) for n in columns],
            widths=[WIDTHS[n] for n in columns],
            freeze="C2",
        )
        kinds = {value: str(label) for value, label in UnitKind.choices}
        rows = (export_row(row, kinds) for row in board.rows)
        for values in rows_with_progress(record, rows, len(board.rows)):
            sheet.row([values[n] for n in columns])
        book.save_to(path)

    return file_outcome(record, write, file_name=f"dashboard-{board.today:%Y%m%d}.xlsx")
