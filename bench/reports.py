"""Benchmark: the completeness grid and the values export at 400 units × 120 months.

    DATABASE_URL=postgres://… .venv/bin/python bench/reports.py [--months 120] [--value-months 120]

Builds a throw-away test database: the district's reference data, grown to 400 units, a report
for every unit and month (mixed states) and 14 values in each report for the last
`--value-months` months (all 120 by default: 672,000 values), all with bulk_create. Times the
grid and the export through Django's test client (no network) for the default 12 months, 24
months and the whole 120, with the query count of one request.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.timing import measure  # noqa: E402

UNITS = 400
VALUES_PER_REPORT = 14


def build(months: int, value_months: int) -> None:
    from programs.models import CreatingUnit, Indicator, MonthlyReport, Program, ReportValue
    from safecommunity.calendar import Month, due_date

    program = Program.objects.get()
    Program.objects.filter(pk=program.pk).update(start_date=date(2000, 1, 1))
    start = CreatingUnit.objects.count()
    CreatingUnit.objects.bulk_create(
        CreatingUnit(program=program, code=f"B{i:04d}", name=f"单位{i}", kind="town")
        for i in range(start, UNITS)
    )
    CreatingUnit.objects.update(joined_on=None)
    periods = Month.last_months(months)
    statuses = itertools.cycle(
        ["approved"] * 12 + ["submitted", "returned", "draft", "late", "missing"]
    )
    t0 = time.perf_counter()
    rows = []
    for unit, period in itertools.product(CreatingUnit.objects.order_by("code"), periods):
        status = next(statuses)
        if status == "missing":
            continue
        due = due_date(period, 5)
        first = None
        if status != "draft":
            day = due + timedelta(days=3) if status == "late" else due - timedelta(days=1)
            first = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        rows.append(
            MonthlyReport(
                unit=unit,
                period=period,
                status="approved" if status == "late" else status,
                first_submitted_at=first,
                submitted_at=first,
                return_reason="请补充" if status == "returned" else "",
            )
        )
    reports = MonthlyReport.objects.bulk_create(rows, batch_size=5000)
    t1 = time.perf_counter()
    indicators = list(Indicator.objects.active()[:VALUES_PER_REPORT])
    since = periods[-value_months]
    batch, written = [], 0
    for report in reports:
        if report.period < since:
            continue
        batch.extend(
            ReportValue(report=report, indicator=indicator, value=n)
            for n, indicator in enumerate(indicators)
        )
        if len(batch) >= 50_000:
            ReportValue.objects.bulk_create(batch, batch_size=10_000)
            written += len(batch)
            batch = []
    ReportValue.objects.bulk_create(batch, batch_size=10_000)
    written += len(batch)
    t2 = time.perf_counter()
    print(
        f"built {len(reports):,} reports in {t1 - t0:.1f} s, {written:,} values in {t2 - t1:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--value-months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=False)
    try:
        from programs.models import User
        from programs.setup import reference_data_load
        from safecommunity.calendar import Month

        reference_data_load()
        build(args.months, args.value_months)
        district = User.objects.create(username="bench", role="district")
        client = Client()
        client.force_login(district)
        print(f"database: {connection.vendor}; {UNITS} units; {args.repeat} requests each")
        print(f"{'page':<28} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KB':>8}")
        for label, months in (("12 months", 12), ("24 months", 24), ("120 months", 120)):
            start = Month.last_months(months)[0].strftime("%Y-%m")
            for page, url in (("grid", "/reports/"), ("export", "/reports/export.xlsx")):
                t = measure(client, f"{url}?start={start}", repeat=args.repeat)
                name = f"{page} {label}"
                print(
                    f"{name:<28} {t.median_ms:>10.0f} {t.max_ms:>8.0f} {t.queries:>8}"
                    f" {t.size_bytes // 1024:>8}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
