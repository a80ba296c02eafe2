"""Timing one page through Django's test client, or one export's job, for the scripts in bench/.

Pages: server time only (no network): a warm-up request, `repeat` timed requests, then one more
request under `CaptureQueriesContext` for its queries and its size. Jobs (`measure_job`): the
job's function as a worker runs it, without the machinery around it, `repeat` times, the first
under `CaptureQueriesContext`. Import it after `django.setup()`, as the scripts do.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SLOWEST = 3  # how many of the measured request's slowest queries a Timing keeps


class StatusError(AssertionError):
    """A page answered other than 200; `warm_up` says whether it was the first request."""

    def __init__(self, url: str, status: int, *, warm_up: bool) -> None:
        super().__init__(url, status)
        self.url = url
        self.status = status
        self.warm_up = warm_up


@dataclass(frozen=True)
class Timing:
    """Server times of one page in milliseconds, and the queries and size of one request."""

    median_ms: float
    min_ms: float
    max_ms: float
    p95_ms: float  # nearest rank: the 19th of 20, the slowest of 5
    queries: int
    sql_ms: float  # the database's time for those queries, as Django records it
    size_bytes: int
    slowest: tuple[tuple[float, str], ...]  # (ms, SQL) of the slowest queries, slowest first


def measure(client: Client, url: str, *, repeat: int) -> Timing:
    """Time `url` over `repeat` requests after a warm-up; raise StatusError unless all are 200."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    response = client.get(url)
    if response.status_code != 200:
        raise StatusError(url, response.status_code, warm_up=True)
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise StatusError(url, response.status_code, warm_up=False)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries),
        key=lambda query: query[0],
        reverse=True,
    )
    timings.sort()
    return Timing(
        median_ms=statistics.median(timings),
        min_ms=timings[0],
        max_ms=timings[-1],
        p95_ms=timings[math.ceil(len(timings) * 0.95) - 1],
        queries=len(queries),
        sql_ms=sum(ms for ms, _sql in queries),
        size_bytes=len(response.content),
        slowest=tuple(queries[:SLOWEST]),
    )


@dataclass(frozen=True)
class JobTiming:
    """Times of one export's job in milliseconds; its queries, rows written and file size."""

    median_ms: float
    min_ms: float
    queries: int
    sql_ms: float
    rows: int
    size_bytes: int


def measure_job(kind_task: Any, user: Any, params: dict[str, Any], *, repeat: int) -> JobTiming:
    """Run the job `kind_task` as `user` with `params` `repeat` times, as a worker would run it
    (its function on a job record; the file it writes is measured and removed)."""
    from programs.jobs.models import Job
    from programs.jobs.runner import KINDS

    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    kind = KINDS[kind_task.module_path]
    timings, captured, rows, size = [], None, 0, 0
    for run in range(repeat):
        record = Job.objects.create(
            kind=kind.path, title="bench", user=user, params=params, state="running", attempts=1
        )
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            outcome = kind.fn(record, **params)
            timings.append((time.perf_counter() - t0) * 1000)
        if run == 0:
            captured = queries.captured_queries
        rows, size = record.done, outcome.content.stat().st_size
        outcome.content.unlink()
    timings.sort()
    return JobTiming(
        median_ms=statistics.median(timings),
        min_ms=timings[0],
        queries=len(captured or []),
        sql_ms=sum(float(q["time"]) * 1000 for q in captured or []),
        rows=rows,
        size_bytes=size,
    )
