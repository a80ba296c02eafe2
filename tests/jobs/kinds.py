"""Job kinds the tests run, in-process or on real worker processes (importable by both), and
`deliver`, which runs a job left queued here, as a worker would."""

from __future__ import annotations

import time

from django.db import connection, transaction

from programs.core.models import EventKind
from programs.core.transitions import record_event
from programs.jobs.errors import JobError
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, checkpoint, job, once


@job(label="test: one effect")
def effect(record: Job, *, key: str, pause: float = 0) -> Outcome:
    """One Event row per key, at most once however often the job is delivered."""
    time.sleep(pause)
    with transaction.atomic():
        if once(f"test-effect:{key}"):
            record_event(record, EventKind.CREATED, by=None, action=f"effect:{key}")
    return Outcome(message=f"effect {key}")


@job(label="test: many rows in one transaction")
def many_rows(record: Job, *, key: str, rows: int) -> Outcome:
    """Write `rows` events all-or-nothing, stopping half-way at the checkpoint `key`."""
    record.report_progress(0, rows)
    with transaction.atomic():
        for n in range(rows):
            record_event(record, EventKind.CREATED, by=None, action=f"row:{key}", data={"n": n})
            if n == rows // 2:
                checkpoint(record, key)
            record.report_progress(n + 1, rows)
    return Outcome(message=f"{rows} rows")


@job(label="test: loses its database connection once")
def lose_connection(record: Job, *, key: str, every_time: bool = False) -> Outcome:
    if every_time or record.attempts == 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    with transaction.atomic():
        if once(f"test-effect:{key}"):
            record_event(record, EventKind.CREATED, by=None, action=f"effect:{key}")
    return Outcome(message="reconnected")


@job(label="test: a file")
def a_file(record: Job, *, text: str) -> Outcome:
    record.report_progress(1, 2)
    return Outcome(message="written", file_name="result.txt", content=text.encode())


@job(label="test: refused")
def refused(record: Job) -> Outcome:
    from django.utils.translation import gettext_lazy as _

    raise JobError(_("The file is empty."))


@job(label="test: broken")
def broken(record: Job) -> Outcome:
    raise ZeroDivisionError("bug")


def deliver(record: Job) -> None:
    """Deliver a job left queued (by the dummy backend) once, in this process, as a worker
    would."""
    from programs.jobs.runner import KINDS, kind_of

    kind = KINDS.get(record.kind) or kind_of(record.kind)
    kind.task.call(type("Context", (), {"task_result": None})(), record.pk)
