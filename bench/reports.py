"""Benchmark: the completeness grid and the values export's job at 400 units × 120 months.

    DATABASE_URL=postgres://… .venv/bin/python bench/reports.py [--months 120] [--value-months 120]
        [--repeat 5] [--job-repeat 3] [--keepdb] [--export-only] [--writers]

Builds a throw-away test database (kept with `--keepdb`; a rerun with the same sizes reuses it):
the district's reference data, grown to 400 units, a report for every unit and month (mixed
states) and 14 values in each report for the last `--value-months` months (all 120 by default:
672,000 values), all with bulk_create. Times the grid through Django's test client (no network)
and the export's job function as a worker runs it (`export_report_values`, writing its xlsx to
disk) for the default 12 months, 24 months and the whole 120, with the query count of one run,
rows/s and cells/s; beside it the floor — the export's own SQL run raw through a cursor, every
row fetched — and, for the 120 months, the rows read without writing them (Django's iterator and
the labels), so the share of the xlsx writer shows.

`--writers` compares the writers on the same rows (the export's rows read once into memory, so
only the writing is timed), in alternating order, `--job-repeat` rounds, with the floor (the
export's SQL) and the rows built in the same rounds: openpyxl's write-only mode (the writer
before XlsxWriter; with lxml when it is installed, `OPENPYXL_LXML=False` makes it write
without), the portal's `WorkbookWriter` (XlsxWriter, constant memory), rustpy-xlsxwriter
(measured only when it is installed: it is not a dependency) and the CSV file
(`csv_to_file`); then the whole job as xlsx and as CSV. Quick run on SQLite, about two minutes:

    .venv/bin/python bench/reports.py --months 12 --value-months 12 --export-months 12 \
        --export-only --writers
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

from bench.timing import measure, measure_job  # noqa: E402

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


def floor_ms(sql: str, params: tuple) -> float:
    """The export's own SQL run raw, every row fetched: what no export can beat."""
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while cursor.fetchmany(10_000):
            pass
    return (time.perf_counter() - t0) * 1000


def rows_only_ms(values) -> float:
    """The export's rows built (Django's iterator, the labels) and dropped, not written."""
    from programs.reports.selectors.values import value_rows

    t0 = time.perf_counter()
    for _row in value_rows(values):
        pass
    return (time.perf_counter() - t0) * 1000


def write_openpyxl(path: Path, headers: list[str], rows: list[tuple]) -> None:
    """openpyxl's write-only mode, rows appended as they are (the old writer's fast path)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_workbook(path: Path, headers: list[str], rows: list[tuple]) -> None:
    """The portal's one workbook writer, as the export's job calls it."""
    from programs.reports.selectors.values import EXPORT_WIDTHS
    from safecommunity.spreadsheets import WorkbookWriter

    book = WorkbookWriter()
    book.sheet("values", headers, widths=EXPORT_WIDTHS, freeze="C2").rows(rows)
    book.save_to(path)


def write_rustpy(path: Path, headers: list[str], rows: list[tuple]) -> None:
    """rustpy-xlsxwriter: its records are dicts keyed by header (built here, as a caller must)."""
    from rustpy_xlsxwriter import write_worksheet

    records = (dict(zip(headers, row, strict=True)) for row in rows)
    write_worksheet(records, str(path), sheet_name="values", freeze_row=1, bold_headers=True)


def write_csv(path: Path, headers: list[str], rows: list[tuple]) -> None:
    from safecommunity.spreadsheets import csv_to_file

    csv_to_file(path, headers, rows)


def compare_writers(values, months: int, rounds: int) -> None:
    """The writers on the export's rows of `months` months, alternating, with the floor."""
    import importlib.util
    import statistics
    import tempfile

    from programs.reports.jobs import EXPORT_FORMATS
    from programs.reports.selectors.values import EXPORT_HEADERS, value_rows

    headers = [str(text) for text in EXPORT_HEADERS]
    rows = list(value_rows(values))
    cells = len(rows) * len(headers)
    writers = {"openpyxl write-only": write_openpyxl, "WorkbookWriter (XlsxWriter)": write_workbook}
    if importlib.util.find_spec("rustpy_xlsxwriter"):
        writers["rustpy-xlsxwriter"] = write_rustpy
    writers["CSV (csv_to_file)"] = write_csv
    times: dict[str, list[float]] = {name: [] for name in ["floor: SQL", "rows built", *writers]}
    sizes: dict[str, int] = {}
    sql, params = values.query.sql_with_params()
    with tempfile.TemporaryDirectory() as folder:
        for n in range(rounds):
            times["floor: SQL"].append(floor_ms(sql, params) / 1000)
            times["rows built"].append(rows_only_ms(values) / 1000)
            order = list(writers.items())
            for name, write in order if n % 2 == 0 else reversed(order):
                path = Path(folder) / ("out.csv" if "CSV" in name else "out.xlsx")
                t0 = time.perf_counter()
                write(path, headers, rows)
                times[name].append(time.perf_counter() - t0)
                sizes[name] = path.stat().st_size
    print(f"\nwriters on the same {len(rows):,} rows ({cells:,} cells) of {months} months,")
    print(f"median of {rounds} rounds in alternating order ({', '.join(EXPORT_FORMATS)} offered)")
    print(f"{'':<28} {'median s':>9} {'cells/s':>11} {'MB':>6}")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        size = f"{sizes[name] / 2**20:>6.1f}" if name in sizes else f"{'':>6}"
        print(f"{name:<28} {median:>9.2f} {cells / median:>11,.0f} {size}")


