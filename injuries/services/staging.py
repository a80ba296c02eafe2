"""Moving a batch's checked rows from the staging table (`StagedRecord`) into the records: the
import of a previewed file, without reading or checking its rows again.

The rows were read, converted and checked when the file was previewed. What may have changed
since is the data around them, so the move decides by joins on the data as it is now, not by
what the preview saw:

- each row's unit still exists and the importing user may still write it, and a record the row
  would change is not (now) under a unit the user may not change — one query; a refusal names
  the rows, and nothing is written;
- insert or update by the natural key (source, organisation, card number): records holding a
  staged row's key and differing in a field the file gives are locked, their values kept in
  `ImportBatchChange` (so the batch can be withdrawn) and updated — one statement on
  PostgreSQL; then the staged rows whose key a record holds are deleted (updated or
  unchanged), and the rows left — whose key no record holds — are inserted: one INSERT …
  SELECT without a join, so its plan never scans the records it is writing (an anti-join
  planned on an empty, vacuumed records table read that table again for every row it wrote:
  minutes for 100,000 rows);
- the staged rows are deleted; the counts tell how many rows changed nothing.

The rollup's triggers see one INSERT and one UPDATE (on PostgreSQL, one grouped upsert each);
the records' constraints (the natural key, the unit's foreign key, the code lists) still guard
what goes in. All of it runs in the caller's transaction (the batch's move `commit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from injuries.errors import NO_UNIT, NOT_YOUR_UNIT, OTHER_UNITS_CARD
from injuries.models import DERIVED_FIELDS, ImportBatchChange, InjuryRecord, StagedRecord
from injuries.resources import InjuryRecordResource
from injuries.services.chunks import INSERTED
from injuries.services.rows import KEY, Problem
from programs.core.models import CreatingUnit

if TYPE_CHECKING:
    from injuries.models import ImportBatch
    from programs.core.models import User


@dataclass
class Moved:
    """What a move did, or the rows it refused (then it wrote nothing)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    staged: int = 0
    refused: list[Problem] = field(default_factory=list)


def _tables() -> tuple[str, str, str, str]:
    quote = connection.ops.quote_name
    return tuple(
        quote(model._meta.db_table)
        for model in (StagedRecord, InjuryRecord, ImportBatchChange, CreatingUnit)
    )


def _same_key(record: str = "r", staged: str = "s") -> str:
    return " AND ".join(f"{record}.{name} = {staged}.{name}" for name in KEY)


def _unit_ids(ids: set[int]) -> str:
    """An SQL list of unit ids (never empty: no unit has the id 0)."""
    return ", ".join(str(int(i)) for i in sorted(ids) or [0])


