"""Checking a chunk of rows against the records already there, and staging it: which rows would
add a record, which would change one and which would change nothing (a preview's counts), and
the checked rows written to the staging table (`StagedRecord`) under their batch — with
PostgreSQL's COPY, elsewhere `bulk_create` —, from which the import moves them into the records
without checking them again (`injuries.services.staging`). `injuries.services.imports` feeds it
a file a chunk at a time."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from injuries import checks
from injuries.errors import OTHER_UNITS_CARD, REPEATED_ROW
from injuries.models import DERIVED_FIELDS, InjuryRecord, StagedRecord, derived_values
from injuries.services.rows import COLUMN_OF, DATA_FIELDS, KEY, Columns, Problem, read_row

if TYPE_CHECKING:
    from injuries.models import ImportBatch
    from injuries.services.imports import ImportReport
    from programs.core.models import User


class ChunkImporter:
    """Checks the rows of one file, a chunk at a time, and stages them under `batch` (if given)."""

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
        staged = []
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
            if self.batch is not None:
                staged.append(self._staged(number, values))
            if found is None:
                self.report.added += 1
            elif all(found[f] == values.get(f) for f in self.written):
                self.report.unchanged += 1
            else:
                self.report.updated += 1
        # A batch with a row in error is never imported: nothing more of it is staged (and
        # what was, the caller deletes).
        if self.batch is not None and self.report.ok:
            stage(staged)

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
            ).values("pk", *KEY, *DATA_FIELDS)
            for record in records:
                found[(record["source"], record["reporting_org"], record["record_number"])] = record
        return found

    def _staged(self, number: int, values: dict[str, Any]) -> list[Any]:
        """A checked row as the staging table keeps it (`STAGED`'s columns): the new record's
        values, ready for the database."""
        derived = derived_values(values)
        return [
            self.batch.pk,
            number,
            *map(values.get, INSERTED),
            *(derived[name] for name in DERIVED_FIELDS),
        ]

    def _problems(self, number: int, messages: dict[str, str], *, is_error: bool) -> None:
        for name, message in messages.items():
            self.report.note(Problem(number, self._column(name), message, is_error))

    def _column(self, name: str) -> str:
        """The header of the file's column for a field or record field name."""
        name = COLUMN_OF.get(name, name)
        if name in self.columns.headers:
            return self.columns.headers[name]
        return str(self.columns.resource.fields[name].column_name)


# The columns a new record is written with, and those a staged row has.
INSERTED = (*KEY, *DATA_FIELDS)
STAGED = ("batch_id", "row", *INSERTED, *DERIVED_FIELDS)
COPIED = (*INSERTED, *DERIVED_FIELDS, "batch_id", "created_at", "updated_at")


def stage(rows: list[list[Any]]) -> None:
    """Write checked rows (`STAGED`'s columns) to the staging table: COPY on PostgreSQL;
    elsewhere (SQLite) one INSERT run for every row (`executemany`), dates and times as Django
    stores them."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_in(StagedRecord, STAGED, rows)
        return
    quote = connection.ops.quote_name
    names = ", ".join(map(quote, STAGED))
    marks = ", ".join(["%s"] * len(STAGED))
    sql = f"INSERT INTO {quote(StagedRecord._meta.db_table)} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [list(map(_stored, row)) for row in rows])


def _stored(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def copy_in(model: type[models.Model], columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
    """Write rows (values in the order of `columns`) to `model`'s table with PostgreSQL's
    COPY: several times faster than an INSERT of the same rows, because Django prepares no
    parameter per cell. The values were checked as the model would check them; the table's
    constraints still check them again."""
    if not rows:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerows(rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(map(quote, columns))
    # The csv module quotes None as "" like an empty text; FORCE_NULL reads it back as NULL in
    # the columns that may be NULL (none of them holds text).
    nullable = ", ".join(
        quote(f.column) for f in model._meta.concrete_fields if f.null and f.column in columns
    )
    options = f", FORCE_NULL ({nullable})" if nullable else ""
    sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv{options})"
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
