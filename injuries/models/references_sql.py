"""The injury records' references (their creating unit, their import batch) checked once per
statement on PostgreSQL, in place of the foreign-key constraints' check per row.

A foreign key checks each inserted or updated row with a query of its own, at the end of the
transaction (Django makes them DEFERRABLE INITIALLY DEFERRED): 200,000 queries for an import of
100,000 records, 0.9 s of its 4.4 s move, as long as the rollup's triggers take
(bench/README.md, "Injury imports"). These triggers do what the constraints did, once per
statement over its transition table:

- on the records, after an INSERT or UPDATE: the distinct units and batches the statement's rows
  name are locked FOR KEY SHARE, as the constraint's check locks each (so that no concurrent
  transaction deletes one before this one commits), then any that is not there refuses the
  statement with `foreign_key_violation` (Django's `IntegrityError`);
- on the units and the batches, after a DELETE: a record still naming one of the deleted rows
  refuses the statement alike (the constraint's NO ACTION).

What differs: the check is at the end of the statement, not of the transaction, so a record
cannot be written before its unit in the same transaction (nothing in the portal does); a key
that changes is not followed (the ids of units and batches never change). Django's models keep
the relations (`db_constraint=False`), its `on_delete=PROTECT` refuses the deletes first.

SQLite keeps its foreign keys: its checks are per row whatever the mechanism, and cheap.
"""

from __future__ import annotations

RECORDS = "injuries_injuryrecord"
#: (the records' column, the table it names).
REFERENCES = (
    ("unit_id", "programs_creatingunit"),
    ("batch_id", "injuries_importbatch"),
)


def _written_check() -> str:
    locks = "\n".join(
        f"    PERFORM 1 FROM {table} WHERE id IN (SELECT {column} FROM new_rows) FOR KEY SHARE;"
        for column, table in REFERENCES
    )
    missing = "\n        OR ".join(
        f"""EXISTS (
            SELECT 1 FROM (SELECT DISTINCT {column} FROM new_rows) n
            WHERE n.{column} IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = n.{column})
        )"""
        for column, table in REFERENCES
    )
    return f"""
CREATE FUNCTION injury_references_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{locks}
    IF {missing} THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'An injury record names a creating unit or import batch that does not exist.',
            TABLE = '{RECORDS}';
    END IF;
    RETURN NULL;
END
$$;"""


def _deleted_check(column: str, table: str) -> str:
    return f"""
CREATE FUNCTION {table}_injury_references_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {RECORDS} WHERE {column} IN (SELECT id FROM old_rows)) THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'Injury records still name a deleted row of {table}.',
            TABLE = '{table}';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER injury_references_deleted AFTER DELETE ON {table}
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION {table}_injury_references_deleted();"""


def create_triggers() -> list[str]:
    """The PostgreSQL statements creating the checks (after the constraints are dropped)."""
    statements = [_written_check()]
    statements += [
        f"""CREATE TRIGGER injury_references_{op.lower()} AFTER {op} ON {RECORDS}
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION injury_references_written();"""
        for op in ("INSERT", "UPDATE")
    ]
    statements += [_deleted_check(column, table) for column, table in REFERENCES]
    return statements


def drop_triggers() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS injury_references_{op} ON {RECORDS};"
        for op in ("insert", "update")
    ]
    statements.append("DROP FUNCTION IF EXISTS injury_references_written();")
    for _column, table in REFERENCES:
        statements.append(f"DROP TRIGGER IF EXISTS injury_references_deleted ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS {table}_injury_references_deleted();")
    return statements
