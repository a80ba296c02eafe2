"""Housekeeping of the job machinery: old result files, finished tasks, stopped workers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from .models import Job, Once, Worker
from .runner import Outcome, job

TASK_ROWS_DAYS = 30
ONCE_KEYS_DAYS = 400  # a year of daily keys and more: a rerun of last year's work stays a no-op


def prune_results(now=None) -> int:
    """Remove the result files of jobs finished more than `JOB_RESULT_DAYS` ago; the job's
    record stays (its page says the file was removed). How many files went."""
    now = now or timezone.now()
    old = Job.objects.filter(
        finished_at__lt=now - timedelta(days=settings.JOB_RESULT_DAYS)
    ).exclude(result="")
    removed = 0
    for record in old.iterator():
        record.result.delete(save=False)
        Job.objects.filter(pk=record.pk).update(result="")
        removed += 1
    return removed


@job(label=gettext_lazy("Housekeeping of jobs"))
def prune_jobs(record: Job, *, day: str = "") -> Outcome:
    now = timezone.now()
    files = prune_results(now)
    tasks, _kinds = DBTaskResult.objects.filter(
        Q(status__in=["SUCCESSFUL", "FAILED"]), finished_at__lt=now - timedelta(days=TASK_ROWS_DAYS)
    ).delete()
    Worker.objects.filter(beat_at__lt=now - timedelta(days=7)).delete()
    Once.objects.filter(created_at__lt=now - timedelta(days=ONCE_KEYS_DAYS)).delete()
    return Outcome(
        message=_("%(files)s result files and %(tasks)s finished tasks removed.")
        % {"files": files, "tasks": tasks}
    )