def is_built(months: int, value_months: int) -> bool:
    from programs.models import MonthlyReport, ReportValue

    reports = MonthlyReport.objects.count()
    return reports > 0 and ReportValue.objects.count() == VALUES_PER_REPORT * (
        MonthlyReport.objects.filter(period__gte=_since(months, value_months)).count()
    )


def _since(months: int, value_months: int):
    from safecommunity.calendar import Month

    return Month.last_months(months)[-value_months]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--value-months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--job-repeat", type=int, default=3)
    parser.add_argument("--keepdb", action="store_true")
    parser.add_argument("--export-only", action="store_true")
    parser.add_argument("--writers", action="store_true", help="compare the xlsx/CSV writers")
    parser.add_argument(
        "--export-months", default="12,24,120", help="the exports timed, in months (%(default)s)"
    )
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=args.keepdb)
    try:
        from openpyxl.xml import LXML  # the baseline writer of `--writers`

        from programs.jobs.exports import query_dict
        from programs.models import User
        from programs.reports.jobs import export_report_values
        from programs.reports.selectors.values import (
            EXPORT_HEADERS,
            completeness_units,
            report_values,
        )
        from programs.setup import reference_data_load
        from safecommunity.calendar import Month

        if not (args.keepdb and is_built(args.months, args.value_months)):
            reference_data_load()
            build(args.months, args.value_months)
        district, _new = User.objects.get_or_create(username="bench", role="district")
        client = Client()
        client.force_login(district)
        print(f"database: {connection.vendor}; {UNITS} units; openpyxl with lxml: {LXML}")
        if not args.export_only:
            print(f"\n{args.repeat} requests each")
            print(f"{'page':<28} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KB':>8}")
            for label, months in (("12 months", 12), ("24 months", 24), ("120 months", 120)):
                start = Month.last_months(months)[0].strftime("%Y-%m")
                t = measure(client, f"/reports/?start={start}", repeat=args.repeat)
                print(
                    f"{'grid ' + label:<28} {t.median_ms:>10.0f} {t.max_ms:>8.0f}"
                    f" {t.queries:>8} {t.size_bytes // 1024:>8}"
                )
        columns = len(EXPORT_HEADERS)
        print(f"\nthe export's job, {args.job_repeat} runs each (floor: its SQL run raw)")
        print(
            f"{'export job':<22} {'rows':>9} {'median s':>9} {'rows/s':>8} {'cells/s':>9}"
            f" {'queries':>7} {'MB':>6} {'floor s':>8} {'× floor':>8}"
        )
        for months in (int(n) for n in args.export_months.split(",")):
            label = f"{months} months"
            period = Month.last_months(months)
            query = {"start": [f"{period[0]:%Y-%m}"], "end": [f"{period[-1]:%Y-%m}"]}
            _filters, units, shown = completeness_units(district, query_dict(query))
            values = report_values(district, units, shown)
            floor = floor_ms(*values.query.sql_with_params())
            for file_format in ("xlsx", "csv"):
                params = {"query": query, "file_format": file_format}
                t = measure_job(export_report_values, district, params, repeat=args.job_repeat)
                seconds = t.median_ms / 1000
                print(
                    f"{label + ' ' + file_format:<22} {t.rows:>9,} {seconds:>9.1f}"
                    f" {t.rows / seconds:>8,.0f} {t.rows * columns / seconds:>9,.0f}"
                    f" {t.queries:>7} {t.size_bytes / 2**20:>6.1f} {floor / 1000:>8.2f}"
                    f" {t.median_ms / floor:>8.1f}"
                )
            if args.writers:
                compare_writers(values, months, args.job_repeat)
        print(f"rows built, not written ({label}): {rows_only_ms(values) / 1000:.1f} s")
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
