"""Write the event log's rows for the imports made before it existed: each batch's import (by
its uploader, when it was imported) and withdrawal (by whom, when). One-off; reversing it
removes just these events."""

from django.db import migrations


def forwards(apps, schema_editor):
    Event = apps.get_model("programs", "Event")
    content_types = apps.get_model("contenttypes", "ContentType")
    batch_type = content_types.objects.get_or_create(app_label="injuries", model="importbatch")[0]
    events = []
    batches = apps.get_model("injuries", "ImportBatch").objects.exclude(imported_at=None)
    for batch in batches.order_by("imported_at"):
        events.append(
            Event(
                at=batch.imported_at,
                actor_id=batch.uploaded_by_id,
                content_type=batch_type,
                object_id=batch.pk,
                kind="move",
                action="commit",
                from_state="previewed",
                to_state="imported",
                data={
                    "added": batch.rows_added,
                    "updated": batch.rows_updated,
                    "unchanged": batch.rows_unchanged,
                },
            )
        )
        if batch.withdrawn_at is not None:
            events.append(
                Event(
                    at=batch.withdrawn_at,
                    actor_id=batch.withdrawn_by_id,
                    content_type=batch_type,
                    object_id=batch.pk,
                    kind="move",
                    action="withdraw",
                    from_state="imported",
                    to_state="withdrawn",
                )
            )
    events.sort(key=lambda event: event.at)
    Event.objects.bulk_create(events, batch_size=1000)


def backwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    ours = content_types.objects.filter(app_label="injuries", model="importbatch")
    events = apps.get_model("programs", "Event").objects.filter(content_type__in=ours)
    events._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("injuries", "0001_initial"),
        ("programs", "0009_event_log_from_history"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
