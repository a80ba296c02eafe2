"""The injury rollup stays equal to the records however they change: each test changes records
one way the portal allows and compares every rollup row with a GROUP BY over the records."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.db.models import Count, F, ProtectedError, Q
from django.db.models.functions import ExtractYear, TruncMonth
from django.urls import reverse
from rest_framework.test import APIClient

from injuries import choices as card
from injuries.models import InjuryRecord, InjuryRollup, InjuryRollupYear
from injuries.models.rollup import COLUMNS
from injuries.selectors import DIMENSIONS, Filters, Period, statistics_for
from injuries.selectors.counts import split_years
from injuries.services import batch_commit, batch_preview, batch_withdraw
from programs.core.services import token_create
from safecommunity.calendar import Month
from tests.factories import InjuryRecordFactory, UnitFactory
from tests.injuries.test_injury_records import card_data
from tests.injuries.test_injury_statistics import (
    PAGE_MAX_QUERIES,
    build_records,
    codes_of,
    in_range,
    rows_in_python,
)
from tests.injuries.test_json_batches import batch_of
from tests.injury_files import cards, stored, write_xlsx
from tests.migrations import migrate, migrated_back


def raw_counts(grain: str = "month", *, every_level: bool = False) -> dict[tuple, dict[str, int]]:
    """The rollup as a GROUP BY over the records would give it, at each filter level, per
    unit and month (first day) or per unit and year (whose rows are not kept for one source
    and one domain at once, but for `every_level`: as migrations 0009 and 0010 had them)."""
    period = TruncMonth("injury_date") if grain == "month" else ExtractYear("injury_date")
    aggregates = {"n": Count("pk")}
    aggregates |= {name: Count("pk", filter=Q(**dict(cond))) for name, cond in COLUMNS.items()}
    counted = {}
    for by_source in (True, False):
        for by_domain in (True, False):
            if grain == "year" and by_source and by_domain and not every_level:
                continue
            keys = ["unit_id", "first_day", *(["source"] if by_source else []),
                    *(["domain"] if by_domain else [])]  # fmt: skip
            rows = (
                InjuryRecord.objects.annotate(first_day=period)
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


def rollup_rows(grain: str = "month") -> dict[tuple, dict[str, int]]:
    model = InjuryRollup if grain == "month" else InjuryRollupYear
    return {
        (row["unit_id"], row[grain], row["source"], row["domain"]): {
            name: row[name] for name in ("n", *COLUMNS)
        }
        for row in model.objects.values()
    }


def assert_rollup_equals_records() -> None:
    """Every row of the months and of the years equal to the records' count, and no row
    without records."""
    for grain in ("month", "year"):
        rollup, raw = rollup_rows(grain), raw_counts(grain)
        assert rollup.keys() == raw.keys(), grain
        for key, counts in raw.items():
            assert rollup[key] == counts, (grain, key)


def assert_rollup_is_not_empty() -> None:
    assert InjuryRollup.objects.filter(source="", domain="").exists()


# --- Every way records change ------------------------------------------------------------


def imported(path, user, name="cards.xlsx"):
    batch, _report = batch_preview(name=stored(path), file_name=name, user=user)
    report = batch_commit(batch=batch, user=user)
    assert report.ok, report.problems
    batch.refresh_from_db()
    return batch


def test_cards_entered_corrected_and_deleted_on_the_page_keep_the_rollup_equal(
    client_for, district_user, unit_a, unit_b
):
    client = client_for(district_user)
    for number, cause in (("P1", card.Cause.FALL), ("P2", card.Cause.MOTOR_VEHICLE)):
        data = card_data(unit_a, record_number=number, cause=cause, confirm_warnings="on")
        assert client.post(reverse("injuries:record-create"), data).status_code == 302
    assert_rollup_is_not_empty()
    assert_rollup_equals_records()
    record = InjuryRecord.objects.get(record_number="P1")
    edit = reverse("injuries:record-edit", args=[record.pk])
    moved = (record.injury_date - timedelta(days=40)).isoformat()

    changes = [
        {"age": 70, "outcome": card.Outcome.DIED},  # age group, band, domain and outcome
        {"unit": unit_b.pk, "injury_date": moved, "visit_date": moved},  # another unit, month
        {"source": card.Source.TRAFFIC_POLICE, "cause": card.Cause.DROWNING},
        {"narrative": "只改了经过。"},  # counts nothing: the rollup stays as it is
    ]
    data = card_data(unit_a, record_number="P1", confirm_warnings="on")
    for change in changes:
        data |= change
        assert client.post(edit, data).status_code == 302
        assert_rollup_equals_records()
    record.refresh_from_db()
    assert (record.unit, record.source, record.cause) == (unit_b, "traffic_police", 9)

    client.post(reverse("injuries:record-delete", args=[record.pk]))
    assert_rollup_equals_records()
    client.post(reverse("injuries:record-delete", args=[InjuryRecord.objects.get().pk]))
    assert InjuryRecord.objects.count() == 0
    assert InjuryRollup.objects.count() == InjuryRollupYear.objects.count() == 0


def test_an_import_adding_and_updating_and_its_withdrawals_keep_the_rollup_equal(
    tmp_path, clerk_a, district_user, unit_a
):
    kept = InjuryRecordFactory(unit=unit_a, record_number="K1", cause=card.Cause.BURN)
    first = imported(write_xlsx(tmp_path / "v1.xlsx", cards(6)), clerk_a)
    assert first.rows_added == 6
    assert_rollup_equals_records()

    rows = cards(8)  # two added, three changed, three unchanged
    rows[0].update({"年龄": 70, "伤害结局": "死亡"})
    rows[1].update({"伤害发生原因": "溺水", "伤害意图": "故意(暴力、攻击)"})
    earlier = date.today().replace(day=1) - timedelta(days=75)
    rows[2].update({"伤害发生时间": f"{earlier} 08:00", "患者就诊时间": f"{earlier} 09:00"})
    second = imported(write_xlsx(tmp_path / "v2.xlsx", rows), clerk_a)
    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (2, 3, 3)
    assert_rollup_equals_records()

    assert batch_withdraw(batch=second, by=district_user) == 2  # restores three, deletes two
    assert_rollup_equals_records()
    assert batch_withdraw(batch=first, by=district_user) == 6
    assert_rollup_equals_records()
    assert list(InjuryRecord.objects.all()) == [kept]


def test_a_card_batch_sent_to_the_api_keeps_the_rollup_equal(provider, unit_a):
    _token, key = token_create(user=provider, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = reverse("v1:injury-record-batches")

    for body in (batch_of(3), [*batch_of(2, sex=2, age=80), *batch_of(2, start=4)]):
        response = client.post(url, json.dumps({"records": body}), content_type="application/json")
        assert response.status_code == 201, response.json()
        assert_rollup_equals_records()
    assert InjuryRollup.objects.get(unit=unit_a, source="", domain="").n == 5


def test_the_admin_changing_and_deleting_records_keeps_the_rollup_equal(
    client, admin_user, unit_a, unit_b
):
    client.force_login(admin_user)
    records = [
        InjuryRecordFactory(unit=unit, age=age) for unit in (unit_a, unit_b) for age in (8, 66)
    ]
    record = records[0]

    def url(view, *args):
        return reverse(f"admin:injuries_injuryrecord_{view}", args=args)

    page = client.get(url("change", record.pk))
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    client.post(url("change", record.pk), {**data, "age": 70, "unit": unit_b.pk})
    record.refresh_from_db()
    assert (record.age, record.unit) == (70, unit_b)
    assert_rollup_equals_records()

    client.post(url("delete", record.pk), {"post": "yes"})
    assert_rollup_equals_records()
    client.post(
        url("changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [r.pk for r in records[1:3]],
            "post": "yes",
        },
    )
    assert InjuryRecord.objects.count() == 1
    assert_rollup_equals_records()


def test_a_unit_with_records_is_protected_and_a_deleted_unit_leaves_no_rollup_rows(unit_a):
    record = InjuryRecordFactory(unit=unit_a)
    empty = UnitFactory(code="Z99")

    with pytest.raises(ProtectedError):
        unit_a.delete()
    empty.delete()  # the cascade from a unit reaches its rollup rows (it has none)
    assert_rollup_equals_records()
    record.delete()
    unit_a.delete()
    assert InjuryRollup.objects.count() == InjuryRollupYear.objects.count() == 0


def test_bulk_writes_and_raw_sql_keep_the_rollup_equal(unit_a, unit_b):
    """What no service does today but a future one or a console might: the triggers see it."""
    for age in (3, 40, 90):
        InjuryRecordFactory(unit=unit_a, age=age)
    InjuryRecord.objects.filter(age__lt=50).update(unit=unit_b, outcome=card.Outcome.DIED)
    assert_rollup_equals_records()
    InjuryRecord.objects.update(injury_date=F("injury_date") - timedelta(days=31))
    assert_rollup_equals_records()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE injuries_injuryrecord SET cause = 9 WHERE age = 90")
        cursor.execute("DELETE FROM injuries_injuryrecord WHERE age = 3")
    assert_rollup_equals_records()


@pytest.fixture
def old_apps(transactional_db):
    yield from migrated_back([("injuries", "0005_batch_from_api")])


def test_the_migration_fills_the_rollup_from_the_records_already_there(old_apps):
    unit = UnitFactory(code="M01")  # (only the injuries app went back)
    old_records = old_apps.get_model("injuries", "InjuryRecord").objects
    for n, (day, age, cause, domain) in enumerate(
        [
            (date(2024, 3, 5), 34, card.Cause.FALL, "fall"),
            (date(2024, 3, 31), 70, card.Cause.FALL, "fall"),
            (date(2024, 4, 1), 20, card.Cause.MOTOR_VEHICLE, "traffic"),
        ]
    ):
        values = {
            "unit_id": unit.pk, "source": "hospital", "reporting_org": "顺义区医院",
            "record_number": f"M{n}", "injury_date": day, "sex": 1, "age": age, "cause": cause,
            "place": 1, "activity": 1, "intent": 1, "nature": 1, "body_part": 1, "severity": 1,
            "outcome": 1, "year": day.year, "month": day.month, "age_group": min(age // 5 * 5, 85),
            "age_band": card.age_band_of(age), "domain": domain,
        }  # fmt: skip
        old_records.create(**values)

    migrate([("injuries", "0006_rollup")])

    assert rollup_rows("month") == raw_counts("month")
    march = InjuryRollup.objects.get(month=date(2024, 3, 1), source="", domain="")
    assert (march.n, march.cause_3, march.sex_1_age_70) == (2, 2, 1)

    migrate([("injuries", "0009_rollup_years")])  # the years, summed from the months

    assert rollup_rows("year") == raw_counts("year", every_level=True)
    year = InjuryRollupYear.objects.get(year=2024, source="", domain="")
    assert (year.n, year.cause_3, year.cause_1) == (3, 2, 1)
    old_records.filter(record_number="M0").delete()  # the new triggers write both
    assert rollup_rows("month") == raw_counts("month")
    assert rollup_rows("year") == raw_counts("year", every_level=True)

    migrate([("injuries", "0011_rollup_years_coarse_levels")])  # without the finest years

    assert_rollup_equals_records()
    assert InjuryRollupYear.objects.filter(source="hospital", domain="").exists()
    old_records.filter(record_number="M1").delete()
    assert_rollup_equals_records()

    migrate([("injuries", "0010_records_without_duplicate_indexes")])  # and back

    assert rollup_rows("year") == raw_counts("year", every_level=True)
    old_records.create(**(values | {"record_number": "M3"}))  # written at every level again
    assert rollup_rows("year") == raw_counts("year", every_level=True)
    assert InjuryRollupYear.objects.filter(source="hospital", domain="traffic").get().n == 2


# --- Statistics: whole months from the rollup, edges from the records --------------------------

#: The edge day 2024-11-30, the whole months December to April, the edge 1–5 May: the
#: statistics' records fall in all three parts (and the comparison periods in 2023–24 and 2022).
EDGED = Period(date(2024, 11, 30), date(2025, 5, 5))


@pytest.fixture
def statistics_records(unit_a, unit_b):
    """The statistics tests' records: every code, over three periods and outside them."""
    return build_records([unit_a, unit_b, unit_a, UnitFactory(code="C01", population=None)], 60)


