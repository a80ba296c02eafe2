"""Bringing injury records in from hospitals' and departments' spreadsheets.

One function does it, for the import page and for `manage.py import_injuries` alike:
`injuries_import(path=…, user=…, batch=…, commit=…)` reads the file as a stream, a chunk of rows
at a time, reads every cell through the fields of `InjuryRecordResource`, checks each row, finds
the records the file already holds (one query per chunk) and, when committing, writes the chunk
with `bulk_create` / `bulk_update`. Memory stays flat however long the file; the checks are the
model's rules, written out for a chunk of rows instead of `full_clean()` per row.

- A preview (`commit=False`) writes nothing and counts rows to add, update and leave unchanged,
  and rows in error, each error with its row number, column and message.
- A commit is one transaction: if any row is in error (the data may have changed since the
  preview), nothing is written.
- A record is known by (source, reporting organisation, card number); importing the same file
  twice adds nothing, and a changed row updates its record, keeping the values it had in an
  `ImportBatchChange` so that the batch can be withdrawn (`batch_withdraw`).
- A file with a column of personal identifiers (name, ID number, phone, address) is refused
  whole, before any row is read, and is not kept.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from injuries import checks
from injuries.choices import CODE_LISTS
from injuries.models import (
    CARD_FIELDS,
    DERIVED_FIELDS,
    ICD10_RE,
    MAX_AGE,
    ImportBatch,
    ImportBatchChange,
    InjuryRecord,
    derived_values,
    split_datetime,
)
from injuries.resources import IDENTIFIER_HEADERS, InjuryRecordResource
from safecommunity.spreadsheets import _normalise

if TYPE_CHECKING:
    from programs.models import User

CHUNK_ROWS = 2000
#: How many errors and warnings a preview keeps to show; all of them are counted.
PROBLEMS_KEPT = 500

# Fields a row must give, and the record's columns an import compares and writes.
REQUIRED = (
    "unit_id",
    "source",
    "reporting_org",
    "record_number",
    "injury_date",
    "sex",
    "age",
    "cause",
    "place",
    "activity",
    "intent",
    "nature",
    "body_part",
    "severity",
    "outcome",
)
KEY = ("source", "reporting_org", "record_number")
DATA_FIELDS = (
    "unit_id",
    "injury_date",
    "injury_time",
    "visit_date",
    "visit_time",
    *CARD_FIELDS,
)
TEXT_LIMITS = {"reporting_org": 100, "record_number": 50, "diagnosis": 200, "narrative": 1000}
# Which record fields each spreadsheet column fills.
FILLS = {
    "unit": ("unit_id",),
    "injured_at": ("injury_date", "injury_time"),
    "visited_at": ("visit_date", "visit_time"),
}
#: The spreadsheet column each record field comes from (the inverse of `FILLS`).
COLUMN_OF = {stored: column for column, fields in FILLS.items() for stored in fields}

REFUSED_IDENTIFIERS = _(
    "The file has columns with personal identifiers (%(columns)s). Injury records must not "
    "name the injured person: delete these columns and upload the file again."
)
REFUSED_TOO_BIG = _("The file is larger than %(limit)s MB; split it into smaller files.")
REFUSED_TOO_MANY_ROWS = _("The file has more than %(limit)s rows; split it into smaller files.")
REFUSED_MISSING_COLUMNS = _(
    "The file lacks the columns %(columns)s. Download the template to see every column."
)
REFUSED_NO_HEADER = _("The first row of the file must hold the column headers.")
REFUSED_OLD_EXCEL = _(
    "This is an old Excel file (.xls); save it as .xlsx or as CSV and upload it again."
)
REFUSED_UNREADABLE = _("The file cannot be read as an Excel workbook (.xlsx) or as CSV text.")
REFUSED_ENCODING = _("The file is neither UTF-8 nor GB18030 text; save it again as CSV or xlsx.")
REQUIRED_VALUE = _("This value is required.")
TOO_LONG = _("At most %(limit)s characters.")
AGE_OUT_OF_RANGE = _("The age must be between 0 and %(limit)s.")
BAD_ICD10 = _("“%(value)s” is not an ICD-10 code such as S72.0 or W19.")
IN_THE_FUTURE = _("This date is in the future.")
REPEATED_ROW = _("This card repeats row %(row)s of the file.")
OTHER_UNITS_CARD = _("This card is already recorded under a unit you may not change.")


class ImportRefused(ValueError):
    """The whole file is refused (too big, unreadable, identifiers …); nothing was read in."""


@dataclass(frozen=True)
class Problem:
    """An error or a warning at one cell: spreadsheet row number (the header is row 1), the
    column's header as the file has it, and the message in the user's language."""

    row: int
    column: str
    message: str
    is_error: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message,
                "error": self.is_error}  # fmt: skip


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


# --- Reading a file as a stream of rows ---------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_size(size: int) -> None:
    limit = settings.INJURY_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(REFUSED_TOO_BIG % {"limit": limit // (1024 * 1024)})


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else GB18030 (which
    covers GBK): detected, not asked. Reads the file once in blocks."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportRefused(REFUSED_ENCODING)


class SpreadsheetRows:
    """The header and the data rows of an xlsx or CSV file, read as a stream.

    Rows come as (spreadsheet row number, cells); empty rows are skipped. Use it as a context
    manager so the workbook or file is closed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._close = lambda: None

    def __enter__(self) -> SpreadsheetRows:
        with open(self.path, "rb") as stream:
            head = stream.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRefused(REFUSED_OLD_EXCEL)
        rows = self._xlsx() if head.startswith(b"PK\x03\x04") else self._csv()
        self._numbered = ((n, row) for n, row in enumerate(rows, start=1) if _has_values(row))
        first = next(self._numbered, None)
        if first is None or first[0] != 1:
            raise ImportRefused(REFUSED_NO_HEADER)
        self.header = ["" if cell is None else str(cell).strip() for cell in first[1]]
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._close()

    def __iter__(self) -> Iterator[tuple[int, Sequence[Any]]]:
        return self._numbered

    def _xlsx(self) -> Iterator[Sequence[Any]]:
        """The first sheet (the template's codes sheet comes second), read by calamine: about
        eight times faster than openpyxl, which matters at a hundred thousand rows."""
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
            sheet = workbook.get_sheet_by_index(0)
        except (CalamineError, OSError, IndexError, ValueError):
            raise ImportRefused(REFUSED_UNREADABLE) from None
        self._close = workbook.close
        limit = settings.INJURY_IMPORT_MAX_ROWS
        if sheet.height > limit + 1:
            raise ImportRefused(REFUSED_TOO_MANY_ROWS % {"limit": limit})
        return sheet.iter_rows()

    def _csv(self) -> Iterator[Sequence[Any]]:
        encoding = _csv_encoding(self.path)
        stream = open(self.path, encoding=encoding, newline="")  # noqa: SIM115 closed in __exit__
        self._close = stream.close
        sample = stream.readline()
        stream.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        return csv.reader(stream, delimiter=delimiter)


