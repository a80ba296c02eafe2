"""The injury rollup by year (`InjuryRollupYear`): the month rows summed per unit, year, source
and domain, filled from the months already there; the triggers are recreated to write both
tables in the same statement. Filling takes a few seconds per million month rows."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

from injuries.models import rollup_sql

#: The rollup's columns as migration 0006 froze them.
COLUMNS = importlib.import_module("injuries.migrations.0006_rollup").COLUMNS


def triggers_with_years(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in rollup_sql.drop_triggers(vendor):
        schema_editor.execute(statement, params=None)
    every_level = rollup_sql.EVERY_LEVEL  # (0011 dropped the finest)
    for statement in rollup_sql.create_triggers(vendor, COLUMNS, years=every_level):
        schema_editor.execute(statement, params=None)
    schema_editor.execute(rollup_sql.fill_years(vendor, COLUMNS, every_level), params=None)


def triggers_without_years(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in rollup_sql.drop_triggers(vendor):
        schema_editor.execute(statement, params=None)
    for statement in rollup_sql.create_triggers(vendor, COLUMNS, years=None):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0008_city_indexes"),
        ("programs", "0025_unit_boundaries"),
    ]

    operations = [
        migrations.CreateModel(
            name="InjuryRollupYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "source",
                    models.CharField(blank=True, max_length=20, verbose_name="data source"),
                ),
                (
                    "domain",
                    models.CharField(
                        blank=True, max_length=10, verbose_name="safe-community domain"
                    ),
                ),
                ("n", models.IntegerField(default=0, verbose_name="records")),
                *((name, models.IntegerField(default=0)) for name in COLUMNS),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programs.creatingunit",
                        verbose_name="creating unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "injury rollup row of a year",
                "verbose_name_plural": "injury rollup by year",
                "indexes": [
                    models.Index(
                        fields=["source", "domain", "year", "unit"], name="injury_rollup_year_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "year", "source", "domain"),
                        name="injury_rollup_year_unique_key",
                    )
                ],
            },
        ),
        migrations.RunPython(triggers_with_years, triggers_without_years, elidable=False),
    ]
