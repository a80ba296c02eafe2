"""Bringing injury records in from hospitals' and departments' spreadsheets.

One function does it, for the import page and for `manage.py import_injuries` alike:
`injuries_import(path=…, user=…, batch=…, commit=…)` reads the file as a stream (`files`), a
chunk of rows at a time, reads and checks the chunk column by column through the fields of
`InjuryRecordResource` (`rows`: each distinct cell of a column once), finds the records the
file already holds (one query per chunk) and, under a batch, stages the checked rows
(`chunks`: COPY into `StagedRecord`, by column). Memory stays flat however long the file; the
checks are the model's rules, written out for a chunk of rows instead of `full_clean()` per
row. The batch's use cases (preview, commit, withdraw) are here
too, and every message an import can give is named on this module as in `injuries.errors`.

Each row is checked once:

- A preview (`batch_preview`) checks the file, counts rows to add, update and leave unchanged,
  and rows in error (each error with its row number, column and message), and stages the
  checked rows under its batch — all in one transaction with the batch.
- The commit (`batch_commit`, the batch's move `commit`) moves the staged rows into the records
  in a few set-based statements (`staging`), deciding insert or update by the data as it is
  then, and checking by joins only what the data around the rows may have changed since (a
  unit, the user's rights, a card now under another unit): if any row is refused, nothing is
  written. The file is not read again. A command's file or a JSON batch of cards is checked,
  staged and moved in one go, in one transaction.
- A record is known by (source, reporting organisation, card number); importing the same file
  twice adds nothing, and a changed row updates its record, keeping the values it had in an
  `ImportBatchChange` so that the batch can be withdrawn (`batch_withdraw`).
- A file with a column of personal identifiers (name, ID number, phone, address) is refused
  whole, before any row is read, and is not kept.
- The uploaded file waits between the check and the import in the shared storage
  (`files.upload_store`), under the name the batch keeps; whoever reads it (a worker on another
  machine) reads a local copy (`files.stored_copy`).
- `progress(done, total)`, when given, is told how many rows were read after each chunk: the
  jobs that run the check and the import (`injuries.jobs`) show it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

# Besides the refusals raised here, every message an import gives is named on this module (see
# `__all__`), so that the import page, the command and their tests find them in one place.
from injuries.errors import (
    AGE_OUT_OF_RANGE,
    BAD_ICD10,
    BATCH_CHANGED_LATER,
    BATCH_FILE_GONE,
    BATCH_HAS_ERRORS,
    BATCH_NOT_IMPORTED,
    BATCH_NOT_WAITING,
    IN_THE_FUTURE,
    NOTHING_IMPORTED,
    OTHER_UNITS_CARD,
    REFUSED_ENCODING,
    REFUSED_FILE_TYPE,
    REFUSED_IDENTIFIERS,
    REFUSED_MISSING_COLUMNS,
    REFUSED_NO_HEADER,
    REFUSED_TOO_BIG,
    REFUSED_TOO_MANY_ROWS,
    REFUSED_UNREADABLE,
    REPEATED_ROW,
    REQUIRED_VALUE,
    TOO_LONG,
    BatchError,
    ImportRefused,
)
from injuries.models import ImportBatch
from injuries.resources import InjuryRecordResource
from injuries.services.chunks import ChunkImporter
from injuries.services.files import (
    SpreadsheetRows,
    check_size,
    file_sha256,
    stored_copy,
    stored_delete,
)
from injuries.services.rows import Columns, Problem, RowSource
from injuries.services.staging import staged_discard, staged_move
from injuries.services.waiting import batch_discard_waiting, batches_discard_stale
from injuries.services.withdrawals import batch_withdraw
from programs.core.models import EventKind
from programs.core.transitions import Step, record_event, transition

if TYPE_CHECKING:
    from programs.core.models import User

#: Rows read, checked and written at a time: memory stays flat however long the file. The
#: progress of a check or an import is told after each chunk (1,000 or 2,000 rows a chunk take
#: the same time at 100,000 rows).
CHUNK_ROWS = 1000
#: How many errors and warnings a preview keeps to show; all of them are counted.
PROBLEMS_KEPT = 500


@dataclass
class ImportReport:
    """What an import found or did."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rows_in_error: int = 0
    rows_warned: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    committed: bool = False

    @classmethod
    def of(cls, batch: ImportBatch) -> ImportReport:
        """The counts a batch recorded (its problems aside)."""
        return cls(
            rows=batch.rows_total,
            added=batch.rows_added,
            updated=batch.rows_updated,
            unchanged=batch.rows_unchanged,
            rows_in_error=batch.rows_in_error,
            rows_warned=batch.rows_warned,
            ignored_columns=list(batch.ignored_columns),
            committed=batch.is_imported,
        )

    @property
    def ok(self) -> bool:
        return self.rows_in_error == 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def note(self, problem: Problem) -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)