def _has_values(row: Sequence[Any]) -> bool:
    return any(cell is not None and (not isinstance(cell, str) or cell.strip()) for cell in row)


# --- Checking rows ------------------------------------------------------------------------------


@dataclass
class Columns:
    """How the file's columns map onto the resource's fields."""

    resource: InjuryRecordResource
    positions: dict[str, int]  # field name → column position
    headers: dict[str, str]  # field name → the header as the file writes it
    today: datetime.date = field(default_factory=timezone.localdate)

    @cached_property
    def readers(self) -> list[tuple[str, int, Any, dict | None]]:
        """(field name, column position, widget, memo of read cells or None) per column."""
        fields = self.resource.fields
        return [
            (name, position, fields[name].widget, {} if name in REPEATING else None)
            for name, position in self.positions.items()
        ]

    @classmethod
    def of(cls, header: list[str], resource: InjuryRecordResource) -> Columns:
        identifiers = [h for h in header if _normalise(h) in IDENTIFIER_HEADERS]
        if identifiers:
            raise ImportRefused(REFUSED_IDENTIFIERS % {"columns": "、".join(identifiers)})
        positions, headers = {}, {}
        for position, name in resource.header_map(header).items():
            positions.setdefault(name, position)
            headers.setdefault(name, header[position])
        missing = [
            str(resource.fields[name].column_name)
            for name in dict.fromkeys(COLUMN_OF.get(n, n) for n in REQUIRED)
            if name not in positions
        ]
        if missing:
            raise ImportRefused(REFUSED_MISSING_COLUMNS % {"columns": "、".join(missing)})
        return cls(resource, positions, headers)

    @property
    def written_fields(self) -> tuple[str, ...]:
        """The record fields this file gives values for; the others keep what they hold."""
        given = set()
        for name in self.positions:
            given.update(FILLS.get(name, (name,)))
        return tuple(f for f in DATA_FIELDS if f in given)


