"""Jobs in one process (the immediate backend): their record, state, progress, result file,
errors in the user's language, keys that run work once, retries, the reaper and the mail."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from programs.core.models import Event, EventKind
from programs.jobs.models import Job, Worker
from programs.jobs.runner import once, start
from programs.jobs.workers import beat, reap
from tests.jobs import kinds


def start_test(kind, user, **params):
    return start(kind, user=user, title="test job", params=params)


def test_a_job_runs_and_keeps_its_file_for_the_user_who_started_it(client, clerk_a, clerk_b):
    job, created = start_test(kinds.a_file, clerk_a, text="第一行")
    assert created
    job.refresh_from_db()
    assert (job.state, job.message, job.result_name) == ("done", "written", "result.txt")
    assert job.attempts == 1 and job.finished_at is not None
    assert Event.objects.of(job).get().kind == EventKind.JOB_FINISHED

    client.force_login(clerk_a)
    response = client.get(reverse("programs:job-download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "第一行"
    assert "attachment" in response["Content-Disposition"]

    client.force_login(clerk_b)
    assert client.get(reverse("programs:job-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("programs:job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("programs:job-progress", args=[job.pk])).status_code == 404


def test_my_jobs_lists_only_mine_with_their_state(client, clerk_a, clerk_b):
    mine, _ = start_test(kinds.a_file, clerk_a, text="x")
    theirs, _ = start(kinds.a_file, user=clerk_b, title="someone else's", params={"text": "y"})
    client.force_login(clerk_a)
    page = client.get(reverse("programs:job-list")).content.decode()
    assert f'id="job-{mine.pk}"' in page and f'id="job-{theirs.pk}"' not in page
    assert "result.txt" in page


def test_a_job_of_a_kind_since_removed_still_lists_and_opens(client, clerk_a):
    # Issue 12's report reminders became events of the notifications; their jobs stay on record.
    job = Job.objects.create(
        kind="programs.reports.jobs.send_report_reminders", title="月报提醒", user=clerk_a
    )
    client.force_login(clerk_a)

    assert job.get_absolute_url() == reverse("programs:job-detail", args=[job.pk])
    assert "月报提醒" in client.get(reverse("programs:job-list")).content.decode()
    assert client.get(job.get_absolute_url()).status_code == 200


def test_a_refusal_fails_the_job_with_its_message_in_the_users_language(clerk_a):
    clerk_a.language = "en"
    clerk_a.save()
    job, _ = start_test(kinds.refused, clerk_a)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "The file is empty.")
    assert Event.objects.of(job).get().kind == EventKind.JOB_FAILED

    clerk_a.language = "zh-hans"
    clerk_a.save()
    job, _ = start_test(kinds.refused, clerk_a)
    job.refresh_from_db()
    assert job.error == "文件为空。"


def test_a_bug_fails_the_job_with_a_reference_and_no_traceback(clerk_a, caplog):
    job, _ = start_test(kinds.broken, clerk_a)
    job.refresh_from_db()
    assert job.state == "failed"
    assert "ZeroDivisionError" not in job.error
    reference = job.error.split()[-1].strip("。.")
    assert any(reference in message for message in caplog.messages)


def test_a_second_start_with_the_same_key_finds_the_first(clerk_a):
    first = Job.objects.create(kind=kinds.a_file.module_path, title="first", user=clerk_a, key="k")
    again, created = start(kinds.a_file, user=clerk_a, title="again", key="k", params={"text": ""})
    assert (again, created) == (first, False)
    assert Job.objects.filter(key="k").count() == 1
    # Once the first has finished, the same work may be started again.
    Job.objects.filter(pk=first.pk).update(state="done")
    _fresh, created = start(kinds.a_file, user=clerk_a, title="again", key="k", params={"text": ""})
    assert created


def test_an_effect_happens_once_however_often_its_job_is_delivered(clerk_a):
    job, _ = start_test(kinds.effect, clerk_a, key="e1")
    # A second delivery of the same task finds the job finished and does nothing.
    kinds.effect.call(type("Context", (), {"task_result": None})(), job.pk)
    # A second job with the same effect key finds the effect done.
    start_test(kinds.effect, clerk_a, key="e1")
    assert Event.objects.filter(action="effect:e1").count() == 1
    assert once("free-key") and not once("free-key")


def test_a_job_that_lost_its_database_is_tried_again_then_fails(clerk_a, settings, monkeypatch):
    from django.db import OperationalError

    calls = []

    def flaky(record, **params):
        calls.append(record.attempts)
        if record.attempts < 2:
            raise OperationalError("server closed the connection unexpectedly")
        return kinds.Outcome(message="second time lucky")

    from programs.jobs.runner import KINDS

    kind = KINDS[kinds.effect.module_path]
    monkeypatch.setitem(KINDS, kind.path, kind.__class__(**{**kind.__dict__, "fn": flaky}))
    settings.JOB_RETRY_BACKOFF_SECONDS = 0
    job, _ = start_test(kinds.effect, clerk_a, key="x")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message, calls) == ("done", 2, "second time lucky", [1, 2])

    def always(record, **params):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setitem(KINDS, kind.path, kind.__class__(**{**kind.__dict__, "fn": always}))
    clerk_a.language = "en"
    clerk_a.save()
    job, _ = start_test(kinds.effect, clerk_a, key="y")
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", settings.JOB_MAX_ATTEMPTS)
    assert job.error.startswith("The connection to the database was lost")
    assert f"tried {settings.JOB_MAX_ATTEMPTS} times" in job.error


def running_on(worker_id: str, job: Job, *, started_ago: timedelta) -> DBTaskResult:
    started = timezone.now() - started_ago
    task = DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [job.pk], "kwargs": {}},
        task_path=job.kind,
        backend_name="default",
        run_after=started,
        started_at=started,
        worker_ids=[worker_id],
    )
    Job.objects.filter(pk=job.pk).update(
        state="running", attempts=1, task_id=str(task.pk), worker=worker_id, started_at=started
    )
    return task


def test_the_reaper_queues_again_the_job_of_a_silent_worker(clerk_a, settings):
    settings.JOB_RETRY_BACKOFF_SECONDS = 0
    job = Job.objects.create(
        kind=kinds.effect.module_path, title="t", user=clerk_a, params={"key": "reaped"}
    )
    silent = running_on("silent", job, started_ago=timedelta(minutes=20))
    Worker.objects.create(
        id="silent", host="h", pid=1, beat_at=timezone.now() - timedelta(minutes=6)
    )
    lively = Job.objects.create(kind=kinds.effect.module_path, title="t", params={"key": "alive"})
    running_on("alive", lively, started_ago=timedelta(minutes=20))
    beat("alive")

    assert reap() == 1
    silent.refresh_from_db()
    assert silent.status == "FAILED" and "silent" in silent.traceback
    job.refresh_from_db()
    # Queued again and (the immediate backend) run at once: the effect happened, once.
    assert (job.state, job.attempts) == ("done", 2)
    assert Event.objects.filter(action="effect:reaped").count() == 1
    lively.refresh_from_db()
    assert lively.state == "running"
    assert reap() == 0


def test_the_reaper_fails_a_job_that_had_its_tries(clerk_a, settings):
    job = Job.objects.create(
        kind=kinds.effect.module_path, title="t", user=clerk_a, params={"key": "k"}
    )
    running_on("gone", job, started_ago=timedelta(minutes=20))
    Job.objects.filter(pk=job.pk).update(attempts=settings.JOB_MAX_ATTEMPTS)
    assert reap() == 1
    job.refresh_from_db()
    assert job.state == "failed"
    assert str(settings.JOB_MAX_ATTEMPTS) in job.error
    assert not Event.objects.filter(action="effect:k").exists()


def test_a_just_started_job_is_not_reaped_before_its_worker_beats(clerk_a):
    job = Job.objects.create(kind=kinds.effect.module_path, title="t", params={"key": "k"})
    running_on("new", job, started_ago=timedelta(seconds=5))
    assert reap() == 0


def test_progress_is_read_while_the_job_runs(clerk_a):
    job = Job.objects.create(
        kind=kinds.a_file.module_path, title="t", user=clerk_a, state="running"
    )
    job.report_progress(250, 1000)
    seen = Job.objects.get(pk=job.pk)
    assert seen.progress() == (250, 1000) and seen.percent == 25


def test_a_long_job_tells_its_user_by_mail_once_in_their_language(clerk_a, settings):
    settings.JOB_MAIL_AFTER_SECONDS = -1
    clerk_a.email, clerk_a.language = "clerk@example.org", "en"
    clerk_a.save()
    job, _ = start(kinds.a_file, user=clerk_a, title="Export of values", params={"text": "x"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["clerk@example.org"]
    assert message.subject == "Done: Export of values"
    assert f"/jobs/{job.pk}/" in message.body
    from programs.jobs.mail import tell_finished

    assert not tell_finished(Job.objects.get(pk=job.pk))
    assert len(mail.outbox) == 1


def test_a_result_that_cannot_be_kept_fails_the_job_rather_than_leaving_it_running(
    clerk_a, monkeypatch, caplog
):
    from django.core.files.storage import FileSystemStorage

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    job, _ = start_test(kinds.a_file, clerk_a, text="x")
    job.refresh_from_db()
    assert job.state == "failed" and not job.result_name
    assert "No space" not in job.error  # the user reads a reference, not the trace
    reference = job.error.split()[-1].strip("。.")
    assert any(reference in message for message in caplog.messages)
