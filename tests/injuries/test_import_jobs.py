"""The import's check and import as jobs, in one process: a file checked once while its check
is under way, each job seen by its user only, progress counted to the file's rows, the pages
that follow a job still queued, and an import retried after its worker was lost done once.

Jobs left queued use the dummy backend (`queued`) and are delivered here (`deliver`); with the
tests' own backend a job has run by the time the request that started it answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from injuries.jobs import IMPORTED, batch_commit_start, injuries_check, injuries_commit
from injuries.models import ImportBatch, InjuryRecord
from injuries.services import batch_commit, batch_preview, imports
from programs.jobs.models import Job
from programs.jobs.runner import already_running
from tests.injury_files import cards, stored, write_csv, write_xlsx
from tests.jobs.kinds import deliver

IMPORT = reverse("injuries:import")
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings):
    """Jobs stay queued until the test delivers them."""
    settings.TASKS = DUMMY_TASKS


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def checked(path: Path, user) -> ImportBatch:
    batch, report = batch_preview(name=stored(path), file_name=path.name, user=user)
    assert report.ok
    return batch


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Step 1: the check ----------------------------------------------------------------------


def test_the_same_file_uploaded_twice_while_its_check_is_queued_is_checked_once(
    client_for, clerk_a, unit_a, tmp_path, queued, kept_uploads
):
    path = write_xlsx(tmp_path / "三月.xlsx", cards(3))
    client = client_for(clerk_a)

    first = client.post(IMPORT, {"file": upload(path)})
    second = client.post(IMPORT, {"file": upload(path)})

    job = Job.objects.get()
    assert (job.kind, job.state, job.user) == (injuries_check.module_path, "queued", clerk_a)
    page = reverse("injuries:import-check", args=[job.pk])
    assert first["Location"] == second["Location"] == page
    assert messages_of(second) == [already_running(job)]
    assert kept_uploads() == [job.params["name"]]  # the second copy is not kept

    deliver(job)

    batch = ImportBatch.objects.get()
    assert (batch.rows_total, batch.rows_added, batch.stored_file) == (3, 3, job.params["name"])
    assert client.get(page)["Location"] == batch.get_absolute_url()
    # Once the check is done, the same file may be checked again.
    client.post(IMPORT, {"file": upload(path)})
    assert Job.objects.filter(kind=injuries_check.module_path).count() == 2


def test_another_file_of_the_same_user_is_checked_beside_the_first(
    client_for, clerk_a, unit_a, tmp_path, queued
):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "a.xlsx", cards(2)))})
    client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "b.xlsx", cards(3)))})

    assert Job.objects.filter(state="queued").count() == 2


def test_a_queued_check_is_followed_on_its_page_until_the_batch_exists(
    client_for, clerk_a, unit_a, tmp_path, queued
):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_csv(tmp_path / "三月.csv", cards(2), "gb18030"))})
    job = Job.objects.get()
    page = reverse("injuries:import-check", args=[job.pk])

    waiting = client.get(page)

    assert waiting.status_code == 200
    progress = reverse("programs:job-progress", args=[job.pk])
    assert f'hx-get="{progress}"' in waiting.text
    assert "data-reload-when-finished" in waiting.text
    assert "三月.csv" in waiting.text
    assert 'id="import-recheck"' not in waiting.text
    assert job.get_absolute_url() == page  # 我的任务 links here while there is no batch

    deliver(job)

    job.refresh_from_db()
    batch = ImportBatch.objects.get()
    assert client.get(job.get_absolute_url())["Location"] == batch.get_absolute_url()


def test_a_check_whose_batch_was_given_up_says_it_was_done(client_for, clerk_a, unit_a, tmp_path):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "v1.xlsx", cards(2)))})
    client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "v2.xlsx", cards(3)))})
    first = Job.objects.filter(kind=injuries_check.module_path).order_by("pk").first()
    assert not ImportBatch.objects.filter(pk=first.data["batch"]).exists()  # given up for v2

    page = client.get(first.get_absolute_url())  # as 我的任务 links it

    assert page.status_code == 200
    assert first.message in page.text
    assert 'id="import-recheck"' in page.text


def test_a_check_counts_its_progress_to_the_files_rows(clerk_a, unit_a, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    seen = []
    name = stored(write_xlsx(tmp_path / "five.xlsx", cards(5)))

    batch_preview(name=name, file_name="five.xlsx", user=clerk_a, progress=_told(seen))

    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5), (5, 5)]


def _told(seen: list):
    return lambda done, total: seen.append((done, total))


def test_a_finished_check_and_import_are_done_to_the_last_row(
    client_for, clerk_a, unit_a, tmp_path
):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_csv(tmp_path / "cards.csv", cards(7)))})
    batch = ImportBatch.objects.get()
    client.post(reverse("injuries:batch-commit", args=[batch.pk]))

    check, commit = Job.objects.order_by("pk")
    assert (check.state, check.done, check.total, check.percent) == ("done", 7, 7, 100)
    assert (commit.state, commit.done, commit.total, commit.percent) == ("done", 7, 7, 100)
    assert check.progress() == commit.progress() == (7, 7)


def test_another_user_sees_neither_the_jobs_nor_the_batch(
    client_for, clerk_a, clerk_b, unit_a, tmp_path
):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "a.xlsx", cards(2)))})
    batch = ImportBatch.objects.get()
    client.post(reverse("injuries:batch-commit", args=[batch.pk]))
    check, commit = Job.objects.order_by("pk")

    other = client_for(clerk_b)
    for job in (check, commit):
        assert other.get(reverse("programs:job-detail", args=[job.pk])).status_code == 404
        assert other.get(reverse("programs:job-progress", args=[job.pk])).status_code == 404
    assert other.get(reverse("injuries:import-check", args=[check.pk])).status_code == 404
    assert other.get(batch.get_absolute_url()).status_code == 404
    assert f'id="job-{check.pk}"' not in other.get(reverse("programs:job-list")).text
    # The check's page is a check's: another kind of job is no check.
    mine = client_for(clerk_a)
    assert mine.get(reverse("injuries:import-check", args=[commit.pk])).status_code == 404


def test_a_new_check_keeps_the_users_batch_whose_import_is_queued(
    client_for, clerk_a, unit_a, tmp_path, queued, kept_uploads
):
    importing = checked(write_xlsx(tmp_path / "v1.xlsx", cards(2)), clerk_a)
    given_up = checked(write_xlsx(tmp_path / "v2.xlsx", cards(2, start=5)), clerk_a)
    client = client_for(clerk_a)
    client.post(reverse("injuries:batch-commit", args=[importing.pk]))

    client.post(IMPORT, {"file": upload(write_xlsx(tmp_path / "v3.xlsx", cards(3, start=9)))})
    deliver(Job.objects.get(kind=injuries_check.module_path))

    names = set(ImportBatch.objects.values_list("file_name", flat=True))
    assert names == {"v1.xlsx", "v3.xlsx"}
    assert given_up.stored_file not in kept_uploads()
    deliver(Job.objects.get(kind=injuries_commit.module_path))
    importing.refresh_from_db()
    assert importing.status == ImportBatch.Status.IMPORTED


# --- Step 2: the import ---------------------------------------------------------------------


def test_a_queued_import_is_followed_on_the_batch_page_and_started_once(
    client_for, clerk_a, unit_a, tmp_path, queued
):
    batch = checked(write_xlsx(tmp_path / "a.xlsx", cards(3)), clerk_a)
    client = client_for(clerk_a)
    commit = reverse("injuries:batch-commit", args=[batch.pk])

    first = client.post(commit)
    second = client.post(commit)

    job = Job.objects.get()
    assert (job.kind, job.params, job.key) == (
        injuries_commit.module_path,
        {"batch": batch.pk},
        f"injury-commit:{batch.pk}",
    )
    assert first["Location"] == second["Location"] == batch.get_absolute_url()
    assert messages_of(second) == [already_running(job)]
    page = client.get(batch.get_absolute_url())
    assert f'hx-get="{reverse("programs:job-progress", args=[job.pk])}"' in page.text
    assert 'id="batch-job"' in page.text
    assert 'id="import-commit"' not in page.text  # no second import while this one waits

    deliver(job)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert InjuryRecord.objects.filter(batch=batch).count() == 3
    page = client.get(batch.get_absolute_url())
    assert 'id="batch-job"' not in page.text
    job.refresh_from_db()
    with translation.override("zh-hans"):
        message = IMPORTED % {"added": 3, "updated": 0, "unchanged": 0}
    assert (job.state, job.message) == ("done", message)


def test_an_import_asked_of_a_batch_no_longer_waiting_is_refused_at_once(
    client_for, clerk_a, unit_a, tmp_path
):
    batch = checked(write_xlsx(tmp_path / "a.xlsx", cards(2)), clerk_a)
    batch_commit(batch=batch, user=clerk_a)

    response = client_for(clerk_a).post(reverse("injuries:batch-commit", args=[batch.pk]))

    assert messages_of(response) == [str(imports.BATCH_NOT_WAITING)]
    assert not Job.objects.exists()
    assert InjuryRecord.objects.count() == 2


def test_an_import_whose_rows_are_now_in_error_fails_and_says_why_on_the_batch_page(
    client_for, clerk_a, unit_a, unit_b, tmp_path, kept_uploads
):
    from tests.factories import InjuryRecordFactory

    batch = checked(write_xlsx(tmp_path / "a.xlsx", cards(2)), clerk_a)
    InjuryRecordFactory(unit=unit_b, reporting_org="顺义区医院", record_number="H0002")
    client = client_for(clerk_a)

    client.post(reverse("injuries:batch-commit", args=[batch.pk]))

    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("未导入任何记录")
    page = client.get(batch.get_absolute_url())
    assert job.error in page.text
    batch.refresh_from_db()
    assert (batch.status, batch.rows_in_error, kept_uploads()) == ("previewed", 1, [])


def test_an_import_retried_after_its_first_try_imported_the_batch_ends_done_and_once(
    clerk_a, unit_a, tmp_path, queued
):
    batch = checked(write_xlsx(tmp_path / "a.xlsx", cards(4)), clerk_a)
    job, _created = batch_commit_start(batch=batch, user=clerk_a)
    # The first try imported the batch, and its worker was lost before it could say so.
    batch_commit(batch=batch, user=clerk_a)
    Job.objects.filter(pk=job.pk).update(attempts=1)

    deliver(job)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.data["added"]) == ("done", 2, 4)
    assert InjuryRecord.objects.count() == 4


def test_a_first_try_that_finds_the_batch_imported_fails(clerk_a, unit_a, tmp_path, queued):
    batch = checked(write_xlsx(tmp_path / "a.xlsx", cards(2)), clerk_a)
    job, _created = batch_commit_start(batch=batch, user=clerk_a)
    batch_commit(batch=batch, user=clerk_a)

    deliver(job)

    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", str(imports.BATCH_NOT_WAITING))
    assert InjuryRecord.objects.count() == 2


# --- Query counts ---------------------------------------------------------------------------


def test_the_pages_following_a_job_have_a_fixed_query_count(
    client_for, clerk_a, unit_a, tmp_path, queued, django_assert_max_num_queries
):
    client = client_for(clerk_a)
    for size in (2, 40):
        client.post(IMPORT, {"file": upload(write_csv(tmp_path / f"{size}.csv", cards(size)))})
        check = Job.objects.filter(kind=injuries_check.module_path).first()
        with django_assert_max_num_queries(4):  # session, user, job, (none while it waits)
            assert client.get(reverse("injuries:import-check", args=[check.pk])).status_code == 200
        deliver(check)
        check.refresh_from_db()
        batch = ImportBatch.objects.get(pk=check.data["batch"])
        client.post(reverse("injuries:batch-commit", args=[batch.pk]))
        with django_assert_max_num_queries(6):  # the batch page's, and its import job
            page = client.get(batch.get_absolute_url())
        assert 'id="batch-job"' in page.text
        deliver(Job.objects.get(kind=injuries_commit.module_path, state="queued"))


# --- The user is told how their import ended (the event is written as their own act) ---


def test_a_finished_check_and_import_each_tell_their_user(
    client_for, clerk_a, district_user, unit_a, tmp_path
):
    from programs.notifications.models import Notification

    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_csv(tmp_path / "cards.csv", cards(3)))})
    client.post(reverse("injuries:batch-commit", args=[ImportBatch.objects.get().pk]))

    told = Notification.objects.filter(kind=Notification.Kind.IMPORT_FINISHED)
    assert sorted(told.values_list("user__username", flat=True)) == [clerk_a.username] * 2
    assert client.get(reverse("programs:notification-list")).text.count("cards.csv") >= 2


def test_a_failed_import_tells_its_user_why(client_for, clerk_a, unit_a, unit_b, tmp_path):
    from programs.notifications.models import Notification
    from tests.factories import InjuryRecordFactory

    batch = checked(write_xlsx(tmp_path / "a.xlsx", cards(2)), clerk_a)
    InjuryRecordFactory(unit=unit_b, reporting_org="顺义区医院", record_number="H0002")

    client_for(clerk_a).post(reverse("injuries:batch-commit", args=[batch.pk]))

    notification = Notification.objects.get(kind=Notification.Kind.IMPORT_FAILED)
    assert notification.user == clerk_a
