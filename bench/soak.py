"""Soak: the portal as several processes — two web servers, two job workers, one PostgreSQL —
driven by about forty clerks and district staff at once, one worker killed in the middle, then
the database checked against everything the drive wrote.

    .venv/bin/python bench/soak.py [--seconds 180] [--clerks 40] [--reviewers 3] [--rows 50000]
        [--think 1.0] [--ports 8101,8102] [--kill-at 0.4] [--drain 300] [--database soak]

DATABASE_URL names the PostgreSQL server and a role with CREATEDB (default
postgres://safecommunity_ci:safecommunity_ci@127.0.0.1:5432/soak); the database `--database`
(its name must start with "soak") is dropped and made again on every run. Not run by CI.

1. Setup, as production runs it (DEBUG=0, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1): migrate,
   createcachetable, load_reference_data, load_demo_data, collectstatic; files under
   bench/results/soak/ (gitignored) with every process's log.
2. Processes, each in its own process group: `gunicorn safecommunity.wsgi` on each port
   (deploy/gunicorn.conf.py when there is one, two workers each) and two `manage.py db_worker`,
   with a short heartbeat so a killed worker's job is rescued within the run.
3. The drive, loopback only, for `--seconds`: clerks (one thread and session each, signed in
   through the login form, requests alternating between the ports) save and submit monthly
   reports (the form's version token; two units have two clerks, so saves meet conflicts),
   record activities and upload PDF evidence; district staff approve, return and reopen
   reports; one imports a file of `--rows` injury cards (upload → check → batch page →
   import, each job followed through /jobs/<id>/progress/, "import" clicked a little before
   `--kill-at`) and one exports every reported value (a job, then the download). At
   `--kill-at` of the time a worker is killed with SIGKILL — the one running the import's
   commit (waiting for it up to 60 % of the time, then any) — and started again 2 s later.
4. The report: requests per kind with errors (5xx and connection errors; expected 4xx such as
   save conflicts apart), p50/p95 latency per kind, p95 of page GETs while the import ran, and
   the final check of the database against the drive's ledger: every value as last saved, each
   confirmed move once in the event log and the report in the state its last move left it,
   each activity and file once per clerk, the injury file imported once (one batch, every row
   added once), every job ended, a killed worker's job retried or failed with its reason.
   Exits non-zero on any server error or discrepancy. Every request as the client saw it is
   in bench/results/soak/requests.csv; the servers' own time of each in web-<port>.log.
5. Everything it started is stopped on the way out (Ctrl-C and errors included).

Its parts: soak_http.py (the browser: sessions, forms, timing), soak_actors.py (clerks,
reviewers and the ledger of what the portal confirmed), soak_jobs.py (the import and the
export, jobs followed to their end), soak_check.py (the database against the ledger) and
soak_report.py (the printout).

On a small machine latency measures contention (the servers, the workers, PostgreSQL and the
driver share the cores): read it against `--think` and the load average printed at the top.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import io
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results" / "soak"
#: Seconds before `--kill-at` when the importer clicks "import": its commit job (about 9 s for
#: 50,000 rows on a quiet machine, longer under load) is then running when the worker is killed.
COMMIT_LEAD = 2.0
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://safecommunity_ci:safecommunity_ci@127.0.0.1:5432/soak"
#: The units where the demo's own clerks work; the soak gives each a second clerk.
SHARED_UNITS = ("T07", "S06")


# --- Processes ----------------------------------------------------------------------------------


class Processes:
    """Every process the soak starts, each in its own process group (so a gunicorn master and
    its workers stop together), stopped on the way out whatever happens."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()

    def start(self, name: str, command: list[str] | None = None) -> subprocess.Popen:
        command = command or self.commands[name]
        self.commands[name] = command
        log = (RESULTS / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        return self.running[name]

    def run(self, *args: str) -> float:
        """A manage.py command to its end; its seconds. Its output goes to setup.log."""
        t0 = time.perf_counter()
        with (RESULTS / "setup.log").open("ab") as log:
            done = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed: see {RESULTS / 'setup.log'}")
        return time.perf_counter() - t0

    def kill(self, name: str) -> None:
        proc = self.running.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> list[int]:
        """Stop everything; the process groups that still had a process (killed then)."""
        groups = [proc.pid for proc in self.running.values()]
        for proc in self.running.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        left = []
        for group in groups:  # a worker process a master left behind
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
                left.append(group)
        self.running.clear()
        return left


def environment(args: argparse.Namespace) -> dict[str, str]:
    url = urllib.parse.urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    if not url.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server")
    if not args.database.startswith("soak"):
        raise SystemExit("--database must start with 'soak': it is dropped on every run")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CACHE_URL", "JOB_CHECKPOINT_DIR", "JOB_BACKEND", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="safecommunity.settings",
        DATABASE_URL=urllib.parse.urlunsplit(url._replace(path=f"/{args.database}")),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PRIVATE_MEDIA_ROOT=str(RESULTS / "private"),
        STATIC_ROOT=str(RESULTS / "static"),
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        HEALTH_MIN_FREE_MB="256",
        # A killed worker is found silent within seconds, not the production five minutes.
        JOB_HEARTBEAT_SECONDS="1",
        JOB_WORKER_LOST_SECONDS="8",
        JOB_RETRY_BACKOFF_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def recreate_database(env: dict[str, str]) -> None:
    import psycopg2

    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    connection = psycopg2.connect(
        dbname="postgres",
        user=urllib.parse.unquote(url.username or ""),
        password=urllib.parse.unquote(url.password or ""),
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def start_servers(procs: Processes, args: argparse.Namespace, *, timeout: int | None) -> str:
    """Two job workers, then a gunicorn on each port (deploy/gunicorn.conf.py when there is
    one, with two workers and its own logs here); waits until /healthz answers 200 on each.
    `timeout`: gunicorn's, when a request must be given longer than the configuration's."""
    config = ROOT / "deploy" / "gunicorn.conf.py"
    for n in (1, 2):
        procs.start(f"worker-{n}", worker_command(n))
    for port in args.ports:
        command = [str(Path(sys.executable).parent / "gunicorn"), "safecommunity.wsgi"]
        if config.exists():
            command += ["-c", str(config)]
        command += [
            "--bind", f"127.0.0.1:{port}",
            "--workers", "2",
            "--access-logfile", str(RESULTS / f"access-{port}.log"),
            "--error-logfile", "-",
        ]  # fmt: skip
        if timeout:
            command += ["--timeout", str(timeout)]
        procs.start(f"web-{port}", command)
    for port in args.ports:
        wait_healthy(port)
    return str(config.relative_to(ROOT)) if config.exists() else "gunicorn's defaults"


def worker_command(n: int) -> list[str]:
    return [
        sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
        "--worker-id", f"soak{n}",
    ]  # fmt: skip


def wait_healthy(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server on :{port} is not healthy: see {RESULTS}/web-{port}.log")
        time.sleep(0.5)


# --- Data ---------------------------------------------------------------------------------------


def injury_file(rows: int, unit_codes: list[str]) -> bytes:
    """`rows` plausible cards as a UTF-8 CSV with the card's headers; record numbers SOAK…."""
    from bench.injuries import HEADERS_ZH, card_rows

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS_ZH)
    for i, row in enumerate(card_rows(rows, unit_codes, labels=True, seed=12)):
        row[3] = f"SOAK{i:06d}"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


# --- The drive ----------------------------------------------------------------------------------


def actors(drive, args: argparse.Namespace) -> list:
    from bench.soak_actors import Clerk, Reviewer
    from bench.soak_jobs import Exporter, Importer
    from programs.models import User

    clerks = list(
        User.objects.filter(role=User.Role.CLERK, is_active=True, unit__isnull=False)
        .order_by("username")
        .values_list("username", "unit__code")
    )
    # The two clerks of T07 and of S06 first (their saves meet), then one per unit.
    clerks.sort(key=lambda c: (c[1] not in SHARED_UNITS, c[0]))
    clerks = clerks[: args.clerks]
    per_unit: dict[str, int] = {}
    for _name, code in clerks:
        per_unit[code] = per_unit.get(code, 0) + 1
    people = [
        Clerk(drive, name, i, shared=per_unit[code] > 1) for i, (name, code) in enumerate(clerks)
    ]
    for n in range(args.reviewers):
        units = {code for i, code in enumerate(drive.units) if i % args.reviewers == n}
        people.append(Reviewer(drive, "district", len(people), units=units))
    people.append(Importer(drive, "district", len(people)))
    people.append(Exporter(drive, "district", len(people)))
    return people


def worker_id(name: str, pid: int) -> str:
    from programs.jobs.models import Worker

    row = Worker.objects.filter(pk__startswith=f"{name}.{pid}.").first()
    return row.pk if row else f"{name}.{pid}.?"


def kill_a_worker(procs: Processes, drive, args: argparse.Namespace, killed: list) -> bool:
    """At `--kill-at` of the time, kill the worker running the import's commit if it runs (up
    to 60 % of the time); else the one running any job, else worker-1."""
    from bench.soak_check import Killed, running_jobs
    from programs.jobs.models import Job

    now = drive.recorder.now()
    if now < args.kill_at * args.seconds:
        return False
    running = Job.objects.filter(state=Job.State.RUNNING).values_list("kind", "worker")
    commit = [w for kind, w in running if "commit" in kind]
    late = now >= max(args.kill_at, 0.6) * args.seconds
    if not commit and not late:
        return False
    target = (commit or [w for _kind, w in running] or ["soak1."])[0]
    name = f"worker-{target.removeprefix('soak')[:1] or '1'}"
    if name not in procs.running:
        name = "worker-1"
    full_id = worker_id(f"soak{name[-1]}", procs.running[name].pid)
    jobs = running_jobs(full_id)
    procs.kill(name)
    killed.append(Killed(drive.recorder.now(), full_id, jobs))
    what = f"running job(s) {jobs}" if jobs else "running no job"
    print(f"  {killed[-1].at:5.0f} s  killed {name} ({full_id}, SIGKILL) {what}", flush=True)
    time.sleep(2)
    procs.start(name, worker_command(int(name[-1])))
    print(f"  {drive.recorder.now():5.0f} s  started {name} again", flush=True)
    return True


def run_drive(procs: Processes, drive, args: argparse.Namespace, killed: list) -> None:
    people = actors(drive, args)
    print(
        f"drive: {sum(type(p).__name__ == 'Clerk' for p in people)} clerks, {args.reviewers} "
        f"reviewers, 1 importer ({args.rows:,} rows), 1 exporter; {args.seconds:.0f} s, think "
        f"{args.think} s",
        flush=True,
    )
    for person in people:
        person.start()
    did_kill, next_line = False, 30.0
    while drive.recorder.now() < args.seconds:
        time.sleep(0.5)
        drive.loads.append(os.getloadavg()[0])
        if not did_kill:
            did_kill = kill_a_worker(procs, drive, args, killed)
        if drive.recorder.now() >= next_line:
            hits = drive.recorder.hits
            bad = sum(h.status == 0 or h.status >= 500 for h in hits)
            print(f"  {next_line:5.0f} s  {len(hits):,} requests, {bad} errors", flush=True)
            next_line += 30
    deadline = time.monotonic() + args.drain
    for person in people:
        person.join(timeout=max(0.1, deadline - time.monotonic()))
    drive.stop.set()
    wait_for_jobs(deadline)


def wait_for_jobs(deadline: float) -> None:
    from programs.jobs.models import Job

    while Job.objects.active().exists() and time.monotonic() < deadline:
        time.sleep(1)


def import_is_a_job() -> bool:
    """Whether the injury import's check and commit are jobs (else they run in the request)."""
    try:
        jobs = importlib.import_module("injuries.jobs")
    except ImportError:
        return False
    return hasattr(jobs, "injuries_commit")


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the soak as Ctrl-C does: everything it started


def prepare(procs: Processes, env: dict[str, str]) -> list[str]:
    """A fresh database set up as production sets it up, with the demo's data; its units."""
    from bench.soak_actors import PASSWORD
    from programs.models import CreatingUnit

    t0 = time.perf_counter()
    recreate_database(env)
    procs.run("migrate", "--noinput")
    procs.run("createcachetable")
    procs.run("load_reference_data")
    demo = procs.run("load_demo_data")
    for code in SHARED_UNITS:  # a second clerk where the demo's own clerks work
        clerk = f"clerk-{code.lower()}"
        procs.run("add_user", clerk, "--role", "clerk", "--unit", code, "--password", PASSWORD)
    procs.run("collectstatic", "--noinput")
    print(f"setup: database and demo data {time.perf_counter() - t0:.0f} s (demo {demo:.0f} s)")
    return list(CreatingUnit.objects.order_by("code").values_list("code", flat=True))


def soak(procs: Processes, env: dict[str, str], args: argparse.Namespace) -> tuple[int, list[str]]:
    """Set up, start the processes, drive them, stop them and check: (server errors,
    discrepancies)."""
    from django.conf import settings
    from django.utils import timezone

    from bench.soak_actors import Drive, Ledger
    from bench.soak_check import check, snapshot
    from bench.soak_http import Recorder
    from bench.soak_report import (
        print_ledger,
        print_machine,
        print_requests,
        server_log_errors,
        write_requests,
    )
    from programs.progress.demo import demo_pdf

    units = prepare(procs, env)
    t0 = time.perf_counter()
    content = injury_file(args.rows, units)
    print(
        f"injury file: {args.rows:,} rows, CSV {len(content) / 2**20:.1f} MB, written in "
        f"{time.perf_counter() - t0:.0f} s"
    )
    # Before the import was a job it ran in the request: give such a request its time.
    config = start_servers(procs, args, timeout=None if import_is_a_job() else 900)
    print(
        f"processes: gunicorn ({config}, 2 workers) on {', '.join(f':{p}' for p in args.ports)}, "
        f"2 db_workers (heartbeat {settings.JOB_HEARTBEAT_SECONDS:.0f} s, lost after "
        f"{settings.JOB_WORKER_LOST_SECONDS:.0f} s); one PostgreSQL database "
        f"({env['DATABASE_URL'].rsplit('/', 1)[-1]})"
    )
    before = snapshot()
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF)]
    drive = Drive(
        recorder=Recorder(),
        ledger=Ledger(),
        ports=args.ports,
        seconds=args.seconds,
        think=args.think,
        today=timezone.localdate(),
        units=units,
        pdf=demo_pdf("soak evidence"),
        injury_file=content,
        drain=args.drain,
        exports_are_jobs=(ROOT / "programs" / "jobs" / "exports.py").exists(),
        commit_at=max(0.0, args.kill_at * args.seconds - COMMIT_LEAD),
    )
    killed: list = []
    try:
        run_drive(procs, drive, args, killed)
    finally:
        drive.stop.set()
    left = procs.stop_all()
    wall = drive.recorder.now()
    print(
        f"stopped every server and worker at {wall:.0f} s"
        + (f" (process groups {left} had to be killed)" if left else ", none left behind")
    )
    print_machine(drive, usage, wall)

    write_requests(drive.recorder, RESULTS)
    errors, unexpected = print_requests(drive.recorder, drive.ledger)
    print_ledger(drive.ledger)
    logged = server_log_errors(RESULTS)
    print(f"server logs: {len(logged)} error lines")
    for line in logged[:15]:
        print(f"  {line}")
    print("final check:")
    problems = check(drive.ledger, before, killed, args.rows)
    problems += [f"no answer to a write: {w}" for w in drive.ledger.unknown]
    problems += [f"the drive: {note}" for note in drive.ledger.bench]
    if unexpected:
        problems.append(f"{unexpected} unexpected 4xx answers (listed under the requests)")
    return errors, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--clerks", type=int, default=40)
    parser.add_argument("--reviewers", type=int, default=3)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between acts (s)")
    parser.add_argument(
        "--ports", type=lambda s: [int(p) for p in s.split(",")], default=[8101, 8102]
    )
    parser.add_argument("--kill-at", type=float, default=0.4)
    parser.add_argument("--drain", type=float, default=300, help="seconds to let jobs finish")
    parser.add_argument("--database", default="soak")
    args = parser.parse_args()

    shutil.rmtree(RESULTS, ignore_errors=True)
    RESULTS.mkdir(parents=True)
    env = environment(args)
    os.environ.update(env)
    os.environ.pop("CACHE_URL", None)
    signal.signal(signal.SIGTERM, interrupted)

    import django

    django.setup()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"soak: {os.cpu_count()} cores, load average {load}; logs in {RESULTS.relative_to(ROOT)}/"
    )
    try:
        with Processes(env) as procs:
            errors, problems = soak(procs, env, args)
    except KeyboardInterrupt:
        print("interrupted: every server and worker stopped", file=sys.stderr)
        return 130
    for problem in problems:
        print(f"  DISCREPANCY {problem}")
    print(f"{errors} server errors, {len(problems)} lost or duplicated values")
    return 1 if errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
