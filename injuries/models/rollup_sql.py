"""The SQL that keeps the injury rollup (`injuries.models.rollup`) equal to the records: the
triggers on the records' table for PostgreSQL and SQLite, and the queries that fill the rollup
from the records. Two tables at two grains, one key each: the months (`ROLLUP`, a row per unit,
month, source and domain) and the years (`ROLLUP_YEARS`, a row per unit, year, source and
domain); every trigger writes both in the same statement. Generated from the rollup's columns,
each named for what it counts (`cause_3`, `sex_1_age_15`, `died_intent_3`), so a migration
passes its own frozen list.

PostgreSQL: one statement-level trigger per INSERT, UPDATE and DELETE reading the statement's
transition tables — the changed rows counted +1 (new) and −1 (old), once per (unit, month,
source, domain), then those groups summed by rollup key (`grouped_counts`), the
keys whose counts do not move dropped, the rest upserted in key order (so two statements lock
rollup rows in the same order) and the rows left at zero deleted; the year rows are those same
groups summed by year, upserted and emptied alike.

The years keep three of the four levels (`YEAR_LEVELS`: every source or every domain or both):
a page filtered by one source and one domain at once reads that level's months. The fourth
level holds most of the rows (a row per source × domain of a unit's year against one per source,
one per domain and one in all), and writing it cost a 100,000-record import as much again as
the months did (bench/README.md, "Injury imports"). A COPY or `bulk_update` of 100,000 rows is
one grouped upsert per table; an UPDATE of fields the rollup does not count writes nothing.

SQLite has only row triggers: each inserted, deleted or (in a counted field) updated record
upserts or updates its four rows in each table. A row a delete would take below zero is not
there (a test database emptied table by table): the update finds nothing and nothing is
written.
"""

from __future__ import annotations

from collections.abc import Iterable

RECORDS = "injuries_injuryrecord"
ROLLUP = "injuries_injuryrollup"
ROLLUP_YEARS = "injuries_injuryrollupyear"
KEY = ("unit_id", "month", "source", "domain")
YEAR_KEY = ("unit_id", "year", "source", "domain")
#: The record fields the rollup reads (a change of any other field changes no count).
READ = (
    "unit_id",
    "injury_date",
    "source",
    "domain",
    "cause",
    "place",
    "activity",
    "intent",
    "nature",
    "body_part",
    "severity",
    "outcome",
    "sex",
    "age_group",
)
DIED = 5  # injuries.choices.Outcome.DIED
#: The four filter levels of a record: (its source?, its domain?); "" stands for all.
LEVELS = "(SELECT 1 AS s, 1 AS d UNION ALL SELECT 1, 0 UNION ALL SELECT 0, 1 UNION ALL SELECT 0, 0)"
#: The levels the year rows keep, as a condition on a rollup row: not one source and one domain
#: at once.
YEAR_LEVELS = "(source = '' OR domain = '')"
#: Every level: the year rows as migration 0009 made them, before 0011 dropped the finest.
EVERY_LEVEL = "true"


def conditions(column: str) -> list[tuple[str, int]]:
    """What a column counts, read from its name: `cause_3` → [("cause", 3)],
    `sex_1_age_15` → [("sex", 1), ("age_group", 15)], `died_cause_1` → [("outcome", 5),
    ("cause", 1)]."""
    if column.startswith("sex_"):
        _sex, sex, _age, group = column.split("_")
        return [("sex", int(sex)), ("age_group", int(group))]
    died = column.startswith("died_")
    field, _sep, code = column.removeprefix("died_").rpartition("_")
    return [*([("outcome", DIED)] if died else []), (field, int(code))]


def _condition(column: str, row: str) -> str:
    return " AND ".join(f"{row}{field} = {code}" for field, code in conditions(column))


def _month(vendor: str, expression: str) -> str:
    if vendor == "postgresql":
        return f"CAST(date_trunc('month', CAST({expression} AS timestamp)) AS date)"
    return f"date({expression}, 'start of month')"


def _year(vendor: str, expression: str) -> str:
    if vendor == "postgresql":
        return f"CAST(date_part('year', {expression}) AS integer)"
    return f"CAST(strftime('%Y', {expression}) AS integer)"


