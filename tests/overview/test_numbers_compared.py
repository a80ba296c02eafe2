"""The numbers people compare, rounded once by one rule (四舍五入) wherever they appear: the
dashboard's injury change and rate, the statistics page's shares and changes, the reporting
rate with the reports it counts that are now returned. Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from injuries.choices import Cause
from programs.models import MonthlyReport
from programs.overview.selectors.dashboard import headline_numbers
from programs.overview.selectors.readiness import injury_periods
from safecommunity.calendar import Month
from tests.factories import InjuryRecordFactory, MonthlyReportFactory, UnitFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("programs:dashboard")
STATISTICS = reverse("injuries:statistics")
GRID = reverse("programs:report-grid")


@pytest.fixture(autouse=True)
def june_15_2026():
    with time_machine.travel(
        datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def row_of(response, unit):
    return next(row for row in response.context["board"].rows if row["pk"] == unit.pk)


def test_the_dashboard_shows_20_against_31_injuries_as_down_35_5_percent(client, district_user):
    unit = UnitFactory(code="T11", name="李桥镇", population=97_100)
    now, before = injury_periods(timezone.localdate())
    InjuryRecordFactory.create_batch(20, unit=unit, injury_date=now.end)
    InjuryRecordFactory.create_batch(31, unit=unit, injury_date=before.end)
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    row = row_of(response, unit)
    assert row["injuries"].change == -35.5
    assert row["injuries"].rate == 20.6  # 20.597… per 100,000
    html = response.content.decode()
    assert "▼35.5%" in html and "▼36%" not in html
    assert ">20.6<" in html


def test_an_exact_half_rounds_up_on_the_dashboard_and_the_statistics_page_alike(
    client, district_user
):
    # 17 against 16 is +6.25 %; 1 record of 16 is 6.25 % of them: both show 6.3, never 6.2.
    unit = UnitFactory(population=80_000)
    now, before = injury_periods(timezone.localdate())
    InjuryRecordFactory.create_batch(16, unit=unit, injury_date=now.end, cause=Cause.FALL)
    InjuryRecordFactory(unit=unit, injury_date=now.end, cause=Cause.BURN)
    InjuryRecordFactory.create_batch(16, unit=unit, injury_date=before.end)
    client.force_login(district_user)

    dashboard = client.get(DASHBOARD)
    statistics = client.get(STATISTICS)

    assert row_of(dashboard, unit)["injuries"].change == 6.3
    assert "▲6.3%" in dashboard.content.decode()
    stats = statistics.context["stats"]
    assert stats.headline.change_previous == 6.3
    cause = next(table for table in stats.dimensions if table.key == "cause")
    shares = {row[0]: row[2] for row in cause.rows if row[1]}
    assert sorted(shares.values()) == [5.9, 94.1]  # 1/17, 16/17
    assert row_of(dashboard, unit)["injuries"].rate == 21.3  # 17 / 80,000: 21.25
    html = statistics.content.decode()
    assert "+6.3%" in html


def test_a_share_of_exactly_6_25_percent_reads_6_3_on_the_statistics_page(client, district_user):
    unit = UnitFactory()
    InjuryRecordFactory(unit=unit, injury_date=date(2026, 5, 1), cause=Cause.BURN)
    InjuryRecordFactory.create_batch(15, unit=unit, injury_date=date(2026, 5, 1))
    client.force_login(district_user)

    response = client.get(STATISTICS)

    cause = next(t for t in response.context["stats"].dimensions if t.key == "cause")
    assert sorted(row[2] for row in cause.rows if row[1]) == [6.3, 93.8]
    table = response.content.decode().split('id="stats-cause"')[1].split("</table>")[0]
    assert 'data-value="6.3">6.3<' in table and ">6.2<" not in table


def test_a_half_per_100000_rounds_up_in_the_statistics_rates(client, district_user):
    unit = UnitFactory(population=80_000)
    InjuryRecordFactory.create_batch(3, unit=unit, injury_date=date(2026, 5, 1))
    client.force_login(district_user)

    stats = client.get(STATISTICS).context["stats"]

    (row,) = [row for row in stats.rates.rows if row[0] == unit.code]
    assert row[4] == 3.8  # 3.75 per 100,000


def test_the_rates_name_the_dates_they_count(client, district_user, english):
    UnitFactory()
    english.force_login(district_user)

    stats = english.get(STATISTICS).context["stats"]
    dashboard = english.get(DASHBOARD).content.decode()

    titles = [column.title for column in stats.rates.columns]
    assert "Rate per 100,000 2026 (01-01 – 06-15)" in titles
    assert "Per 100,000, 2026-01-01 – 06-15" in dashboard
    english.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        chinese = english.get(DASHBOARD).content.decode()
        stats = english.get(STATISTICS).context["stats"]
    assert "每10万人（2026-01-01 – 06-15）" in chinese
    assert "2026 (01-01 – 06-15) 发生率（1/10万）" in [c.title for c in stats.rates.columns]


def test_the_district_rate_counts_the_towns_and_streets_residents_not_the_zones_again(
    client, district_user
):
    town = UnitFactory(kind="town", population=60_000)
    street = UnitFactory(kind="street", population=40_000)
    zone = UnitFactory(kind="zone", population=10_000)  # lies within the town
    InjuryRecordFactory.create_batch(7, unit=town, injury_date=date(2026, 5, 1))
    InjuryRecordFactory.create_batch(2, unit=street, injury_date=date(2026, 5, 1))
    InjuryRecordFactory.create_batch(1, unit=zone, injury_date=date(2026, 5, 1))
    client.force_login(district_user)

    stats = client.get(STATISTICS).context["stats"]

    assert stats.rates.total[2] == 100_000
    assert stats.rates.total[3:] == [10, 10.0]


# --- the reporting rate and the returned reports it counts ---------------------------------------


@pytest.fixture
def may_reports():
    """Three units' reports of May 2026 (due 5 June): two reported, one of them now returned."""
    may = date(2026, 5, 1)
    units = [UnitFactory(joined_on=date(2026, 1, 1)) for _ in range(3)]
    MonthlyReportFactory(unit=units[0], period=may, status=MonthlyReport.Status.APPROVED)
    MonthlyReportFactory(unit=units[1], period=may, status=MonthlyReport.Status.RETURNED)
    return units


