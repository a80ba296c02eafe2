"""Injury cards in bulk as JSON: a department's system sends a batch of cards instead of a
spreadsheet (`cards_import`, behind `POST /api/v1/injury-records/batches/`).

A card is an object with the record's field names (`record_number`, `unit` as the unit's code,
`source`, `reporting_org`, `sex`, `age`, `injury_date`, `injury_time`, `cause` …; the
spreadsheet's `injured_at` / `visited_at` are taken too) and the codes a spreadsheet takes (the
card's number or its label). Each card's fields are checked for their JSON type here; then the
cards go through the file import's own path (`imports.rows_import`): every value read by the
spreadsheet's widgets, the same rules and plausibility checks, the same scope (a clerk its own
unit), the same natural key (a repeated card updates its record), and the batch is committed by
the batch's move `commit`, so its event is a file import's.

All or nothing: any error raises `CardsRefused` with every error found (the first
`ERRORS_KEPT`), each `{"index": i, "field": name, "message": text}` (index None for the batch
as a whole), and nothing is written. Plausibility checks come back as warnings of the same
shape and refuse nothing. The batch is kept in the import history like a file (the JSON body's
SHA-256 and size stand for the file's, named `api-<time>.json`) and can be withdrawn like one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone

from injuries.choices import CODE_LISTS
from injuries.errors import (
    CARD_BOTH_FORMS,
    CARD_FIELD,
    CARD_IDENTIFIER_FIELD,
    CARD_NOT_AN_OBJECT,
    CARD_NOT_CODE,
    CARD_NOT_DATE,
    CARD_NOT_TEXT,
    CARD_NOT_TIME,
    CARD_NOT_WHOLE_NUMBER,
    CARD_UNKNOWN_FIELD,
    CARDS_NONE,
    CARDS_NOT_A_LIST,
    CARDS_TOO_MANY,
    REPEATED_CARD,
    CardsRefused,
)
from injuries.models import ImportBatch, InjuryRecord
from injuries.resources import IDENTIFIER_HEADERS, InjuryRecordResource
from injuries.services.imports import BatchNowInError, ImportReport, rows_import
from injuries.services.rows import REQUIRED, Problem, RowSource
from programs.core.models import EventKind
from programs.core.transitions import record_event, transition
from safecommunity.spreadsheets import _normalise

if TYPE_CHECKING:
    from programs.core.models import User

#: How many errors a refusal lists (all of them refuse the batch).
ERRORS_KEPT = 500

TEXT, WHOLE, CODE, DATE, TIME = "text", "whole", "code", "date", "time"
#: Every field a card may give, with the JSON type it takes.
KINDS: dict[str, str] = {
    "unit": TEXT,
    "source": CODE,
    "reporting_org": TEXT,
    "record_number": TEXT,
    "injury_date": DATE,
    "injury_time": TIME,
    "visit_date": DATE,
    "visit_time": TIME,
    "injured_at": TEXT,
    "visited_at": TEXT,
    "age": WHOLE,
    **{name: CODE for name, _listed in CODE_LISTS},
    "diagnosis": TEXT,
    "icd10": TEXT,
    "narrative": TEXT,
}
#: The spreadsheet's date-and-time columns and the card's fields that fill each.
DATETIMES = {
    "injured_at": ("injury_date", "injury_time"),
    "visited_at": ("visit_date", "visit_time"),
}
#: The spreadsheet column each card field goes to.
COLUMN = {part: column for column, parts in DATETIMES.items() for part in parts}
#: The columns every batch has (a card lacking one is told its value is required).
ALWAYS = tuple(
    dict.fromkeys({"unit_id": "unit", "injury_date": "injured_at"}.get(n, n) for n in REQUIRED)
)
TYPE_MESSAGES = {
    TEXT: CARD_NOT_TEXT,
    WHOLE: CARD_NOT_WHOLE_NUMBER,
    CODE: CARD_NOT_CODE,
    DATE: CARD_NOT_DATE,
    TIME: CARD_NOT_TIME,
}
#: The JSON types each kind takes (`type()`, so that true and false are no numbers).
TYPES = {TEXT: {str}, WHOLE: {int}, CODE: {str, int}, DATE: {str}, TIME: {str}}
PATTERNS = {
    DATE: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    TIME: re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$"),
}


@dataclass
class CardsReport(ImportReport):
    """An import's report that keeps the first `ERRORS_KEPT` errors and, apart, the first
    `ERRORS_KEPT` warnings: one card's warnings never crowd out another's error."""

    errors_kept: int = 0
    warnings_kept: int = 0

    def note(self, problem: Problem) -> None:
        if problem.is_error and self.errors_kept < ERRORS_KEPT:
            self.errors_kept += 1
            self.problems.append(problem)
        elif not problem.is_error and self.warnings_kept < ERRORS_KEPT:
            self.warnings_kept += 1
            self.problems.append(problem)


@dataclass
class CardsOutcome:
    """What a batch of cards did (or, on a dry run, would do)."""

    cards: int
    added: int
    updated: int
    unchanged: int
    warned: int = 0  # cards with warnings (`warnings` lists the first `ERRORS_KEPT`)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    batch: ImportBatch | None = None  # None on a dry run
    dry_run: bool = False


def cards_import(*, records: Any, user: User, dry_run: bool = False, body: bytes) -> CardsOutcome:
    """Check and import the cards `records` as `user`; `body` is the request's JSON (its
    SHA-256 and size are the batch's). Raises `CardsRefused` when any card is in error: nothing
    is written. With `dry_run=True` everything is checked and nothing written."""
    if not isinstance(records, list):
        raise CardsRefused([_error(None, "records", CARDS_NOT_A_LIST)])
    if not records:
        raise CardsRefused([_error(None, "records", CARDS_NONE)])
    limit = settings.API_CARDS_MAX
    if len(records) > limit:
        raise CardsRefused([_error(None, "records", CARDS_TOO_MANY % {"limit": limit})])
    source, errors = _cards_as_rows(records)
    if errors or dry_run:
        report = rows_import(source=source, user=user)
        errors = _sorted([*errors, *_problems(report, records, errors=True)])
        if errors:
            raise CardsRefused(errors)
        return _outcome(report, records, None, dry_run=True)
    now = timezone.localtime()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=f"api-{now:%Y%m%d-%H%M%S}.json",
            from_api=True,
            sha256=hashlib.sha256(body).hexdigest(),
            size=len(body),
            uploaded_by=user,
            uploaded_at=now,
        )
        record_event(batch, EventKind.CREATED, by=user, data={"rows": len(records), "in_error": 0})
        try:
            transition(batch, "commit", by=user, source=source)
        except BatchNowInError as refused:
            raise CardsRefused(_sorted(_problems(refused.report, records, errors=True))) from None
    return _outcome(batch.commit_report, records, batch, dry_run=False)


def _outcome(
    report: ImportReport, records: list, batch: ImportBatch | None, *, dry_run: bool
) -> CardsOutcome:
    return CardsOutcome(
        cards=report.rows,
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        warned=report.rows_warned,
        warnings=_sorted(_problems(report, records, errors=False)),
        batch=batch,
        dry_run=dry_run,
    )


def _cards_as_rows(records: list) -> tuple[RowSource, list[dict[str, Any]]]:
    """The cards as a file's rows (numbered by their index), and the errors of the cards whose
    fields are unknown, identifiers or of the wrong JSON type (those cards are left out)."""
    keys = set()
    for card in records:
        if isinstance(card, dict):
            keys.update(card)
    given = {COLUMN.get(name, name) for name in keys if name in KINDS}
    header = [name for name in InjuryRecordResource.Meta.fields if name in given or name in ALWAYS]
    rows, errors = [], []
    for index, card in enumerate(records):
        found = _card_errors(index, card)
        if found:
            errors += found
            continue
        cells = []
        for column in header:
            if column in DATETIMES and column not in card:
                day, time = (card.get(part) for part in DATETIMES[column])
                cells.append(f"{day} {time}" if day and time else day)
            else:
                cells.append(card.get(column))
        rows.append((index, cells))
    return RowSource(header, rows, len(rows), REPEATED_CARD, CardsReport), errors


def _card_errors(index: int, card: Any) -> list[dict[str, Any]]:
    if not isinstance(card, dict):
        return [_error(index, "", CARD_NOT_AN_OBJECT)]
    errors = []
    for name, value in card.items():
        key = str(name)
        kind = _kind_of(key)
        if kind is IDENTIFIER:
            errors.append(_error(index, key, CARD_IDENTIFIER_FIELD))
        elif kind is None:
            errors.append(_error(index, key, CARD_UNKNOWN_FIELD))
        elif value is not None and (
            type(value) not in TYPES[kind] or (kind in PATTERNS and not PATTERNS[kind].match(value))
        ):
            errors.append(_error(index, key, TYPE_MESSAGES[kind]))
        elif key in COLUMN and COLUMN[key] in card:
            errors.append(_error(index, key, CARD_BOTH_FORMS % {"other": COLUMN[key]}))
    return errors


IDENTIFIER = "identifier"


@lru_cache(maxsize=1024)
def _kind_of(name: str) -> str | None:
    """The JSON type a field takes, `IDENTIFIER` for a personal identifier, None for a field
    the card does not have (decided once per name: a batch repeats the same few)."""
    if {_normalise(name), _normalise(name.replace("_", " "))} & IDENTIFIER_HEADERS:
        return IDENTIFIER
    return KINDS.get(name)


def _problems(report: ImportReport, records: list, *, errors: bool) -> list[dict[str, Any]]:
    """The import's errors or warnings as the card's fields: a date column is named by the
    field the card gave it in (`injury_date` unless it gave `injured_at`)."""
    found = []
    for problem in report.problems:
        if problem.is_error != errors:
            continue
        name = problem.column
        if name in DATETIMES and name not in records[problem.row]:
            name = DATETIMES[name][0]
        found.append(_error(problem.row, name, problem.message))
    return found


def _error(index: int | None, name: str, message: Any) -> dict[str, Any]:
    text = str(message)
    if index is not None and name:  # a batch's own errors name what they are about
        text = str(CARD_FIELD % {"field": _label(name), "message": text})
    return {"index": index, "field": name, "message": text}


def _label(name: str) -> str:
    """A field's name on the card, in the active language (the field name when unknown)."""
    resource_fields = InjuryRecordResource.fields
    if name in resource_fields:
        return str(resource_fields[name].column_name)
    try:
        return str(InjuryRecord._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an unknown field keeps the name it was sent under
        return name


def _sorted(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    errors.sort(key=lambda e: -1 if e["index"] is None else e["index"])
    return errors[:ERRORS_KEPT]


__all__ = ["ERRORS_KEPT", "CardsOutcome", "CardsRefused", "CardsReport", "cards_import"]