# --- The import ---------------------------------------------------------------------------------

#: Told how far a check or an import is: (rows read, rows the file has at most).
Progress = Callable[[int, int], None]


def injuries_import(
    *,
    path: Path,
    user: User | None,
    batch: ImportBatch | None = None,
    commit: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and with `commit=True` import) the injury records of the file at `path`.

    `user` decides the units rows may go to and the records they may change (None: a script
    with every right). Under a `batch` the checked rows are staged (all or, with a row in
    error, none); committing needs it: the staged rows are then moved into the records under
    the batch, and its counts are updated. Raises `ImportRefused` for a file refused whole.
    `progress` is told the rows read after each chunk (inside the transaction, once the chunk
    is checked and staged), and at the end the rows the file had.
    """
    check_size(path.stat().st_size)
    with SpreadsheetRows(path) as rows:
        return rows_import(
            source=RowSource(rows.header, rows, total=rows.total),
            user=user,
            batch=batch,
            commit=commit,
            progress=progress,
        )


def rows_import(
    *,
    source: RowSource,
    user: User | None,
    batch: ImportBatch | None = None,
    commit: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and with `commit=True` import) the rows of `source` — a file's, or the cards of
    a JSON batch (`injuries.services.cards`) —: the one path both take, as `injuries_import`
    describes it."""
    if commit and batch is None:
        raise ValueError("A commit writes records under a batch.")
    report = (source.report_type or ImportReport)()
    with transaction.atomic():
        resource = InjuryRecordResource(user=user)
        columns = Columns.of(source.header, resource)
        known = set(columns.positions.values())
        report.ignored_columns = [h for n, h in enumerate(source.header) if n not in known and h]
        importer = ChunkImporter(columns, user, batch, report, repeated=source.repeated)
        limit = settings.INJURY_IMPORT_MAX_ROWS
        tell = progress or (lambda done, total: None)
        tell(0, source.total)
        rows = iter(source.rows)
        while chunk := list(islice(rows, CHUNK_ROWS)):
            report.rows += len(chunk)
            if report.rows > limit:
                raise ImportRefused(REFUSED_TOO_MANY_ROWS, limit=limit)
            importer.take(chunk)
            tell(report.rows, max(source.total, report.rows))
        if batch is not None:
            batch.checked_fields = list(columns.written_fields) if report.ok else []
            if not report.ok:
                staged_discard(batch)
        if commit:
            if report.ok:
                _move(batch, user, report, checked_now=True)
            if report.ok:
                _record_batch(batch, report, imported=True)
                report.committed = True
            else:
                transaction.set_rollback(True)
        tell(report.rows, report.rows)
    return report


def _move(
    batch: ImportBatch, user: User | None, report: ImportReport, *, checked_now: bool = False
) -> None:
    """Move the batch's staged rows into the records; the report takes what the move did, or
    the rows it refused."""
    moved = staged_move(
        batch=batch, user=user, fields=batch.checked_fields, checked_now=checked_now
    )
    if not moved.refused and moved.staged != report.rows:
        # Rows lost from the staging table (PostgreSQL empties an UNLOGGED table after a
        # crash): what was moved is undone with the transaction, and the file must come again.
        raise BatchError(BATCH_FILE_GONE)
    for problem in moved.refused:
        report.note(problem)
    report.rows_in_error = len(moved.refused)
    if not moved.refused:
        report.added, report.updated, report.unchanged = moved.added, moved.updated, moved.unchanged


