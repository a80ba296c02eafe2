"""The rollup's level index carries `n`, so the monthly totals are an index-only scan.

At the city's scale (400 units) the rows of one filter level lie one to a page: ten years of
the unfiltered level's monthly totals read 48,000 pages from the table (295 ms) and 15 ms from
the index (bench/README.md, "The city"). It follows 0007_staged_records.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0007_staged_records"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="injuryrollup",
            name="injury_rollup_level_idx",
        ),
        migrations.AddIndex(
            model_name="injuryrollup",
            index=models.Index(
                fields=["source", "domain", "month", "unit"],
                include=("n",),
                name="injury_rollup_level_idx",
            ),
        ),
    ]
