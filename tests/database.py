"""`refused_by_database`: the database refuses a row, and by the rule the test is about.

A bare `pytest.raises(IntegrityError)` passes whichever constraint (or NOT NULL) refused the
row, so it cannot tell a broken rule from a broken fixture. The helper checks the error names
the expected rule:

- PostgreSQL names every constraint: `violates check constraint "<name>"`, `violates unique
  constraint "<name>"` (a field's own `unique=True` is `<table>_<column>_key`), and a NOT NULL
  column by its column and table;
- SQLite names only CHECK constraints (`CHECK constraint failed: <name>`); a unique constraint
  or field is known by its `table.column` list (`UNIQUE constraint failed: t.a, t.b`), in the
  order of the constraint's fields, and a NOT NULL column by its `table.column`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction


def refused_by_database(create: Callable[[], Any], constraint: str) -> None:
    """`create()` writes a row the database refuses, and `constraint` is the rule refusing it.

    `constraint` is the name of a constraint in some model's `Meta.constraints`, or
    `"app_label.Model.field"` for a field's own `unique=True` or its NOT NULL column.
    """
    expected, whole = expected_message(constraint)
    try:
        with transaction.atomic():
            create()
    except IntegrityError as error:
        said = str(error).strip()
    else:
        pytest.fail(f"The database accepted the row; {constraint} should have refused it.")
    first_line = said.splitlines()[0] if said else ""
    if (said != expected) if whole else (expected not in first_line):
        wanted = "the message" if whole else "a message with"
        pytest.fail(
            f"Expected {constraint} to refuse the row ({wanted} {expected!r}), "
            f"but the database said: {said!r}"
        )


def expected_message(constraint: str) -> tuple[str, bool]:
    """What this database says when `constraint` refuses a row, and whether that is the whole
    message (SQLite) or a part of its first line (PostgreSQL)."""
    if connection.vendor == "postgresql":
        return postgresql_message(constraint), False
    return sqlite_message(constraint), True


def postgresql_message(constraint: str) -> str:
    if is_field(constraint):
        model, field = field_named(constraint)
        table, column = model._meta.db_table, field.column
        if field.unique:
            return f'violates unique constraint "{table}_{column}_key"'
        return f'null value in column "{column}" of relation "{table}" violates not-null constraint'
    _, rule = constraint_named(constraint)
    if isinstance(rule, models.CheckConstraint):
        return f'violates check constraint "{rule.name}"'
    return f'violates unique constraint "{rule.name}"'


def sqlite_message(constraint: str) -> str:
    if is_field(constraint):
        model, field = field_named(constraint)
        failed = "UNIQUE" if field.unique else "NOT NULL"
        return f"{failed} constraint failed: {model._meta.db_table}.{field.column}"
    model, rule = constraint_named(constraint)
    if isinstance(rule, models.CheckConstraint):
        return f"CHECK constraint failed: {rule.name}"
    table = model._meta.db_table
    columns = ", ".join(f"{table}.{model._meta.get_field(f).column}" for f in rule.fields)
    return f"UNIQUE constraint failed: {columns}"


def is_field(constraint: str) -> bool:
    return constraint.count(".") == 2


def field_named(label: str) -> tuple[type[models.Model], models.Field]:
    app_label, model_name, field_name = label.split(".")
    model = apps.get_model(app_label, model_name)
    field = model._meta.get_field(field_name)
    if not field.unique and field.null:
        raise ValueError(f"{label} is neither unique nor NOT NULL: no rule of its own")
    return model, field


def constraint_named(name: str) -> tuple[type[models.Model], models.BaseConstraint]:
    found = [
        (model, rule)
        for model in apps.get_models()
        for rule in model._meta.constraints
        if rule.name == name
    ]
    if len(found) != 1:
        raise LookupError(f"{len(found)} models have a constraint named {name!r}")
    model, rule = found[0]
    known = isinstance(rule, models.CheckConstraint) or (
        isinstance(rule, models.UniqueConstraint) and rule.fields
    )
    if not known:
        raise NotImplementedError(f"refused_by_database cannot name {rule!r}")
    return model, rule
