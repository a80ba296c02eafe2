"""Job kinds, starting a job, and running it on a worker.

A job kind is a function `fn(job, **params) -> Outcome` decorated with `@job(label=…)`, which
makes it a django-tasks task taking the job's id. `start(kind, user=…, params=…)` records the
`Job` and enqueues it in one transaction; a worker calls `execute`, which claims the job, runs
the function in the user's language, keeps its file and marks it done or failed — or, when the
worker lost its database, queues it again with a backoff.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django_tasks import task

from programs.core.models import EventKind
from programs.core.transitions import record_event
from safecommunity.errors import DomainError

from . import errors
from .models import Job, Once

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a job leaves behind: a line for its page, data for its own page, and a file — its
    bytes, or the path of a file the job wrote (a large export), which the runner moves into
    Django's default storage and then removes."""

    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""
    content: bytes | Path | None = None


@dataclass(frozen=True)
class Kind:
    path: str
    label: Any
    fn: Callable[..., Outcome]
    task: Any
    page: Callable[[Job], str] | None = None
    retry: bool = True


KINDS: dict[str, Kind] = {}


def job(
    *, label: Any, page: Callable[[Job], str] | None = None, retry: bool = True, priority: int = 0
) -> Callable[[Callable[..., Outcome]], Any]:
    """Make `fn(job, **params)` a job kind; the decorated name is its task, to `start`."""

    def register(fn: Callable[..., Outcome]) -> Any:
        path = f"{fn.__module__}.{fn.__qualname__}"

        def run(context: Any, job_id: int) -> None:
            execute(KINDS[path], context, job_id)

        # The task must be importable under the kind's own path: django-tasks stores that path.
        run.__module__, run.__qualname__, run.__name__ = fn.__module__, fn.__qualname__, fn.__name__
        run.__doc__ = fn.__doc__
        kind_task = task(takes_context=True, priority=priority)(run)
        KINDS[path] = Kind(path=path, label=label, fn=fn, task=kind_task, page=page, retry=retry)
        return kind_task

    return register


def kind_of(path: str) -> Kind | None:
    if path not in KINDS:
        try:
            import_string(path)
        except ImportError:
            return None
    return KINDS.get(path)


def start(
    kind_task: Any,
    *,
    user: Any,
    title: str,
    params: dict[str, Any] | None = None,
    unit: Any = None,
    key: str = "",
    total: int | None = None,
    language: str = "",
) -> tuple[Job, bool]:
    """Record a job and queue it. With a `key`, a second start while the first is queued or
    running returns the first, and False. A view passes the page's `language`
    (`request.LANGUAGE_CODE`), used when the user never chose one."""
    path = kind_task.module_path
    if key and (running := Job.objects.active().filter(key=key).first()):
        return running, False
    try:
        with transaction.atomic():
            record = Job.objects.create(
                kind=path,
                language=_language_of(user, language),
                title=str(title)[:300],
                user=user if user is not None and user.is_authenticated else None,
                unit=unit,
                params=params or {},
                key=key,
                total=total,
            )
            _enqueue(record)
    except IntegrityError:
        if not key:
            raise
        return Job.objects.active().get(key=key), False
    record.refresh_from_db()
    return record, True


def _language_of(user: Any, asked_in: str) -> str:
    """The language the job speaks: the one the user chose (the header's switch saves it), else
    the page's it was asked from; the portal's for work without a person."""
    return getattr(user, "language", "") or asked_in or settings.LANGUAGE_CODE


def already_running(record: Job) -> str:
    """The message that tells a second start about the first."""
    return errors.ALREADY_RUNNING.format(
        title=record.title, started=date_format(timezone.localtime(record.created_at), "Y-m-d H:i")
    )


def _enqueue(record: Job, *, delay: float = 0) -> None:
    kind_task = KINDS[record.kind].task
    if delay:
        kind_task = kind_task.using(run_after=timezone.now() + timedelta(seconds=delay))
    result = kind_task.enqueue(record.pk)
    # The immediate backend (tests) has run the job already; a queued one records its task.
    Job.objects.filter(pk=record.pk, state=Job.State.QUEUED).update(task_id=str(result.id))


def requeue_or_fail(record: Job, reason: Any) -> None:
    """Queue a job again after its worker was lost, waiting longer each time, or fail it once
    it has had its tries. Called with the job's row locked."""
    kind = KINDS.get(record.kind) or kind_of(record.kind)
    if kind and kind.retry and record.attempts < settings.JOB_MAX_ATTEMPTS:
        Job.objects.filter(pk=record.pk).update(state=Job.State.QUEUED, worker="")
        record.state = Job.State.QUEUED
        backoff = settings.JOB_RETRY_BACKOFF_SECONDS * 2 ** max(0, record.attempts - 1)
        _enqueue(record, delay=backoff)
        logger.warning("job %s re-queued after attempt %s", record.pk, record.attempts)
        return
    with translation.override(record.language):
        message = str(reason).format(attempts=record.attempts)
    _finish(record, state=Job.State.FAILED, error=message)


