"""Benchmark: the unit list and a unit's page at the district's size and at ten times it.

    DEBUG=0 .venv/bin/python bench/unit_list.py            # SQLite
    DATABASE_URL=postgres://… .venv/bin/python bench/unit_list.py

Builds a throw-away test database, fills it with N units × 14 groups × 4 members (plus the
committee and office), and times requests through Django's test client (no network), reporting
the median and the 95th percentile over repeated requests, with the query count of one request.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZES = (38, 400)
REPEAT = 30


def build(n_units: int) -> None:
    from programs.models import CreatingUnit, Program, User
    from workgroups.models import Member, WorkGroup, WorkGroupTemplate

    program = Program.objects.create(
        code=f"bench-{n_units}", name=f"bench {n_units}", start_date="2025-03-01"
    )
    templates = WorkGroupTemplate.objects.all() or WorkGroupTemplate.objects.bulk_create(
        WorkGroupTemplate(number=i, name=f"工作组{i}") for i in range(1, 15)
    )
    start = CreatingUnit.objects.count()
    units = CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            code=f"B{start + i:05d}",
            name=f"单位{start + i}",
            kind="town",
            population=30000,
        )
        for i in range(n_units)
    )
    groups = WorkGroup.objects.bulk_create(
        WorkGroup(unit=u, template=t, name=t.name, sort_order=t.number)
        for u in units
        for t in templates
    )
    Member.objects.bulk_create(
        [
            Member(unit=g.unit, body="group", group=g, name=f"成员{k}")
            for g in groups
            for k in range(4)
        ]
        + [Member(unit=u, body="committee", name=f"委员{k}") for u in units for k in range(7)]
    )
    User.objects.get_or_create(username="bench", defaults={"role": "district"})


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm up
    timings = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from programs.models import CreatingUnit, User

        print(f"database: {connection.vendor}; {REPEAT} requests each")
        print(f"{'units':>6} {'page':<12} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        total = 0
        for size in SIZES:
            build(size - total)
            total = size
            client = Client()
            client.force_login(User.objects.get(username="bench"))
            unit = CreatingUnit.objects.order_by("code").first()
            for label, url in (("unit list", "/units/"), ("unit page", unit.get_absolute_url())):
                median, p95, queries = measure(client, url)
                print(f"{size:>6} {label:<12} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
