"""Real worker processes for tests on PostgreSQL: `manage.py db_worker` against the test
database, with the test's settings, the database task backend and a short heartbeat."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(name: str, log: Path, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safecommunity.settings_test",
        "DATABASE_URL": database_url(),
        "JOB_BACKEND": "database",
        "JOB_HEARTBEAT_SECONDS": "0.2",
        "TEST_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        **env,
    }
    environment.pop("JOB_CHECKPOINT_DIR", None) if "JOB_CHECKPOINT_DIR" not in env else None
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.05",
        "--worker-id",
        name,
    ]
    handle = log.open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=handle, stderr=handle)


@contextlib.contextmanager
def workers(log_dir: Path, count: int = 1, **env: str) -> Iterator[list[subprocess.Popen]]:
    procs = [start_worker(f"w{n}", log_dir / f"worker-{n}.log", **env) for n in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    output = "\n".join(p.read_text(errors="replace")[-3000:] for p in logs.glob("*.log"))
    raise AssertionError(f"timed out waiting for {what}\n{output}")