def grouped_counts(vendor: str, columns: Iterable[str], rows: str) -> str:
    """SELECT of rollup rows (key, n, every column) counting `rows` — a table or a subquery
    with the `READ` fields and `sign` (+1 or −1) — at the four filter levels.

    In two steps: the rows counted once per (unit, month, source, domain) — each condition
    evaluated once per row —, then those few groups summed at the four levels (evaluating the
    conditions on every row at every level cost four times as much: 1.9 s of a 100,000-row
    insert's 4.8 s on PostgreSQL)."""
    columns = list(columns)
    counted = ",\n        ".join(
        f"CAST(COALESCE(SUM(c.sign) FILTER (WHERE {_condition(column, 'c.')}), 0) AS integer)"
        f" AS {column}"
        for column in columns
    )
    sums = ",\n    ".join(f"SUM(g.{column}) AS {column}" for column in columns)
    return f"""SELECT g.unit_id, g.month,
    CASE WHEN l.s = 1 THEN g.source ELSE '' END AS source,
    CASE WHEN l.d = 1 THEN g.domain ELSE '' END AS domain,
    SUM(g.n) AS n,
    {sums}
FROM (
    SELECT c.unit_id, {_month(vendor, "c.injury_date")} AS month, c.source, c.domain,
        CAST(SUM(c.sign) AS integer) AS n,
        {counted}
    FROM {rows} c
    GROUP BY 1, 2, 3, 4
) g CROSS JOIN {LEVELS} l
GROUP BY 1, 2, 3, 4"""


def by_year(vendor: str, columns: Iterable[str], rows: str, levels: str = YEAR_LEVELS) -> str:
    """SELECT of year rows (year key, n, every column): the month rows `rows` (a table or a
    subquery with the month key, n and every column) of the `levels` summed by year."""
    sums = ", ".join(f"SUM(r.{name}) AS {name}" for name in ("n", *columns))
    return f"""SELECT r.unit_id, {_year(vendor, "r.month")} AS year, r.source, r.domain, {sums}
FROM {rows} r
WHERE {levels}
GROUP BY 1, 2, 3, 4"""


def fill(vendor: str, columns: list[str]) -> str:
    """INSERT of the month rows counted from every record (into an empty rollup)."""
    rows = f"(SELECT {', '.join(READ)}, 1 AS sign FROM {RECORDS})"
    names = ", ".join((*KEY, "n", *columns))
    return f"INSERT INTO {ROLLUP} ({names})\n{grouped_counts(vendor, columns, rows)}"


def fill_years(vendor: str, columns: list[str], levels: str = YEAR_LEVELS) -> str:
    """INSERT of the year rows of the `levels` summed from the month rows (into a table of
    years without them)."""
    names = ", ".join((*YEAR_KEY, "n", *columns))
    return f"INSERT INTO {ROLLUP_YEARS} ({names})\n{by_year(vendor, columns, ROLLUP, levels)}"


# --- PostgreSQL ---


def _pg_function(op: str, columns: list[str], years: str | None) -> str:
    parts = []
    if op in ("INSERT", "UPDATE"):
        parts.append(f"SELECT {', '.join(READ)}, 1 AS sign FROM new_rows")
    if op in ("DELETE", "UPDATE"):
        parts.append(f"SELECT {', '.join(READ)}, -1 AS sign FROM old_rows")
    rows = f"({' UNION ALL '.join(parts)})"
    moved = " OR ".join(f"d.{name} <> 0" for name in ("n", *columns))
    added = ", ".join(f"{name} = r.{name} + excluded.{name}" for name in ("n", *columns))
    # (table, key, the deltas it takes): the months, and the years of their levels unless asked
    # without (as migrations 0006 and 0007 made the triggers, before the table of years).
    grains = [(ROLLUP, KEY, "delta")]
    deltas = [f"delta AS (\n{grouped_counts('postgresql', columns, rows)}\n    )"]
    if years is not None:
        grains.append((ROLLUP_YEARS, YEAR_KEY, "year_delta"))
        deltas.append(f"year_delta AS (\n{by_year('postgresql', columns, 'delta', years)}\n    )")
    upserts = [
        f"""written_{i} AS (
        INSERT INTO {table} AS r ({", ".join((*key, "n", *columns))})
        SELECT {", ".join(f"d.{name}" for name in (*key, "n", *columns))}
        FROM {delta} d WHERE {moved}
        ORDER BY {", ".join(f"d.{name}" for name in key)}
        ON CONFLICT ({", ".join(key)}) DO UPDATE SET {added}
        RETURNING r.id, r.n
    )"""
        for i, (table, key, delta) in enumerate(grains)
    ]
    # The ids of the rows the statement left at zero, per table, deleted afterwards.
    emptied = [f"emptied_{i}" for i in range(len(grains))]
    found = ", ".join(
        f"(SELECT array_agg(id) FROM written_{i} WHERE n = 0)" for i in range(len(grains))
    )
    deletes = "\n".join(
        f"""    IF {ids} IS NOT NULL THEN
        DELETE FROM {table} WHERE id = ANY({ids});
    END IF;"""
        for ids, (table, _key, _delta) in zip(emptied, grains, strict=True)
    )
    return f"""
CREATE FUNCTION injury_rollup_{op.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    {" ".join(f"{ids} bigint[];" for ids in emptied)}
BEGIN
    WITH {", ".join([*deltas, *upserts])}
    SELECT {found} INTO {", ".join(emptied)};
{deletes}
    RETURN NULL;
END
$$;
{_pg_trigger(op)}"""


