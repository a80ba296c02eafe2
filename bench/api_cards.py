"""Benchmark: injury cards posted as JSON (`injuries.services.cards_import`, the service behind
`POST /api/v1/injury-records/batches/`) against the spreadsheet import of the same cards.

    DATABASE_URL=postgres://…/bench_cards .venv/bin/python bench/api_cards.py [--cards 100000]
        [--batch 5000]

It builds a throw-away test database (`test_<name>`) with the district's reference data, makes
`--cards` plausible cards (the generator of `bench/injuries.py`) and then:

- JSON: posts them in batches of `--batch`, each timed from the request body (bytes) through
  `json.loads` and `cards_import` (every check, then the batch's commit, one transaction);
  then the same batches again (all unchanged);
- the file import of the same cards as one CSV file (the record's English headers), through
  the services the import jobs run: the check (`batch_preview`) and the import
  (`batch_commit`, which moves the rows the check staged), timed apart and together;
- on PostgreSQL, the floor: COPY of the same rows as they are stored, and each rate as a share.

Cards per second; the JSON rate as a share of the file import's.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, connections
from django.test.utils import setup_test_environment

from bench.injuries import HEADERS_EN, card_rows, copy_floor, timing_line, unit_codes


def as_json(row: list) -> dict:
    """A generated row as a card a department's system sends: the record's field names."""
    card = dict(zip(HEADERS_EN, row, strict=True))
    for column, (day, time_) in {
        "injured_at": ("injury_date", "injury_time"),
        "visited_at": ("visit_date", "visit_time"),
    }.items():
        card[day], card[time_] = card.pop(column).split(" ")
    return {name: value for name, value in card.items() if value != ""}


def clear() -> None:
    from injuries.models import ImportBatch, ImportBatchChange, InjuryRecord

    for model in (ImportBatchChange, InjuryRecord, ImportBatch):
        rows = model.objects.all()
        rows._raw_delete(rows.db)


def post_all(bodies: list[bytes], user) -> tuple[float, list]:
    from injuries.services import cards_import

    outcomes = []
    t0 = time.perf_counter()
    for body in bodies:
        records = json.loads(body)["records"]
        outcomes.append(cards_import(records=records, user=user, body=body))
    return time.perf_counter() - t0, outcomes


def file_import(rows: list, user) -> tuple[object, float, float]:
    """`rows` written to a CSV file and brought in as a person does it: the check (preview),
    then the import; (the batch, the check's seconds, the import's seconds)."""
    from django.core.files import File

    from injuries.services import batch_commit, batch_preview
    from injuries.services.files import upload_store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cards.csv"
        with open(path, "w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(HEADERS_EN)
            writer.writerows(rows)
        with open(path, "rb") as stream:
            name = upload_store(File(stream, name=path.name))
        t0 = time.perf_counter()
        batch, report = batch_preview(name=name, file_name="cards.csv", user=user)
        t1 = time.perf_counter()
        assert report.ok and report.added == len(rows), report.problems[:3]
        report = batch_commit(batch=batch, user=user)
        t2 = time.perf_counter()
        assert report.committed and report.added == len(rows)
    return batch, t1 - t0, t2 - t1


def bench(count: int, size: int) -> None:

    from programs.models import User

    user = User.objects.create(username="bench-district", role="district")
    rows = list(card_rows(count, unit_codes(), labels=False))
    cards = [as_json(row) for row in rows]
    bodies = [
        json.dumps({"records": cards[i : i + size]}, ensure_ascii=False).encode()
        for i in range(0, count, size)
    ]
    postgres = connection.vendor == "postgresql"
    print(f"database: {connection.vendor}; {count:,} cards; JSON batches of {size:,}")
    print(f"{'run':<44} {'seconds':>8} {'cards/s':>8} {'of COPY':>8}")

    clear()
    json_seconds, outcomes = post_all(bodies, user)
    assert sum(o.added for o in outcomes) == count, [o.added for o in outcomes][:3]
    again_seconds, outcomes_again = post_all(bodies, user)
    assert sum(o.unchanged for o in outcomes_again) == count
    floor = None
    if postgres:
        floor = sum(copy_floor(o.batch.pk) for o in outcomes)
        label = "floor: PostgreSQL COPY of the same rows"
        print(f"{label:<44} {floor:>8.1f} {count / floor:>8,.0f} {1:>8.0%}")
    timing_line(f"JSON: {len(bodies)} batches (parse, check, write)", json_seconds, count, floor)
    timing_line("JSON: the same batches again (unchanged)", again_seconds, count, floor)

    clear()
    _batch, check, commit = file_import(rows, user)
    timing_line("CSV file: check", check, count, floor)
    timing_line("CSV file: import (moves the staged rows)", commit, count, floor)
    timing_line("CSV file: check + import", check + commit, count, floor)
    print(
        f"JSON rate as a share of the file import's: {(check + commit) / json_seconds:.0%} "
        f"of check + import, {commit / json_seconds:.0%} of the import step alone"
    )
    clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    if "side" in connections:  # the shared cache's own connection, to the same test database
        connections["side"].creation.set_as_test_mirror(connection.settings_dict)
    try:
        from django.conf import settings

        from programs.setup import reference_data_load

        settings.INJURY_IMPORT_MAX_ROWS = max(settings.INJURY_IMPORT_MAX_ROWS, args.cards)
        settings.INJURY_IMPORT_MAX_BYTES = 1 << 30
        settings.API_CARDS_MAX = max(settings.API_CARDS_MAX, args.batch)
        reference_data_load()
        bench(args.cards, args.batch)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
