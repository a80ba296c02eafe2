"""Jobs on real worker processes sharing one PostgreSQL queue: each effect happens once, a
worker killed in the middle of a transaction changes nothing and its job is done by another,
a worker that loses its database tries again and then fails the job with the reason."""

from __future__ import annotations

import signal

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from programs.core.models import Event
from programs.jobs.models import Job
from programs.jobs.runner import start
from tests.jobs import kinds
from tests.processes import DATABASE_TASKS, wait_until, workers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several processes share one database: the test database must be PostgreSQL",
    ),
]


def finished(*jobs: Job) -> bool:
    return not Job.objects.filter(pk__in=[j.pk for j in jobs], state__in=Job.ACTIVE).exists()


def test_two_workers_share_the_queue_and_each_effect_happens_once(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    jobs = [
        start(kinds.effect, user=None, title=f"e{n}", params={"key": f"k{n}", "pause": 0.05})[0]
        for n in range(30)
    ]
    with workers(tmp_path, count=2):
        wait_until(lambda: finished(*jobs), timeout=90, what="30 jobs", logs=tmp_path)
    assert set(Job.objects.values_list("state", "attempts")) == {("done", 1)}
    for n in range(30):
        assert Event.objects.filter(action=f"effect:k{n}").count() == 1
    ran_on = {task.worker_ids[-1].split(".")[0] for task in DBTaskResult.objects.all()}
    assert ran_on == {"w0", "w1"}


def test_a_worker_killed_mid_transaction_changes_nothing_and_another_finishes(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    job, _ = start(kinds.many_rows, user=None, title="rows", params={"key": "mid", "rows": 2000})
    with workers(tmp_path, JOB_CHECKPOINT_DIR=str(tmp_path)) as (first,):
        wait_until(
            (tmp_path / "mid.reached").exists, timeout=60, what="the checkpoint", logs=tmp_path
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("running", 1)
    assert not Event.objects.filter(action="row:mid").exists()

    with workers(tmp_path, JOB_WORKER_LOST_SECONDS="2", JOB_RETRY_BACKOFF_SECONDS="0"):
        wait_until(lambda: finished(job), timeout=90, what="the retried job", logs=tmp_path)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.done, job.total) == ("done", 2, 2000, 2000)
    assert Event.objects.filter(action="row:mid").count() == 2000
    killed = DBTaskResult.objects.get(status="FAILED")
    assert killed.exception_class_path == "programs.jobs.errors.WorkerLost"


def test_a_killed_worker_whose_job_had_its_tries_fails_it(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    job, _ = start(kinds.many_rows, user=None, title="rows", params={"key": "last", "rows": 500})
    with workers(tmp_path, JOB_CHECKPOINT_DIR=str(tmp_path)) as (first,):
        wait_until(
            (tmp_path / "last.reached").exists, timeout=60, what="the checkpoint", logs=tmp_path
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
    with workers(tmp_path, JOB_WORKER_LOST_SECONDS="2", JOB_MAX_ATTEMPTS="1"):
        wait_until(lambda: finished(job), timeout=60, what="the reaper", logs=tmp_path)
    job.refresh_from_db()
    assert job.state == "failed"
    assert "后台进程已停止" in job.error
    assert not Event.objects.filter(action="row:last").exists()


def test_a_worker_that_loses_its_database_tries_again_then_fails(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    once_lost, _ = start(kinds.lose_connection, user=None, title="once", params={"key": "l1"})
    always, _ = start(
        kinds.lose_connection, user=None, title="always", params={"key": "l2", "every_time": True}
    )
    with workers(tmp_path, JOB_RETRY_BACKOFF_SECONDS="0", JOB_MAX_ATTEMPTS="2"):
        wait_until(lambda: finished(once_lost, always), timeout=90, what="both", logs=tmp_path)
    once_lost.refresh_from_db()
    always.refresh_from_db()
    assert (once_lost.state, once_lost.attempts) == ("done", 2)
    assert Event.objects.filter(action="effect:l1").count() == 1
    assert (always.state, always.attempts) == ("failed", 2)
    assert "与数据库的连接中断" in always.error and "2 次" in always.error
    assert not Event.objects.filter(action="effect:l2").exists()
