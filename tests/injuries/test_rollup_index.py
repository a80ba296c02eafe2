"""The monthly totals read the rollup's `n` from its level index alone (PostgreSQL).

At the city's 400 units the rows of one filter level lie one to a page; the level index carries
`n` (migration injuries/0008) so that ten years of monthly totals are an index-only scan
instead of a page read per row (bench/README.md, "The city").
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from injuries.models import InjuryRecord, InjuryRollup, InjuryRollupYear
from injuries.selectors import Period
from injuries.selectors.counts import Rollup, monthly_totals
from tests.factories import InjuryRecordFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="index-only scans are PostgreSQL's"
)


@pytest.mark.django_db(transaction=True)
def test_the_monthly_totals_are_an_index_only_scan_of_the_level_index(unit_a):
    for month in range(1, 13):
        InjuryRecordFactory(unit=unit_a, injury_date=date(2024, month, 10))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE injuries_injuryrollup")  # the visibility map
    whole_year = Period(date(2024, 1, 1), date(2024, 12, 31))

    with CaptureQueriesContext(connection) as captured:
        totals = monthly_totals(
            InjuryRecord.objects.all(),
            Rollup(InjuryRollup.objects.matching(), InjuryRollupYear.objects.matching()),
            {"current": whole_year},
        )
    (sql,) = [q["sql"] for q in captured.captured_queries if "injuries_injuryrollup" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        # A dozen rows are read fastest from the table; at scale the index wins. Asked to
        # avoid the table, the planner can answer from the index alone only if it holds `n`.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert totals["current"] == {(2024, month): 1 for month in range(1, 13)}
    assert "Index Only Scan using injury_rollup_level_idx" in plan, plan