def test_the_grid_says_how_many_reported_reports_are_now_returned(
    client, district_user, may_reports
):
    client.force_login(district_user)

    response = client.get(GRID, {"start": "2026-05", "end": "2026-05"})

    grid = response.context["grid"]
    assert (grid.reporting.numerator, grid.reporting.denominator) == (2, 3)
    assert grid.reporting.returned == 1
    assert grid.reporting.percent == Decimal("66.7")
    html = response.content.decode()
    assert "66.7%" in html
    assert "其中已退回 1" in html


def test_the_grid_says_it_in_english_too(english, district_user, may_reports):
    english.force_login(district_user)

    html = english.get(GRID, {"start": "2026-05", "end": "2026-05"}).content.decode()

    assert "of which 1 returned" in html


def test_the_dashboard_headline_says_how_many_are_returned(district_user, may_reports):
    with (
        time_machine.travel(
            datetime(2026, 6, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
        ),
        translation.override("zh-hans"),
    ):
        headlines = {headline.key: headline for headline in headline_numbers(district_user)}

    assert headlines["reporting"].value == "66.7%"
    assert headlines["reporting"].detail.endswith(" · 其中已退回 1")


def test_a_month_without_returns_says_nothing_of_them(client, district_user):
    unit = UnitFactory(joined_on=date(2026, 1, 1))
    MonthlyReportFactory(
        unit=unit, period=Month.first_day(date(2026, 5, 1)), status=MonthlyReport.Status.APPROVED
    )
    client.force_login(district_user)

    html = client.get(GRID, {"start": "2026-05", "end": "2026-05"}).content.decode()

    assert "100.0%" in html and "已退回" not in html.split('id="report-legend"')[0]


def test_the_returned_count_never_exceeds_the_reported(district_user):
    from programs.reports.selectors.completeness import Rate

    with pytest.raises(ValueError):
        Rate(1, 3, returned=2)
    assert Rate(2, 3, returned=1).percent == Decimal("66.7")
