"""The soak's people: clerks who save and submit monthly reports, record activities and upload
evidence; district staff who approve, return and reopen reports (the importer and the exporter
are in `soak_jobs`). Each is a thread with its own browser
session (`soak_http.Session`), and writes what the portal confirmed into the `Ledger` that
the final check holds the database to.
"""

from __future__ import annotations

import random
import re
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bench.soak_http import ConnectionFailed, Recorder, Response, Session

PASSWORD = "demo-2025"


# --- What the drive wrote -----------------------------------------------------------------------


@dataclass(frozen=True)
class Save:
    """A report's values as a clerk saved them, on the version the clerk had loaded."""

    code: str
    period: str
    version: int
    values: dict[int, tuple[int, str]]
    work_done: str
    by: str
    ended: float


@dataclass(frozen=True)
class Moved:
    """A report move the portal confirmed."""

    code: str
    period: str
    action: str
    by: str
    started: float
    ended: float


@dataclass
class JobSeen:
    """A job the drive started and followed to its end."""

    what: str  # "import check", "import commit", "export"
    job_id: int | None  # None: the flow ran in the request (before it became a job)
    started: float
    ended: float | None = None
    state: str = ""
    polls: int = 0


@dataclass
class Ledger:
    """What the portal confirmed to the drive (a success message after the redirect, or the
    job's end), and what it refused; the final check holds the database to it."""

    saves: list[Save] = field(default_factory=list)
    moves: list[Moved] = field(default_factory=list)
    activities: Counter = field(default_factory=Counter)  # username → activities recorded
    evidence: Counter = field(default_factory=Counter)  # username → files uploaded
    refused: Counter = field(default_factory=Counter)  # confirmed refusals, by what
    unknown: list[str] = field(default_factory=list)  # writes whose answer never came
    bench: list[str] = field(default_factory=list)  # the drive's own surprises
    jobs: list[JobSeen] = field(default_factory=list)
    batch_id: int | None = None
    exports: list[tuple[int | None, int, int]] = field(default_factory=list)  # job, bytes, rows
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, item: Any) -> None:
        with self.lock:
            getattr(self, name).append(item)

    def count(self, name: str, key: str) -> None:
        with self.lock:
            getattr(self, name)[key] += 1


@dataclass
class Drive:
    """What every actor shares: the servers, the clock, the ledger and the stop signal."""

    recorder: Recorder
    ledger: Ledger
    ports: list[int]
    seconds: float
    think: float
    today: date
    units: list[str]
    pdf: bytes
    injury_file: bytes = b""
    injury_file_name: str = "soak-injuries.csv"
    drain: float = 300.0
    exports_are_jobs: bool = False
    commit_at: float = 0.0  # when the importer clicks "import" (seconds into the drive)
    stop: threading.Event = field(default_factory=threading.Event)
    loads: list[float] = field(default_factory=list)  # the machine's load, sampled

    def running(self) -> bool:
        return not self.stop.is_set() and self.recorder.now() < self.seconds

    def months(self, count: int) -> list[str]:
        first = self.today.replace(day=1)
        months = []
        for _ in range(count):
            months.append(f"{first:%Y-%m}")
            first = (first - timedelta(days=1)).replace(day=1)
        return months


