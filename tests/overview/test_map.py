"""The city map (/map/): Beijing's 16 districts coloured by a measure — units holding a title,
last month's reporting rate, injuries per 100,000 over the last 12 whole months — the same
figures in a table; only the districts a user reads every unit of have figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import MonthlyReport, User
from programs.overview.selectors.maps import (
    BLUES,
    NO_DATA_COLOUR,
    REDS,
    Measure,
    city_map,
    injury_period,
    nice_ceiling,
)
from safecommunity.calendar import Month
from tests.factories import (
    CertificationFactory,
    DistrictFactory,
    InjuryRecordFactory,
    MonthlyReportFactory,
    UnitFactory,
    UserFactory,
)

SHUNYI, HUAIROU, MIYUN = "110113", "110116", "110118"
# session, user, bell, the city menu's districts; districts, units, reports, titles, rollup
MAP_MAX_QUERIES = 9


def chart_of(client, measure: str = "") -> dict:
    response = client.get(reverse("programs:map"), {"measure": measure} if measure else {})
    assert response.status_code == 200
    return {item["name"]: item for item in response.context["chart"]["districts"]}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def two_districts(db, today):
    """顺义区: 4 units, 1 with a title in force, 1 with an expired one; 3 reported last month (one
    of them returned since), 1 only a draft; 6 injury records in the last 12 whole months
    (and one this month, one 13 months ago), population 1,200,000.
    怀柔区: 2 units, both titled, 1 reported; no population."""
    last_month = Month.previous(today)
    shunyi = DistrictFactory(code=SHUNYI, name="顺义区", population=1_200_000)
    huairou = DistrictFactory(code=HUAIROU, name="怀柔区", population=None)
    s = [UnitFactory(code=f"S0{i}", program__code="sy", program__district=shunyi) for i in "0123"]
    h = [UnitFactory(code=f"H0{i}", program__code="hr", program__district=huairou) for i in "01"]
    CertificationFactory(unit=s[0])
    CertificationFactory(
        unit=s[1], named_on=today - timedelta(days=800), valid_until=today - timedelta(days=1)
    )
    for unit in h:
        CertificationFactory(unit=unit)
    for unit, status in [
        (s[0], MonthlyReport.Status.SUBMITTED),
        (s[1], MonthlyReport.Status.APPROVED),
        (s[2], MonthlyReport.Status.RETURNED),
        (s[3], MonthlyReport.Status.DRAFT),
        (h[0], MonthlyReport.Status.SUBMITTED),
    ]:
        MonthlyReportFactory(unit=unit, period=last_month, status=status)
    MonthlyReportFactory(unit=h[1], period=Month.previous(last_month), status="submitted")
    period = injury_period(today)
    for day in (period.start, period.start + timedelta(days=40), period.end):
        InjuryRecordFactory(unit=s[0], injury_date=day)
        InjuryRecordFactory(unit=s[2], injury_date=day)
    InjuryRecordFactory(unit=s[0], injury_date=today.replace(day=1))  # this month
    InjuryRecordFactory(unit=s[0], injury_date=period.start - timedelta(days=1))  # too early
    InjuryRecordFactory(unit=h[0], injury_date=period.end)
    return shunyi, huairou


@pytest.fixture
def city_user(db):
    return UserFactory(username="city", role=User.Role.CITY)


def test_the_figures_of_each_district_are_exact_on_small_data(two_districts, city_user):
    board = city_map(city_user, Measure.TITLES)
    rows = {row.code: row for row in board.rows}

    shunyi, huairou = rows[SHUNYI], rows[HUAIROU]
    assert (shunyi.titles.numerator, shunyi.titles.denominator) == (1, 4)
    assert shunyi.titles.value == Decimal("25.0")
    # reported once first submitted (a returned report counts); the draft does not
    assert (shunyi.reporting.numerator, shunyi.reporting.denominator) == (3, 4)
    assert shunyi.reporting.value == Decimal("75.0")
    # 6 records of 1,200,000 residents: 0.5 per 100,000
    assert (shunyi.injuries.numerator, shunyi.injuries.denominator) == (6, 1_200_000)
    assert shunyi.injuries.value == Decimal("0.5")
    assert (huairou.titles.numerator, huairou.titles.denominator) == (2, 2)
    assert (huairou.reporting.numerator, huairou.reporting.denominator) == (1, 2)
    assert huairou.injuries.numerator == 1 and huairou.injuries.value is None  # no population


def test_every_one_of_the_16_districts_is_on_the_map_and_those_off_the_portal_have_no_data(
    two_districts, city_user
):
    board = city_map(city_user, Measure.TITLES)

    assert len(board.rows) == 16
    miyun = next(row for row in board.rows if row.code == MIYUN)
    assert (miyun.name, miyun.on_portal, miyun.figures, miyun.url) == ("密云区", False, {}, "")
    assert miyun.colour == NO_DATA_COLOUR


def test_the_colour_follows_the_chosen_measure_and_a_missing_figure_is_no_data(
    two_districts, city_user
):
    titles = {row.code: row.colour for row in city_map(city_user, Measure.TITLES).rows}
    reporting = {row.code: row.colour for row in city_map(city_user, Measure.REPORTING).rows}
    injuries = city_map(city_user, Measure.INJURIES)

    assert titles[SHUNYI] == BLUES[1] and titles[HUAIROU] == BLUES[4]  # 25 %, 100 %
    assert reporting[SHUNYI] == BLUES[3] and reporting[HUAIROU] == BLUES[2]  # 75 %, 50 %
    colours = {row.code: row.colour for row in injuries.rows}
    assert colours[SHUNYI] == REDS[4]  # the highest rate tops the scale
    assert colours[HUAIROU] == NO_DATA_COLOUR  # no population
    labels = [step.label for step in injuries.bins]
    assert labels == ["0–0.1", "0.1–0.2", "0.2–0.3", "0.3–0.4", "0.4–0.5"]


def test_the_scale_of_the_injury_rate_ends_on_a_round_number():
    assert nice_ceiling(Decimal("0.1")) == Decimal("0.1")
    assert nice_ceiling(Decimal("37")) == 50
    assert nice_ceiling(Decimal("21")) == Decimal("25")
    assert nice_ceiling(Decimal("180")) == 200


def test_the_page_embeds_the_figures_and_links_each_district_to_its_page(
    client, two_districts, city_user
):
    client.force_login(city_user)

    chart = chart_of(client, "reporting")

    assert chart["顺义区"] == {
        "name": "顺义区",
        "label": "顺义区",
        "colour": BLUES[3],
        "text": "75.0",
        "value": 75.0,
        "url": reverse("programs:district-detail", kwargs={"code": SHUNYI}),
    }
    assert chart["密云区"]["url"] == "" and chart["密云区"]["text"] == ""


def test_the_page_offers_each_measure_as_a_link_and_names_no_data_in_the_legend(
    client, two_districts, city_user
):
    client.force_login(city_user)

    html = client.get(reverse("programs:map"), {"measure": "injuries"}).content.decode()

    for measure in Measure.values:
        assert f'href="?measure={measure}"' in html
    assert 'id="legend-no-data"' in html
    assert 'id="measure-injuries" aria-current="page"' in html
    assert "vendor/echarts-china-cities/beijing.geojson" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="city-map-data"' in html
    assert '<table class="table' in html and 'id="district-110113"' in html


def test_an_unknown_measure_is_a_bad_query(client, city_user):
    client.force_login(city_user)

    assert client.get(reverse("programs:map"), {"measure": "wealth"}).status_code == 400


def test_district_staff_see_their_own_districts_figures_and_no_other(client, two_districts):
    shunyi, _huairou = two_districts
    staff = UserFactory(username="shunyi", role=User.Role.DISTRICT, district=shunyi)
    client.force_login(staff)

    response = client.get(reverse("programs:map"))
    chart = {item["name"]: item for item in response.context["chart"]["districts"]}

    assert chart["顺义区"]["text"] == "25.0" and chart["顺义区"]["url"]
    assert chart["怀柔区"] == {
        "name": "怀柔区",
        "label": "怀柔区",
        "colour": NO_DATA_COLOUR,
        "text": "",
        "value": None,
        "url": "",
    }
    huairou_row = response.content.decode().split('id="district-110116"')[1].split("</tr>")[0]
    assert "2 of 2" not in huairou_row and "100.0" not in huairou_row


def test_a_clerk_reads_one_unit_so_no_district_has_figures_for_them(client, two_districts):
    clerk = UserFactory(role=User.Role.CLERK, unit=two_districts[0].units.first())
    client.force_login(clerk)

    chart = chart_of(client)

    assert all(item["text"] == "" for item in chart.values())
    assert chart["顺义区"]["colour"] == NO_DATA_COLOUR


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("programs:map"))

    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("district_count", [1, 3])
def test_the_map_reads_a_fixed_number_of_queries_whatever_the_districts(
    client, city_user, django_assert_max_num_queries, district_count, today
):
    for index, code in enumerate([SHUNYI, HUAIROU, MIYUN][:district_count]):
        district = DistrictFactory(code=code, name=f"区{code}")
        for n in range(3):
            unit = UnitFactory(
                code=f"Q{index}{n}", program__code=f"p{code}", program__district=district
            )
            CertificationFactory(unit=unit)
            MonthlyReportFactory(unit=unit, period=Month.previous(today), status="submitted")
            InjuryRecordFactory(unit=unit, injury_date=injury_period(today).end)
    client.force_login(city_user)

    with django_assert_max_num_queries(MAP_MAX_QUERIES):
        response = client.get(reverse("programs:map"), {"measure": "injuries"})

    assert response.status_code == 200
    drawn = [i for i in response.context["chart"]["districts"] if i["text"]]
    assert len(drawn) == district_count
