"""An import batch says whether a system sent it through the API; the batches sent before
the field (named `api-<time>.json` by `cards_import`, a name no upload takes) are marked."""

from django.db import migrations, models


def mark_api_batches(apps, schema_editor):
    ImportBatch = apps.get_model("injuries", "ImportBatch")
    ImportBatch.objects.filter(file_name__startswith="api-", file_name__endswith=".json").update(
        from_api=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0004_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="from_api",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Cards a system sent to the API (its JSON body stands for the file).",
                verbose_name="sent through the API",
            ),
        ),
        migrations.RunPython(mark_api_batches, migrations.RunPython.noop),
    ]
