"""Benchmark: injury imports at 100,000 rows, and the statistics page at 1,000,000 records.

    DATABASE_URL=postgres://… .venv/bin/python bench/injuries.py import [--rows 100000]
    DATABASE_URL=postgres://… .venv/bin/python bench/injuries.py statistics [--records 1000000]
        [--keepdb]  (keeps the database and its records, so a rerun skips loading them)
    .venv/bin/python bench/injuries.py generate FILE.xlsx|FILE.csv [--rows N]

Each run builds a throw-away test database with the district's reference data (38 units).

- `generate` writes a file of N synthetic cards (the card's Chinese headers and labels, with
  numbers in some columns as hospital exports have them).
- `import` writes such a file as xlsx and as GB18030 CSV, then for each, through the jobs the
  import page starts (`injuries.jobs`, run at once by the tests' backend, progress told through
  the shared cache as in production): the check (the upload kept in the storage, hashed,
  copied back, read, checked and staged), the import (the staged rows moved, one transaction),
  the same file again (all unchanged); on PostgreSQL beside the floor, COPY of the same rows
  as they are stored, and our rate as a share of it. Then the same xlsx through a plain
  row-by-row django-import-export `ModelResource` with `clean_model_instances` (on the first
  `--plain-rows` rows: it is slow).
  Rows per second and peak traced memory (tracemalloc, in a separate untimed pass at two file
  sizes).
- `statistics` bulk-loads N records over ten years (on PostgreSQL with the rollup's triggers
  off, then fills the rollup once) and times the statistics page (server time through Django's
  test client, with its SQL time and query count) for the default period, twelve months, ten
  years (also filtered by source, and by domain and unit), ten whole years and ten days; with
  `BENCH_ROLLUP_COSTS=N` also what the triggers add to a COPY and a `bulk_update` of N records
  and what filling the rollup costs. The script runs unchanged on the code before the rollup
  (`git archive` of an earlier commit) against the same `--keepdb` database, for "before".
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("TEST_CACHE", "database")  # a job's progress as production tells it

import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.timing import measure  # noqa: E402

HEADERS_ZH = [
    "创建单位", "数据来源", "报告单位", "卡片编号", "伤害发生时间", "患者就诊时间", "性别", "年龄",
    "户籍", "文化程度", "职业", "伤害发生原因", "伤害发生地点", "伤害发生时活动", "伤害意图",
    "饮酒情况", "伤害性质", "伤害部位", "伤害严重程度", "伤害结局", "伤害临床诊断", "ICD-10编码",
]  # fmt: skip
HEADERS_EN = [
    "unit", "source", "reporting_org", "record_number", "injured_at", "visited_at", "sex", "age",
    "registration", "education", "occupation", "cause", "place", "activity", "intent", "alcohol",
    "nature", "body_part", "severity", "outcome", "diagnosis", "icd10",
]  # fmt: skip
CAUSE_WEIGHTS = [(3, 38), (1, 14), (2, 9), (6, 10), (4, 9), (7, 4), (11, 5), (10, 2), (9, 1),
                 (8, 1), (13, 7)]  # fmt: skip


def card_rows(n: int, unit_codes: list[str], *, labels: bool, seed: int = 1):
    """N plausible cards as rows of cell values (codes as numbers, or as Chinese labels)."""
    from injuries import choices

    rng = random.Random(seed)
    causes, weights = zip(*CAUSE_WEIGHTS, strict=True)
    label_of = {}
    if labels:
        with translation.override("zh-hans"):
            for name, listed in choices.CODE_LISTS:
                label_of[name] = {value: str(label) for value, label in listed.choices}
    today = timezone.localdate()

    def code(name: str, value: int):
        return label_of[name][value] if labels and name in label_of else value

    for i in range(n):
        cause = rng.choices(causes, weights)[0]
        traffic = cause in (1, 2)
        day = today - timedelta(days=rng.randrange(1, 3 * 365))
        at = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(1440))
        age = min(int(rng.expovariate(1 / 38)), 99)
        yield [
            rng.choice(unit_codes),
            "医院" if labels else "hospital",
            "顺义区医院",
            f"B{i:07d}",
            at.strftime("%Y-%m-%d %H:%M"),
            (at + timedelta(minutes=rng.randrange(20, 300))).strftime("%Y-%m-%d %H:%M"),
            code("sex", rng.choice((1, 1, 1, 2, 2))),
            age,
            code("registration", rng.choice((1, 1, 1, 2, 3))),
            code("education", rng.randrange(1, 8)),
            code("occupation", rng.randrange(1, 13)),
            code("cause", cause),
            code("place", 5 if traffic else rng.choice((1, 1, 2, 3, 4, 6, 7, 9))),
            code("activity", 7 if traffic else rng.choice((1, 2, 4, 5, 5, 6, 8))),
            code("intent", rng.choice((1,) * 18 + (2, 3))),
            code("alcohol", rng.choice((2, 2, 2, 1, 3))),
            code("nature", 5 if cause == 7 else rng.choice((1, 2, 3, 4, 4, 4, 6, 8))),
            code(
                "body_part",
                6 if cause in (8, 9, 10) else rng.choice((1, 2, 3, 3, 4, 5)),
            ),
            code("severity", rng.choice((1, 1, 1, 2, 2, 3))),
            code("outcome", rng.choice((1,) * 14 + (2, 3, 4, 4, 5))),
            "",
            rng.choice(("", "S72.0", "S82.1", "T14.0", "S06.0")),
        ]


def write_file(path: Path, rows, headers: list[str]) -> None:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        with open(path, "w", encoding="gb18030", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(headers)
            writer.writerows(rows)


def unit_codes() -> list[str]:
    from programs.models import CreatingUnit

    return list(CreatingUnit.objects.values_list("code", flat=True))


# --- Imports ------------------------------------------------------------------------------------


def plain_resource():
    """import-export as it comes: a ModelResource, row by row, with model validation."""
    from import_export import fields, resources, widgets

    from injuries.models import InjuryRecord
    from programs.models import CreatingUnit

    class DateTimeWidget(widgets.DateTimeWidget):
        """The record keeps local date and time apart, so the comparison value is naive."""

        def render(self, value, obj=None, **kwargs):
            return "" if value is None else str(value)

    class PlainInjuryResource(resources.ModelResource):
        unit = fields.Field(
            attribute="unit",
            column_name="unit",
            widget=widgets.ForeignKeyWidget(CreatingUnit, "code"),
        )
        injured_at = fields.Field(
            attribute="injured_at", column_name="injured_at", widget=DateTimeWidget()
        )
        visited_at = fields.Field(
            attribute="visited_at", column_name="visited_at", widget=DateTimeWidget()
        )

        class Meta:
            model = InjuryRecord
            import_id_fields = ["source", "reporting_org", "record_number"]
            fields = HEADERS_EN
            clean_model_instances = True
            skip_unchanged = True

    return PlainInjuryResource()


def time_import(path: Path, user) -> tuple[float, float, object]:
    """The check and the import of a file through their jobs, as the import page starts them;
    (check seconds, import seconds, the import's job)."""
    from django.core.files import File

    from injuries.jobs import batch_commit_start, injuries_check_start
    from injuries.models import ImportBatch

    with open(path, "rb") as stream:
        t0 = time.perf_counter()
        check, _created = injuries_check_start(upload=File(stream, name=path.name), user=user)
        t1 = time.perf_counter()
    check.refresh_from_db()
    assert (check.state, check.data.get("ok")) == ("done", True), (check.error, check.message)
    batch = ImportBatch.objects.get(pk=check.data["batch"])
    t2 = time.perf_counter()
    commit, _created = batch_commit_start(batch=batch, user=user)
    t3 = time.perf_counter()
    commit.refresh_from_db()
    assert commit.state == "done", commit.error
    assert commit.done == commit.total == batch.rows_total, (commit.done, commit.total)
    return t1 - t0, t3 - t2, commit


def copy_floor(batch_id: int) -> float:
    """Seconds PostgreSQL's COPY takes to write the rows an import wrote, as they are stored
    (every column, the table's indexes and constraints): the floor of any import of them. The
    rows are read out, deleted and copied back in."""
    from injuries.models import InjuryRecord
    from injuries.services.chunks import COPIED

    quote = connection.ops.quote_name
    table = quote(InjuryRecord._meta.db_table)
    columns = ", ".join(map(quote, COPIED))
    rows = io.StringIO()
    with connection.cursor() as cursor:
        select = f"SELECT {columns} FROM {table} WHERE batch_id = {int(batch_id)}"
        cursor.copy_expert(f"COPY ({select}) TO STDOUT", rows)
    written = InjuryRecord.objects.filter(batch_id=batch_id)
    written._raw_delete(written.db)
    rows.seek(0)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", rows)
    return time.perf_counter() - t0


def peak_memory(path: Path, user) -> float:
    """Peak traced memory (MB) of checking the file, in an untimed pass."""
    from injuries.services import injuries_import

    tracemalloc.start()
    injuries_import(path=path, user=user)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def timing_line(label: str, seconds: float, rows: int, floor: float | None) -> None:
    """Seconds, rows per second and, beside the COPY floor, our rate as a share of COPY's."""
    share = f"{floor / seconds:>8.1%}" if floor else ""
    print(f"{label:<44} {seconds:>8.1f} {rows / seconds:>8,.0f} {share}")


def bench_import(rows: int, plain_rows: int) -> None:
    from injuries.models import InjuryRecord
    from programs.models import User

    user = User.objects.create(username="bench", role="district")
    codes = unit_codes()
    postgres = connection.vendor == "postgresql"
    with tempfile.TemporaryDirectory() as folder:
        print(f"database: {connection.vendor}; {rows:,} rows per file; check and import as jobs")
        print(f"{'run':<44} {'seconds':>8} {'rows/s':>8} {'of COPY':>8}")
        floor = None
        for suffix, labels in ((".xlsx", True), (".csv", True)):
            InjuryRecord.objects.all().delete()
            path = Path(folder) / f"cards{suffix}"
            write_file(path, card_rows(rows, codes, labels=labels), HEADERS_ZH)
            kind = "xlsx" if suffix == ".xlsx" else "CSV GB18030"
            check, commit, job = time_import(path, user)
            assert job.data["added"] == rows, job.data
            if postgres and floor is None:
                floor = copy_floor(job.data["batch"])
                label = "floor: PostgreSQL COPY of the same rows"
                print(f"{label:<44} {floor:>8.1f} {rows / floor:>8,.0f} {1:>8.0%}")
            timing_line(f"{kind}: check (job)", check, rows, floor)
            timing_line(f"{kind}: import (job: move the staged rows)", commit, rows, floor)
            timing_line(f"{kind}: check + import", check + commit, rows, floor)
            check, commit, job = time_import(path, user)
            assert job.data["unchanged"] == rows, job.data
            timing_line(f"{kind}: same file again (all unchanged)", commit, rows, floor)
        print("peak traced memory of a check (MB):")
        for size in (rows // 10, rows):
            path = Path(folder) / f"memory-{size}.xlsx"
            write_file(path, card_rows(size, codes, labels=True, seed=2), HEADERS_ZH)
            print(f"  xlsx {size:>9,} rows: {peak_memory(path, user):8.1f} MB")
            path = path.with_suffix(".csv")
            write_file(path, card_rows(size, codes, labels=True, seed=2), HEADERS_ZH)
            print(f"  csv  {size:>9,} rows: {peak_memory(path, user):8.1f} MB")

        import tablib

        InjuryRecord.objects.all().delete()
        path = Path(folder) / "plain.xlsx"
        write_file(path, card_rows(plain_rows, codes, labels=False, seed=3), HEADERS_EN)
        t0 = time.perf_counter()
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        result = plain_resource().import_data(dataset, dry_run=False, use_transactions=True)
        seconds = time.perf_counter() - t0
        assert not result.has_errors() and not result.has_validation_errors(), result.totals
        assert InjuryRecord.objects.count() == plain_rows
        label = f"plain import-export, {plain_rows:,} rows"
        print(f"{label:<44} {seconds:>8.1f} {plain_rows / seconds:>8,.0f}")
        InjuryRecord.objects.all().delete()
        path = Path(folder) / "ours.xlsx"
        write_file(path, card_rows(plain_rows, codes, labels=False, seed=3), HEADERS_EN)
        check, commit, _job = time_import(path, user)
        label = f"ours, same {plain_rows:,} rows (check + import)"
        print(f"{label:<44} {check + commit:>8.1f} {plain_rows / (check + commit):>8,.0f}")


# --- Statistics ---------------------------------------------------------------------------------


def load_records(n: int) -> None:
    """N records over ten years up to today, bulk-created (derived fields filled)."""
    from injuries.models import InjuryRecord

    rng = random.Random(7)
    from programs.models import CreatingUnit

    units = list(CreatingUnit.objects.all())
    today = timezone.localdate()
    causes, weights = zip(*CAUSE_WEIGHTS, strict=True)
    t0 = time.perf_counter()
    postgresql = connection.vendor == "postgresql"
    if postgresql:  # load without the rollup's triggers, then fill it once (as the migration)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE injuries_injuryrecord DISABLE TRIGGER USER")
    batch = []
    for i in range(n):
        cause = rng.choices(causes, weights)[0]
        traffic = cause in (1, 2)
        day = today - timedelta(days=rng.randrange(0, 3650))
        record = InjuryRecord(
            unit=rng.choice(units),
            source=rng.choice(("hospital",) * 8 + ("traffic_police", "work_safety")),
            reporting_org="顺义区医院",
            record_number=f"S{i:08d}",
            injury_date=day,
            visit_date=day,
            sex=rng.choice((1, 1, 1, 2, 2)),
            age=min(int(rng.expovariate(1 / 38)), 99),
            cause=cause,
            place=5 if traffic else rng.choice((1, 1, 2, 3, 4, 6, 7, 9)),
            activity=7 if traffic else rng.choice((1, 2, 4, 5, 5, 6, 8)),
            intent=rng.choice((1,) * 18 + (2, 3)),
            nature=rng.choice((1, 2, 3, 4, 4, 4, 6, 8)),
            body_part=rng.choice((1, 2, 3, 3, 4, 5)),
            severity=rng.choice((1, 1, 1, 2, 2, 3)),
            outcome=rng.choice((1,) * 14 + (2, 3, 4, 4, 5)),
        )
        record.derive()
        batch.append(record)
        if len(batch) == 20_000:
            InjuryRecord.objects.bulk_create(batch)
            batch = []
    InjuryRecord.objects.bulk_create(batch)
    print(f"loaded {n:,} records in {time.perf_counter() - t0:.0f} s")
    if postgresql:
        from injuries.models import rollup_sql
        from injuries.models.rollup import COLUMNS

        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE injuries_injuryrecord ENABLE TRIGGER USER")
            cursor.execute("DELETE FROM injuries_injuryrollup")
            cursor.execute("DELETE FROM injuries_injuryrollupyear")
            cursor.execute(rollup_sql.fill("postgresql", list(COLUMNS)))
            cursor.execute(rollup_sql.fill_years("postgresql", list(COLUMNS)))
        print(f"filled the rollup in {time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def table_sizes() -> list[tuple[str, int, int]]:
    """(table, rows, bytes with its indexes) of the records and the rollup (by name: the bench
    also runs on the code before the rollup, against the same database)."""
    sizes = []
    with connection.cursor() as cursor:
        for table in ("injuries_injuryrecord", "injuries_injuryrollup"):
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
            sizes.append((table, *cursor.fetchone()))
    return sizes


def rollup_costs(n: int) -> None:
    """What the rollup's triggers add to writes, and what filling it costs (the migration): each
    in a transaction rolled back. COPY of `n` new records and `bulk_update` of `n` records' cause,
    with the triggers and with them disabled; the fill from every record."""
    from injuries.models import InjuryRecord, rollup_sql
    from injuries.models.rollup import COLUMNS
    from injuries.services.chunks import COPIED, copy_in

    class Rollback(Exception):
        pass

    def timed(fn) -> float:
        t0 = time.perf_counter()
        try:
            with transaction.atomic():
                fn()
                elapsed = time.perf_counter() - t0
                raise Rollback
        except Rollback:
            return elapsed

    template = InjuryRecord.objects.values().first()
    now = timezone.now()

    def copy_new() -> None:
        rows = []
        for i in range(n):
            row = {**template, "record_number": f"BENCH{i:08d}", "created_at": now}
            row["injury_date"] = template["injury_date"] - timedelta(days=i % 3650)
            row["year"], row["month"] = row["injury_date"].year, row["injury_date"].month
            rows.append([row[name] for name in COPIED])
        copy_in(InjuryRecord, COPIED, rows)

    def update_cause() -> None:
        changed = list(InjuryRecord.objects.order_by("pk")[:n])
        for record in changed:
            record.cause = 13 if record.cause != 13 else 3
        InjuryRecord.objects.bulk_update(changed, ["cause"], batch_size=5000)

    def without_triggers(fn):
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE injuries_injuryrecord DISABLE TRIGGER USER")
            fn()

        return run

    def refill() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM injuries_injuryrollup")
            cursor.execute("DELETE FROM injuries_injuryrollupyear")
            cursor.execute(rollup_sql.fill("postgresql", list(COLUMNS)))
            cursor.execute(rollup_sql.fill_years("postgresql", list(COLUMNS)))

    print(f"{'write':<44} {'triggers s':>10} {'none s':>8} {'rows/s':>10}")
    for label, fn in (
        (f"COPY {n:,} new records", copy_new),
        (f"bulk_update {n:,} causes", update_cause),
    ):
        with_t, without = timed(fn), timed(without_triggers(fn))
        print(f"{label:<44} {with_t:>10.2f} {without:>8.2f} {n / with_t:>10,.0f}")
    print(f"fill the rollup from every record (migration): {timed(refill):.1f} s")


PAGES = [
    ("statistics, this year (default)", ""),
    ("statistics, last 12 months", "?date_from={year_ago}&date_to={today}"),
    ("statistics, all ten years", "?date_from={ten_years}&date_to={today}"),
    (
        "statistics, ten years, traffic police",
        "?date_from={ten_years}&date_to={today}&source=traffic_police",
    ),
    (
        "statistics, ten years, falls, one unit",
        "?date_from={ten_years}&date_to={today}&domain=fall&units={unit}",
    ),
    ("statistics, ten whole years", "?date_from={first_year}-01-01&date_to={last_year}-12-31"),
    ("statistics, 10 days (edges only)", "?date_from={ten_days}&date_to={today}"),
]


def bench_statistics(records: int, repeat: int) -> None:
    from injuries.models import InjuryRecord
    from programs.models import CreatingUnit, User

    if InjuryRecord.objects.count() != records:
        InjuryRecord.objects.all().delete()
        load_records(records)
    district, _new = User.objects.get_or_create(username="bench-district", role="district")
    client = Client()
    client.force_login(district)
    today = timezone.localdate()
    dates = {
        "today": today,
        "year_ago": today - timedelta(days=365),
        "ten_years": today - timedelta(days=3650),
        "ten_days": today - timedelta(days=10),
        "first_year": today.year - 10,
        "last_year": today.year - 1,
        "unit": CreatingUnit.objects.order_by("code").first().pk,
    }
    pages = [(label, "/injuries/statistics/" + query.format(**dates)) for label, query in PAGES]
    pages.append(("records list, first page", "/injuries/"))
    print(f"database: {connection.vendor}; {records:,} records; {repeat} requests each")
    if connection.vendor == "postgresql":
        for table, rows, size in table_sizes():
            print(f"{table}: {rows:,} rows, {size / 2**20:,.0f} MB with indexes")
    print(f"{'page':<40} {'median ms':>10} {'max ms':>8} {'SQL ms':>8} {'queries':>8}")
    for label, url in pages:
        t = measure(client, url, repeat=repeat)
        print(f"{label:<40} {t.median_ms:>10.0f} {t.max_ms:>8.0f} {t.sql_ms:>8.0f} {t.queries:>8}")
    if connection.vendor == "postgresql" and os.environ.get("BENCH_ROLLUP_COSTS"):
        rollup_costs(int(os.environ["BENCH_ROLLUP_COSTS"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("import", "statistics", "generate"))
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--plain-rows", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keepdb", action="store_true", help="keep the test database (and its records) for reruns"
    )
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=args.keepdb)
    if "side" in connections:  # the shared cache's own connection, to the same test database
        connections["side"].creation.set_as_test_mirror(connection.settings_dict)
    try:
        from django.conf import settings

        from programs.models import CreatingUnit
        from programs.setup import reference_data_load

        settings.INJURY_IMPORT_MAX_ROWS = max(settings.INJURY_IMPORT_MAX_ROWS, args.rows)
        settings.INJURY_IMPORT_MAX_BYTES = 1 << 30
        if not (args.keepdb and CreatingUnit.objects.exists()):
            reference_data_load()
        if args.what == "generate":
            write_file(args.file, card_rows(args.rows, unit_codes(), labels=True), HEADERS_ZH)
            print(f"wrote {args.rows:,} rows to {args.file}")
        elif args.what == "import":
            bench_import(args.rows, args.plain_rows)
        else:
            bench_statistics(args.records, args.repeat)
    finally:
        connections.close_all()
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
