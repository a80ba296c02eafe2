"""The import of a checked file on real worker processes sharing one PostgreSQL queue: its
progress is seen while its one transaction is open; a worker killed in the middle of it leaves
the database as it was, and the worker that takes the job over imports the file's rows once —
or, when the job had its tries, fails it with the reason."""

from __future__ import annotations

import signal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from injuries.jobs import COMMIT_CHECKPOINT, batch_commit_start
from injuries.models import ImportBatch, InjuryRecord, StagedRecord
from injuries.services import batch_preview
from programs.jobs.models import Job
from tests.injury_files import cards, stored, write_csv
from tests.processes import DATABASE_TASKS, wait_until, workers

pytestmark = [
    pytest.mark.django_db(
        transaction=True,
        # The shared cache is read through the side connection (safecommunity/routers.py).
        databases=["default", "side"] if "side" in django_settings.DATABASES else ["default"],
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several processes share one database: the test database must be PostgreSQL",
    ),
]
ROWS = 3000  # the job is held once its rows are moved, before its transaction ends


@pytest.fixture
def shared_cache(settings):
    """The test and its workers share the cache as production does: PostgreSQL's own table,
    written through the side connection; the workers get it by TEST_CACHE."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "safecommunity_cache",
        }
    }
    call_command("createcachetable")
    yield {"TEST_CACHE": "database"}
    cache.clear()


@pytest.fixture
def checked_batch(tmp_path, clerk_a, unit_a, kept_uploads) -> ImportBatch:
    """A file of ROWS cards in GB18030, checked and waiting to be imported."""
    path = write_csv(tmp_path / "三月.csv", cards(ROWS), "gb18030")
    batch, report = batch_preview(name=stored(path), file_name=path.name, user=clerk_a)
    assert (report.ok, report.added) == (True, ROWS)
    assert kept_uploads() == [batch.stored_file]
    return batch


def finished(job: Job) -> bool:
    return not Job.objects.filter(pk=job.pk, state__in=Job.ACTIVE).exists()


def hold_and_kill(tmp_path, job: Job, env: dict[str, str]) -> tuple[int, int | None]:
    """Run the import on a worker until it is held half-way, read its progress from here, then
    kill the worker; the progress seen."""
    with workers(tmp_path, JOB_CHECKPOINT_DIR=str(tmp_path), **env) as (first,):
        reached = tmp_path / f"{COMMIT_CHECKPOINT}.reached"
        wait_until(reached.exists, timeout=90, what="the checkpoint", logs=tmp_path)
        seen = Job.objects.get(pk=job.pk).progress()
        # The rows written so far are the worker's own until its transaction ends.
        assert not InjuryRecord.objects.exists()
        first.send_signal(signal.SIGKILL)
        first.wait()
    return seen


def assert_unchanged(batch: ImportBatch, kept: list[str]) -> None:
    assert not InjuryRecord.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.imported_at, batch.rows_added) == ("previewed", None, ROWS)
    assert kept == [batch.stored_file]
    assert not batch.changes.exists()
    assert StagedRecord.objects.filter(batch=batch).count() == ROWS  # still there to move


def test_an_import_killed_mid_transaction_changes_nothing_and_another_worker_imports_it_once(
    settings, tmp_path, clerk_a, checked_batch, shared_cache, kept_uploads
):
    settings.TASKS = DATABASE_TASKS
    job, _created = batch_commit_start(batch=checked_batch, user=clerk_a)

    seen = hold_and_kill(tmp_path, job, shared_cache)

    assert seen == (ROWS, ROWS)  # told through the cache while the transaction was open
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("running", 1)
    assert_unchanged(checked_batch, kept_uploads())

    retry = {"JOB_WORKER_LOST_SECONDS": "2", "JOB_RETRY_BACKOFF_SECONDS": "0"}
    with workers(tmp_path, **shared_cache, **retry):
        wait_until(lambda: finished(job), timeout=120, what="the retried import", logs=tmp_path)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.done, job.total) == ("done", 2, ROWS, ROWS)
    assert job.data == {"batch": checked_batch.pk, "added": ROWS, "updated": 0, "unchanged": 0}
    checked_batch.refresh_from_db()
    assert (checked_batch.status, checked_batch.stored_file) == ("imported", "")
    records = InjuryRecord.objects.filter(batch=checked_batch)
    assert records.count() == InjuryRecord.objects.count() == ROWS
    assert records.values("record_number").distinct().count() == ROWS
    assert kept_uploads() == []


def test_an_import_killed_when_it_had_its_tries_fails_with_the_reason(
    settings, tmp_path, clerk_a, checked_batch, shared_cache, kept_uploads
):
    settings.TASKS = DATABASE_TASKS
    job, _created = batch_commit_start(batch=checked_batch, user=clerk_a)
    hold_and_kill(tmp_path, job, shared_cache)

    with workers(tmp_path, **shared_cache, JOB_WORKER_LOST_SECONDS="2", JOB_MAX_ATTEMPTS="1"):
        wait_until(lambda: finished(job), timeout=90, what="the reaper", logs=tmp_path)

    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 1)
    assert "后台进程已停止" in job.error and "1 次" in job.error
    assert_unchanged(checked_batch, kept_uploads())