def _pg_trigger(op: str) -> str:
    return f"""CREATE TRIGGER injury_rollup_{op.lower()} AFTER {op} ON {RECORDS}
REFERENCING {"NEW TABLE AS new_rows" if op != "DELETE" else ""}
    {"OLD TABLE AS old_rows" if op != "INSERT" else ""}
FOR EACH STATEMENT EXECUTE FUNCTION injury_rollup_{op.lower()}();
"""


# --- SQLite ---


def _sqlite_grains(years: str | None) -> list[tuple]:
    """Each table the triggers write, with its key, how a record's date gives the key's time,
    and the levels of its rows."""
    grains = [(ROLLUP, KEY, _month, EVERY_LEVEL)]
    if years is not None:
        grains.append((ROLLUP_YEARS, YEAR_KEY, _year, years))
    return grains


def _sqlite_add(columns: list[str], years: str | None) -> str:
    values = ", ".join(f"({_condition(column, 'NEW.')})" for column in columns)
    added = ", ".join(f"{name} = {name} + excluded.{name}" for name in ("n", *columns))
    return "\n".join(
        f"""INSERT INTO {table} ({", ".join((*key, "n", *columns))})
    SELECT * FROM (
        SELECT NEW.unit_id, {time("sqlite", "NEW.injury_date")},
            CASE WHEN l.s = 1 THEN NEW.source ELSE '' END AS source,
            CASE WHEN l.d = 1 THEN NEW.domain ELSE '' END AS domain, 1, {values}
        FROM {LEVELS} l
    ) WHERE {levels}
    ON CONFLICT ({", ".join(key)}) DO UPDATE SET {added};"""
        for table, key, time, levels in _sqlite_grains(years)
    )


def _sqlite_old_key(key: tuple[str, ...], time, levels: str) -> str:
    return (
        f"unit_id = OLD.unit_id AND {key[1]} = {time('sqlite', 'OLD.injury_date')}"
        f" AND source IN (OLD.source, '') AND domain IN (OLD.domain, '') AND {levels}"
    )


def _sqlite_subtract(columns: list[str], years: str | None) -> str:
    taken = ", ".join(f"{column} = {column} - ({_condition(column, 'OLD.')})" for column in columns)
    return "\n".join(
        f"UPDATE {table} SET n = n - 1, {taken} WHERE {_sqlite_old_key(key, time, levels)};"
        for table, key, time, levels in _sqlite_grains(years)
    )


def _sqlite_emptied(years: str | None) -> str:
    return "\n".join(
        f"DELETE FROM {table} WHERE {_sqlite_old_key(key, time, levels)} AND n = 0;"
        for table, key, time, levels in _sqlite_grains(years)
    )


def create_triggers(
    vendor: str, columns: list[str], *, years: str | None = YEAR_LEVELS
) -> list[str]:
    """The statements creating the triggers on `vendor` (postgresql or sqlite), writing the
    months and the year rows of the levels `years`; with `years` None, the month rows only
    (what migrations 0006 and 0007 made)."""
    if vendor == "postgresql":
        return [_pg_function(op, columns, years) for op in ("INSERT", "UPDATE", "DELETE")]
    if vendor != "sqlite":
        raise NotImplementedError(f"The injury rollup has no triggers for {vendor}.")
    moved = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in READ)
    return [
        f"CREATE TRIGGER injury_rollup_insert AFTER INSERT ON {RECORDS} BEGIN\n"
        f"{_sqlite_add(columns, years)}\nEND;",
        f"CREATE TRIGGER injury_rollup_delete AFTER DELETE ON {RECORDS} BEGIN\n"
        f"{_sqlite_subtract(columns, years)}\n{_sqlite_emptied(years)}\nEND;",
        f"CREATE TRIGGER injury_rollup_update AFTER UPDATE OF {', '.join(READ)} ON {RECORDS}\n"
        f"WHEN {moved} BEGIN\n{_sqlite_subtract(columns, years)}\n"
        f"{_sqlite_add(columns, years)}\n{_sqlite_emptied(years)}\nEND;",
    ]


def drop_triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS injury_rollup_{op} ON {RECORDS};"
            f" DROP FUNCTION IF EXISTS injury_rollup_{op}();"
            for op in ("insert", "update", "delete")
        ]
    return [f"DROP TRIGGER IF EXISTS injury_rollup_{op};" for op in ("insert", "update", "delete")]