def staged_refusals(batch: ImportBatch, user: User | None) -> list[Problem]:
    """The staged rows the data as it is now refuses: a unit gone or no longer the user's to
    write, a card now recorded under a unit the user may not change. One query."""
    staged, records, _changes, units = _tables()
    editable = None if user is None else InjuryRecord.objects.unit_ids_editable_by(user)
    conditions, join = ["u.id IS NULL"], ""
    if editable is not None:
        allowed = _unit_ids(editable)
        join = f"LEFT JOIN {records} r ON {_same_key()}"
        conditions += [f"s.unit_id NOT IN ({allowed})", f"r.unit_id NOT IN ({allowed})"]
    sql = f"""SELECT s.row, s.unit_id, u.code
        FROM {staged} s LEFT JOIN {units} u ON u.id = s.unit_id {join}
        WHERE s.batch_id = %s AND ({" OR ".join(conditions)}) ORDER BY s.row"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk])
        found = cursor.fetchall()
    columns = InjuryRecordResource.fields
    unit, number = str(columns["unit"].column_name), str(columns["record_number"].column_name)
    refused = []
    for row, unit_id, code in found:
        if code is None:
            refused.append(Problem(row, unit, str(NO_UNIT % {"value": unit_id})))
        elif editable is not None and unit_id not in editable:
            refused.append(Problem(row, unit, str(NOT_YOUR_UNIT % {"value": code})))
        else:
            refused.append(Problem(row, number, str(OTHER_UNITS_CARD)))
    return refused


def staged_move(
    *, batch: ImportBatch, user: User | None, fields: Sequence[str], checked_now: bool = False
) -> Moved:
    """Move the batch's staged rows into the records (see the module's docstring); `fields`
    are the record fields the file gives, which a row changing a record writes. Writes nothing
    and returns the refused rows when the data now refuses any — unless the rows were checked
    in this very transaction (`checked_now`: a command's file, a JSON batch)."""
    refused = [] if checked_now else staged_refusals(batch, user)
    if refused:
        return Moved(refused=refused)
    now = timezone.now()
    moved = Moved(updated=_update(batch, fields, now))
    held = _discard_held(batch)
    moved.added = _insert(batch, now)
    moved.staged = held + staged_discard(batch)
    moved.unchanged = moved.staged - moved.added - moved.updated
    return moved


def _update(batch: ImportBatch, fields: Sequence[str], now) -> int:
    """Update the records holding a staged row's key whose values differ in `fields`, keeping
    the values they had; how many."""
    staged, records, changes, _units = _tables()
    postgresql = connection.vendor == "postgresql"
    differs = " OR ".join(
        f"r.{name} IS DISTINCT FROM s.{name}" if postgresql else f"r.{name} IS NOT s.{name}"
        for name in fields
    )
    pairs = ", ".join(f"'{name}', r.{name}" for name in fields)
    previous = f"{'jsonb_build_object' if postgresql else 'json_object'}({pairs})"
    written = (*fields, *DERIVED_FIELDS)
    if postgresql:
        # One statement: the records are locked (in id order: two imports lock alike) as they
        # are read, their values kept and updated; a record changed meanwhile is read as it
        # is once locked.
        sql = f"""WITH matched AS (
                SELECT r.id AS record_id, r.batch_id AS previous_batch_id,
                    {previous} AS previous, {", ".join(f"s.{name}" for name in written)}
                FROM {staged} s JOIN {records} r ON {_same_key()}
                WHERE s.batch_id = %s AND ({differs})
                ORDER BY r.id
                FOR UPDATE OF r
            ), kept AS (
                INSERT INTO {changes} (batch_id, record_id, previous_batch_id, previous)
                SELECT %s, record_id, previous_batch_id, previous FROM matched
            )
            UPDATE {records} AS r
            SET {", ".join(f"{name} = m.{name}" for name in written)},
                batch_id = %s, updated_at = %s
            FROM matched m WHERE r.id = m.record_id"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [batch.pk, batch.pk, batch.pk, now])
            return cursor.rowcount
    # SQLite writes one transaction at a time: read, keep and update in two statements.
    keep = f"""INSERT INTO {changes} (batch_id, record_id, previous_batch_id, previous)
        SELECT %s, r.id, r.batch_id, {previous}
        FROM {staged} s JOIN {records} r ON {_same_key()}
        WHERE s.batch_id = %s AND ({differs})"""
    update = f"""UPDATE {records} AS r
        SET {", ".join(f"{name} = s.{name}" for name in written)}, batch_id = %s, updated_at = %s
        FROM {staged} s WHERE s.batch_id = %s AND {_same_key()} AND ({differs})"""
    with connection.cursor() as cursor:
        cursor.execute(keep, [batch.pk, batch.pk])
        cursor.execute(update, [batch.pk, now, batch.pk])
        return cursor.rowcount


def _discard_held(batch: ImportBatch) -> int:
    """Delete the staged rows whose key a record holds (just updated, or unchanged); how
    many."""
    staged, records, _changes, _units = _tables()
    sql = f"""DELETE FROM {staged} WHERE batch_id = %s
        AND EXISTS (SELECT 1 FROM {records} r WHERE {_same_key(staged=staged)})"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk])
        return cursor.rowcount


def _insert(batch: ImportBatch, now) -> int:
    """Insert the staged rows left (no record holds their key), in the file's order; how many.
    A record of the same key committed meanwhile by another import makes the natural key
    refuse the row, and the whole import with it."""
    staged, records, _changes, _units = _tables()
    names = (*INSERTED, *DERIVED_FIELDS)
    sql = f"""INSERT INTO {records} ({", ".join(names)}, batch_id, created_at, updated_at)
        SELECT {", ".join(f"s.{name}" for name in names)}, %s, %s, %s
        FROM {staged} s WHERE s.batch_id = %s ORDER BY s.row"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk, now, now, batch.pk])
        return cursor.rowcount


def staged_discard(batch: ImportBatch) -> int:
    """Delete the batch's staged rows (moved, or never to be); how many there were."""
    rows = StagedRecord.objects.filter(batch=batch)
    return rows._raw_delete(rows.db)
