"""`/healthz`: whether this portal can serve — for the load balancer, monitoring and operators.

200 when every check holds, 503 naming what fails; JSON with nothing sensitive in it (no
hosts, paths, versions or counts of anyone's data). The one page besides the login that needs
no login. Cheap: one query for the migrations (the code's migration graph is read once per
process), one for the heartbeat.
"""

from __future__ import annotations

import shutil
import time
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .workers import last_heartbeat

HEARTBEAT_WITHIN_SECONDS = 120


@cache
def _migrations_in_code() -> frozenset[tuple[str, str]]:
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _database_and_migrations() -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError:
        return {"ok": False}, {"ok": False}
    missing = len(_migrations_in_code() - applied)
    return {"ok": True}, {"ok": missing == 0, "unapplied": missing}


def _worker() -> dict[str, Any]:
    try:
        beat = last_heartbeat()
    except DatabaseError:
        return {"ok": False, "last_heartbeat_seconds": None}
    if beat is None:
        return {"ok": False, "last_heartbeat_seconds": None}
    age = (timezone.now() - beat).total_seconds()
    return {"ok": age <= HEARTBEAT_WITHIN_SECONDS, "last_heartbeat_seconds": round(age)}


def _disk() -> dict[str, Any]:
    location = getattr(default_storage, "location", None)
    if not location:
        return {"ok": True, "free_gb": None}  # a remote storage: its own monitoring says
    folder = Path(location)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # not made yet: it will be made on this disk
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return {"ok": False, "free_gb": None}
    return {"ok": free >= settings.HEALTH_MIN_FREE_BYTES, "free_gb": round(free / 1024**3, 1)}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    started = time.perf_counter()
    database, migrations = _database_and_migrations()
    checks = {
        "database": database,
        "migrations": migrations,
        "worker": _worker() if database["ok"] else {"ok": False},
        "disk": _disk(),
    }
    failing = [name for name, check in checks.items() if not check["ok"]]
    body = {
        "status": "ok" if not failing else "failing",
        "failing": failing,
        "checks": checks,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return JsonResponse(body, status=503 if failing else 200)
