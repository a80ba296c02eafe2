"""Bringing injury records in from hospitals' and departments' spreadsheets.

One function does it, for the import page and for `manage.py import_injuries` alike:
`injuries_import(path=…, user=…, batch=…, commit=…)` reads the file as a stream (`files`), a
chunk of rows at a time, reads every cell through the fields of `InjuryRecordResource` and
checks each row (`rows`), finds the records the file already holds (one query per chunk) and,
when committing, writes the chunk with `bulk_create` / `bulk_update` (`chunks`). Memory stays
flat however long the file; the checks are the model's rules, written out for a chunk of rows
instead of `full_clean()` per row. The batch's use cases (preview, commit, withdraw) are here
too, and every message an import can give is named on this module as in `injuries.errors`.

- A preview (`commit=False`) writes nothing and counts rows to add, update and leave unchanged,
  and rows in error, each error with its row number, column and message.
- A commit is one transaction: if any row is in error (the data may have changed since the
  preview), nothing is written.
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

from collections.abc import Callable, Collection
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
from injuries.models import DERIVED_FIELDS, ImportBatch, ImportBatchChange, InjuryRecord
from injuries.resources import InjuryRecordResource
from injuries.services.chunks import ChunkImporter, model_fields, value_from_json
from injuries.services.files import (
    SpreadsheetRows,
    check_size,
    file_sha256,
    stored_copy,
    stored_delete,
)
from injuries.services.rows import Columns, Problem, RowSource
from programs.core.deletions import deletion_events
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
    with every right). Committing needs `batch`, the `ImportBatch` the records are written
    under; its counts are updated. Raises `ImportRefused` for a file refused whole. `progress`
    is told the rows read after each chunk (when committing, inside the transaction, once the
    chunk is written), and at the end the rows the file had.
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
        importer = ChunkImporter(
            columns, user, batch if commit else None, report, repeated=source.repeated
        )
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
        tell(report.rows, report.rows)
        if commit:
            if report.ok:
                _record_batch(batch, report, imported=True)
                report.committed = True
            else:
                transaction.set_rollback(True)
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
        "rows_total",
        "rows_added",
        "rows_updated",
        "rows_unchanged",
        "rows_warned",
        "rows_in_error",
        "problems",
        "ignored_columns",
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
    batch waiting to be imported.

    The file stays kept until it is imported or given up; a file with errors cannot be
    imported, so it is removed at once. A file refused whole (`ImportRefused`) is removed and
    leaves no batch behind.
    """
    try:
        with stored_copy(name) as path:
            sha256 = file_sha256(path)
            size = path.stat().st_size
            report = injuries_import(path=path, user=user, progress=progress)
    except ImportRefused:
        stored_delete(name)
        raise
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=file_name[:255],
            sha256=sha256,
            size=size,
            uploaded_by=user,
            stored_file=name if report.ok else "",
        )
        _record_batch(batch, report, imported=False)
        record_event(
            batch,
            EventKind.CREATED,
            by=user,
            data={"rows": report.rows, "in_error": report.rows_in_error},
        )
    if not report.ok:
        stored_delete(name)
    return batch, report


def batch_commit(
    *, batch: ImportBatch, user: User, progress: Progress | None = None
) -> ImportReport:
    """Import a checked file — the batch's move `commit` —: all its rows or, if any row is now
    in error, none (the batch then records the errors found and can never be imported)."""
    try:
        transition(batch, "commit", by=user, progress=progress)
    except BatchNowInError as refused:
        report = refused.report
        _record_batch(batch, report, imported=False)
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
    """A checked file may be imported: no row was in error, and the file is still kept (or the
    command gives its own file, `path=`, or a JSON batch its cards, `source=`)."""
    batch = step.current
    if batch.rows_in_error:
        raise BatchError(BATCH_HAS_ERRORS)
    if (
        step.params.get("path") is None
        and step.params.get("source") is None
        and (not batch.stored_file or not default_storage.exists(batch.stored_file))
    ):
        raise BatchError(BATCH_FILE_GONE)


def batch_import_rows(step: Step) -> list[str]:
    """The effect of `commit`: import the file's rows under the batch (under the batch's row
    lock: two clicks on "import", or a job delivered twice, cannot import the file twice). The
    file is the kept one, or the command's own (`path=`); `progress=` follows the rows. A JSON
    batch gives its cards as `source=` (a `RowSource`) instead of a file."""
    batch = step.obj
    given, source = step.params.get("path"), step.params.get("source")
    if source is not None:  # the cards of a JSON batch (`injuries.services.cards`)
        report = rows_import(source=source, user=step.by, batch=batch, commit=True)
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


def batch_withdraw(*, batch: ImportBatch, by: User) -> int:
    """Take a whole import back — the batch's move `withdraw` —: delete the records it added
    and put back the values of those it changed. Returns how many records were deleted."""
    return transition(batch, "withdraw", by=by).data["deleted"]


def batch_undo_rows(step: Step) -> list[str]:
    """The effect of `withdraw`, refused while a later import that is still in force changed
    the same records: withdrawing this one first would undo that one's work unseen."""
    batch = step.obj
    later = ImportBatch.objects.filter(
        status=ImportBatch.Status.IMPORTED,
        changes__previous_batch=batch,
    ).distinct()
    if later.exists():
        files = "、".join(str(b) for b in later[:3])
        raise BatchError(BATCH_CHANGED_LATER, files=files)
    restored, fields, now = [], set(), timezone.now()
    changes = batch.changes.select_related("record")
    for change in changes.iterator(chunk_size=CHUNK_ROWS):
        record = change.record
        for name, value in change.previous.items():
            setattr(record, name, value_from_json(name, value))
        fields.update(change.previous)
        record.batch_id, record.updated_at = change.previous_batch_id, now
        record.derive()
        restored.append(record)
    if restored:
        InjuryRecord.objects.bulk_update(
            restored,
            [*model_fields(fields), *DERIVED_FIELDS, "batch", "updated_at"],
            batch_size=500,
        )
    added = InjuryRecord.objects.filter(batch=batch)
    ImportBatchChange.objects.filter(record__in=added).delete()
    # A copy kept through the API reads each deleted record in the change feed.
    deletion_events(
        InjuryRecord,
        added.values_list("pk", "unit_id").iterator(),
        by=step.by,
        data={"batch": batch.pk},
    )
    # One DELETE: the per-row history simple-history would write on delete() is not wanted
    # here; the batch and its event record who withdrew what and when.
    deleted = added._raw_delete(added.db)
    batch.withdrawn_by, batch.withdrawn_at = step.by, step.at
    step.data.update(deleted=deleted, restored=len(restored))
    return ["withdrawn_by", "withdrawn_at"]


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


def batch_discard_waiting(*, user: User, keep: ImportBatch, busy: Collection[int] = ()) -> None:
    """A newly checked file gives up the user's earlier files checked but never imported —
    except those `busy` (being imported right now)."""
    waiting = (
        ImportBatch.objects.filter(uploaded_by=user, status=ImportBatch.Status.PREVIEWED)
        .exclude(pk=keep.pk)
        .exclude(pk__in=busy)
    )
    for batch in waiting:
        if batch.stored_file != keep.stored_file:
            stored_delete(batch.stored_file)
    waiting.delete()


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
    "check_size",
    "file_sha256",
    "injuries_import",
    "report_summary",
]