#: Columns whose cells repeat a few values (codes, units, organisations): each distinct cell is
#: read once per import and remembered, which is most of the time a row takes.
REPEATING = frozenset({"unit", "source", "reporting_org", *(n for n, _c in CODE_LISTS)})
MEMO_LIMIT = 5000


def _read_row(cells: Sequence[Any], columns: Columns) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's values by record field, and its errors by field name."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    width = len(cells)
    for name, position, widget, memo in columns.readers:
        cell = cells[position] if position < width else None
        if memo is not None and cell in memo:
            value, error = memo[cell]
        else:
            try:
                value, error = widget.clean(cell), None
            except (ValueError, ValidationError) as refusal:
                value = None
                error = (
                    refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
                )
            if memo is not None and len(memo) < MEMO_LIMIT:
                memo[cell] = (value, error)
        if error is not None:
            errors[name] = error
        elif name == "unit":
            values["unit_id"] = value.pk if value is not None else None
        elif name in FILLS:
            values.update(zip(FILLS[name], split_datetime(value), strict=True))
        else:
            values[name] = value
    _check_values(values, errors, columns.today)
    return values, errors


def _check_values(values: dict[str, Any], errors: dict[str, str], today: datetime.date) -> None:
    """The model's rules on one row's values, as `full_clean` would apply them."""
    for name in REQUIRED:
        column = COLUMN_OF.get(name, name)
        if column not in errors and values.get(name) in (None, ""):
            errors[column] = str(REQUIRED_VALUE)
    for name, limit in TEXT_LIMITS.items():
        if len(values.get(name) or "") > limit and name not in errors:
            errors[name] = str(TOO_LONG % {"limit": limit})
    age = values.get("age")
    if age is not None and not 0 <= age <= MAX_AGE and "age" not in errors:
        errors["age"] = str(AGE_OUT_OF_RANGE % {"limit": MAX_AGE})
    icd10 = (values.get("icd10") or "").upper()
    values["icd10"] = icd10
    if icd10 and not ICD10_RE.match(icd10) and "icd10" not in errors:
        errors["icd10"] = str(BAD_ICD10 % {"value": icd10})
    for name in ("diagnosis", "narrative", "reporting_org", "record_number"):
        values[name] = values.get(name) or ""
    for column, day in (("injured_at", "injury_date"), ("visited_at", "visit_date")):
        if values.get(day) is not None and values[day] > today and column not in errors:
            errors[column] = str(IN_THE_FUTURE)


# --- The import ---------------------------------------------------------------------------------


