"""The injury rollup stays equal to the records however they change: each test changes records
one way the portal allows and compares every rollup row with a GROUP BY over the records."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from injuries.models import InjuryRecord, InjuryRollup
from injuries.models.rollup import COLUMNS


def raw_counts() -> dict[tuple, dict[str, int]]:
    """The rollup as a GROUP BY over the records would give it, at each filter level."""
    aggregates = {"n": Count("pk")}
    aggregates |= {name: Count("pk", filter=Q(**dict(cond))) for name, cond in COLUMNS.items()}
    counted = {}
    for by_source in (True, False):
        for by_domain in (True, False):
            keys = ["unit_id", "first_day", *(["source"] if by_source else []),
                    *(["domain"] if by_domain else [])]  # fmt: skip
            rows = (
                InjuryRecord.objects.annotate(first_day=TruncMonth("injury_date"))
                .order_by()
                .values(*keys)
                .annotate(**aggregates)
            )
            for row in rows:
                key = (
                    row["unit_id"],
                    row["first_day"],
                    row.get("source", ""),
                    row.get("domain", ""),
                )
                counted[key] = {name: row[name] for name in ("n", *COLUMNS)}
    return counted


def rollup_rows() -> dict[tuple, dict[str, int]]:
    return {
        (row["unit_id"], row["month"], row["source"], row["domain"]): {
            name: row[name] for name in ("n", *COLUMNS)
        }
        for row in InjuryRollup.objects.values()
    }


def assert_rollup_equals_records() -> None:
    rollup, raw = rollup_rows(), raw_counts()
    assert rollup.keys() == raw.keys()
    for key, counts in raw.items():
        assert rollup[key] == counts, key


def test_smoke(db, unit_a, unit_b):
    from tests.factories import InjuryRecordFactory

    records = [InjuryRecordFactory(unit=unit_a) for _ in range(5)] + [
        InjuryRecordFactory(unit=unit_b)
    ]
    assert_rollup_equals_records()
    records[0].cause = 3 if records[0].cause != 3 else 4
    records[0].save()
    assert_rollup_equals_records()
    records[1].unit = unit_b
    records[1].save()
    assert_rollup_equals_records()
    records[2].delete()
    assert_rollup_equals_records()
    InjuryRecord.objects.all().delete()
    assert InjuryRollup.objects.count() == 0