class Actor(threading.Thread):
    """A person at a browser: signs in, then acts until the drive ends, pausing between acts."""

    stagger = 10.0  # seconds over which people sign in
    start_after = 0.0  # seconds before that

    def __init__(self, drive: Drive, username: str, index: int) -> None:
        super().__init__(name=username, daemon=True)
        self.drive = drive
        self.username = username
        self.rng = random.Random(f"soak-{username}-{index}")
        self.session = Session(drive.recorder, drive.ports, offset=index)
        self.done = 0

    def run(self) -> None:
        time.sleep(self.start_after + self.rng.uniform(0, self.stagger))  # not all at once
        try:
            self.landing = self.session.sign_in(self.username, PASSWORD)
            self.prepare()
        except Exception as failure:
            self.note(f"{self.username} could not start: {failure!r}")
            return
        while self.drive.running():
            try:
                self.act()
            except ConnectionFailed as failure:
                self.note(f"{self.username}: {failure}", recorded=True)
            except Exception:
                self.note(f"{self.username}: {traceback.format_exc(limit=4)}")
            self.done += 1
            time.sleep(self.rng.uniform(0.5, 1.5) * self.drive.think)

    def note(self, text: str, *, recorded: bool = False) -> None:
        """A surprise for the report; a failed connection is already counted as an error."""
        if not recorded:
            self.drive.ledger.add("bench", text)

    def prepare(self) -> None:
        pass

    def act(self) -> None:
        raise NotImplementedError

    def write(self, path: str, data: list[tuple[str, str]], what: str, **kwargs: Any) -> Response:
        """POST a change; when no answer comes, the ledger says the outcome is unknown."""
        try:
            return self.session.post(path, data, kind=kwargs.pop("kind", what), **kwargs)
        except ConnectionFailed:
            self.drive.ledger.add("unknown", f"{self.username}: {what} {path}")
            raise


# --- Clerks -------------------------------------------------------------------------------------

INDICATOR_ROW = re.compile(r'<tr id="indicator-([\w-]+)".*?name="value_(\d+)"', re.S)


