"""The district filter of the pages that list units — the unit list, the progress page, the
monthly report grid — and of their exports: the city office (and administrators) narrow them
to one district by its code (`?district=110116`, the links of a district's page); district
staff are not offered the filter, and its parameter never takes them out of their district;
an unknown code is an error at the field, with no units, never a 500."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programs.core.errors import DISTRICT_NOT_VISIBLE
from programs.models import Indicator, MonthlyReport, ReportValue
from safecommunity.calendar import Month
from tests.downloads import downloaded
from tests.factories import MonthlyReportFactory, TargetFactory, UnitFactory
from tests.reports.test_completeness import REPORT_GRID_MAX_QUERIES, build_reports
from tests.test_queries import (
    PROGRESS_MAX_QUERIES,
    UNIT_LIST_MAX_QUERIES,
    build_progress,
    build_units,
)

HUAIROU = "110116"
SHUNYI = "110113"


def listed(response) -> list[str]:
    """The codes of the units a page lists (the grid's rows are its own)."""
    if "rows" in response.context:
        return [row["code"] for row in response.context["rows"]]
    return [unit.code for unit in response.context["units"]]


PAGES = ["programs:unit-list", "programs:progress", "programs:report-grid"]


@pytest.fixture
def huairou_units(other_district, unit_a):
    """Two units of 怀柔区 beside 顺义区's A01."""
    return [
        UnitFactory(code=code, program__code="hr", program__district=other_district)
        for code in ("H01", "H02")
    ]


@pytest.mark.parametrize("page", PAGES)
def test_the_city_office_lists_one_districts_units(client, city_user, huairou_units, page):
    client.force_login(city_user)

    assert listed(client.get(reverse(page))) == ["A01", "H01", "H02"]
    assert listed(client.get(reverse(page), {"district": HUAIROU})) == ["H01", "H02"]
    assert listed(client.get(reverse(page), {"district": SHUNYI})) == ["A01"]


@pytest.mark.parametrize("page", PAGES)
def test_the_city_office_chooses_among_every_district(client, city_user, huairou_units, page):
    client.force_login(city_user)

    html = client.get(reverse(page), {"district": HUAIROU}).content.decode()

    assert 'name="district"' in html
    assert f'<option value="{HUAIROU}" selected>怀柔区</option>' in html
    assert f'<option value="{SHUNYI}">顺义区</option>' in html


@pytest.mark.parametrize("page", PAGES)
def test_an_administrator_chooses_a_district_too(client, admin_user, huairou_units, page):
    client.force_login(admin_user)

    assert listed(client.get(reverse(page), {"district": HUAIROU})) == ["H01", "H02"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("code", ["999999", "怀柔区", "1101160", "11\x0016"])
def test_an_unknown_district_is_an_error_at_the_field_with_no_units(
    client, city_user, huairou_units, page, code
):
    client.force_login(city_user)

    response = client.get(reverse(page), {"district": code})

    assert response.status_code == 200
    assert listed(response) == []
    assert response.context["filter"].form.errors["district"] == [
        DISTRICT_NOT_VISIBLE % {"value": code}
    ]
    assert str(DISTRICT_NOT_VISIBLE % {"value": code}) in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_district_staff_are_not_offered_the_filter_and_stay_in_their_district(
    client, district_user, other_district_user, huairou_units, page
):
    client.force_login(district_user)

    response = client.get(reverse(page), {"district": HUAIROU})

    assert listed(response) == ["A01"]
    assert 'name="district"' not in response.content.decode()
    client.force_login(other_district_user)
    assert listed(client.get(reverse(page), {"district": SHUNYI})) == ["H01", "H02"]
    assert listed(client.get(reverse(page), {"district": "999999"})) == ["H01", "H02"]


def test_a_clerk_sending_a_district_sees_their_own_unit_only(client, clerk_a, huairou_units):
    client.force_login(clerk_a)

    for page in PAGES:
        assert listed(client.get(reverse(page), {"district": HUAIROU})) == ["A01"]


def test_a_districts_progress_shows_that_districts_targets(
    client, city_user, unit_a, huairou_units
):
    TargetFactory(program=huairou_units[0].program, name="怀柔目标")
    TargetFactory(program=unit_a.program, name="顺义目标")
    client.force_login(city_user)

    def targets(query: dict) -> list[str]:
        response = client.get(reverse("programs:progress"), query)
        return [result.target.name for result in response.context["targets"]]

    assert targets({"district": HUAIROU}) == ["怀柔目标"]
    assert targets({"district": SHUNYI}) == ["顺义目标"]
    assert targets({}) == []  # over several districts, no one programme's targets


# --- Exports ---


def test_the_progress_export_holds_the_districts_units_only(client, city_user, huairou_units):
    client.force_login(city_user)

    response = client.get(reverse("programs:progress-export"), {"district": HUAIROU})

    sheet = load_workbook(BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["H01", "H02"]


def test_the_progress_export_of_an_unknown_district_holds_no_unit(client, city_user, huairou_units):
    client.force_login(city_user)

    response = client.get(reverse("programs:progress-export"), {"district": "999999"})

    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).active.max_row == 1  # the header only


@pytest.fixture
def reported(huairou_units, unit_a):
    """A submitted report with one value for A01, H01 and H02 last month."""
    month = Month.last_months(1)[0]
    indicator = Indicator.objects.create(
        code="i1", name="指标1", unit_of_measure="次", section="work", order=1
    )
    for number, unit in enumerate([unit_a, *huairou_units]):
        report = MonthlyReportFactory(
            unit=unit, period=month, status=MonthlyReport.Status.SUBMITTED
        )
        ReportValue.objects.create(report=report, indicator=indicator, value=number)
    return month


def test_the_grid_links_its_export_with_the_district(client, city_user, reported):
    client.force_login(city_user)

    html = client.get(reverse("programs:report-grid"), {"district": HUAIROU}).content.decode()

    assert f'href="{reverse("programs:report-export")}?district={HUAIROU}"' in html


def test_the_report_export_holds_the_districts_values_only(client, city_user, reported):
    client.force_login(city_user)

    download = downloaded(
        client, client.get(reverse("programs:report-export"), {"district": HUAIROU})
    )

    assert download.job.params["query"]["district"] == [HUAIROU]
    sheet = load_workbook(BytesIO(download.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["H01", "H02"]


def test_district_staff_export_their_districts_values_whatever_district_they_send(
    client, other_district_user, reported
):
    client.force_login(other_district_user)

    download = downloaded(
        client, client.get(reverse("programs:report-export"), {"district": SHUNYI})
    )

    assert "district" not in download.job.params["query"]
    sheet = load_workbook(BytesIO(download.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["H01", "H02"]


# --- Queries ---
#
# The city office's pages of one district count as many queries as district staff's pages
# (`tests/test_queries.py`, `tests/reports/test_completeness.py`): where district staff's
# navigation counts what waits for review, the city office's lists the districts (its menu), and
# the district filter offers that same list, read once a request (`User.visible_districts`).
# Measured with 顺义区's 38 and 400 units beside 怀柔区's two.


@pytest.mark.parametrize("unit_count", [38, 400])
def test_a_districts_unit_list_queries_do_not_grow_with_units(
    client, city_user, huairou_units, django_assert_max_num_queries, unit_count
):
    build_units(unit_count, members_per_group=1)
    client.force_login(city_user)

    with django_assert_max_num_queries(UNIT_LIST_MAX_QUERIES):
        response = client.get(reverse("programs:unit-list"), {"district": HUAIROU})

    assert response.context["total"] == 2


@pytest.mark.parametrize("unit_count", [38, 400])
def test_a_districts_progress_queries_do_not_grow_with_units(
    client, city_user, huairou_units, django_assert_max_num_queries, unit_count
):
    build_progress(unit_count)
    client.force_login(city_user)

    with django_assert_max_num_queries(PROGRESS_MAX_QUERIES):
        response = client.get(reverse("programs:progress"), {"district": SHUNYI, "sort": "-gate"})

    assert response.context["total"] == unit_count + 1  # and A01
    assert response.context["targets"]


@pytest.mark.parametrize("unit_count", [38, 400])
def test_a_districts_grid_queries_do_not_grow_with_units(
    client, city_user, huairou_units, django_assert_max_num_queries, unit_count
):
    build_reports(unit_count)
    client.force_login(city_user)

    with django_assert_max_num_queries(REPORT_GRID_MAX_QUERIES):
        response = client.get(reverse("programs:report-grid"), {"district": SHUNYI})

    assert response.context["total"] == unit_count + 1  # and A01
