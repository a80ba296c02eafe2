"""Following an export that runs as a job: the export's response sends its user to the job's
page; the job has run (the test settings run jobs at once, in the request that starts them);
its file is downloaded as its owner downloads it, from `/jobs/<id>/download/`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.urls import resolve, reverse
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from programs.jobs.models import Job
from programs.jobs.runner import KINDS, Outcome


@dataclass
class Download:
    job: Job
    response: HttpResponse
    content: bytes

    def workbook(self) -> Workbook:
        return load_workbook(io.BytesIO(self.content))

    def csv_rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.content.decode("utf-8-sig"))))


def in_english(user):
    """`user` with English as their language: jobs write their files in the user's language
    (the `english` fixture sets only the client's)."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def export_job(response: HttpResponse) -> Job:
    """The job an export's response sends its user to."""
    assert response.status_code == 302, getattr(response, "content", b"")[:500]
    match = resolve(urlsplit(response["Location"]).path)
    assert match.view_name == "programs:job-detail", response["Location"]
    return Job.objects.get(pk=match.kwargs["pk"])


def downloaded(client, response: HttpResponse) -> Download:
    """The file of the export `response` started, downloaded by `client` from the job."""
    job = export_job(response)
    assert job.state == Job.State.DONE, job.error
    file = client.get(reverse("programs:job-download", args=[job.pk]))
    assert file.status_code == 200
    # Read to the end, the test client closes the file (closing it here would also close the
    # database connection, as at the end of a request).
    content = b"".join(file.streaming_content)
    return Download(job=job, response=file, content=content)


def export_record(kind_task, user, **params) -> Job:
    """A job of the export `kind_task` for `user`, taken by a worker (running, first try)."""
    return Job.objects.create(
        kind=kind_task.module_path,
        title="export",
        user=user,
        params=params,
        state=Job.State.RUNNING,
        attempts=1,
    )


def run_export(record: Job) -> tuple[Outcome, bytes]:
    """Run an export's job function alone (what a worker runs, without the machinery around
    it: for counting its queries); its outcome and the bytes of its file."""
    outcome = KINDS[record.kind].fn(record, **record.params)
    try:
        return outcome, outcome.content.read_bytes()
    finally:
        outcome.content.unlink()