class Clerk(Actor):
    """A unit's clerk. `shared`: another clerk of the same unit works at the same time, so a
    save may meet a newer version (409) and submitting is a move of its own."""

    def __init__(self, drive: Drive, username: str, index: int, *, shared: bool) -> None:
        super().__init__(drive, username, index)
        self.shared = shared  # two clerks of one unit work on this and last month's reports
        self.months = drive.months(6)

    def prepare(self) -> None:
        found = re.search(r"/units/([^/]+)/$", self.landing.url)
        if not found:
            raise AssertionError(f"landed on {self.landing.url}, not a unit page")
        self.code = found.group(1)
        ids = re.findall(
            rf'href="/units/{re.escape(self.code)}/milestones/(\d+)/"', self.landing.text
        )
        self.milestones = sorted(set(ids), key=int)

    def act(self) -> None:
        roll = self.rng.random()
        if self.shared:  # mostly on the report the unit's other clerk edits too
            roll = 0.3 + roll * 0.45 / 0.7 if roll < 0.7 else roll
        if roll < 0.30:
            self.browse()
        elif roll < 0.60:
            self.save(self.pick_month(6), submit=False)
        elif roll < 0.75:  # a month is submitted once it is over: never the current one
            self.save(self.pick_month(3, past=True), submit=True)
        elif roll < 0.90:
            self.record_activity()
        else:
            self.upload_evidence()

    def pick_month(self, back: int, *, past: bool = False) -> str:
        months = self.months[:2] if self.shared else self.months[:back]
        return self.rng.choice(months[1:] if past else months)

    def browse(self) -> None:
        code = self.code
        self.session.get(
            self.rng.choice(
                [
                    "/",
                    f"/units/{code}/",
                    f"/units/{code}/reports/",
                    f"/units/{code}/reports/{self.rng.choice(self.months)}/",
                    f"/units/{code}/activities/",
                    f"/units/{code}/projects/",
                    "/injuries/statistics/",
                    "/jobs/",
                ]
            )
        )

    def report_url(self, period: str) -> str:
        return f"/units/{self.code}/reports/{period}/"

    def save(self, period: str, *, submit: bool) -> None:
        """Open the month's report, type new values (a comment on each, so no warning stands
        in the way of submitting) and save — or save and submit — through its form."""
        url = self.report_url(period)
        page = self.session.get(url)
        form = page.form("report-form")
        if form is None:
            return  # not editable now (submitted or approved): a look at the page
        self.done += 1
        stamp = f"soak {self.username} {self.done}"
        values: dict[int, tuple[int, str]] = {}
        by_code = {code: int(pk) for code, pk in INDICATOR_ROW.findall(page.text)}
        for code, pk in by_code.items():
            values[pk] = (self.rng.randint(0, 40), f"{stamp} {code}")
        found, rectified = by_code.get("hazards-found"), by_code.get("hazards-rectified")
        if found and rectified:  # the one error rule: no more rectified than found
            values[rectified] = (self.rng.randint(0, values[found][0]), values[rectified][1])
        for pk, (value, comment) in values.items():
            form.set(f"value_{pk}", value)
            form.set(f"comment_{pk}", comment)
        form.set("work_done", stamp)
        then_submit = submit and not self.shared
        if then_submit:
            form.set("then", "submit")
        time.sleep(self.rng.uniform(1, 3) * self.drive.think)  # typing
        answer = self.post_report(url, form.fields(), then_submit)
        if answer.status == 409:
            # The conflict page shows both values, its form on the version now saved: a clerk
            # who keeps theirs saves again.
            self.drive.ledger.count("refused", "save conflicts (409)")
            form = answer.form("report-form")
            if form is None or self.rng.random() < 0.3:
                return
            if then_submit:
                form.set("then", "submit")
            answer = self.post_report(url, form.fields(), then_submit)
            if answer.status == 409:
                self.drive.ledger.count("refused", "save conflicts (409)")
                return
        if answer.status != 302:
            errors = re.findall(r'invalid-feedback d-block">([^<]+)', answer.text)[:3]
            self.note(f"{self.username}: save of {url} answered {answer.status} {errors}")
            return
        version = int(dict(answer.posted).get("version", -1))
        if then_submit and "check=1" in answer.location:
            self.note(f"{self.username}: {url} saved, but its rules refused the submission")
            self.saved(period, version, values, stamp)
            return
        # A draft is kept whatever its checks say: a save that shows them (a warning, and the
        # page's "?check=1") stored the values too.
        shown_checks = not then_submit and "check=1" in answer.location
        if not (answer.succeeded() or shown_checks):
            self.drive.ledger.count("refused", "saves of a report submitted meanwhile")
            return
        self.saved(period, version, values, stamp)
        if then_submit:
            self.moved(period, "submit", answer)
        elif submit:
            self.submit_move(period)

    def post_report(self, url: str, fields: list[tuple[str, str]], then_submit: bool) -> Response:
        answer = self.write(url, fields, "submit" if then_submit else "save", expect=(409,))
        answer.posted = fields
        return answer

    def saved(self, period: str, version: int, values: dict, stamp: str) -> None:
        self.drive.ledger.add(
            "saves",
            Save(
                self.code, period, version, values, stamp, self.username, self.drive.recorder.now()
            ),
        )

    def moved(self, period: str, action: str, answer: Response) -> None:
        self.drive.ledger.add(
            "moves",
            Moved(self.code, period, action, self.username, answer.started, answer.ended),
        )

    def submit_move(self, period: str) -> None:
        """Submit as its own move (the transition URL the report form's button also reaches)."""
        page = self.session.get(self.report_url(period))
        form = page.form("report-form")
        if form is None:
            return
        url = f"{self.report_url(period)}submit/"
        answer = self.write(
            url, [("csrfmiddlewaretoken", form.get("csrfmiddlewaretoken"))], "submit"
        )
        if answer.status == 302 and answer.succeeded():
            self.moved(period, "submit", answer)
        else:
            self.drive.ledger.count("refused", "submits of a report moved meanwhile")

    def record_activity(self) -> None:
        add = f"/units/{self.code}/activities/add/"
        form = self.session.get(add).form("activity-form")
        if form is None:
            raise AssertionError(f"no activity form at {add}")
        self.done += 1
        title = f"soak {self.username} activity {self.done}"
        kind = self.rng.choice([option for option in form.options["kind"] if option])
        form.set("kind", kind)
        form.set("date", f"{self.drive.today - timedelta(days=self.rng.randint(0, 40)):%Y-%m-%d}")
        form.set("title", title)
        form.set("group", self.rng.choice(form.options.get("group") or [""]))
        form.set("participants", self.rng.randint(5, 80))
        found = self.rng.randint(0, 9) if kind == "hazard_inspection" else None
        form.set("hazards_found", found)
        form.set("hazards_rectified", None if found is None else self.rng.randint(0, found))
        attach = self.rng.random() < 0.3
        fields = form.fields() + ([("attach", "1")] if attach else [])
        answer = self.write(add, fields, "activity")
        if answer.status != 302 or not answer.succeeded():
            errors = re.findall(r"invalid-feedback[^>]*>([^<]+)", answer.text)[:3]
            self.note(f"{self.username}: activity refused ({answer.status}) {errors}")
            return
        self.drive.ledger.count("activities", self.username)
        edit = re.search(r"/activities/(\d+)/edit/", answer.location)
        if attach and edit:
            self.attach_file(edit.group(1), answer)

    def attach_file(self, activity: str, page: Response) -> None:
        form = page.form("attach-form")
        if form is None:
            raise AssertionError(f"no attach form on activity {activity}")
        self.done += 1
        title = f"soak {self.username} evidence {self.done}"
        form.set("title", title)
        self.upload(f"/activities/{activity}/attach/", form.fields(), title)

    def upload_evidence(self) -> None:
        if not self.milestones:
            return self.browse()
        milestone = self.rng.choice(self.milestones)
        page = self.session.get(f"/units/{self.code}/milestones/{milestone}/")
        form = page.form("upload-form")
        if form is None:
            self.milestones.remove(milestone)  # submitted or accepted: no more uploads
            return None
        self.done += 1
        title = f"soak {self.username} evidence {self.done}"
        form.set("evidence", "")
        form.set("title", title)
        form.set("note", "soak")
        return self.upload(form.action, form.fields(), title)

    def upload(self, path: str, fields: list[tuple[str, str]], title: str) -> None:
        pdf = [("file", f"{title.replace(' ', '-')}.pdf", self.drive.pdf, "application/pdf")]
        answer = self.write(path, fields, "upload", files=pdf)
        if answer.status == 302 and answer.succeeded():
            self.drive.ledger.count("evidence", self.username)
        else:
            errors = re.findall(r"invalid-feedback[^>]*>([^<]+)", answer.text)[:3]
            self.note(f"{self.username}: upload to {path} refused ({answer.status}) {errors}")


