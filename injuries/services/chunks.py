"""Checking a chunk of rows against the records already there, and staging it: which rows would
add a record, which would change one and which would change nothing (a preview's counts), and
the checked rows written to the staging table (`StagedRecord`) under their batch — with
PostgreSQL's COPY, elsewhere one INSERT run —, from which the import moves them into the
records without checking them again (`injuries.services.staging`). `injuries.services.imports`
feeds it a file a chunk at a time.

A chunk is held by column from the reading (`rows.read_chunk`) to the staging: the derived
fields are computed once per distinct input, the plausibility checks once per distinct
combination of what they read (`checks.column_warnings`), and the COPY text is written column
by column, each distinct value spelled once (`copy_columns`). Only the rows' keys are looked
at one by one: a card repeated in the file, a card already recorded.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from injuries import checks
from injuries.choices import age_band_of, age_group_of, domain_of
from injuries.errors import OTHER_UNITS_CARD, REPEATED_ROW
from injuries.models import DERIVED_FIELDS, InjuryRecord, StagedRecord
from injuries.services.rows import (
    COLUMN_OF,
    DATA_FIELDS,
    KEY,
    Columns,
    Problem,
    each_distinct,
    read_chunk,
)

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
        self.recorded: dict[tuple[str, str], bool] = {}  # (source, organisation) → any record?

    def _editable_units(self) -> set[int] | None:
        """The units whose records the user may change; None: every unit."""
        return None if self.user is None else InjuryRecord.objects.unit_ids_editable_by(self.user)

    def take(self, chunk: list[tuple[int, Sequence[Any]]]) -> None:
        numbers = [number for number, _cells in chunk]
        read = read_chunk([cells for _number, cells in chunk], self.columns)
        values, errors = read.values, read.errors
        keys = list(zip(*(values[name] for name in KEY), strict=True))
        self._repeated(keys, numbers, errors)
        checked = [row for row in range(len(chunk)) if row not in errors]
        existing = self._existing([keys[row] for row in checked])
        found_at = {}
        if existing:
            for row in checked:
                found = existing.get(keys[row])
                if found is None:
                    continue
                units = self.editable_units
                if units is not None and found["unit_id"] not in units:
                    errors[row] = {"record_number": str(OTHER_UNITS_CARD)}
                else:
                    found_at[row] = found
        report = self.report
        report.rows_in_error += len(errors)
        warned = checks.column_warnings(values)
        for row in sorted(errors.keys() | warned.keys()):
            if row in errors:
                self._problems(numbers[row], errors[row], is_error=True)
            else:
                report.rows_warned += 1
                messages = {check.field: str(check.message) for check in warned[row]}
                self._problems(numbers[row], messages, is_error=False)
        for row, found in found_at.items():
            if all(found[f] == values[f][row] for f in self.written):
                report.unchanged += 1
            else:
                report.updated += 1
        report.added += len(chunk) - len(errors) - len(found_at)
        # A batch with a row in error is never imported: nothing more of it is staged (and
        # what was, the caller deletes). A chunk staged has no row in error.
        if self.batch is not None and report.ok:
            stage(self._staged(numbers, values))

    def _repeated(self, keys: list[tuple], numbers: list[int], errors: dict) -> None:
        """An error at the card number of each row repeating the card of an earlier row of the
        file. Without errors (each key whole) every row's first row is found in C."""
        if not errors:
            firsts = list(map(self.first_row_of.setdefault, keys, numbers))
            if firsts == numbers:
                return
        for row, key in enumerate(keys):
            if all(key) and "record_number" not in errors.get(row, ()):
                first = self.first_row_of.setdefault(key, numbers[row])
                if first != numbers[row]:
                    message = str(self.repeated % {"row": first})
                    errors.setdefault(row, {})["record_number"] = message

    def _existing(self, keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
        """The values of the records already holding these keys: one query per source and
        organisation in the chunk (a file usually comes from one), none for an organisation
        of which no record was found when the import first met it (a new hospital's first
        file). What the preview finds here gives its counts and refuses a card of another
        unit; the commit decides again by the data as it is then (`staging`)."""
        numbers: dict[tuple[str, str], list[str]] = {}
        for source, org, number in keys:
            numbers.setdefault((source, org), []).append(number)
        found = {}
        for (source, org), wanted in numbers.items():
            if (source, org) not in self.recorded:
                records = InjuryRecord.objects.filter(source=source, reporting_org=org)
                self.recorded[source, org] = records.exists()
            if not self.recorded[source, org]:
                continue
            records = InjuryRecord.objects.filter(
                source=source, reporting_org=org, record_number__in=wanted
            ).values("pk", *KEY, *DATA_FIELDS)
            for record in records:
                found[(record["source"], record["reporting_org"], record["record_number"])] = record
        return found

    def _staged(self, numbers: list[int], values: dict[str, Sequence[Any]]) -> list[Sequence[Any]]:
        """The chunk's checked rows as the staging table keeps them, by column (`STAGED`'s
        columns): the new records' values and their derived fields."""
        derived = derived_columns(values)
        return [
            (self.batch.pk,) * len(numbers),
            numbers,
            *(values[name] for name in INSERTED),
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


def derived_columns(values: dict[str, Sequence[Any]]) -> dict[str, list[Any]]:
    """The derived fields of rows given by column, as `derived_values` derives them for one
    record, each computed once per distinct input (a day, an age, a mechanism)."""
    days, ages = values["injury_date"], values["age"]

    def domain(cause: int, place: int, activity: int, age: int) -> str:
        return domain_of(cause=cause, place=place, activity=activity, age=age)

    return {
        "year": each_distinct(attrgetter("year"), days),
        "month": each_distinct(attrgetter("month"), days),
        "age_group": each_distinct(age_group_of, ages),
        "age_band": each_distinct(age_band_of, ages),
        "domain": each_distinct(domain, values["cause"], values["place"], values["activity"], ages),
    }


# The columns a new record is written with, and those a staged row has.
INSERTED = (*KEY, *DATA_FIELDS)
STAGED = ("batch_id", "row", *INSERTED, *DERIVED_FIELDS)
COPIED = (*INSERTED, *DERIVED_FIELDS, "batch_id", "created_at", "updated_at")


def stage(columns: list[Sequence[Any]]) -> None:
    """Write checked rows, given by column (`STAGED`'s columns), to the staging table: COPY on
    PostgreSQL; elsewhere (SQLite) one INSERT run for every row (`executemany`), dates and times
    as Django stores them."""
    if not columns[0]:
        return
    if connection.vendor == "postgresql":
        copy_columns(StagedRecord, STAGED, columns)
        return
    quote = connection.ops.quote_name
    names = ", ".join(map(quote, STAGED))
    marks = ", ".join(["%s"] * len(STAGED))
    sql = f"INSERT INTO {quote(StagedRecord._meta.db_table)} ({names}) VALUES ({marks})"
    stored = [each_distinct(_stored, column) for column in columns]
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(zip(*stored, strict=True)))


def _stored(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


#: COPY's text format: a backslash, a tab, a line end or a carriage return in a text is escaped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: Any) -> str:
    """A value as COPY's text format writes it (NULL as \\N, dates as ISO)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES) if any(c in value for c in "\\\t\n\r") else value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _copy_texts(column: Sequence[Any]) -> Sequence[str]:
    """A column's values as COPY writes them: a column of plain texts none of which needs
    escaping as it is, of whole numbers by `str` in C, any other each distinct value once
    (`copy_text`)."""
    kinds = set(map(type, column))
    if kinds == {str}:
        joined = "".join(column)
        if not any(c in joined for c in "\\\t\n\r"):
            return column
    if kinds == {int}:
        return list(map(str, column))
    return each_distinct(copy_text, column)


def copy_columns(
    model: type[models.Model], names: Sequence[str], columns: Sequence[Sequence[Any]]
) -> None:
    """Write rows given by column (values in the order of `names`) to `model`'s table with
    PostgreSQL's COPY, in its text format: each distinct value of a column spelled once
    (`copy_text`), the lines joined in C. The values were checked as the model would check
    them; the table's constraints still check them again."""
    texts = [_copy_texts(column) for column in columns]
    buffer = io.StringIO("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n")
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)


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