@pytest.fixture
def in_june_2025():
    with time_machine.travel(
        datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def counted(rows, period: Period, **where) -> int:
    return sum(
        all(row[k] == v for k, v in where.items())
        for row in in_range(rows, period.start, period.end)
    )


@pytest.mark.parametrize("source", ["", card.Source.HOSPITAL, card.Source.TRAFFIC_POLICE])
@pytest.mark.parametrize("domain", ["", card.Domain.FALL, card.Domain.TRAFFIC])
@pytest.mark.parametrize("one_unit", [False, True])
def test_statistics_over_edge_months_equal_a_count_in_python(
    in_june_2025, statistics_records, district_user, unit_a, source, domain, one_unit
):
    filters = Filters(
        period=EDGED,
        baseline_year=2022,
        units=(unit_a,) if one_unit else (),
        source=source,
        domain=domain,
    )
    where = {"source": source, "domain": domain, "unit_id": unit_a.pk if one_unit else None}
    rows = rows_in_python(**{key: value for key, value in where.items() if value})
    assert EDGED.whole_months is not None and len(EDGED.edges()) == 2
    assert all(counted(rows_in_python(), part) for part in [*EDGED.edges(), EDGED.whole_months])

    stats = statistics_for(district_user, filters)

    periods = filters.periods()
    assert stats.headline.total == counted(rows, EDGED)
    for table in stats.dimensions:
        expected = [
            [counted(rows, periods[key], **{table.key: code}) for code in codes_of(table.key)]
            for key in ("current", "previous", "baseline")
        ]
        shown = [[row[i] for row in table.rows] for i in (1, 3, 5)]
        assert shown == expected, table.key
    assert [row[1] for row in stats.trend.rows] == [
        counted(rows, Period(max(first, EDGED.start), min(Month.last_day(first), EDGED.end)))
        for first in Month.between(EDGED.start, EDGED.end)
    ]
    by_sex = {
        label: [row[1 + i] for row in stats.sex_age.rows] for i, label in enumerate((1, 2, 9))
    }
    for sex, column in by_sex.items():
        assert column == [
            counted(rows, EDGED, sex=sex, age_group=group) for group in codes_of("age_group")
        ]


def test_the_whole_months_are_read_from_the_rollup_and_the_edges_from_the_records(
    in_june_2025, statistics_records, district_user
):
    february = Filters(period=Period(date(2025, 2, 1), date(2025, 2, 28)), baseline_year=2022)
    may = Filters(period=Period(date(2025, 5, 1), date(2025, 5, 10)), baseline_year=2022)
    before = (statistics_for(district_user, february), statistics_for(district_user, may))
    assert before[0].headline.total > 0 and before[1].headline.total > 0
    rows = InjuryRollup.objects.filter(month__in=[date(2025, 2, 1), date(2025, 5, 1)])

    rows.filter(source="", domain="").update(n=F("n") + 100)

    units = rows.filter(month=date(2025, 2, 1), source="", domain="").count()
    assert statistics_for(district_user, february).headline.total == (
        before[0].headline.total + 100 * units
    )
    assert statistics_for(district_user, may).headline.total == before[1].headline.total


def assert_counts_over(stats, rows, period: Period) -> None:
    """The statistics of `period` — the total, every dimension's codes, sex × age group, the
    records of each year in the rates table — equal a count of `rows` in Python."""
    assert stats.headline.total == counted(rows, period)
    for table in stats.dimensions:
        shown = [row[1] for row in table.rows]
        assert shown == [counted(rows, period, **{table.key: code}) for code in codes_of(table.key)]
    for i, sex in enumerate((1, 2, 9)):
        assert [row[1 + i] for row in stats.sex_age.rows] == [
            counted(rows, period, sex=sex, age_group=group) for group in codes_of("age_group")
        ]
    years = range(period.start.year, period.end.year + 1)
    assert stats.rates.total[3::2] == [  # every unit's records, per year of the period
        counted(rows, Period(max(period.start, date(y, 1, 1)), min(period.end, date(y, 12, 31))))
        for y in years
    ]


#: The edge 20–31 December 2021 (no records), the whole years 2022–2024, the whole months
#: January to April 2025, the edge 1–5 May 2025.
YEARS = Period(date(2021, 12, 20), date(2025, 5, 5))


@pytest.mark.parametrize("source", ["", card.Source.HOSPITAL])
@pytest.mark.parametrize("domain", ["", card.Domain.FALL])
@pytest.mark.parametrize("one_unit", [False, True])
def test_statistics_over_whole_years_equal_a_count_in_python(
    in_june_2025, statistics_records, district_user, unit_a, source, domain, one_unit
):
    filters = Filters(
        period=YEARS,
        baseline_year=2022,
        units=(unit_a,) if one_unit else (),
        source=source,
        domain=domain,
    )
    where = {"source": source, "domain": domain, "unit_id": unit_a.pk if one_unit else None}
    rows = rows_in_python(**{key: value for key, value in where.items() if value})
    assert YEARS.whole_years == Period(date(2022, 1, 1), date(2024, 12, 31))
    assert YEARS.months_outside_years() == [Period(date(2025, 1, 1), date(2025, 4, 30))]
    parts = [YEARS.whole_years, *YEARS.months_outside_years(), YEARS.edges()[1]]
    assert all(counted(rows_in_python(), part) for part in parts)

    stats = statistics_for(district_user, filters)

    assert_counts_over(stats, rows, YEARS)


@pytest.mark.parametrize(
    ("period", "counted_off"),
    [
        # Edges of 29 and 30 days: April and March from the rollup, less 1 April 2022 and
        # 31 March 2025 from the records (each holds records).
        (
            Period(date(2022, 4, 2), date(2025, 3, 30)),
            [
                Period(date(2022, 4, 1), date(2022, 4, 1)),
                Period(date(2025, 3, 31), date(2025, 3, 31)),
            ],
        ),
        # Compared with 2024 and 2022 (counted so too): January and March 2025 less their 1st
        # and 31st.
        (
            Period(date(2025, 1, 2), date(2025, 3, 30)),
            [
                Period(date(2025, 1, 1), date(2025, 1, 1)),
                Period(date(2025, 3, 31), date(2025, 3, 31)),
            ],
        ),
        # June 2024 holds the start of this period and the end of the previous year's: its
        # 21 days are counted as they are.
        (Period(date(2024, 6, 10), date(2025, 6, 5)), []),
    ],
)
def test_an_edge_longer_than_half_its_month_is_its_month_less_the_other_days(
    in_june_2025, statistics_records, district_user, period, counted_off
):
    filters = Filters(period=period, baseline_year=2022)
    periods = list(dict.fromkeys(filters.periods().values()))
    taken = split_years(periods)[3]
    assert [part for index, part in taken if index == 0] == counted_off  # of this period
    assert all(counted(rows_in_python(), part) for part in counted_off)

    stats = statistics_for(district_user, filters)

    rows = rows_in_python()
    assert_counts_over(stats, rows, period)
    if filters.compares:
        assert stats.headline.previous == counted(rows, filters.previous)


def test_a_period_ending_today_reads_its_month_from_the_rollup_less_the_days_to_come(
    in_june_2025, statistics_records, district_user, unit_a
):
    """The current month's days up to today are read as the month's rollup row less the days
    after today: none are read, and a card dated after today (entered by hand in the admin)
    is subtracted, not counted."""
    InjuryRecordFactory(unit=unit_a, injury_date=date(2025, 6, 20))
    period = Period(date(2025, 1, 1), date(2025, 6, 15))
    filters = Filters(period=period, baseline_year=2022)
    periods = list(dict.fromkeys(filters.periods().values()))
    _years, months, edges, taken = split_years(periods)

    assert (0, Period(date(2025, 6, 1), date(2025, 6, 30))) in months
    assert [part for index, part in taken if index == 0] == [
        Period(date(2025, 6, 16), date(2025, 6, 30))
    ]
    assert not [edge for index, edge in edges if index == 0]
    stats = statistics_for(district_user, filters)

    assert_counts_over(stats, rows_in_python(), period)


def test_the_whole_years_are_read_from_the_rollups_years(
    in_june_2025, statistics_records, district_user
):
    years = Filters(period=Period(date(2024, 1, 1), date(2024, 12, 31)), baseline_year=2022)
    months = Filters(period=Period(date(2024, 1, 1), date(2024, 11, 30)), baseline_year=2022)
    before = (statistics_for(district_user, years), statistics_for(district_user, months))
    assert before[0].headline.total > 0 and before[1].headline.total > 0
    rows = InjuryRollupYear.objects.filter(year=2024, source="", domain="")

    rows.update(n=F("n") + 100)

    assert statistics_for(district_user, years).headline.total == (
        before[0].headline.total + 100 * rows.count()
    )
    assert statistics_for(district_user, months).headline.total == before[1].headline.total


def test_one_source_and_one_domain_at_once_read_their_whole_years_from_the_months(
    in_june_2025, statistics_records, district_user
):
    year = Period(date(2024, 1, 1), date(2024, 12, 31))
    pairs = Counter(
        (row["source"], row["domain"]) for row in in_range(rows_in_python(), year.start, year.end)
    )
    (source, domain), _n = pairs.most_common(1)[0]
    both = Filters(period=year, baseline_year=2022, source=source, domain=domain)
    before = statistics_for(district_user, both).headline.total
    assert before == counted(rows_in_python(source=source, domain=domain), year) > 0
    InjuryRollupYear.objects.filter(year=2024).update(n=F("n") + 100)  # every level kept

    assert statistics_for(district_user, both).headline.total == before
    assert not InjuryRollupYear.objects.exclude(source="").exclude(domain="").exists()


def test_the_database_refuses_a_year_row_of_one_source_and_one_domain(db, unit_a):
    with pytest.raises(IntegrityError):
        InjuryRollupYear.objects.create(unit=unit_a, year=2024, source="hospital", domain="fall")


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize(
    "period",
    [("2015-06-16", "2025-06-15"), ("2024-11-30", "2025-05-05"), ("2025-05-01", "2025-05-10")],
)
def test_the_statistics_pages_queries_do_not_grow_with_records(
    in_june_2025,
    client_for,
    district_user,
    unit_a,
    unit_b,
    django_assert_max_num_queries,
    count,
    period,
):
    build_records([unit_a, unit_b], count)
    client = client_for(district_user)
    query = {"date_from": period[0], "date_to": period[1], "source": "hospital"}

    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        assert client.get(reverse("injuries:statistics"), query).status_code == 200


def test_the_rollup_counts_every_dimension_the_statistics_show():
    counted_fields = {field for columns in COLUMNS.values() for field, _code in columns}
    assert set(DIMENSIONS) - {"age_band"} <= counted_fields
