"""Checking a chunk of rows against the records already there, and writing it: which rows add a
record, which change one (keeping the values it had, so the batch can be withdrawn) and which
change nothing; new records go in with PostgreSQL's COPY (elsewhere `bulk_create`), changed
ones with `bulk_update`. `injuries.services.imports` feeds it a file a chunk at a time."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from injuries import checks
from injuries.errors import OTHER_UNITS_CARD, REPEATED_ROW
from injuries.models import DERIVED_FIELDS, ImportBatchChange, InjuryRecord, derived_values
from injuries.services.rows import COLUMN_OF, DATA_FIELDS, KEY, Columns, Problem, read_row

if TYPE_CHECKING:
    from injuries.models import ImportBatch
    from injuries.services.imports import ImportReport
    from programs.core.models import User

#: Rows per INSERT where COPY is not at hand (SQLite): a chunk of the file at a time.
INSERT_ROWS = 2000


class ChunkImporter:
    """Checks and writes the rows of one file, a chunk at a time."""

    def __init__(
        self,
        columns: Columns,
        user: User | None,
        batch: ImportBatch | None,
        report: ImportReport,
        *,
        repeated: Any = REPEATED_ROW,
    ) -> None:
        self.columns = columns
        self.user = user
        self.batch = batch
        self.report = report
        self.repeated = repeated  # the message of a row repeating an earlier row's card
        self.written = columns.written_fields
        self.first_row_of: dict[tuple, int] = {}
        self.editable_units = self._editable_units()

    def _editable_units(self) -> set[int] | None:
        """The units whose records the user may change; None: every unit."""
        return None if self.user is None else InjuryRecord.objects.unit_ids_editable_by(self.user)

    def take(self, chunk: list[tuple[int, Sequence[Any]]]) -> None:
        rows = []
        for number, cells in chunk:
            values, errors = read_row(cells, self.columns)
            key = tuple(values.get(name) for name in KEY)
            if "record_number" not in errors and all(key):
                first = self.first_row_of.setdefault(key, number)
                if first != number:
                    errors["record_number"] = str(self.repeated % {"row": first})
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
                        previous=values_as_json(previous),
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
                [InjuryRecord(**record) for record in new], batch_size=INSERT_ROWS
            )
        for record in changed:
            record.updated_at = now
        InjuryRecord.objects.bulk_update(
            changed,
            [*model_fields(self.written), *DERIVED_FIELDS, "batch", "updated_at"],
            batch_size=500,
        )
        ImportBatchChange.objects.bulk_create(changes, batch_size=INSERT_ROWS)

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


def values_as_json(values: dict[str, Any]) -> dict[str, Any]:
    """A record's values as `ImportBatchChange.previous` keeps them (dates and times as text)."""
    return {
        name: value.isoformat() if isinstance(value, datetime.date | datetime.time) else value
        for name, value in values.items()
    }


def value_from_json(name: str, value: Any) -> Any:
    """A value `values_as_json` wrote, as the record field `name` holds it."""
    if value is None:
        return None
    if name.endswith("_date"):
        return datetime.date.fromisoformat(value)
    if name.endswith("_time"):
        return datetime.time.fromisoformat(value)
    return value
