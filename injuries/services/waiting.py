"""Checked files never imported, given up: a newer file discards the user's earlier ones
(`batch_discard_waiting`), and the daily housekeeping those waiting longer than
`INJURY_CHECK_KEEP_DAYS` (`batches_discard_stale`). Each goes with its kept file and its staged
rows (the batch's foreign key cascades, in one DELETE: `StagedRecord` has no database
constraint)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from injuries.models import ImportBatch
from injuries.services.files import stored_delete

if TYPE_CHECKING:
    from programs.core.models import User


def batch_discard_waiting(*, user: User, keep: ImportBatch, busy: Collection[int] = ()) -> None:
    """A newly checked file gives up the user's earlier files checked but never imported —
    except those `busy` (being imported right now)."""
    waiting = (
        ImportBatch.objects.filter(uploaded_by=user, status=ImportBatch.Status.PREVIEWED)
        .exclude(pk=keep.pk)
        .exclude(pk__in=busy)
    )
    for batch in waiting:
        if batch.stored_file != keep.stored_file:
            stored_delete(batch.stored_file)
    # Their staged rows go with them (one DELETE: the batch's foreign key cascades).
    waiting.delete()


def batches_discard_stale(*, before: datetime, busy: Collection[int] = ()) -> int:
    """Give up the files checked before `before` and never imported — except those `busy`
    (being imported right now) —, with their kept files and staged rows; how many."""
    stale = ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEWED, uploaded_at__lt=before
    ).exclude(pk__in=busy)
    given_up = list(stale.values_list("pk", "stored_file"))
    for _pk, name in given_up:
        stored_delete(name)
    ImportBatch.objects.filter(pk__in=[pk for pk, _name in given_up]).delete()
    return len(given_up)
