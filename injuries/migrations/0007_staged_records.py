"""Checked rows waiting to be imported (`StagedRecord`): a preview stages a file's checked rows
here and its import moves them into the records without checking them again. No history, no
`updated_at`, no triggers, no database constraint on the batch (COPY writes the rows); UNLOGGED
on PostgreSQL. The rollup's PostgreSQL triggers are recreated to count in two steps (what an
import's move costs is mostly theirs)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

from injuries.models import rollup_sql

#: The rollup's columns as migration 0006 froze them.
ROLLUP_COLUMNS = importlib.import_module("injuries.migrations.0006_rollup").COLUMNS


def recreate_rollup_triggers(apps, schema_editor):
    """PostgreSQL's statement-level rollup triggers count the changed rows once per (unit,
    month, source, domain), then sum those groups at the four filter levels
    (`rollup_sql.grouped_counts`): the same counts, at about a third of the cost for an import's
    100,000 rows. SQLite's row triggers are unchanged."""
    vendor = schema_editor.connection.vendor
    if vendor != "postgresql":
        return
    for statement in rollup_sql.drop_triggers(vendor):
        schema_editor.execute(statement, params=None)
    for statement in rollup_sql.create_triggers(vendor, ROLLUP_COLUMNS, years=None):
        schema_editor.execute(statement, params=None)


def unlogged(apps, schema_editor):
    """On PostgreSQL the staging table is UNLOGGED: its rows are written once and read once,
    and a crash that empties it only makes a waiting batch ask for its file again (the import
    counts the rows it moves against the batch's)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE injuries_stagedrecord SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0006_rollup"),
        ("programs", "0021_event_kind_deleted"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="checked_fields",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The record fields the checked file gives values for: what its import writes into the records it changes. Empty for a batch whose rows were not staged.",
                verbose_name="fields the file gives",
            ),
        ),
        migrations.CreateModel(
            name="StagedRecord",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "batch",
                        "row",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("row", models.PositiveIntegerField(verbose_name="row")),
                ("source", models.CharField(max_length=20)),
                ("reporting_org", models.CharField(max_length=100)),
                ("record_number", models.CharField(max_length=50)),
                ("unit_id", models.BigIntegerField()),
                ("injury_date", models.DateField()),
                ("injury_time", models.TimeField(null=True)),
                ("visit_date", models.DateField(null=True)),
                ("visit_time", models.TimeField(null=True)),
                ("sex", models.PositiveSmallIntegerField()),
                ("age", models.PositiveSmallIntegerField()),
                ("registration", models.PositiveSmallIntegerField(null=True)),
                ("education", models.PositiveSmallIntegerField(null=True)),
                ("occupation", models.PositiveSmallIntegerField(null=True)),
                ("cause", models.PositiveSmallIntegerField()),
                ("place", models.PositiveSmallIntegerField()),
                ("activity", models.PositiveSmallIntegerField()),
                ("intent", models.PositiveSmallIntegerField()),
                ("alcohol", models.PositiveSmallIntegerField(null=True)),
                ("nature", models.PositiveSmallIntegerField()),
                ("body_part", models.PositiveSmallIntegerField()),
                ("severity", models.PositiveSmallIntegerField()),
                ("outcome", models.PositiveSmallIntegerField()),
                ("diagnosis", models.CharField(max_length=200)),
                ("icd10", models.CharField(max_length=8)),
                ("narrative", models.TextField()),
                ("year", models.PositiveSmallIntegerField()),
                ("month", models.PositiveSmallIntegerField()),
                ("age_group", models.PositiveSmallIntegerField()),
                ("age_band", models.CharField(max_length=5)),
                ("domain", models.CharField(max_length=10)),
                (
                    "batch",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="staged",
                        to="injuries.importbatch",
                        verbose_name="batch",
                    ),
                ),
            ],
            options={
                "verbose_name": "checked row waiting to be imported",
                "verbose_name_plural": "checked rows waiting to be imported",
            },
        ),
        migrations.RunPython(unlogged, migrations.RunPython.noop),
        migrations.RunPython(recreate_rollup_triggers, migrations.RunPython.noop),
    ]