def injuries_import(
    *,
    path: Path,
    user: User | None,
    batch: ImportBatch | None = None,
    commit: bool = False,
) -> ImportReport:
    """Check (and with `commit=True` import) the injury records of the file at `path`.

    `user` decides the units rows may go to and the records they may change (None: a script
    with every right). Committing needs `batch`, the `ImportBatch` the records are written
    under; its counts are updated. Raises `ImportRefused` for a file refused whole.
    """
    if commit and batch is None:
        raise ValueError("A commit writes records under a batch.")
    check_size(path.stat().st_size)
    report = ImportReport()
    with transaction.atomic():
        with SpreadsheetRows(path) as rows:
            resource = InjuryRecordResource(user=user)
            columns = Columns.of(rows.header, resource)
            known = set(columns.positions.values())
            report.ignored_columns = [h for n, h in enumerate(rows.header) if n not in known and h]
            importer = _Importer(columns, user, batch if commit else None, report)
            limit = settings.INJURY_IMPORT_MAX_ROWS
            while chunk := list(islice(rows, CHUNK_ROWS)):
                report.rows += len(chunk)
                if report.rows > limit:
                    raise ImportRefused(REFUSED_TOO_MANY_ROWS % {"limit": limit})
                importer.take(chunk)
        if commit:
            if report.ok:
                _record_batch(batch, report, imported=True)
                report.committed = True
            else:
                transaction.set_rollback(True)
    return report


