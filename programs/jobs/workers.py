"""Heartbeats of worker processes, and the reaper that rescues the jobs of a silent worker.

django-tasks-db marks a task RUNNING when a worker claims it and leaves it so if the worker
dies. Every worker therefore writes a heartbeat (`JOB_HEARTBEAT_SECONDS`) and, with it, reaps:
a task RUNNING on a worker silent for `JOB_WORKER_LOST_SECONDS` is marked failed, and its job
is queued again (up to `JOB_MAX_ATTEMPTS` tries, waiting longer each time) or failed. The
scheduler reaps too, so jobs are rescued even when every worker died.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import errors
from .models import Job, Worker
from .runner import requeue_or_fail

logger = logging.getLogger(__name__)


def beat(worker_id: str) -> None:
    now = timezone.now()
    updated = Worker.objects.filter(pk=worker_id).update(beat_at=now, stopped_at=None)
    if not updated:
        Worker.objects.update_or_create(
            pk=worker_id,
            defaults={"host": socket.gethostname()[:200], "pid": os.getpid(), "beat_at": now},
        )


def stopped(worker_id: str) -> None:
    Worker.objects.filter(pk=worker_id).update(stopped_at=timezone.now())


def last_heartbeat():
    """When a running worker was last heard from (None: never)."""
    latest = Worker.objects.filter(stopped_at__isnull=True).order_by("-beat_at").first()
    return latest.beat_at if latest else None


def reap(now=None) -> int:
    """Fail the tasks of silent workers and queue their jobs again; how many were rescued."""
    now = now or timezone.now()
    lost_before = now - timedelta(seconds=settings.JOB_WORKER_LOST_SECONDS)
    alive = set(
        Worker.objects.filter(beat_at__gte=lost_before, stopped_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    rescued = 0
    for candidate in DBTaskResult.objects.running().only("pk", "worker_ids", "started_at"):
        owner = candidate.worker_ids[-1] if candidate.worker_ids else None
        if owner in alive:
            continue
        if candidate.started_at and candidate.started_at >= lost_before:
            # A worker that started it just now may not have beaten yet.
            continue
        rescued += _rescue(candidate.pk, owner, now)
    return rescued


def _rescue(task_pk, owner: str | None, now) -> int:
    with transaction.atomic():
        task_row = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(pk=task_pk, status="RUNNING")
            .first()
        )
        if task_row is None:
            return 0
        task_row.status = "FAILED"
        task_row.finished_at = now
        task_row.exception_class_path = "programs.jobs.errors.WorkerLost"
        task_row.traceback = f"worker {owner} was silent for {settings.JOB_WORKER_LOST_SECONDS} s"
        task_row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        args = (task_row.args_kwargs or {}).get("args") or [None]
        record = Job.objects.select_for_update().filter(pk=args[0]).first()
        if record is not None and record.is_active and record.task_id in ("", str(task_row.pk)):
            if record.state == Job.State.QUEUED:
                # Claimed by the worker but never started: it did nothing, try again.
                Job.objects.filter(pk=record.pk).update(attempts=record.attempts + 1)
                record.attempts += 1
            requeue_or_fail(record, errors.WORKER_LOST)
        logger.warning("reaped task %s of silent worker %s", task_pk, owner)
    return 1


class Heartbeat(threading.Thread):
    """Beats and reaps in the background of a worker process, on its own connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                beat(self.worker_id)
                reap()
            except Exception:
                logger.exception("heartbeat of worker %s failed; trying again", self.worker_id)
                connection.close()
            self.halt.wait(settings.JOB_HEARTBEAT_SECONDS)
        try:
            stopped(self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=10)
