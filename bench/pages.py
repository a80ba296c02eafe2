"""Benchmark: the portal's list pages at the district's size (38 units) and at ten times it.

    .venv/bin/python bench/pages.py                       # SQLite
    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py

Builds a throw-away test database: the district's reference data, demo-like organisation
(14 groups × 4 members, a committee) and titles for a quarter of the units, then grows to 400
units. Times requests through Django's test client (no network) and reports the median and
95th percentile over repeated requests, and the query count of one request.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.timing import measure  # noqa: E402

SIZES = (38, 400)
REPEAT = 20


def grow_to(n_units: int) -> None:
    from programs.models import Certification, CreatingUnit, Program
    from programs.progress.services import unit_milestones_sync
    from workgroups.models import Member, WorkGroup, WorkGroupTemplate

    program = Program.objects.get()
    start = CreatingUnit.objects.count()
    CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            code=f"B{i:04d}",
            name=f"单位{i}",
            kind="town",
            population=30000,
            joined_on=date(2025, 3, 28),
            current_phase=program.phases.get(order=2),
        )
        for i in range(start, n_units)
    )
    unit_milestones_sync()
    bare = list(CreatingUnit.objects.filter(work_groups__isnull=True))
    templates = list(WorkGroupTemplate.objects.all())
    groups = WorkGroup.objects.bulk_create(
        WorkGroup(unit=u, template=t, name=t.name, sort_order=t.number)
        for u in bare
        for t in templates
    )
    Member.objects.bulk_create(
        [
            Member(unit_id=g.unit_id, body="group", group=g, name=f"成员{k}")
            for g in groups
            for k in range(4)
        ]
        + [Member(unit=u, body="committee", name=f"委员{k}") for u in bare for k in range(7)]
    )
    untitled = CreatingUnit.objects.filter(certifications__isnull=True).order_by("code")
    Certification.objects.bulk_create(
        Certification(
            unit=u,
            level="municipal",
            status="named",
            applied_on=date(2025, 9, 1),
            named_on=date(2025, 12, 12),
            valid_until=date(2028, 12, 12),
        )
        for u in list(untitled)[: max(0, n_units // 4 - (n_units - len(untitled)))]
    )


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=False)
    try:
        from programs.models import CreatingUnit, User
        from programs.setup import reference_data_load

        reference_data_load()
        district = User.objects.create(username="bench", role="district")
        print(f"database: {connection.vendor}; {REPEAT} requests each")
        print(f"{'units':>6} {'page':<16} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for size in SIZES:
            grow_to(size)
            client = Client()
            client.force_login(district)
            unit = CreatingUnit.objects.order_by("code").first()
            pages = (
                ("unit list", "/units/"),
                ("unit page", unit.get_absolute_url()),
                ("progress", "/progress/"),
                ("progress xlsx", "/progress/export.xlsx"),
            )
            for label, url in pages:
                t = measure(client, url, repeat=REPEAT)
                print(f"{size:>6} {label:<16} {t.median_ms:>10.1f} {t.p95_ms:>8.1f} {t.queries:>8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