# --- District staff -----------------------------------------------------------------------------

QUEUE_LINK = re.compile(r'href="/units/([^/"]+)/reports/(\d{4}-\d{2})/"')


class Reviewer(Actor):
    """District staff reviewing the units `units` (one reviewer per unit, so the order of a
    report's moves is the order of their answers): approve most, return some, reopen a few."""

    def __init__(self, drive: Drive, username: str, index: int, *, units: set[str]) -> None:
        super().__init__(drive, username, index)
        self.units = units
        self.approved: list[tuple[str, str]] = []

    def act(self) -> None:
        roll = self.rng.random()
        if roll < 0.55:
            self.review()
        elif roll < 0.62 and self.approved:
            code, period = self.approved.pop(self.rng.randrange(len(self.approved)))
            self.decide(code, period, "reopen")
        else:
            self.session.get(
                self.rng.choice(
                    [
                        "/dashboard/",
                        "/reports/",
                        "/reports/queue/",
                        "/units/",
                        f"/units/{self.rng.choice(sorted(self.units))}/",
                        "/injuries/statistics/",
                        "/progress/",
                    ]
                )
            )

    def review(self) -> None:
        queue = self.session.get("/reports/queue/")
        mine = [(c, p) for c, p in QUEUE_LINK.findall(queue.text) if c in self.units]
        if mine:
            code, period = mine[0]
            self.decide(code, period, "approve" if self.rng.random() < 0.75 else "return")

    def decide(self, code: str, period: str, action: str) -> None:
        url = f"/units/{code}/reports/{period}/"
        page = self.session.get(url)
        form = page.form(action=f"{url}{action}/")
        if form is None:
            self.drive.ledger.count("refused", f"{action}s no longer offered")
            return
        if action != "approve":
            form.set("reason", f"soak: {action} by {self.username}")
        answer = self.write(f"{url}{action}/", form.fields(), action, kind="approval")
        if answer.status == 302 and answer.succeeded():
            self.drive.ledger.add(
                "moves", Moved(code, period, action, self.username, answer.started, answer.ended)
            )
            if action == "approve":
                self.approved.append((code, period))
        else:
            self.note(f"{self.username}: {action} of {url} refused ({answer.status})")