class _Importer:
    """Checks and writes the rows of one file, a chunk at a time."""

    def __init__(
        self, columns: Columns, user: User | None, batch: ImportBatch | None, report: ImportReport
    ) -> None:
        self.columns = columns
        self.user = user
        self.batch = batch
        self.report = report
        self.written = columns.written_fields
        self.first_row_of: dict[tuple, int] = {}
        self.editable_units = self._editable_units()

    def _editable_units(self) -> set[int] | None:
        """The units whose records the user may change; None: every unit."""
        return None if self.user is None else InjuryRecord.objects.unit_ids_editable_by(self.user)

    def take(self, chunk: list[tuple[int, Sequence[Any]]]) -> None:
        rows = []
        for number, cells in chunk:
            values, errors = _read_row(cells, self.columns)
            key = tuple(values.get(name) for name in KEY)
            if "record_number" not in errors and all(key):
                first = self.first_row_of.setdefault(key, number)
                if first != number:
                    errors["record_number"] = str(REPEATED_ROW % {"row": first})
            rows.append((number, values, errors))
        existing = self._existing([values for _n, values, errors in rows if not errors])
        new, changed, changes = [], [], []
        for number, values, errors in rows:
            found = existing.get(tuple(values.get(name) for name in KEY)) if not errors else None
            units = self.editable_units
            if found is not None and units is not None and found["unit_id"] not in units:
                errors["record_number"] = str(OTHER_UNITS_CARD)
            if errors:
                self._problems(number, errors, is_error=True)
                self.report.rows_in_error += 1
                continue
            warnings = {c.field: str(c.message) for c in checks.record_warnings(values)}
            if warnings:
                self.report.rows_warned += 1
                self._problems(number, warnings, is_error=False)
            if found is None:
                self.report.added += 1
                if self.batch is not None:
                    new.append(self._new_record(values))
                continue
            previous = {f: found[f] for f in self.written}
            if all(previous[f] == values.get(f) for f in self.written):
                self.report.unchanged += 1
                continue
            self.report.updated += 1
            if self.batch is not None:
                changes.append(
                    ImportBatchChange(
                        batch=self.batch,
                        record_id=found["pk"],
                        previous_batch_id=found["batch_id"],
                        previous=_as_json(previous),
                    )
                )
                record = InjuryRecord(**{**found, **{f: values.get(f) for f in self.written}})
                record.batch = self.batch
                record.derive()
                changed.append(record)
        if self.batch is not None and self.report.ok:
            self._write(new, changed, changes)

    def _existing(self, rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
        """The values of the records already holding these rows' keys: one query per source
        and organisation in the chunk (a file usually comes from one)."""
        numbers: dict[tuple[str, str], list[str]] = {}
        for values in rows:
            numbers.setdefault((values["source"], values["reporting_org"]), []).append(
                values["record_number"]
            )
        found = {}
        for (source, org), wanted in numbers.items():
            records = InjuryRecord.objects.filter(
                source=source, reporting_org=org, record_number__in=wanted
            ).values("pk", "batch_id", *KEY, *DATA_FIELDS)
            if self.batch is not None:
                records = records.select_for_update()  # another import must not change them now
            for record in records:
                found[(record["source"], record["reporting_org"], record["record_number"])] = record
        return found

    def _new_record(self, values: dict[str, Any]) -> dict[str, Any]:
        """A new record's column values, ready for the database."""
        record = {f: values.get(f) for f in INSERTED}
        record.update(derived_values(values), batch_id=self.batch.pk)
        return record

    def _write(self, new: list[dict], changed: list[InjuryRecord], changes: list) -> None:
        now = timezone.now()
        for record in new:
            record["created_at"] = record["updated_at"] = now
        if connection.vendor == "postgresql":
            _copy_in(new)
        else:
            InjuryRecord.objects.bulk_create(
                [InjuryRecord(**record) for record in new], batch_size=CHUNK_ROWS
            )
        for record in changed:
            record.updated_at = now
        InjuryRecord.objects.bulk_update(
            changed,
            [*model_fields(self.written), *DERIVED_FIELDS, "batch", "updated_at"],
            batch_size=500,
        )
        ImportBatchChange.objects.bulk_create(changes, batch_size=CHUNK_ROWS)

    def _problems(self, number: int, messages: dict[str, str], *, is_error: bool) -> None:
        for name, message in messages.items():
            self.report.note(Problem(number, self._column(name), message, is_error))

    def _column(self, name: str) -> str:
        """The header of the file's column for a field or record field name."""
        name = COLUMN_OF.get(name, name)
        if name in self.columns.headers:
            return self.columns.headers[name]
        return str(self.columns.resource.fields[name].column_name)


# The columns a new record is written with.
INSERTED = (*KEY, *DATA_FIELDS)
COPIED = (*INSERTED, *DERIVED_FIELDS, "batch_id", "created_at", "updated_at")


def _copy_in(records: list[dict[str, Any]]) -> None:
    """Write new records with PostgreSQL's COPY: several times faster than an INSERT of the
    same rows, because Django prepares no parameter per cell. The values were checked as the
    model would check them; the table's constraints still check them again."""
    if not records:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    for record in records:
        writer.writerow([record[name] for name in COPIED])
    buffer.seek(0)
    quote = connection.ops.quote_name
    table = quote(InjuryRecord._meta.db_table)
    columns = ", ".join(map(quote, COPIED))
    # The csv module quotes None as "" like an empty text; FORCE_NULL reads it back as NULL in
    # the columns that may be NULL (none of them holds text).
    nullable = ", ".join(
        quote(f.column) for f in InjuryRecord._meta.concrete_fields if f.null and f.column in COPIED
    )
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NULL ({nullable}))"
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)


def model_fields(names: Iterable[str]) -> list[str]:
    """Record field names as `bulk_update` takes them ("unit", not "unit_id")."""
    return ["unit" if name == "unit_id" else name for name in names]


def _as_json(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime.date | datetime.time) else value
        for name, value in values.items()
    }


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name.endswith("_date"):
        return datetime.date.fromisoformat(value)
    if name.endswith("_time"):
        return datetime.time.fromisoformat(value)
    return value


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
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
        fields += ["status", "imported_at"]
    batch.save(update_fields=fields)


# --- Use cases of a batch -----------------------------------------------------------------------