def once(key: str) -> bool:
    """Claim the effect `key` inside the effect's own transaction: True the first time, False
    when it was done before (or is being done by a transaction that then commits)."""
    try:
        with transaction.atomic():
            Once.objects.create(key=key[:200])
    except IntegrityError:
        return False
    return True


def checkpoint(record: Job, name: str) -> None:
    """A point where a test can hold the job: with JOB_CHECKPOINT_DIR set, the job says it
    reached `name` and waits until the test lets it go (or kills its worker)."""
    folder = os.environ.get("JOB_CHECKPOINT_DIR")
    if not folder:
        return
    Path(folder, f"{name}.reached").write_text(str(os.getpid()))
    while not Path(folder, f"{name}.release").exists():
        time.sleep(0.05)


def execute(kind: Kind, context: Any, job_id: int) -> None:
    """Run one delivery of a job on this worker. A job already taken or finished is left
    alone, so a task delivered twice does the work once."""
    worker_ids = getattr(context.task_result, "worker_ids", None) or []
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        worker=worker_ids[-1] if worker_ids else "",
    )
    if not claimed:
        return
    record = Job.objects.select_related("user").get(pk=job_id)
    with translation.override(record.language):
        try:
            outcome = kind.fn(record, **record.params)
            try:
                _finish(record, state=Job.State.DONE, outcome=outcome)
            finally:
                if isinstance(outcome.content, Path):
                    outcome.content.unlink(missing_ok=True)
        except DomainError as refusal:
            _finish(record, state=Job.State.FAILED, error=str(refusal))
        except (OperationalError, InterfaceError):
            logger.exception("job %s lost its database", record.pk)
            _after_lost_database(record)
        except Exception:
            # A bug, or its result could not be kept (storage full): never left running.
            reference = uuid.uuid4().hex[:8]
            logger.exception("job %s failed, reference %s", record.pk, reference)
            _finish(
                record,
                state=Job.State.FAILED,
                error=str(errors.UNEXPECTED).format(reference=reference),
            )


def _after_lost_database(record: Job) -> None:
    """Reconnect (waiting a little each time), then queue the job again or fail it."""
    for wait in (0, 1, 2, 4, 8):
        time.sleep(wait)
        if not connection.in_atomic_block:  # a test's transaction is not the worker's to drop
            close_old_connections()
        try:
            with transaction.atomic():
                locked = Job.objects.select_for_update().get(pk=record.pk)
                if locked.state == Job.State.RUNNING:
                    requeue_or_fail(locked, errors.DATABASE_LOST)
            return
        except (OperationalError, InterfaceError):
            connection.close()
    raise OperationalError(f"job {record.pk}: the database stayed unreachable")


def _finish(record: Job, *, state: str, outcome: Outcome | None = None, error: str = "") -> None:
    """Mark the job done or failed, keep its file, and tell its user if it ran long."""
    now = timezone.now()
    fields: dict[str, Any] = {"state": state, "finished_at": now, "error": error}
    if outcome is not None:
        fields.update(message=str(outcome.message), data=outcome.data)
        if isinstance(outcome.content, Path):
            with outcome.content.open("rb") as handle:
                record.result.save(outcome.file_name, File(handle), save=False)
        elif outcome.content is not None:
            record.result.save(outcome.file_name, ContentFile(outcome.content), save=False)
        if outcome.content is not None:
            fields.update(result=record.result.name, result_name=outcome.file_name)
    finished_all = state == Job.State.DONE and record.total is not None
    fields.update(done=record.total if finished_all else record.done, total=record.total)
    with transaction.atomic():
        # Only the delivery that holds the job ends it: not a worker declared lost meanwhile.
        owned = Job.objects.filter(pk=record.pk, state__in=Job.ACTIVE, attempts=record.attempts)
        if not owned.update(**fields):
            logger.warning(
                "job %s: this delivery no longer holds it; its end is dropped", record.pk
            )
            if fields.get("result"):
                record.result.storage.delete(fields["result"])
            return
        for name, value in fields.items():
            setattr(record, name, value)
        record_event(
            record,
            EventKind.JOB_FINISHED if state == Job.State.DONE else EventKind.JOB_FAILED,
            by=record.user,
            unit_id=record.unit_id,
            reason=error,
            data={"kind": record.kind, "title": record.title, "attempts": record.attempts},
        )
    if record.started_at and (now - record.started_at).total_seconds() > (
        settings.JOB_MAIL_AFTER_SECONDS
    ):
        from .mail import tell_finished

        tell_finished(record)
