"""Reading and checking one row of an injury spreadsheet: which record field each column fills,
every cell read through the fields of `InjuryRecordResource`, and the model's rules written out
for plain values (as `full_clean` would apply them, without building a record per row)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from injuries.choices import CODE_LISTS
from injuries.errors import (
    AGE_OUT_OF_RANGE,
    BAD_ICD10,
    IN_THE_FUTURE,
    REFUSED_IDENTIFIERS,
    REFUSED_MISSING_COLUMNS,
    REPEATED_ROW,
    REQUIRED_VALUE,
    TOO_LONG,
    ImportRefused,
)
from injuries.models import CARD_FIELDS, ICD10_RE, MAX_AGE, split_datetime
from injuries.resources import IDENTIFIER_HEADERS, InjuryRecordResource
from safecommunity.spreadsheets import _normalise

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
class RowSource:
    """Rows to import: the header, then (row number, cells) pairs; a file's rows, or the cards
    of a JSON batch (numbered by their index, which `repeated` names when a card repeats)."""

    header: list[str]
    rows: Iterable[tuple[int, Sequence[Any]]]
    total: int = 0
    repeated: Any = REPEATED_ROW
    report_type: type | None = None  # an `ImportReport` of its own (imports.ImportReport)


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
            raise ImportRefused(REFUSED_IDENTIFIERS, columns="、".join(identifiers))
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
            raise ImportRefused(REFUSED_MISSING_COLUMNS, columns="、".join(missing))
        return cls(resource, positions, headers)

    @property
    def written_fields(self) -> tuple[str, ...]:
        """The record fields this file gives values for; the others keep what they hold."""
        given = set()
        for name in self.positions:
            given.update(FILLS.get(name, (name,)))
        return tuple(f for f in DATA_FIELDS if f in given)


#: Each required record field with the spreadsheet column it comes from.
REQUIRED_COLUMNS = tuple((name, COLUMN_OF.get(name, name)) for name in REQUIRED)

#: Columns whose cells repeat a few values (codes, units, organisations): each distinct cell is
#: read once per import and remembered, which is most of the time a row takes.
REPEATING = frozenset({"unit", "source", "reporting_org", *(n for n, _c in CODE_LISTS)})
MEMO_LIMIT = 5000


def read_row(cells: Sequence[Any], columns: Columns) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's values by record field, and its errors by field name."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    width = len(cells)
    for name, position, widget, memo in columns.readers:
        cell = cells[position] if position < width else None
        known = memo.get(cell) if memo is not None else None
        if known is not None:
            value, error = known
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
    for name, column in REQUIRED_COLUMNS:
        if values.get(name) in (None, "") and column not in errors:
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
