"""Injury imports as background jobs: checking an uploaded file (step 1) and importing a
checked batch (step 2), run by a worker and followed on the batch page and in 我的任务.

The import page starts them (`injuries_check_start`, `batch_commit_start`); each runs the
service the command runs too (`batch_preview`, `batch_commit`) and tells its progress as rows
read of the rows the file has. A check runs once per user and file while it is under way (its
key is the file's SHA-256); an import once per batch (its key is the batch), and however often
its job is delivered or retried the batch is imported once: the batch's move `commit`, under
the batch's row lock, is the import's key.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from injuries.errors import BATCH_HAS_ERRORS, BATCH_NOT_WAITING, NOTHING_IMPORTED, BatchError
from injuries.models import ImportBatch
from injuries.services import (
    ImportReport,
    batch_commit,
    batch_discard_waiting,
    batch_forget_file,
    batch_preview,
    batches_discard_stale,
    report_summary,
)
from injuries.services.files import blocks_sha256, stored_delete, upload_store
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, checkpoint, job, start

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from injuries.services.imports import Progress
    from programs.core.models import User

IMPORTED = gettext_lazy("Imported: %(added)d added, %(updated)d updated, %(unchanged)d unchanged.")
#: Where a test holds an import in the middle of its transaction (`checkpoint`).
COMMIT_CHECKPOINT = "injury-commit"


def check_key(user: User, sha256: str) -> str:
    return f"injury-check:{user.pk}:{sha256}"


def commit_key(batch: ImportBatch) -> str:
    return f"injury-commit:{batch.pk}"


def import_page(record: Job) -> str:
    """An import's batch page; a check's own page, which follows it and, once its batch
    exists, sends the user there (a batch given up later for a newer file: it says so)."""
    if "batch" in record.params:
        return reverse("injuries:batch-detail", args=[record.params["batch"]])
    return reverse("injuries:import-check", args=[record.pk])


# --- Step 1: the check --------------------------------------------------------------------------


@job(label=gettext_lazy("Check of injury records"), page=import_page)
def injuries_check(record: Job, *, name: str, file_name: str) -> Outcome:
    """Check the kept file `name` and leave its batch, waiting to be imported (or showing its
    errors). A file refused whole fails the job, and is not kept."""
    user = record.user
    # A try after a worker was lost may find the batch its earlier try left.
    batch = ImportBatch.objects.filter(uploaded_by=user, stored_file=name).first()
    if batch is None:
        batch, _report = batch_preview(
            name=name, file_name=file_name, user=user, progress=record.report_progress
        )
    batch_discard_waiting(user=user, keep=batch, busy=batches_being_imported(user))
    report = ImportReport.of(batch)
    return Outcome(message=report_summary(report), data={"batch": batch.pk, "ok": report.ok})


def injuries_check_start(
    *, upload: UploadedFile, user: User, language: str = ""
) -> tuple[Job, bool]:
    """Keep an uploaded file in the shared storage and queue its check. The same file while
    its check is queued or running is checked once: (that job, False), and this copy is not
    kept."""
    sha256 = blocks_sha256(upload.chunks())
    upload.seek(0)
    name = upload_store(upload)
    try:
        record, created = start(
            injuries_check,
            user=user,
            title=_("Check of %(file)s") % {"file": upload.name},
            params={"name": name, "file_name": upload.name},
            key=check_key(user, sha256),
            language=language,
        )
    except BaseException:
        stored_delete(name)
        raise
    if not created:
        stored_delete(name)
    return record, created


def batches_being_imported(user: User) -> list[int]:
    """The user's batches an import job is queued or running for."""
    params = Job.objects.active().filter(user=user, kind=injuries_commit.module_path)
    return [int(p["batch"]) for p in params.values_list("params", flat=True)]


# --- Step 2: the import -------------------------------------------------------------------------


@job(label=gettext_lazy("Import of injury records"), page=import_page)
def injuries_commit(record: Job, *, batch: int) -> Outcome:
    """Import a checked batch, all or nothing, in one transaction."""
    checked = ImportBatch.objects.filter(pk=batch).first()
    if checked is None:
        raise BatchError(BATCH_NOT_WAITING)
    if checked.is_imported and record.attempts > 1:
        # An earlier try of this job imported the batch and was lost before it could say so.
        batch_forget_file(checked)
        return _imported(ImportReport.of(checked), checked)
    report = batch_commit(
        batch=checked, user=record.user, progress=commit_progress(record, checked.rows_total)
    )
    if not report.ok:
        raise BatchError(NOTHING_IMPORTED, summary=report_summary(report))
    return _imported(report, checked)


def _imported(report: ImportReport, batch: ImportBatch) -> Outcome:
    counts = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged}
    return Outcome(message=IMPORTED % counts, data={"batch": batch.pk, **counts})


def commit_progress(record: Job, total: int) -> Progress:
    """Tell the import's progress (through the shared cache, seen while its transaction is
    open); past half the rows, the point where a test may hold it (`checkpoint`)."""
    held = False

    def tell(done: int, _most: int) -> None:
        nonlocal held
        record.report_progress(min(done, total), total)
        if not held and done and done * 2 >= total:
            held = True
            checkpoint(record, COMMIT_CHECKPOINT)

    return tell


def batch_commit_start(*, batch: ImportBatch, user: User, language: str = "") -> tuple[Job, bool]:
    """Queue the import of a checked batch; while one is queued or running, (that job, False).
    A batch already imported or given up, or with rows in error, is refused here at once (the
    job checks again, under the batch's lock)."""
    if not batch.is_waiting:
        raise BatchError(BATCH_NOT_WAITING)
    if batch.rows_in_error:
        raise BatchError(BATCH_HAS_ERRORS)
    return start(
        injuries_commit,
        user=user,
        title=_("Import of %(file)s") % {"file": batch.file_name},
        params={"batch": batch.pk},
        key=commit_key(batch),
        total=batch.rows_total,
        language=language,
    )


def batch_import_job(batch: ImportBatch, user: User) -> Job | None:
    """The latest import job of a waiting batch, for its uploader: under way (the page follows
    it) or failed (the page says why)."""
    if not batch.is_waiting or batch.uploaded_by_id != user.pk:
        return None
    latest = Job.objects.visible_to(user).filter(key=commit_key(batch)).first()
    return latest if latest is not None and latest.state != Job.State.DONE else None


# --- Housekeeping: checked files never imported -------------------------------------------------


@job(label=gettext_lazy("Unimported injury checks given up"))
def discard_stale_checks(record: Job, *, day: str = "") -> Outcome:
    """Give up the files checked more than `INJURY_CHECK_KEEP_DAYS` ago and never imported
    (not those an import job is under way for): their kept files and staged rows go."""
    before = timezone.now() - timedelta(days=settings.INJURY_CHECK_KEEP_DAYS)
    active = Job.objects.active().filter(kind=injuries_commit.module_path)
    busy = [int(params["batch"]) for params in active.values_list("params", flat=True)]
    count = batches_discard_stale(before=before, busy=busy)
    return Outcome(
        message=ngettext(
            "%(count)d checked file not imported was given up.",
            "%(count)d checked files not imported were given up.",
            count,
        )
        % {"count": count}
    )
