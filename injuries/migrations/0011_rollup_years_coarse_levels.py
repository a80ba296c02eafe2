"""The rollup by year keeps three of its four levels: every source, every domain, or both
(`rollup_sql.YEAR_LEVELS`). The rows of one source and one domain at once are deleted, the
triggers recreated without them, and a check constraint keeps them out.

That level held most of the year rows (a row per source × domain of a unit's year), and the
triggers' upsert of them doubled what a 100,000-record import's move costs (bench/README.md,
"Injury imports"); a statistics page filtered by one source and one domain at once reads that
level's months instead, which it did before migration 0009."""

import importlib

from django.db import migrations, models

from injuries.models import rollup_sql

#: The rollup's columns as migration 0006 froze them.
COLUMNS = importlib.import_module("injuries.migrations.0006_rollup").COLUMNS
FINEST = "source <> '' AND domain <> ''"


def drop_triggers(apps, schema_editor):
    """(SQLite adds or removes a constraint by rebuilding the table, and refuses to while a
    trigger names the table it dropped.)"""
    for statement in rollup_sql.drop_triggers(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def create_triggers(schema_editor, years: str) -> None:
    vendor = schema_editor.connection.vendor
    for statement in rollup_sql.create_triggers(vendor, COLUMNS, years=years):
        schema_editor.execute(statement, params=None)


def delete_finest(apps, schema_editor):
    drop_triggers(apps, schema_editor)
    schema_editor.execute(f"DELETE FROM {rollup_sql.ROLLUP_YEARS} WHERE {FINEST}", params=None)


def coarse_triggers(apps, schema_editor):
    create_triggers(schema_editor, rollup_sql.YEAR_LEVELS)


def every_level(apps, schema_editor):
    """Back to 0010: the finest year rows summed from the months, and triggers writing them."""
    vendor = schema_editor.connection.vendor
    schema_editor.execute(rollup_sql.fill_years(vendor, COLUMNS, FINEST), params=None)
    create_triggers(schema_editor, rollup_sql.EVERY_LEVEL)


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0010_records_without_duplicate_indexes"),
    ]

    operations = [
        migrations.RunPython(delete_finest, every_level, elidable=False),
        migrations.AddConstraint(
            model_name="injuryrollupyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("source", ""), ("domain", ""), _connector="OR"),
                name="injury_rollup_year_levels",
            ),
        ),
        migrations.RunPython(coarse_triggers, drop_triggers, elidable=False),
    ]
