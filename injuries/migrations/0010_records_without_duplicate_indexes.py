"""The records' foreign keys lose the indexes Django gave them: `injury_unit_date_idx` (unit,
injury date) and `injury_batch_idx` (batch) begin with the same columns and serve every lookup
those did, so each write of a record maintained two indexes for nothing (bench/README.md,
"Injury imports"). The foreign-key constraints stay.

The two indexes are dropped by name (Django's names, the same on PostgreSQL and SQLite) rather
than by `AlterField`, which on SQLite rebuilds the table and with it would drop the rollup's
triggers (migration 0006).
"""

import django.db.models.deletion
from django.db import migrations, models

#: Django's index of each foreign key: (name, column).
FOREIGN_KEY_INDEXES = (
    ("injuries_injuryrecord_unit_id_34f4580d", "unit_id"),
    ("injuries_injuryrecord_batch_id_84c266f1", "batch_id"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0009_rollup_years"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "injuries_injuryrecord" ("{column}")',
                )
                for name, column in FOREIGN_KEY_INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="injuryrecord",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True,
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