def staged_commit(
    *, batch: ImportBatch, user: User | None, progress: Progress | None = None
) -> ImportReport:
    """Import a previewed batch from its staged rows, without reading or checking the file
    again: the counts are what the move did; warnings stay the preview's."""
    report = ImportReport.of(batch)
    report.problems = [
        Problem(p["row"], p["column"], p["message"], p["error"]) for p in batch.problems
    ]
    tell = progress or (lambda done, total: None)
    tell(0, report.rows)
    _move(batch, user, report)
    if report.ok:
        _record_batch(batch, report, imported=True)
        report.committed = True
    tell(report.rows, report.rows)
    return report


def _record_batch(batch: ImportBatch, report: ImportReport, *, imported: bool) -> None:
    batch.rows_total = report.rows
    batch.rows_added = report.added
    batch.rows_updated = report.updated
    batch.rows_unchanged = report.unchanged
    batch.rows_warned = report.rows_warned
    batch.rows_in_error = report.rows_in_error
    batch.problems = [p.as_dict() for p in report.problems]
    batch.ignored_columns = report.ignored_columns
    fields = [
        "checked_fields",
        "rows_total",
        "rows_added",
        "rows_updated",
        "rows_unchanged",
        "rows_warned",
        "rows_in_error",
        "problems",
        "ignored_columns",
        "stored_file",
    ]
    if imported:
        batch.imported_at = timezone.now()
        fields.append("imported_at")
    batch.save(update_fields=fields)


# --- Use cases of a batch -----------------------------------------------------------------------


def batch_preview(
    *, name: str, file_name: str, user: User, progress: Progress | None = None
) -> tuple[ImportBatch, ImportReport]:
    """Check an uploaded file, kept in the shared storage under `name`, and record it as a
    batch waiting to be imported, its checked rows staged — in one transaction.

    The file stays kept until it is imported or given up (the import reads the staged rows; a
    batch checked before rows were staged reads the file); a file with errors cannot be
    imported, so it is removed at once and nothing of it is staged. A file refused whole
    (`ImportRefused`) is removed and leaves no batch behind.
    """
    try:
        with stored_copy(name) as path, transaction.atomic():
            batch = ImportBatch.objects.create(
                file_name=file_name[:255],
                sha256=file_sha256(path),
                size=path.stat().st_size,
                uploaded_by=user,
                stored_file=name,
            )
            report = injuries_import(path=path, user=user, batch=batch, progress=progress)
            if not report.ok:
                batch.stored_file = ""
            _record_batch(batch, report, imported=False)
            record_event(
                batch,
                EventKind.CREATED,
                by=user,
                data={"rows": report.rows, "in_error": report.rows_in_error},
            )
    except ImportRefused:
        stored_delete(name)
        raise
    if not report.ok:
        stored_delete(name)
    return batch, report


def batch_commit(
    *, batch: ImportBatch, user: User, progress: Progress | None = None
) -> ImportReport:
    """Import a checked file — the batch's move `commit` —: all its rows or, if any row is now
    refused, none (the batch then records the errors found and can never be imported; its
    staged rows are deleted)."""
    try:
        transition(batch, "commit", by=user, progress=progress)
    except BatchNowInError as refused:
        report = refused.report
        with transaction.atomic():
            batch.checked_fields = []
            _record_batch(batch, report, imported=False)
            staged_discard(batch)
    else:
        report = batch.commit_report
    # Imported, or now in error and so never importable: either way the file is not kept.
    batch_forget_file(batch)
    return report


