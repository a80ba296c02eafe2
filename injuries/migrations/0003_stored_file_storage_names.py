"""A batch keeps its waiting file by its name in the shared storage (`STORAGES["default"]`,
whose folder is PRIVATE_MEDIA_ROOT), no longer by a path on one machine: absolute paths under
PRIVATE_MEDIA_ROOT become storage names; a path elsewhere cannot be reached through the storage,
so that batch's file counts as no longer kept (it is uploaded again). Reversing it writes the
absolute paths back."""

from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import migrations, models


def to_storage_names(apps, schema_editor):
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    batches = apps.get_model("injuries", "ImportBatch").objects.exclude(stored_file="")
    for batch in batches.only("pk", "stored_file"):
        path = Path(batch.stored_file)
        if not path.is_absolute():
            continue  # already a storage name
        try:
            name = path.resolve().relative_to(root).as_posix()
        except ValueError:
            name = ""
        batch.stored_file = name
        batch.save(update_fields=["stored_file"])


def to_paths(apps, schema_editor):
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    batches = apps.get_model("injuries", "ImportBatch").objects.exclude(stored_file="")
    for batch in batches.only("pk", "stored_file"):
        if not Path(batch.stored_file).is_absolute():
            batch.stored_file = str(root.joinpath(*PurePosixPath(batch.stored_file).parts))
            batch.save(update_fields=["stored_file"])


class Migration(migrations.Migration):
    dependencies = [
        ("injuries", "0002_event_log_from_batches"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="stored_file",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The file's name in the shared storage, kept between the check and "
                "the import, then deleted.",
                max_length=255,
                verbose_name="stored file",
            ),
        ),
        migrations.RunPython(to_storage_names, to_paths, elidable=True),
    ]
