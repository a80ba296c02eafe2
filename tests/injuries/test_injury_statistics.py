"""The injury statistics page and its xlsx export.

The numbers are checked against a count in plain Python over the same rows
(`InjuryRecord.objects.values(...)`), the page against the functions, the export against the
page. The clock stands still on 15 June 2025, so the default period is 1 January – 15 June 2025,
the previous year's 1 January – 15 June 2024, and the baseline (the year before the test
programme started, 1 January 2023) the same dates of 2022.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO
from itertools import cycle
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from injuries.choices import (
    AGE_GROUP_CHOICES,
    Activity,
    BodyPart,
    Cause,
    Domain,
    Intent,
    Nature,
    Outcome,
    Place,
    Severity,
    Sex,
    Source,
)
from injuries.errors import DATES_REVERSED
from injuries.jobs import export_statistics
from injuries.models import InjuryRecord
from injuries.selectors import (
    DIMENSIONS,
    Filters,
    Period,
    injury_statistics,
    records_for,
    rollup_for,
    shift_years,
    statistics_for,
)
from tests.downloads import downloaded, export_record, in_english, run_export
from tests.factories import InjuryRecordFactory, UnitFactory

STATISTICS = reverse("injuries:statistics")
EXPORT = reverse("injuries:statistics-export")
TODAY = date(2025, 6, 15)
PERIOD = (date(2025, 1, 1), TODAY)
PREVIOUS = (date(2024, 1, 1), date(2024, 6, 15))
BASELINE = (date(2022, 1, 1), date(2022, 6, 15))
# Session and user, the ids of the district's units (the records' scope), the form (units,
# baseline), and the grouped counts (`injuries.selectors.counts`): three on the rollup's months,
# four on the records for the edges, two on the rollup's years for a period holding a whole
# year.
PAGE_MAX_QUERIES = 17


@pytest.fixture(autouse=True)
def june_15_2025():
    with time_machine.travel(
        datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


# Injury dates spread over this period, the previous year's and the baseline's, and a few
# just outside them, which must count nowhere.
DATES = [
    date(2025, 1, 1),
    date(2025, 2, 14),
    date(2025, 3, 31),
    date(2025, 5, 5),
    date(2025, 6, 15),
    date(2024, 1, 1),
    date(2024, 2, 29),
    date(2024, 6, 15),
    date(2024, 6, 16),  # after the previous year's range
    date(2024, 11, 30),
    date(2022, 4, 1),
    date(2022, 6, 15),
    date(2022, 6, 16),  # after the baseline range
    date(2023, 3, 3),  # in no period
]
AGES = [3, 12, 17, 34, 45, 61, 70, 88, 25]
SOURCES = [Source.HOSPITAL, Source.HOSPITAL, Source.TRAFFIC_POLICE, Source.WORK_SAFETY]


def build_records(units, count: int) -> list[InjuryRecord]:
    """`count` records cycling through units, dates, ages, sexes, sources and every code list."""
    columns = {
        "unit": cycle(units),
        "injury_date": cycle(DATES),
        "age": cycle(AGES),
        "sex": cycle(Sex.values),
        "cause": cycle(Cause.values),
        "place": cycle(Place.values),
        "activity": cycle(Activity.values),
        "intent": cycle(Intent.values),
        "nature": cycle(Nature.values),
        "body_part": cycle(BodyPart.values),
        "severity": cycle(Severity.values),
        "outcome": cycle(Outcome.values),
        "source": cycle(SOURCES),
    }
    records = []
    for _n in range(count):
        values = {name: next(column) for name, column in columns.items()}
        records.append(InjuryRecordFactory(visit_date=values["injury_date"], **values))
    return records


@pytest.fixture
def unit_c(db):
    return UnitFactory(code="C01", name="丙区", population=None)


@pytest.fixture
def records(unit_a, unit_b, unit_c):
    unit_b.population = 20000
    unit_b.save()
    return build_records([unit_a, unit_b, unit_a, unit_c], 60)


# --- The count in plain Python ---


def rows_in_python(**where) -> list[dict]:
    """The records as rows, with the age groups worked out here from the age."""
    fields = ["unit_id", "source", "domain", "injury_date", "age", *DIMENSIONS]
    rows = []
    for row in InjuryRecord.objects.values(*fields):
        age = row["age"]
        row["age_group"] = min(age // 5 * 5, 85)
        row["age_band"] = "0-14" if age < 15 else "15-59" if age < 60 else "60+"
        if all(row[key] == value for key, value in where.items()):
            rows.append(row)
    return rows


def in_range(rows, first: date, last: date) -> list[dict]:
    return [row for row in rows if first <= row["injury_date"] <= last]


def percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def expected_dimension(rows, field: str, codes) -> list[list]:
    now, before, base = (
        in_range(rows, *PERIOD),
        in_range(rows, *PREVIOUS),
        in_range(rows, *BASELINE),
    )
    table = []
    for code in codes:
        n = sum(row[field] == code for row in now)
        p = sum(row[field] == code for row in before)
        b = sum(row[field] == code for row in base)
        table.append([n, percent(n, len(now)), p, percent(n - p, p), b, percent(n - b, b)])
    return table


def codes_of(field: str) -> list:
    choices = (
        AGE_GROUP_CHOICES if field == "age_group" else InjuryRecord._meta.get_field(field).choices
    )
    return [code for code, _label in choices]


def statistics(user, **filters):
    chosen = Filters(period=Period(*PERIOD), baseline_year=2022, **filters)
    return injury_statistics(
        records=records_for(user, chosen),
        rollup=rollup_for(user, chosen),
        units=list(chosen.units),
        filters=chosen,
    )


# --- The numbers ---


def test_every_dimension_table_equals_a_count_in_python(records, district_user):
    stats = statistics(district_user)

    rows = rows_in_python()
    for table in stats.dimensions:
        expected = expected_dimension(rows, table.key, codes_of(table.key))
        assert [row[1:] for row in table.rows] == expected, table.key


def test_the_data_spreads_over_all_three_periods_and_outside_them(records):
    rows = rows_in_python()

    assert len(in_range(rows, *PERIOD)) == 24
    assert len(in_range(rows, *PREVIOUS)) == 12
    assert len(in_range(rows, *BASELINE)) == 8
    assert len(rows) == 60


def test_headline_counts_records_deaths_and_changes(records, district_user):
    stats = statistics(district_user)

    rows = rows_in_python()
    now = in_range(rows, *PERIOD)
    before, base = len(in_range(rows, *PREVIOUS)), len(in_range(rows, *BASELINE))
    assert stats.headline.total == len(now)
    assert stats.headline.deaths == sum(row["outcome"] == Outcome.DIED for row in now)
    assert stats.headline.deaths > 0
    assert stats.headline.change_previous == percent(len(now) - before, before)
    assert stats.headline.change_baseline == percent(len(now) - base, base)


def test_monthly_trend_counts_each_month_beside_the_same_month_a_year_earlier(
    records, district_user
):
    stats = statistics(district_user)

    rows = rows_in_python()
    expected = []
    for month in range(1, 7):
        n = sum(row["injury_date"].month == month for row in in_range(rows, *PERIOD))
        p = sum(row["injury_date"].month == month for row in in_range(rows, *PREVIOUS))
        expected.append([f"2025-{month:02d}", n, p, percent(n - p, p)])
    assert stats.trend.rows == expected
    assert stats.trend.total[1:3] == [24, 12]
    assert stats.trend.chart["series"][0]["data"] == [row[1] for row in expected]


def test_sex_and_age_group_table_equals_a_count_in_python(records, district_user):
    stats = statistics(district_user)

    now = in_range(rows_in_python(), *PERIOD)
    for (group, _label), row in zip(AGE_GROUP_CHOICES, stats.sex_age.rows, strict=True):
        by_sex = [
            sum(r["sex"] == sex and r["age_group"] == group for r in now) for sex in Sex.values
        ]
        assert row[1:] == [*by_sex, sum(by_sex)]
    assert stats.sex_age.total[-1] == len(now)


def test_rates_per_100000_divide_each_units_records_by_its_population(
    records, district_user, unit_a, unit_b, unit_c
):
    chosen = Filters(period=Period(*PERIOD), baseline_year=2022)
    stats = injury_statistics(
        records=records_for(district_user, chosen),
        rollup=rollup_for(district_user, chosen),
        units=[unit_a, unit_b, unit_c],
        filters=chosen,
    )

    now = in_range(rows_in_python(), *PERIOD)
    n = {
        unit.pk: sum(row["unit_id"] == unit.pk for row in now) for unit in (unit_a, unit_b, unit_c)
    }
    assert stats.rates.rows == [
        ["A01", "甲镇", 30000, n[unit_a.pk], round(n[unit_a.pk] * 100000 / 30000, 1)],
        ["B01", "乙街道", 20000, n[unit_b.pk], round(n[unit_b.pk] * 100000 / 20000, 1)],
        ["C01", "丙区", None, n[unit_c.pk], None],
    ]
    district = round((n[unit_a.pk] + n[unit_b.pk]) * 100000 / 50000, 1)
    assert stats.rates.total[2:] == [50000, len(now), district]
    assert n[unit_c.pk] > 0  # the unit without a population has records, left out of the rate


def test_the_city_office_compares_the_rates_of_districts_by_their_census_population(
    records, city_user, other_district, client_for
):
    huairou = UnitFactory(code="110116001", name="泉河街道", district=other_district)
    build_records([huairou], 14)
    chosen = Filters(period=Period(*PERIOD), baseline_year=2022)

    stats = statistics_for(city_user, chosen)

    now = in_range(rows_in_python(), *PERIOD)
    in_huairou = sum(row["unit_id"] == huairou.pk for row in now)
    in_shunyi = len(now) - in_huairou
    assert in_huairou > 0 and in_shunyi > 0
    shunyi = round(in_shunyi * 100000 / 1_324_044, 1)
    assert stats.rates.rows == [
        ["110113", "顺义区", 1_324_044, in_shunyi, shunyi],
        ["110116", "怀柔区", 441_040, in_huairou, round(in_huairou * 100000 / 441_040, 1)],
    ]
    city = round(len(now) * 100000 / (1_324_044 + 441_040), 1)
    assert stats.rates.total == ["", "全市", 1_324_044 + 441_040, len(now), city]
    assert stats.rates.chart["categories"] == ["顺义区", "怀柔区"]
    page = client_for(city_user).get(reverse("injuries:statistics"), {"date_from": PERIOD[0]})
    assert [row[1] for row in page.context["stats"].rates.rows] == ["顺义区", "怀柔区"]


def test_a_period_across_new_year_has_a_rate_column_per_year(records, district_user, unit_a):
    chosen = Filters(period=Period(date(2024, 11, 1), date(2025, 2, 28)), baseline_year=2022)
    stats = injury_statistics(
        records=records_for(district_user, chosen),
        rollup=rollup_for(district_user, chosen),
        units=[unit_a],
        filters=chosen,
    )

    rows = [r for r in rows_in_python(unit_id=unit_a.pk)]
    in_2024 = len(in_range(rows, date(2024, 11, 1), date(2024, 12, 31)))
    in_2025 = len(in_range(rows, date(2025, 1, 1), date(2025, 2, 28)))
    assert stats.rates.rows == [
        ["A01", "甲镇", 30000, in_2024, round(in_2024 / 0.3, 1), in_2025, round(in_2025 / 0.3, 1)]
    ]
    assert [row[0] for row in stats.trend.rows] == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_filters_by_unit_source_and_domain_change_the_numbers(records, district_user, unit_b):
    by_unit = statistics(district_user, units=(unit_b,))
    by_source = statistics(district_user, source=Source.TRAFFIC_POLICE)
    by_domain = statistics(district_user, domain=Domain.TRAFFIC)

    def cause_counts(**where):
        return [
            row[0] for row in expected_dimension(rows_in_python(**where), "cause", Cause.values)
        ]

    assert [row[1] for row in by_unit.dimensions[0].rows] == cause_counts(unit_id=unit_b.pk)
    assert [row[1] for row in by_source.dimensions[0].rows] == cause_counts(source="traffic_police")
    assert [row[1] for row in by_domain.dimensions[0].rows] == cause_counts(domain="traffic")
    assert 0 < by_unit.headline.total < 24
    assert 0 < by_source.headline.total < 24
    assert 0 < by_domain.headline.total < 24


def test_a_baseline_year_equal_to_the_previous_year_counts_the_same_records(records, district_user):
    chosen = Filters(period=Period(*PERIOD), baseline_year=2024)
    stats = injury_statistics(
        records=records_for(district_user, chosen),
        rollup=rollup_for(district_user, chosen),
        units=[],
        filters=chosen,
    )

    assert stats.headline.baseline == stats.headline.previous == 12


def test_a_period_of_a_year_or_more_is_not_compared(records, district_user):
    chosen = Filters(period=Period(date(2024, 1, 1), TODAY), baseline_year=2022)
    stats = injury_statistics(
        records=records_for(district_user, chosen),
        rollup=rollup_for(district_user, chosen),
        units=[],
        filters=chosen,
    )

    rows = rows_in_python()
    assert stats.headline.total == len(in_range(rows, date(2024, 1, 1), TODAY))
    assert stats.headline.previous is None
    assert len(stats.dimensions[0].columns) == 3
    assert len(stats.trend.rows) == 18


def test_shifting_a_year_turns_29_february_into_the_28th():
    assert shift_years(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert shift_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert Period(date(2025, 1, 1), date(2025, 12, 31)).within_a_year
    assert not Period(date(2025, 1, 1), date(2026, 1, 1)).within_a_year


# --- The page ---


def cell_values(html: str, key: str) -> list[list[str]]:
    """The data-value of each body cell of the page's table `key`, row by row."""
    table = re.search(rf'<table[^>]*id="stats-{key}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [
        re.findall(r'data-value="([^"]*)"', row)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def shown(value) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def test_page_shows_the_default_period_and_the_tables_as_counted(
    records, client_for, district_user
):
    response = client_for(district_user).get(STATISTICS)

    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.filters.period == Period(*PERIOD)
    assert stats.filters.baseline_year == 2022  # the programme started in 2023
    html = response.content.decode()
    rows = rows_in_python()
    for field in ("cause", "outcome", "age_group"):
        expected = expected_dimension(rows, field, codes_of(field))
        assert cell_values(html, field) == [[shown(v) for v in row] for row in expected]
    assert 'id="injury-statistics-data"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert f'id="headline-total">{stats.headline.total}<' in html


def test_page_filters_from_the_query_string(records, client_for, district_user, unit_a):
    response = client_for(district_user).get(
        STATISTICS,
        {
            "units": [unit_a.pk],
            "source": "hospital",
            "date_from": "2025-02-01",
            "date_to": "2025-05-31",
        },
    )

    rows = in_range(
        rows_in_python(unit_id=unit_a.pk, source="hospital"), date(2025, 2, 1), date(2025, 5, 31)
    )
    stats = response.context["stats"]
    assert stats.headline.total == len(rows) > 0
    assert stats.filters.previous == Period(date(2024, 2, 1), date(2024, 5, 31))
    assert [unit.code for unit in stats.filters.units] == ["A01"]
    assert [row[0] for row in stats.rates.rows] == ["A01"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2025-13-40"}, "date_from"),
        ({"date_from": "2025-06-01", "date_to": "2025-01-01"}, "date_to"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"baseline_year": "abc"}, "baseline_year"),
        ({"baseline_year": "2099"}, "baseline_year"),
        ({"source": "rumour"}, "source"),
        ({"domain": "space"}, "domain"),
        ({"units": "x"}, "units"),
    ],
)
def test_invalid_filters_show_an_error_at_the_field(client_for, district_user, query, field):
    response = client_for(district_user).get(STATISTICS, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "stats" not in response.context
    assert 'id="filter-errors"' in response.content.decode()


def test_dates_in_the_wrong_order_say_so(english, district_user):
    english.force_login(district_user)

    response = english.get(STATISTICS, {"date_from": "2025-06-01", "date_to": "2025-01-01"})

    assert response.context["form"].errors["date_to"] == [str(DATES_REVERSED)]


def test_an_invalid_export_returns_to_the_page_with_the_filters(client_for, district_user):
    response = client_for(district_user).get(EXPORT, {"baseline_year": "abc"})

    assert response.status_code == 302
    assert response["Location"] == f"{STATISTICS}?baseline_year=abc"


# --- Who sees what ---


def test_clerk_counts_only_their_own_units_records(records, client_for, clerk_a, unit_a):
    response = client_for(clerk_a).get(STATISTICS)

    stats = response.context["stats"]
    own = in_range(rows_in_python(unit_id=unit_a.pk), *PERIOD)
    assert stats.headline.total == len(own) < 24
    assert [row[0] for row in stats.rates.rows] == ["A01"]
    assert "乙街道" not in response.content.decode()


def test_clerk_asking_for_another_unit_gets_a_form_error_and_no_numbers(
    records, client_for, clerk_a, unit_b
):
    client = client_for(clerk_a)

    page = client.get(STATISTICS, {"units": [unit_b.pk]})
    export = client.get(EXPORT, {"units": [unit_b.pk]})

    assert page.status_code == 200
    assert "units" in page.context["form"].errors
    assert "stats" not in page.context
    assert "乙街道" not in page.content.decode()
    assert export.status_code == 302


def test_provider_sees_every_units_numbers(records, client_for, provider):
    stats = client_for(provider).get(STATISTICS).context["stats"]

    assert stats.headline.total == 24
    assert [row[0] for row in stats.rates.rows] == ["A01", "C01", "B01"]  # plan order


def test_evaluator_sees_an_empty_page_and_export(records, client_for, evaluator):
    client = client_for(evaluator)

    response = client.get(STATISTICS)
    export = client.get(EXPORT)

    assert response.status_code == 200
    assert response.context["stats"].headline.total == 0
    assert response.context["stats"].rates.rows == []
    assert 'id="no-records"' in response.content.decode()
    filters = downloaded(client, export).workbook().worksheets[0]
    assert dict(row for row in filters.iter_rows(values_only=True) if row[0])["记录"] == 0


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(STATISTICS).status_code == 302
    assert client.get(EXPORT).status_code == 302


# --- The export ---


def test_export_has_a_sheet_per_table_exactly_as_the_page_shows_it(
    records, english, district_user, unit_a
):
    english.force_login(in_english(district_user))
    query = {"source": "hospital"}

    page = english.get(STATISTICS, query)
    export = downloaded(english, english.get(EXPORT, query))

    assert export.response["Content-Disposition"] == (
        'attachment; filename="injury-statistics-20250101-20250615.xlsx"'
    )
    assert export.job.title == "Injury statistics export 2025-01-01 – 2025-06-15"
    book = export.workbook()
    stats = page.context["stats"]
    assert book.sheetnames == ["Filters", *(table.title for table in stats.tables)]
    for table in stats.tables:
        sheet = [list(row) for row in book[table.title].iter_rows(values_only=True)]
        assert sheet[0] == [column.title for column in table.columns]
        assert sheet[1 : 1 + len(table.rows)] == table.rows
        assert sheet[1 + len(table.rows)] == [None if v == "" else v for v in table.total]
    filters = dict(row for row in book["Filters"].iter_rows(values_only=True) if row[0])
    assert filters["Source"] == "hospital"
    assert filters["Period"] == "2025-01-01 – 2025-06-15"
    assert filters["Records"] == stats.headline.total


def test_export_numbers_equal_a_count_in_python(records, english, district_user):
    english.force_login(in_english(district_user))

    book = downloaded(english, english.get(EXPORT)).workbook()

    rows = rows_in_python()
    sheet = list(book["Cause"].iter_rows(values_only=True))
    expected = expected_dimension(rows, "cause", Cause.values)
    assert [list(row[1:]) for row in sheet[1 : 1 + len(expected)]] == expected
    assert [row[0] for row in sheet[1:4]] == [
        "motor-vehicle crash",
        "non-motor-vehicle crash",
        "fall",
    ]


def test_exported_text_cannot_act_as_a_formula(english, district_user):
    UnitFactory(code="X01", name="=HYPERLINK(1)")
    english.force_login(in_english(district_user))

    book = downloaded(english, english.get(EXPORT)).workbook()

    names = [row[1] for row in book["Rates per 100,000 residents"].iter_rows()]
    [name] = [cell for cell in names if cell.value == "=HYPERLINK(1)"]
    assert name.data_type == "s"  # a text cell, not a formula, and no apostrophe shows


def test_page_links_to_the_export_with_its_filters(records, client_for, district_user):
    html = client_for(district_user).get(STATISTICS, {"source": "fire"}).content.decode()

    assert f'href="{EXPORT}?source=fire"' in html


# --- Queries ---


@pytest.mark.parametrize("count", [10, 200])
def test_page_and_export_queries_do_not_grow_with_records(
    client_for, district_user, unit_a, unit_b, django_assert_max_num_queries, count
):
    build_records([unit_a, unit_b], count)
    client = client_for(district_user)

    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        assert client.get(STATISTICS, {"units": [unit_a.pk, unit_b.pk]}).status_code == 200
    record = export_record(
        export_statistics, district_user, query={"units": [unit_a.pk, unit_b.pk]}
    )
    # The export's job: the page's queries, less the session and the user.
    with django_assert_max_num_queries(PAGE_MAX_QUERIES - 2):
        _outcome, content = run_export(record)
    assert load_workbook(BytesIO(content)).sheetnames[0] == "筛选条件"
    assert record.done == record.total > 0
