"""The soak's people who start jobs: district staff importing a file of injury cards (upload,
check, batch page, import) and exporting every reported value; and how a job is followed from
the page that started it to its end, polling its progress as the page does."""

from __future__ import annotations

import re
import time
import zipfile
from io import BytesIO

from bench.soak_actors import Actor, JobSeen
from bench.soak_http import ConnectionFailed, Response

#: A job's id in a link or an address: its page, its progress, or the import check's page.
JOB_LINK = re.compile(r"/(?:jobs|import/checks)/(\d+)/")
JOB_STATE = re.compile(r"job-state job-(queued|running|done|failed)")
FINISHED = ("done", "failed")
#: Seconds an import step may take while it still runs in the request (before it is a job).
SLOW = 900


def follow_job(actor: Actor, response: Response, what: str) -> JobSeen:
    """Follow the job a request started to its end, polling its progress as the page does
    (every second). A flow still done in the request (no job) is recorded as such."""
    link = JOB_LINK.search(response.location) or JOB_LINK.search(response.text)
    seen = JobSeen(what, int(link.group(1)) if link else None, response.started)
    actor.drive.ledger.add("jobs", seen)
    if seen.job_id is None:
        seen.ended, seen.state = response.ended, "in the request"
        return seen
    deadline = actor.drive.seconds + actor.drive.drain
    while actor.drive.recorder.now() < deadline and not actor.drive.stop.is_set():
        try:
            poll = actor.session.request("GET", f"/jobs/{seen.job_id}/progress/", kind="job poll")
        except ConnectionFailed:
            time.sleep(1)
            continue
        seen.polls += 1
        state = JOB_STATE.search(poll.text)
        seen.state = state.group(1) if state else f"HTTP {poll.status}"
        if seen.state in FINISHED:
            seen.ended = poll.ended
            break
        time.sleep(1)
    return seen


class Importer(Actor):
    """District staff importing one file of injury cards: upload (the check), the batch page,
    import (the commit); each step followed to its end. Then browses like the others."""

    stagger = 0.0
    start_after = Actor.stagger + 5  # once the others have signed in

    def prepare(self) -> None:
        self.imported = False

    def act(self) -> None:
        if self.imported:
            self.session.get(self.rng.choice(["/injuries/", "/injuries/import/", "/dashboard/"]))
            return
        self.imported = True
        self.run_import()

    def run_import(self) -> None:
        page = self.session.get("/injuries/import/")
        form = page.form("import-form")
        if form is None:
            raise AssertionError("no upload form on the import page")
        upload = [("file", self.drive.injury_file_name, self.drive.injury_file, "text/csv")]
        answer = self.write(
            "/injuries/import/",
            form.fields(),
            "import upload",
            files=upload,
            kind="import",
            timeout=SLOW,
        )
        check = follow_job(self, answer, "import check")
        if check.job_id is not None:
            answer = self.session.get(answer.location)
        batch = re.search(r"/injuries/import/(\d+)/", answer.url)
        if not batch:
            raise AssertionError(f"the check ended on {answer.url}, not a batch page")
        self.drive.ledger.batch_id = int(batch.group(1))
        commit_path = f"/injuries/import/{batch.group(1)}/commit/"
        if self.drive.recorder.now() < self.drive.commit_at:
            # Reading the preview a while: the import then runs when a worker is to be killed.
            while self.drive.recorder.now() < self.drive.commit_at and self.drive.running():
                time.sleep(0.5)
            answer = self.session.get(f"/injuries/import/{batch.group(1)}/")
        form = answer.form(action=commit_path)
        if form is None:
            raise AssertionError(f"batch {batch.group(1)} offers no import: {answer.messages()}")
        answer = self.write(
            commit_path, form.fields(), "import commit", kind="import", timeout=SLOW
        )
        commit = follow_job(self, answer, "import commit")
        if commit.job_id is None and not answer.succeeded():
            self.note(f"the import was refused: {answer.messages()}")


class Exporter(Actor):
    """District staff exporting every reported value to xlsx now and then, and reading it."""

    def act(self) -> None:
        if self.rng.random() < 0.25:
            self.export()
        else:
            self.session.get(self.rng.choice(["/reports/", "/dashboard/", "/jobs/"]))
            time.sleep(self.drive.think * 3)

    def export(self) -> None:
        """The grid's export link: a job whose page leads to the download (or, before exports
        were jobs, the file itself)."""
        kind = "export" if self.drive.exports_are_jobs else "download"
        answer = self.session.request("GET", "/reports/export.xlsx", kind=kind)
        job_id = None
        if answer.redirected:
            job = follow_job(self, answer, "export")
            if job.state != "done":
                return
            job_id = job.job_id
            answer = self.session.request("GET", f"/jobs/{job_id}/download/", kind="download")
        else:
            self.drive.ledger.add("jobs", JobSeen("export", None, answer.started, answer.ended))
        if answer.status != 200:
            self.note(f"export download answered {answer.status}")
            return
        self.drive.ledger.add("exports", (job_id, len(answer.body), xlsx_rows(answer.body)))


def xlsx_rows(content: bytes) -> int:
    """Rows of the first sheet (header included); -1 when the file is not an xlsx."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml")
    except (zipfile.BadZipFile, KeyError):
        return -1
    return sheet.count(b"<row ")