def batch_forget_file(batch: ImportBatch) -> None:
    """Remove the kept file of a batch that is imported or can never be."""
    stored_delete(batch.stored_file)
    ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")
    batch.stored_file = ""


class BatchNowInError(BatchError):
    """The rows of a checked file are in error now (the data changed since): nothing imported."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(NOTHING_IMPORTED, summary=report_summary(report))
        self.report = report


def batch_importable(step: Step) -> None:
    """A checked file may be imported: no row was in error, and its rows are staged or the file
    is still kept (or the command gives its own file, `path=`, or a JSON batch its cards,
    `source=`)."""
    batch = step.current
    if batch.rows_in_error:
        raise BatchError(BATCH_HAS_ERRORS)
    if (
        step.params.get("path") is None
        and step.params.get("source") is None
        and not batch.checked_fields
        and (not batch.stored_file or not default_storage.exists(batch.stored_file))
    ):
        raise BatchError(BATCH_FILE_GONE)


def batch_import_rows(step: Step) -> list[str]:
    """The effect of `commit`: import the batch's rows (under the batch's row lock: two clicks
    on "import", or a job delivered twice, cannot import the file twice). A previewed batch's
    rows are its staged ones, moved without being checked again; the command's own file
    (`path=`) or a JSON batch's cards (`source=`, a `RowSource`) are checked, staged and moved
    at once; a batch previewed before rows were staged reads its kept file again. `progress=`
    follows the rows."""
    batch = step.obj
    given, source = step.params.get("path"), step.params.get("source")
    if source is not None:  # the cards of a JSON batch (`injuries.services.cards`)
        report = rows_import(source=source, user=step.by, batch=batch, commit=True)
    elif given is None and step.current.checked_fields:
        batch.checked_fields = step.current.checked_fields
        report = staged_commit(batch=batch, user=step.by, progress=step.params.get("progress"))
    else:
        stored = step.current.stored_file
        with nullcontext(Path(given)) if given else stored_copy(stored) as path:
            report = injuries_import(
                path=path,
                user=step.by,
                batch=batch,
                commit=True,
                progress=step.params.get("progress"),
            )
    if not report.ok:
        raise BatchNowInError(report)
    step.data.update(added=report.added, updated=report.updated, unchanged=report.unchanged)
    batch.commit_report = report
    return ["imported_at"]


def report_summary(report: ImportReport) -> str:
    """One sentence on what an import found, for messages and the command's output."""
    return ngettext(
        "%(rows)d row: %(added)d to add, %(updated)d to update, %(unchanged)d unchanged, "
        "%(errors)d in error.",
        "%(rows)d rows: %(added)d to add, %(updated)d to update, %(unchanged)d unchanged, "
        "%(errors)d in error.",
        report.rows,
    ) % {
        "rows": report.rows,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": report.rows_in_error,
    }


__all__ = [
    "AGE_OUT_OF_RANGE",
    "BAD_ICD10",
    "BATCH_CHANGED_LATER",
    "BATCH_FILE_GONE",
    "BATCH_HAS_ERRORS",
    "BATCH_NOT_IMPORTED",
    "BATCH_NOT_WAITING",
    "CHUNK_ROWS",
    "IN_THE_FUTURE",
    "OTHER_UNITS_CARD",
    "PROBLEMS_KEPT",
    "REFUSED_ENCODING",
    "REFUSED_FILE_TYPE",
    "REFUSED_IDENTIFIERS",
    "REFUSED_MISSING_COLUMNS",
    "REFUSED_NO_HEADER",
    "REFUSED_TOO_BIG",
    "REFUSED_TOO_MANY_ROWS",
    "REFUSED_UNREADABLE",
    "REPEATED_ROW",
    "REQUIRED_VALUE",
    "TOO_LONG",
    "BatchError",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "batch_commit",
    "batch_discard_waiting",
    "batch_forget_file",
    "batch_preview",
    "batch_withdraw",
    "batches_discard_stale",
    "check_size",
    "file_sha256",
    "injuries_import",
    "report_summary",
]
