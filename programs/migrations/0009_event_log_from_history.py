"""Copy today's history into the event log, so no history disappears: every milestone event,
every phase move, and the status changes the change history (django-simple-history) kept of
monthly reports, titles and evaluations. One-off; reversing it empties the log."""

from django.db import migrations

MILESTONE_MOVES = {
    "in_progress": "start",
    "submitted": "submit",
    "accepted": "accept",
    "returned": "return",
}
REPORT_MOVES = {
    ("draft", "submitted"): "submit",
    ("returned", "submitted"): "submit",
    ("submitted", "approved"): "approve",
    ("submitted", "returned"): "return",
    ("approved", "draft"): "reopen",
}


def _type(apps, model):
    content_types = apps.get_model("contenttypes", "ContentType")
    return content_types.objects.get_or_create(app_label="programs", model=model)[0]


def _status_changes(history, key):
    """(previous row, row) for each history row whose status differs from the one before it
    of the same record; rows in the order they were written."""
    last = {}
    for row in history.objects.order_by("history_date", "history_id").iterator():
        before = last.get(getattr(row, key))
        last[getattr(row, key)] = row
        if before is not None and before.status != row.status:
            yield before, row


def forwards(apps, schema_editor):
    Event = apps.get_model("programs", "Event")
    events = []

    milestone = _type(apps, "unitmilestone")
    for row in apps.get_model("programs", "MilestoneEvent").objects.select_related(
        "unit_milestone"
    ):
        events.append(
            Event(
                at=row.at,
                actor_id=row.by_id,
                unit_id=row.unit_milestone.unit_id,
                content_type=milestone,
                object_id=row.unit_milestone_id,
                kind="move",
                action=MILESTONE_MOVES.get(row.to_status, row.to_status),
                from_state=row.from_status,
                to_state=row.to_status,
                reason=row.note,
            )
        )

    unit = _type(apps, "creatingunit")
    for row in apps.get_model("programs", "PhaseTransition").objects.select_related(
        "from_phase", "to_phase"
    ):
        events.append(
            Event(
                at=row.moved_at,
                actor_id=row.moved_by_id,
                unit_id=row.unit_id,
                content_type=unit,
                object_id=row.unit_id,
                kind="move",
                action="advance",
                from_state=str(row.from_phase_id or ""),
                to_state=str(row.to_phase_id),
                reason=row.reason,
                data={
                    "overridden": row.overridden,
                    "from_phase": row.from_phase.name if row.from_phase else "",
                    "to_phase": row.to_phase.name,
                },
            )
        )

    report = _type(apps, "monthlyreport")
    history = apps.get_model("programs", "HistoricalMonthlyReport")
    for before, row in _status_changes(history, "id"):
        action = REPORT_MOVES.get((before.status, row.status), row.status)
        reason = {"return": row.return_reason, "reopen": row.reopen_reason}.get(action, "")
        events.append(
            Event(
                at=row.history_date,
                actor_id=row.history_user_id,
                unit_id=row.unit_id,
                content_type=report,
                object_id=row.id,
                kind="move",
                action=action,
                from_state=before.status,
                to_state=row.status,
                reason=reason,
            )
        )

    title = _type(apps, "certification")
    history = apps.get_model("programs", "HistoricalCertification")
    for before, row in _status_changes(history, "id"):
        events.append(
            Event(
                at=row.history_date,
                actor_id=row.history_user_id,
                unit_id=row.unit_id,
                content_type=title,
                object_id=row.id,
                kind="move",
                action=row.status,
                from_state=before.status,
                to_state=row.status,
                reason=row.history_change_reason or "",
            )
        )

    evaluation = _type(apps, "evaluation")
    history = apps.get_model("programs", "HistoricalEvaluation")
    for before, row in _status_changes(history, "id"):
        events.append(
            Event(
                at=row.history_date,
                actor_id=row.history_user_id,
                unit_id=row.unit_id,
                content_type=evaluation,
                object_id=row.id,
                kind="move",
                action="finalise" if row.status == "final" else row.status,
                from_state=before.status,
                to_state=row.status,
                data={"total": str(row.total), "result": row.result} if row.total else {},
            )
        )

    # The log's ids rise with time, as if each event had been written when it happened.
    events.sort(key=lambda event: event.at)
    Event.objects.bulk_create(events, batch_size=1000)


def backwards(apps, schema_editor):
    apps.get_model("programs", "Event").objects.all()._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0008_event_log"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
