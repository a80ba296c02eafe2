"""Copy the status changes the change history kept of work groups (drop, restore) and promotion
projects (whose status was a free field until now) into the event log, so their history reads
from one place. One-off; reversing it removes just these events."""

from django.db import migrations

GROUP_MOVES = {("active", "dropped"): "drop", ("dropped", "active"): "restore"}
PROJECT_MOVES = {
    ("planned", "active"): "start",
    ("active", "completed"): "complete",
    ("active", "suspended"): "suspend",
    ("suspended", "active"): "resume",
    ("completed", "active"): "reopen",
}


def _copy(apps, history_name, model, moves):
    Event = apps.get_model("programs", "Event")
    content_types = apps.get_model("contenttypes", "ContentType")
    content_type = content_types.objects.get_or_create(app_label="workgroups", model=model)[0]
    history = apps.get_model("workgroups", history_name)
    last, events = {}, []
    for row in history.objects.order_by("history_date", "history_id").iterator():
        before = last.get(row.id)
        last[row.id] = row
        if before is None or before.status == row.status:
            continue
        events.append(
            Event(
                at=row.history_date,
                actor_id=row.history_user_id,
                unit_id=row.unit_id,
                content_type=content_type,
                object_id=row.id,
                kind="move",
                # A project's status was edited freely before it had moves: a change that is
                # none of today's moves is kept as an edit of the status.
                action=moves.get((before.status, row.status), "edit"),
                from_state=before.status,
                to_state=row.status,
            )
        )
    return events


def forwards(apps, schema_editor):
    events = _copy(apps, "HistoricalWorkGroup", "workgroup", GROUP_MOVES)
    events += _copy(apps, "HistoricalPromotionProject", "promotionproject", PROJECT_MOVES)
    events.sort(key=lambda event: event.at)
    apps.get_model("programs", "Event").objects.bulk_create(events, batch_size=1000)


def backwards(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    ours = content_types.objects.filter(
        app_label="workgroups", model__in=["workgroup", "promotionproject"]
    )
    events = apps.get_model("programs", "Event").objects.filter(content_type__in=ours)
    events._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("workgroups", "0002_activities_projects"),
        ("programs", "0009_event_log_from_history"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
