"""Taking a whole import back — the batch's move `withdraw` —: the records it added deleted,
those it changed given back the values they had (`ImportBatchChange`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from injuries.errors import BATCH_CHANGED_LATER, BatchError
from injuries.models import DERIVED_FIELDS, ImportBatch, ImportBatchChange, InjuryRecord
from injuries.services.chunks import model_fields, value_from_json
from programs.core.deletions import deletion_events
from programs.core.transitions import Step, transition

if TYPE_CHECKING:
    from programs.core.models import User

#: Changed records read and put back at a time.
CHANGES_AT_A_TIME = 1000


def batch_withdraw(*, batch: ImportBatch, by: User) -> int:
    """Take a whole import back — the batch's move `withdraw` —: delete the records it added
    and put back the values of those it changed. Returns how many records were deleted."""
    return transition(batch, "withdraw", by=by).data["deleted"]


def batch_undo_rows(step: Step) -> list[str]:
    """The effect of `withdraw`, refused while a later import that is still in force changed
    the same records: withdrawing this one first would undo that one's work unseen."""
    batch = step.obj
    later = ImportBatch.objects.filter(
        status=ImportBatch.Status.IMPORTED,
        changes__previous_batch=batch,
    ).distinct()
    if later.exists():
        files = "、".join(str(b) for b in later[:3])
        raise BatchError(BATCH_CHANGED_LATER, files=files)
    restored, fields, now = [], set(), timezone.now()
    changes = batch.changes.select_related("record")
    for change in changes.iterator(chunk_size=CHANGES_AT_A_TIME):
        record = change.record
        for name, value in change.previous.items():
            setattr(record, name, value_from_json(name, value))
        fields.update(change.previous)
        record.batch_id, record.updated_at = change.previous_batch_id, now
        record.derive()
        restored.append(record)
    if restored:
        InjuryRecord.objects.bulk_update(
            restored,
            [*model_fields(fields), *DERIVED_FIELDS, "batch", "updated_at"],
            batch_size=500,
        )
    added = InjuryRecord.objects.filter(batch=batch)
    ImportBatchChange.objects.filter(record__in=added).delete()
    # A copy kept through the API reads each deleted record in the change feed.
    deletion_events(
        InjuryRecord,
        added.values_list("pk", "unit_id").iterator(),
        by=step.by,
        data={"batch": batch.pk},
    )
    # One DELETE: the per-row history simple-history would write on delete() is not wanted
    # here; the batch and its event record who withdrew what and when.
    deleted = added._raw_delete(added.db)
    batch.withdrawn_by, batch.withdrawn_at = step.by, step.at
    step.data.update(deleted=deleted, restored=len(restored))
    return ["withdrawn_by", "withdrawn_at"]
