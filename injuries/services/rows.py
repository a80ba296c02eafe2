"""Reading and checking the rows of an injury spreadsheet, a chunk of rows at a time and column
by column: which record field each column fills, every cell read through the fields of
`InjuryRecordResource`, and the model's rules written out for plain values (as `full_clean`
would apply them, without building a record per row).

A column of a chunk is read in three steps: its distinct cells are found (a set, in C), each
distinct cell is read by the column's widget and checked by the field's rules once (a file of
a hundred thousand cards repeats a few dozen units, codes, organisations and ages), and the
results are spread back over the rows by a dictionary lookup (`map`, in C). The columns whose
cells rarely repeat, when all their cells are text (a CSV file's, a JSON batch's), are read in
C too: card numbers and other plain texts stripped as `TextWidget` strips them, the usual
`2024-03-31 14:30` split into its day (each day read once per import) and its time of day
(from the table of the 1,440); any other cell goes to the widget. About 0.2 µs a cell is left.
The messages are the widgets' and the rules' own, in the user's language, and a row's errors
come in the order the rules give them (`Rank`); the former reader, a row at a time, is kept in
`tests/injuries/row_reader.py`, and the tests compare the two on bad cells of every kind.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import zip_longest
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

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
from safecommunity.spreadsheets import TextWidget, _normalise

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
    def readers(self) -> list[ColumnReader]:
        """A reader per column the file gives, in the file's order."""
        fields = self.resource.fields
        return [
            ColumnReader(name, position, fields[name].widget, self.today)
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


#: Text fields a record holds as "" when the file leaves them empty or does not have them.
EMPTY_TEXT = ("reporting_org", "record_number", "diagnosis", "narrative", "icd10")
#: Where a message stands among a row's messages: (step, order within the step). The widgets'
#: refusals come first, in the file's column order, then each rule in the order `full_clean`
#: would apply it; a field keeps only its first message.
Rank = tuple[int, int]
REFUSED, MISSING, LONG, AGE, ICD10, FUTURE = range(6)
#: The columns of a date and time, in the order of their "in the future" messages.
DAY_OF = {"injured_at": 0, "visited_at": 1}
#: A read cell: the values of the record fields its column fills, and its message, if any.
Read = tuple[tuple[Any, ...], tuple[Rank, str] | None]


class ColumnReader:
    """Reads and checks one column of the file: each distinct cell once, by the field's widget
    and the model's rules for the record fields the column fills."""

    def __init__(self, name: str, position: int, widget: Any, today: datetime.date) -> None:
        self.name = name
        self.position = position
        self.widget = widget
        self.today = today
        self.fills = FILLS.get(name, (name,))
        self.nothing = (None,) * len(self.fills)
        self.required = [(i, REQUIRED.index(f)) for i, f in enumerate(self.fills) if f in REQUIRED]
        self.limit = TEXT_LIMITS.get(name)
        self.limit_order = list(TEXT_LIMITS).index(name) if self.limit else 0
        self.days: dict[str, datetime.date | None] = {}  # "2024-03-31" → its day, once

    def read(self, cells: Sequence[Any]) -> tuple[list[Sequence[Any]], dict[int, Any]]:
        """The values of the record fields the column fills (a sequence per field, a value per
        row) and the rows it finds in error: row index in the chunk → (rank, message)."""
        kinds = set(map(type, cells))
        if kinds == {str} and self.name in DAY_OF:
            return self._read_dates(cells)
        if kinds == {str} and self.limit is not None and type(self.widget) is TextWidget:
            return self._read_texts(cells)
        kinds.discard(type(None))
        # Cells as dictionary keys: themselves, or (type, cell) when the column mixes types
        # that compare equal but may read differently (1, 1.0 and True).
        keys = cells if len(kinds) <= 1 else [(type(cell), cell) for cell in cells]
        single = len(self.fills) == 1
        table, problems = {}, {}
        for key in set(keys):
            values, problem = self._cell(key[1] if keys is not cells else key)
            table[key] = values[0] if single else values
            if problem is not None:
                problems[key] = problem
        read = list(map(table.__getitem__, keys))
        columns = [read] if single else list(zip(*read, strict=True)) or [()] * len(self.fills)
        if not problems:
            return columns, {}
        return columns, {i: problems[key] for i, key in enumerate(keys) if key in problems}

    def _read_texts(self, cells: Sequence[str]) -> tuple[list[Sequence[Any]], dict[int, Any]]:
        """A column of text cells that rarely repeat (card numbers, narratives): stripped in C
        (as `TextWidget` strips text); a row is looked at alone only when the column holds a
        text too long, or an empty one where one is required."""
        texts = list(map(str.strip, cells))
        problems = {}
        if (self.required and "" in texts) or max(map(len, texts)) > self.limit:
            for row, text in enumerate(texts):
                problem = self._problem((text,))
                if problem is not None:
                    problems[row] = problem
        return [texts], problems

    def _read_dates(self, cells: Sequence[str]) -> tuple[list[Sequence[Any]], dict[int, Any]]:
        """A column of date-and-time texts as most systems write them, 2024-03-31 14:30: each
        distinct day read once per import, the time from the table of the 1,440 (`TIMES`), in
        C; a cell written otherwise (or no date, or none at all) as the widget reads it."""
        heads = list(map(DAY_TEXT, cells))
        for text in set(heads).difference(self.days):
            self.days[text] = _day(text)
        days = list(map(self.days.__getitem__, heads))
        times = list(map(TIMES.get, map(TIME_TEXT, cells)))
        problems = {}
        if None in days or None in times:
            for row, cell in enumerate(cells):
                if days[row] is None or times[row] is None:
                    (days[row], times[row]), problem = self._cell(cell)
                    if problem is not None:
                        problems[row] = problem
        late = {day for day in set(days) if day is not None and day > self.today}
        if late:
            future = (FUTURE, DAY_OF[self.name]), str(IN_THE_FUTURE)
            for row, day in enumerate(days):
                if day in late and row not in problems:
                    problems[row] = future
        return [days, times], problems

    def _cell(self, cell: Any) -> Read:
        try:
            values = self._values(cell)
        except (ValueError, ValidationError) as refusal:
            message = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
            return self.nothing, ((REFUSED, self.position), message)
        return values, self._problem(values)

    def _values(self, cell: Any) -> tuple[Any, ...]:
        """The cell as the values of the record fields the column fills (a widget's refusal
        raised as it is)."""
        if self.name in DAY_OF:
            return split_datetime(self.widget.clean(cell))
        value = self.widget.clean(cell)
        if self.name == "unit":
            return (value.pk if value is not None else None,)
        if self.name in EMPTY_TEXT:
            value = value or ""
        if self.name == "icd10":
            value = value.upper()
        return (value,)

    def _problem(self, values: tuple[Any, ...]) -> tuple[Rank, str] | None:
        """The first of the model's rules the read cell breaks (see `Rank`)."""
        for index, order in self.required:
            if values[index] is None or values[index] == "":
                return (MISSING, order), str(REQUIRED_VALUE)
        value = values[0]
        if self.limit is not None and len(value) > self.limit:
            return (LONG, self.limit_order), str(TOO_LONG % {"limit": self.limit})
        if self.name == "age" and value is not None and not 0 <= value <= MAX_AGE:
            return (AGE, 0), str(AGE_OUT_OF_RANGE % {"limit": MAX_AGE})
        if self.name == "icd10" and value and not ICD10_RE.match(value):
            return (ICD10, 0), str(BAD_ICD10 % {"value": value})
        if self.name in DAY_OF and value is not None and value > self.today:
            return (FUTURE, DAY_OF[self.name]), str(IN_THE_FUTURE)
        return None


#: "2024-03-31 14:30" → "2024-03-31" and " 14:30"; every time of day so written → the time.
DAY_TEXT, TIME_TEXT = itemgetter(slice(None, 10)), itemgetter(slice(10, None))
TIMES = {f" {h:02}:{m:02}": datetime.time(h, m) for h in range(24) for m in range(60)}


def _day(text: str) -> datetime.date | None:
    """The day of a text written 2024-03-31, as `DateTimeCellWidget` reads it; None for any
    other text (which the widget then reads, or refuses with its message)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    if not (text[:4] + text[5:7] + text[8:]).isdigit():
        return None
    try:
        return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


@dataclass
class ChunkRead:
    """A chunk's rows read and checked: each record field's values, one a row (`DATA_FIELDS`
    and the key; a field the file does not give holds None, or "" for text), and the rows in
    error: row index in the chunk → field name → message, in the order the rules give them."""

    values: dict[str, Sequence[Any]]
    errors: dict[int, dict[str, str]]


def read_chunk(rows: Sequence[Sequence[Any]], columns: Columns) -> ChunkRead:
    """Read and check a chunk of rows (their cells), column by column."""
    count = len(rows)
    cells_at = list(zip_longest(*rows))  # the chunk's columns; a short row's missing cells None
    values: dict[str, Sequence[Any]] = {}
    found: dict[int, list[tuple[Rank, str, str]]] = {}
    for reader in columns.readers:
        position = reader.position
        cells = cells_at[position] if position < len(cells_at) else (None,) * count
        read, problems = reader.read(cells)
        values.update(zip(reader.fills, read, strict=True))
        for row, (rank, message) in problems.items():
            found.setdefault(row, []).append((rank, reader.name, message))
    for name in (*KEY, *DATA_FIELDS):
        if name not in values:
            values[name] = ("" if name in EMPTY_TEXT else None,) * count
    errors = {
        row: {name: message for _rank, name, message in sorted(messages)}
        for row, messages in sorted(found.items())
    }
    return ChunkRead(values, errors)


def each_distinct(function: Callable[..., Any], *columns: Sequence[Any]) -> list[Any]:
    """`function` of each row's values in `columns`, computed once per distinct combination
    (the derived fields, the plausibility checks, the values as COPY writes them)."""
    if len(columns) == 1:
        rows, spread = columns[0], function
    else:
        rows, spread = list(zip(*columns, strict=True)), lambda row: function(*row)
    table = {row: spread(row) for row in set(rows)}
    return list(map(table.__getitem__, rows))
