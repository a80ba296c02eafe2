"""The records' unit and batch are checked once per statement on PostgreSQL
(`injuries.models.references_sql`): the two foreign-key constraints are dropped and statement
triggers do their work, on the records (INSERT, UPDATE) and on the units and batches (DELETE).
A 100,000-record import's move no longer runs 200,000 checks of a row each (0.9 s of its 4.4 s,
bench/README.md, "Injury imports").

SQLite keeps its constraints (its checks are per row whatever the mechanism): the fields change
in Django's state only, since `AlterField` would rebuild the table there and drop the rollup's
triggers with it (as migration 0010 explains).
"""

import django.db.models.deletion
from django.db import migrations, models

from injuries.models import references_sql

#: (column, referenced table, the constraint's name as Django made it).
CONSTRAINTS = (
    ("unit_id", "programs_creatingunit", "injuries_injuryrecor_unit_id_34f4580d_fk_programs_"),
    ("batch_id", "injuries_importbatch", "injuries_injuryrecor_batch_id_84c266f1_fk_injuries_"),
)


def per_statement(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    record = apps.get_model("injuries", "InjuryRecord")
    for column, _table, _name in CONSTRAINTS:
        for name in schema_editor._constraint_names(record, [column], foreign_key=True):
            schema_editor.execute(f'ALTER TABLE "{references_sql.RECORDS}" DROP CONSTRAINT "{name}"')
    for statement in references_sql.create_triggers():
        schema_editor.execute(statement, params=None)


def per_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in references_sql.drop_triggers():
        schema_editor.execute(statement, params=None)
    for column, table, name in CONSTRAINTS:
        schema_editor.execute(
            f'ALTER TABLE "{references_sql.RECORDS}" ADD CONSTRAINT "{name}" FOREIGN KEY'
            f' ("{column}") REFERENCES "{table}" ("id") DEFERRABLE INITIALLY DEFERRED'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0011_rollup_years_coarse_levels"),
        ("programs", "0025_unit_boundaries"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(per_statement, per_row, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="injuryrecord",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        help_text="The import that last wrote the record; empty when entered by hand.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="records",
                        to="injuries.importbatch",
                        verbose_name="import batch",
                    ),
                ),
                migrations.AlterField(
                    model_name="injuryrecord",
                    name="unit",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="injury_records",
                        to="programs.creatingunit",
                        verbose_name="creating unit",
                    ),
                ),
            ],
        ),
    ]
