"""The injury import's former reader, a row at a time (`injuries.services.rows` before it read by
column): every cell through its field's widget, then the model's rules on the row's values.
Kept for the tests only, which read the same cells with `rows.read_chunk` and expect the same
values and the same messages, in the same order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from injuries.errors import AGE_OUT_OF_RANGE, BAD_ICD10, IN_THE_FUTURE, REQUIRED_VALUE, TOO_LONG
from injuries.models import ICD10_RE, MAX_AGE, split_datetime
from injuries.services.rows import COLUMN_OF, FILLS, REQUIRED, TEXT_LIMITS, Columns

REQUIRED_COLUMNS = tuple((name, COLUMN_OF.get(name, name)) for name in REQUIRED)


def read_row(cells: Sequence[Any], columns: Columns) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's values by record field, and its errors by field name."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    fields = columns.resource.fields
    for name, position in columns.positions.items():
        cell = cells[position] if position < len(cells) else None
        try:
            value = fields[name].widget.clean(cell)
        except (ValueError, ValidationError) as refusal:
            errors[name] = (
                refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
            )
            continue
        if name == "unit":
            values["unit_id"] = value.pk if value is not None else None
        elif name in FILLS:
            values.update(zip(FILLS[name], split_datetime(value), strict=True))
        else:
            values[name] = value
    _check_values(values, errors, columns)
    return values, errors


def _check_values(values: dict[str, Any], errors: dict[str, str], columns: Columns) -> None:
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
        if values.get(day) is not None and values[day] > columns.today and column not in errors:
            errors[column] = str(IN_THE_FUTURE)