def batch_preview(*, path: Path, file_name: str, user: User) -> tuple[ImportBatch, ImportReport]:
    """Check an uploaded file and record it as a batch waiting to be imported.

    The file stays at `path` (under the private media root) until it is imported or given up;
    a file with errors cannot be imported, so it is deleted at once. Refused files
    (`ImportRefused`) leave no batch behind.
    """
    sha256 = file_sha256(path)
    report = injuries_import(path=path, user=user)
    batch = ImportBatch.objects.create(
        file_name=file_name[:255],
        sha256=sha256,
        size=path.stat().st_size,
        uploaded_by=user,
        stored_file=str(path) if report.ok else "",
    )
    _record_batch(batch, report, imported=False)
    if not report.ok:
        path.unlink(missing_ok=True)
    return batch, report


BATCH_NOT_WAITING = _("This file has already been imported or given up.")
BATCH_HAS_ERRORS = _("Correct the rows in error and upload the file again.")
BATCH_FILE_GONE = _("The uploaded file is no longer kept; upload it again.")
BATCH_NOT_IMPORTED = _("Only an imported file can be withdrawn.")
BATCH_CHANGED_LATER = _(
    "A later import (%(files)s) changed records of this one; withdraw that import first."
)


class BatchError(ValueError):
    """A batch cannot make the move asked of it; the message says why."""


def batch_commit(*, batch: ImportBatch, user: User) -> ImportReport:
    """Import a checked file: all its rows or, if any row is now in error, none."""
    with transaction.atomic():
        # Two clicks on "import" must not import the file twice: the second waits, then sees
        # the batch imported.
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEWED:
            raise BatchError(BATCH_NOT_WAITING)
        if batch.rows_in_error:
            raise BatchError(BATCH_HAS_ERRORS)
        path = Path(batch.stored_file)
        if not batch.stored_file or not path.exists():
            raise BatchError(BATCH_FILE_GONE)
        report = injuries_import(path=path, user=user, batch=batch, commit=True)
        if not report.ok:
            _record_batch(batch, report, imported=False)
    # Imported, or now in error and so never importable: either way the file is not kept.
    path.unlink(missing_ok=True)
    ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")
    return report


def batch_withdraw(*, batch: ImportBatch, by: User) -> int:
    """Take a whole import back: delete the records it added and put back the values of those
    it changed. Returns how many records were deleted.

    Refused while a later import that is still in force changed the same records: withdrawing
    this one first would undo that one's work unseen.
    """
    with transaction.atomic():
        # Withdrawing twice at once must not restore twice.
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.IMPORTED:
            raise BatchError(BATCH_NOT_IMPORTED)
        later = ImportBatch.objects.filter(
            status=ImportBatch.Status.IMPORTED,
            changes__previous_batch=batch,
        ).distinct()
        if later.exists():
            files = "、".join(str(b) for b in later[:3])
            raise BatchError(BATCH_CHANGED_LATER % {"files": files})
        restored, fields = [], set()
        changes = batch.changes.select_related("record")
        for change in changes.iterator(chunk_size=CHUNK_ROWS):
            record = change.record
            for name, value in change.previous.items():
                setattr(record, name, _from_json(name, value))
            fields.update(change.previous)
            record.batch_id = change.previous_batch_id
            record.derive()
            restored.append(record)
        if restored:
            InjuryRecord.objects.bulk_update(
                restored, [*model_fields(fields), *DERIVED_FIELDS, "batch"], batch_size=500
            )
        added = InjuryRecord.objects.filter(batch=batch)
        ImportBatchChange.objects.filter(record__in=added).delete()
        # One DELETE: the per-row history simple-history would write on delete() is not
        # wanted here, the batch itself records who withdrew what and when.
        deleted = added._raw_delete(added.db)
        batch.status = ImportBatch.Status.WITHDRAWN
        batch.withdrawn_by = by
        batch.withdrawn_at = timezone.now()
        batch.save(update_fields=["status", "withdrawn_by", "withdrawn_at"])
    return deleted


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
    "BatchError",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "batch_commit",
    "batch_preview",
    "batch_withdraw",
    "injuries_import",
    "report_summary",
]
