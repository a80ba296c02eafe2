"""The city dashboard (`/city/`): every district side by side for the city office and
administrators, each figure checked on small data, the total, the export, who reaches it, and
its fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, time
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.core.choices import TitleLevel
from programs.models import CreatingUnit, MonthlyReport, User
from programs.overview.selectors.city import city_board
from tests.factories import (
    CertificationFactory,
    DistrictFactory,
    InjuryRecordFactory,
    MonthlyReportFactory,
    PhaseFactory,
    ProgramFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)

CITY = reverse("programs:city-dashboard")
EXPORT = reverse("programs:city-export")
TODAY = date(2026, 12, 20)  # last month is November 2026, due on 5 December
LAST_MONTH = date(2026, 11, 1)

pytestmark = pytest.mark.usefixtures("english")  # pages and messages in English (msgids)


def submitted(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def city_user(db):
    return UserFactory(username="city", role=User.Role.CITY)


@pytest.fixture
def two_districts(db):
    """顺义区 (population 200,000) with three units, 怀柔区 (population unknown) with two.

    顺义区: two units in phase 1 (启动), one in phase 2 (实施); A01 holds a national title and
    a Beijing one (counted once, at national), A02 a Beijing title, A03 an expired one; two
    targets, one met (50 % holding Beijing or higher: 2 of 3) and one not (a national title
    for 2 units); November's reports from A01 on time and A02 late, none from A03; three injury
    records in the last 12 whole months, one this month and one before the 12 months.

    怀柔区: one unit in phase 1 (启动), one without a phase; H01 holds an international title;
    no target; November's report from H01 on time; two injury records in the months counted.
    """
    shunyi = DistrictFactory(population=200_000)
    huairou = DistrictFactory(code="110116", name="怀柔区", population=None)
    s_program = ProgramFactory(district=shunyi)
    h_program = ProgramFactory(code="hr", district=huairou)
    s_start = PhaseFactory(program=s_program, order=1, name="启动")
    s_work = PhaseFactory(program=s_program, order=2, name="实施")
    h_start = PhaseFactory(program=h_program, order=1, name="启动")
    a1 = UnitFactory(code="A01", program=s_program)
    a2 = UnitFactory(code="A02", program=s_program)
    a3 = UnitFactory(code="A03", program=s_program)
    h1 = UnitFactory(code="H01", program=h_program)
    h2 = UnitFactory(code="H02", program=h_program)
    CreatingUnit.objects.filter(pk__in=[a1.pk, a2.pk, h1.pk]).update(current_phase=s_start)
    CreatingUnit.objects.filter(pk=a3.pk).update(current_phase=s_work)
    CreatingUnit.objects.filter(pk=h1.pk).update(current_phase=h_start)

    CertificationFactory(unit=a1, level=TitleLevel.NATIONAL, named_on=date(2026, 3, 1))
    CertificationFactory(unit=a1, level=TitleLevel.MUNICIPAL)
    CertificationFactory(unit=a2, level=TitleLevel.MUNICIPAL)
    CertificationFactory(unit=a3, named_on=date(2020, 1, 1))  # ran out at the end of 2022
    CertificationFactory(unit=h1, level=TitleLevel.INTERNATIONAL)
    TargetFactory(program=s_program, level=TitleLevel.MUNICIPAL, threshold=50)
    TargetFactory(
        program=s_program,
        level=TitleLevel.NATIONAL,
        measure="units_count",
        threshold=2,
        deadline=date(2027, 12, 31),
    )

    approved = MonthlyReport.Status.APPROVED
    for unit, day in ((a1, date(2026, 12, 3)), (a2, date(2026, 12, 8)), (h1, date(2026, 12, 5))):
        MonthlyReportFactory(
            unit=unit, period=LAST_MONTH, status=approved, submitted_at=submitted(day)
        )
    MonthlyReportFactory(unit=h2, period=LAST_MONTH)  # a draft: not reported

    for unit, day in (
        (a1, date(2025, 12, 1)),
        (a1, date(2026, 6, 15)),
        (a2, date(2026, 11, 30)),
        (a1, date(2026, 12, 2)),  # this month: not among the 12 whole months
        (a2, date(2025, 11, 30)),  # before them
        (h1, date(2026, 1, 10)),
        (h2, date(2026, 10, 1)),
    ):
        InjuryRecordFactory(unit=unit, injury_date=day)
    return shunyi, huairou


def test_each_district_has_its_figures_and_the_city_its_total(two_districts, city_user):
    board = city_board(city_user, TODAY)

    shunyi, huairou = board.rows
    assert (shunyi.district.name, huairou.district.name) == ("顺义区", "怀柔区")
    assert [column.label for column in board.phases] == ["启动", "实施", "No phase"]
    assert (shunyi.units, shunyi.phase_cells) == (3, [2, 1, 0])
    assert (huairou.units, huairou.phase_cells) == (2, [1, 0, 1])
    # Beijing, national, international: each unit by its highest title in force.
    assert shunyi.title_cells == [1, 1, 0]
    assert huairou.title_cells == [0, 0, 1]
    assert (shunyi.targets_met, shunyi.targets_total) == (1, 2)
    assert (huairou.targets_met, huairou.targets_total) == (0, 0)
    assert (shunyi.reporting.numerator, shunyi.reporting.denominator) == (2, 3)
    assert (shunyi.on_time.numerator, shunyi.on_time.denominator) == (1, 3)
    assert (huairou.reporting.numerator, huairou.reporting.denominator) == (1, 2)
    assert (huairou.on_time.numerator, huairou.on_time.denominator) == (1, 2)
    assert str(shunyi.reporting.percent) == "66.7"
    assert (shunyi.injuries, shunyi.injury_rate) == (3, 1.5)
    assert (huairou.injuries, huairou.injury_rate) == (2, None)

    total = board.total
    assert (total.units, total.phase_cells, total.title_cells) == (5, [3, 1, 1], [1, 1, 1])
    assert (total.targets_met, total.targets_total) == (1, 2)
    assert (total.reporting.numerator, total.reporting.denominator) == (3, 5)
    assert (total.on_time.numerator, total.on_time.denominator) == (2, 5)
    # Every record counts; the rate only those of the districts with a population.
    assert (total.injuries, total.injury_rate) == (5, 1.5)


def test_the_page_shows_each_district_linking_to_its_page_and_the_total(
    client, two_districts, city_user
):
    client.force_login(city_user)

    response = client.get(CITY)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("programs:district-detail", args=["110113"])}"' in html
    assert f'href="{reverse("programs:district-detail", args=["110116"])}"' in html
    assert "City total" in html
    rows = response.context["board"].rows
    assert [row.district.code for row in rows] == ["110113", "110116"]
    assert "no data" in html  # 怀柔区's injury rate, without a population


def test_a_city_without_population_has_no_injury_rate(db, city_user):
    UnitFactory(program=ProgramFactory(district=DistrictFactory(population=None)))

    board = city_board(city_user, TODAY)

    assert board.total.injury_rate is None


def test_the_export_has_a_row_per_district_and_the_total(client, two_districts, city_user):
    client.force_login(city_user)

    response = client.get(EXPORT)

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Code", "District", "Units", "启动")
    assert [row[:3] for row in rows[1:]] == [
        ("110113", "顺义区", 3),
        ("110116", "怀柔区", 2),
        (None, "City total", 5),
    ]
    by_header = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [row["Targets met"] for row in by_header] == [1, 0, 1]
    # Written today (the clock says December 2026, as `TODAY`): the same 12 months.
    assert [row["Injuries per 100,000"] for row in by_header] == [1.5, None, 1.5]
    assert [row["Reporting rate (%)"] for row in by_header] == [66.7, 50, 60]


@pytest.mark.parametrize("persona", ["district_user", "provider", "evaluator"])
def test_nobody_but_the_city_and_administrators_reaches_it(client, two_districts, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(CITY).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_a_clerk_does_not_reach_it(client, two_districts):
    clerk = UserFactory(role=User.Role.CLERK, unit=CreatingUnit.objects.get(code="A01"))
    client.force_login(clerk)

    assert client.get(CITY).status_code == 404


def test_an_administrator_sees_it(client, two_districts, admin_user):
    client.force_login(admin_user)

    response = client.get(CITY)

    assert response.status_code == 200
    assert len(response.context["board"].rows) == 2


def test_the_city_lands_on_the_city_dashboard_and_its_menu_lists_the_districts(
    client, two_districts, city_user
):
    client.force_login(city_user)

    assert client.get(reverse("home")).url == CITY
    html = client.get(CITY).content.decode()
    menu = html[html.index('id="nav-city"') : html.index("</ul></li>", html.index('id="nav-city"'))]
    assert "City" in menu
    assert "顺义区" in menu and "怀柔区" in menu


def test_district_staff_have_no_city_menu(client, two_districts, district_user):
    client.force_login(district_user)

    html = client.get(reverse("programs:dashboard")).content.decode()

    assert 'id="nav-city"' not in html


def test_the_city_page_refuses_posts(client, two_districts, city_user):
    client.force_login(city_user)

    assert client.post(CITY).status_code == 405
    assert client.post(EXPORT).status_code == 405


def add_district(n: int) -> None:
    """A district with two units, each with a phase, a title, a report, an injury record, and a
    target for the district."""
    district = DistrictFactory(code=f"1101{n:02d}", population=100_000 + n)
    program = ProgramFactory(code=f"p{n}", district=district)
    phase = PhaseFactory(program=program, order=1, name="启动")
    TargetFactory(program=program)
    for k in range(2):
        unit = UnitFactory(code=f"D{n:02d}{k}", program=program)
        CreatingUnit.objects.filter(pk=unit.pk).update(current_phase=phase)
        CertificationFactory(unit=unit)
        MonthlyReportFactory(
            unit=unit,
            period=LAST_MONTH,
            status=MonthlyReport.Status.SUBMITTED,
            submitted_at=submitted(date(2026, 12, 1)),
        )
        InjuryRecordFactory(unit=unit, injury_date=date(2026, 6, 1))


# The session, the user, the board's eight, the menu's districts and the bell: 12, measured.
CITY_MAX_QUERIES = 12


@pytest.mark.parametrize("districts", [1, 3])
def test_the_page_reads_the_same_number_of_queries_for_1_and_3_districts(
    client, city_user, django_assert_max_num_queries, districts
):
    for n in range(districts):
        add_district(n + 10)
    client.force_login(city_user)

    with django_assert_max_num_queries(CITY_MAX_QUERIES):
        response = client.get(CITY)

    assert len(response.context["board"].rows) == districts


@pytest.mark.parametrize("districts", [1, 3])
def test_the_export_reads_the_same_number_of_queries_for_1_and_3_districts(
    client, city_user, django_assert_max_num_queries, districts
):
    for n in range(districts):
        add_district(n + 10)
    client.force_login(city_user)

    with django_assert_max_num_queries(CITY_MAX_QUERIES - 2):  # no menu, no bell
        response = client.get(EXPORT)

    assert response.status_code == 200
