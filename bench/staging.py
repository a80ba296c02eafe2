"""Benchmark: a previewed file's import from its staged rows, against PostgreSQL's COPY.

    DATABASE_URL=postgres:///bench_staging .venv/bin/python bench/staging.py \
        [--rows 100000] [--rounds 3] [--xlsx]

It builds a throw-away test database (`test_<name>`) with the district's reference data and
writes `--rows` plausible cards (the generator of `bench/injuries.py`) as a GB18030 CSV file
with the card's Chinese headers (and, with `--xlsx`, as a workbook too). Each round, on empty
records (TRUNCATE of the records, the rollup's months and years, the kept changes and the
staging table):

- preview: `batch_preview` — the file copied from the storage, hashed, read, every row checked
  and the checked rows staged (COPY into `StagedRecord`), in one transaction;
- commit: `batch_commit` — the batch's move `commit`: the staged rows moved into the records
  (the refusals' join, the update, one INSERT … SELECT under the rollup's triggers, the staged
  rows deleted), no row checked again;
- the same file previewed and committed again (every row unchanged);
- the floor: COPY of the same rows as they are stored (every column) into a copy of the records'
  table with all its indexes and check constraints (`CREATE TABLE … (LIKE … INCLUDING ALL)`: no
  triggers, no foreign keys), and, beside it, into the records' table itself (its reference checks
  and the rollup's triggers).

Rows per second and each rate as a share of the floor's, best of the rounds (each figure's
own best); then, because other work on a shared machine slows one round more than another,
the two targets' ratios of each round — the commit and check + commit against the floor
measured right after them in the same round — and their median; and the load average at the
start and the end.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.injuries import HEADERS_ZH, card_rows, unit_codes, write_file  # noqa: E402

COPY_TABLE = "bench_injury_copy"


def empty_records() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE injuries_importbatchchange, injuries_injuryrecord, injuries_injuryrollup,"
            " injuries_injuryrollupyear, injuries_stagedrecord"
        )
        cursor.execute("VACUUM ANALYZE injuries_injuryrecord")


def preview_and_commit(path: Path, user) -> tuple[float, float, object]:
    """(preview seconds, commit seconds, the commit's report) of the file at `path`."""
    from django.core.files import File

    from injuries.services import batch_commit, batch_preview
    from injuries.services.files import upload_store

    with open(path, "rb") as stream:
        name = upload_store(File(stream, name=path.name))
    t0 = time.perf_counter()
    batch, report = batch_preview(name=name, file_name=path.name, user=user)
    t1 = time.perf_counter()
    assert report.ok, report.problems[:3]
    report = batch_commit(batch=batch, user=user)
    t2 = time.perf_counter()
    assert report.committed, report.problems[:3]
    return t1 - t0, t2 - t1, report


def stored_rows() -> tuple[io.StringIO, str]:
    """The records as they are stored, every column, as COPY text; the columns."""
    from injuries.services.chunks import COPIED

    columns = ", ".join(map(connection.ops.quote_name, COPIED))
    rows = io.StringIO()
    with connection.cursor() as cursor:
        select = f"SELECT {columns} FROM injuries_injuryrecord ORDER BY id"
        cursor.copy_expert(f"COPY ({select}) TO STDOUT", rows)
    return rows, columns


def copy_floor(rows: io.StringIO, columns: str, table: str) -> float:
    """Seconds COPY takes to write `rows` into `table` (emptied first), committed."""
    with connection.cursor() as cursor:
        if table == "injuries_injuryrecord":
            cursor.execute(
                "TRUNCATE injuries_importbatchchange, injuries_injuryrecord, injuries_injuryrollup,"
                " injuries_injuryrollupyear"
            )
        else:
            cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"VACUUM ANALYZE {table}")
    rows.seek(0)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", rows)
    return time.perf_counter() - t0


def line(label: str, seconds: float, rows: int, floor: float) -> None:
    print(f"{label:<52} {seconds:>8.2f} {rows / seconds:>9,.0f} {floor / seconds:>8.0%}")


def _keeper(best: dict[str, float]):
    def keep(label: str, seconds: float) -> None:
        best[label] = min(best.get(label, seconds), seconds)

    return keep


def bench(count: int, rounds: int, xlsx: bool) -> None:
    from programs.models import District, User

    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(f"CREATE TABLE {COPY_TABLE} (LIKE injuries_injuryrecord INCLUDING ALL)")
    shunyi = District.objects.get(code="110113")  # the reference data's district
    user = User.objects.create(username="bench-district", role="district", district=shunyi)
    codes = unit_codes()
    with tempfile.TemporaryDirectory() as folder:
        files = [Path(folder) / "cards.csv"]
        if xlsx:
            files.append(Path(folder) / "cards.xlsx")
        for path in files:
            write_file(path, card_rows(count, codes, labels=True), HEADERS_ZH)
        for path in files:
            best: dict[str, float] = {}
            keep = _keeper(best)
            paired: list[tuple[float, float]] = []  # each round's (commit, check + commit)
            for _round in range(rounds):
                empty_records()
                preview, commit, report = preview_and_commit(path, user)
                assert report.added == count, (report.added, report.updated)
                keep("preview", preview)
                keep("commit", commit)
                keep("check + commit", preview + commit)
                checked = (commit, preview + commit)
                preview, commit, report = preview_and_commit(path, user)
                assert report.unchanged == count, (report.added, report.updated)
                keep("again: preview", preview)
                keep("again: commit", commit)
                rows, columns = stored_rows()
                copied = copy_floor(rows, columns, COPY_TABLE)
                keep("floor", copied)
                keep("floor, records", copy_floor(rows, columns, "injuries_injuryrecord"))
                paired.append(tuple(copied / seconds for seconds in checked))
            floor = best["floor"]
            kind = "CSV GB18030" if path.suffix == ".csv" else "xlsx"
            print(f"\n{kind}, {count:,} rows, best of {rounds} rounds")
            print(f"{'run':<52} {'seconds':>8} {'rows/s':>9} {'of COPY':>8}")
            line("floor: COPY into a copy of the records (indexes)", floor, count, floor)
            line("COPY into the records (reference checks, rollup triggers)",
                 best["floor, records"], count, floor)  # fmt: skip
            line("preview: check and stage (batch_preview)", best["preview"], count, floor)
            line("commit: move the staged rows (batch_commit)", best["commit"], count, floor)
            line("check + commit (best round)", best["check + commit"], count, floor)
            line("same file again: preview (all unchanged)", best["again: preview"], count, floor)
            line("same file again: commit (all unchanged)", best["again: commit"], count, floor)
            by_target = zip(*paired, strict=True)
            for label, ratios in zip(("commit", "check + commit"), by_target, strict=True):
                each = " ".join(f"{ratio:.0%}" for ratio in ratios)
                print(f"{label} of the same round's COPY: {each} (median {median(ratios):.0%})")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--xlsx", action="store_true", help="the same cards as a workbook too")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The staging bench compares with PostgreSQL's COPY: give a postgres DATABASE_URL.")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    if "side" in connections:  # the shared cache's own connection, to the same test database
        connections["side"].creation.set_as_test_mirror(connection.settings_dict)
    try:
        from django.conf import settings

        from programs.setup import reference_data_load

        settings.INJURY_IMPORT_MAX_ROWS = max(settings.INJURY_IMPORT_MAX_ROWS, args.rows)
        settings.INJURY_IMPORT_MAX_BYTES = 1 << 30
        reference_data_load()
        bench(args.rows, args.rounds, args.xlsx)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
