"""The soak's report: requests per kind with their errors and latency, latency while the
import runs, the jobs the drive followed, the machine's share, and the servers' logged errors."""

from __future__ import annotations

import csv
import math
import os
import resource
from pathlib import Path

KINDS = [
    ("page", "page GETs"),
    ("login", "sign-ins"),
    ("save", "saves"),
    ("submit", "submits"),
    ("activity", "activities"),
    ("upload", "uploads"),
    ("approval", "approvals"),
    ("import", "import steps"),
    ("export", "export starts"),
    ("job poll", "job polls"),
    ("download", "downloads"),
]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def print_requests(recorder, ledger) -> tuple[int, int]:
    """Requests per kind; the server errors (5xx, no answer) and the unexpected 4xx."""
    hits = recorder.hits
    print(
        f"\n{'requests':<14} {'count':>7} {'5xx':>5} {'conn':>5} {'4xx exp':>7} {'4xx':>5} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
    )
    errors = unexpected = 0
    for kind, label in [*KINDS, ("", "all")]:
        rows = [h for h in hits if h.kind == kind or not kind]
        if not rows:
            continue
        ms = [h.ms for h in rows if h.status]
        s5 = sum(h.status >= 500 for h in rows)
        conn = sum(h.status == 0 for h in rows)
        expected = sum(400 <= h.status < 500 and h.expected for h in rows)
        other = sum(400 <= h.status < 500 and not h.expected for h in rows)
        if kind:
            errors += s5 + conn
            unexpected += other
        print(
            f"{label:<14} {len(rows):>7,} {s5:>5} {conn:>5} {expected:>7} {other:>5} "
            f"{percentile(ms, 0.5):>8.0f} {percentile(ms, 0.95):>8.0f} {max(ms or [0]):>8.0f}"
        )
    ports = sorted({h.port for h in hits})
    print("by port: " + ", ".join(f":{p} {sum(h.port == p for h in hits):,}" for p in ports))
    for hit in [h for h in hits if h.status == 0 or (h.status >= 400 and not h.expected)][:10]:
        print(
            f"  {hit.started:6.1f} s  {hit.status or 'no answer'} {hit.method} {hit.path} "
            f":{hit.port} {hit.error}"
        )
    windows = [
        (job.started, job.ended)
        for job in ledger.jobs
        if job.what.startswith("import") and job.ended is not None
    ]
    pages = [
        h.ms
        for h in hits
        if h.kind == "page" and h.status and any(a <= h.started <= b for a, b in windows)
    ]
    if windows:
        spans = " and ".join(f"{a:.0f}–{b:.0f} s" for a, b in windows)
        p95 = percentile(pages, 0.95)
        print(
            f"page GETs while the import's check and commit ran ({spans}): {len(pages):,}, p50 "
            f"{percentile(pages, 0.5):.0f} ms, p95 {p95:.0f} ms "
            f"({'under' if p95 < 1000 else 'OVER'} the 1 s target)"
        )
        # The sign-ins (password hashing by design slow) crowd the first seconds: apart.
        signed_in = max((h.started + h.ms / 1000 for h in hits if h.kind == "login"), default=0)
        rest = [
            h
            for h in hits
            if h.kind == "page" and h.status and not any(a <= h.started <= b for a, b in windows)
        ]
        for label, part in (
            (
                f"while people signed in (0–{signed_in:.0f} s)",
                [h for h in rest if h.started < signed_in],
            ),
            ("the rest of the time", [h for h in rest if h.started >= signed_in]),
        ):
            ms = [h.ms for h in part]
            print(
                f"page GETs {label}: {len(ms):,}, p50 {percentile(ms, 0.5):.0f} ms, "
                f"p95 {percentile(ms, 0.95):.0f} ms"
            )
    return errors, unexpected


def write_requests(recorder, results: Path) -> None:
    """Every request as the client saw it, for a closer look (bench/results/soak/requests.csv);
    the servers' own time of each is in web-<port>.log."""
    with (results / "requests.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["started_s", "kind", "method", "path", "port", "status", "ms", "error"])
        for h in sorted(recorder.hits, key=lambda h: h.started):
            writer.writerow(
                [
                    f"{h.started:.3f}",
                    h.kind,
                    h.method,
                    h.path,
                    h.port,
                    h.status,
                    f"{h.ms:.1f}",
                    h.error,
                ]
            )


def print_ledger(ledger) -> None:
    for job in ledger.jobs:
        took = f"{job.ended - job.started:.0f} s" if job.ended is not None else "did not end"
        if job.job_id is None:
            print(f"{job.what}: in the request (no job), {took}")
        else:
            print(f"{job.what}: job {job.job_id} {job.state or '?'}, {took}, {job.polls} polls")
    if ledger.exports:
        sizes = ", ".join(f"{size // 1024} KB/{rows:,} rows" for _j, size, rows in ledger.exports)
        print(f"exports downloaded: {len(ledger.exports)} ({sizes})")
    refused = ", ".join(f"{what}: {n}" for what, n in ledger.refused.items())
    print(f"expected refusals: {refused or 'none'}")


def print_machine(drive, before: list, wall: float) -> None:
    """How much of the machine the portal had: its processes' CPU (gunicorn masters and their
    workers, the job workers, once reaped), the driver's, and the load the others added."""

    def used(who: int, start) -> float:
        now = resource.getrusage(who)
        return sum(getattr(now, f) - getattr(start, f) for f in ("ru_utime", "ru_stime"))

    portal = used(resource.RUSAGE_CHILDREN, before[0])
    driver = used(resource.RUSAGE_SELF, before[1])
    loads = drive.loads or [math.nan]
    print(
        f"CPU: servers and workers {portal:.0f} s ({portal / wall:.2f} cores), the driver "
        f"{driver:.0f} s, PostgreSQL not counted, of {os.cpu_count()} cores × {wall:.0f} s; "
        f"1-minute load average during the drive {min(loads):.1f}–{max(loads):.1f}"
    )


def server_log_errors(results: Path) -> list[str]:
    """Tracebacks and errors the servers and workers logged."""
    found = []
    for log in sorted(results.glob("*.log")):
        if log.name.startswith("access-") or log.name == "setup.log":
            continue
        for line in log.read_text(errors="replace").splitlines():
            if "Traceback" in line or " ERROR " in line or line.startswith(("ERROR", "CRITICAL")):
                found.append(f"{log.name}: {line.strip()[:160]}")
    return found
