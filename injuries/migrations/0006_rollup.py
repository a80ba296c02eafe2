"""The injury rollup: the records counted per unit, month, source and domain (and all sources,
all domains), with one column per counted code; triggers on the records' table keep it equal to
the records (`injuries.models.rollup_sql`), and it is filled from the records already there.

The columns are frozen here as the code lists stood: a new code needs a migration adding its
column and recreating the triggers (drop them with `rollup_sql.drop_triggers`, create them
with the new list). Filling takes about 24 s per 1,000,000 records on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

from injuries.models import rollup_sql

AGE_GROUPS = range(0, 90, 5)
COLUMNS = [
    *(
        f"{field}_{code}"
        for field, codes in (
            ("cause", 13),
            ("place", 9),
            ("activity", 9),
            ("intent", 4),
            ("nature", 8),
            ("body_part", 7),
            ("severity", 3),
            ("outcome", 6),
        )
        for code in range(1, codes + 1)
    ),
    *(f"sex_{sex}_age_{group}" for sex in (1, 2, 9) for group in AGE_GROUPS),
    *(f"died_cause_{code}" for code in range(1, 14)),
    *(f"died_intent_{code}" for code in range(1, 5)),
]


def create_triggers_and_fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in rollup_sql.create_triggers(vendor, COLUMNS, years=None):
        schema_editor.execute(statement, params=None)
    schema_editor.execute(rollup_sql.fill(vendor, COLUMNS), params=None)


def drop_triggers(apps, schema_editor):
    for statement in rollup_sql.drop_triggers(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0005_batch_from_api"),
        ("programs", "0021_event_kind_deleted"),
    ]

    operations = [
        migrations.CreateModel(
            name="InjuryRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "month",
                    models.DateField(help_text="The month's first day.", verbose_name="month"),
                ),
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
                "verbose_name": "injury rollup row",
                "verbose_name_plural": "injury rollup",
                "indexes": [
                    models.Index(
                        fields=["source", "domain", "month", "unit"],
                        name="injury_rollup_level_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "month", "source", "domain"),
                        name="injury_rollup_unique_key",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_triggers_and_fill, drop_triggers, elidable=False),
    ]
