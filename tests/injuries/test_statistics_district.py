"""The injury statistics of one district, for the city office (`?district=110116`, the link of
a district's page): its records only, its units to choose from, the rates of its units, in the
page and in its export; district staff are not offered the filter and stay in their district;
an unknown code is an error at the field, with no numbers, never a 500."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from injuries.errors import DISTRICT_WITHOUT_UNITS
from programs.core.errors import DISTRICT_NOT_VISIBLE
from tests.downloads import downloaded
from tests.factories import DistrictFactory, InjuryRecordFactory, UnitFactory
from tests.injuries.test_injury_statistics import PAGE_MAX_QUERIES

STATISTICS = reverse("injuries:statistics")
EXPORT = reverse("injuries:statistics-export")
HUAIROU = "110116"
SHUNYI = "110113"


@pytest.fixture(autouse=True)
def june_15_2025():
    with time_machine.travel(
        datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def huairou_units(other_district):
    return [
        UnitFactory(code=code, name=name, program__code="hr", program__district=other_district)
        for code, name in (("H01", "怀北镇"), ("H02", "雁栖镇"))
    ]


@pytest.fixture
def records(unit_a, huairou_units):
    """This year: five records of A01 (顺义区), two of H01 and one of H02 (怀柔区)."""
    h01, h02 = huairou_units
    for unit, count in ((unit_a, 5), (h01, 2), (h02, 1)):
        for _n in range(count):
            InjuryRecordFactory(unit=unit, injury_date=date(2025, 3, 1))


def total(response) -> int:
    return response.context["stats"].headline.total


def unit_choices(response) -> list[str]:
    return [unit.code for unit in response.context["form"].fields["units"].queryset]


def test_the_city_office_counts_one_districts_records(client_for, city_user, records):
    client = client_for(city_user)

    assert total(client.get(STATISTICS)) == 8
    response = client.get(STATISTICS, {"district": HUAIROU})

    assert total(response) == 3
    assert unit_choices(response) == ["H01", "H02"]
    # the rates of the district's units, not of every district
    assert [row[0] for row in response.context["stats"].rates.rows] == ["H01", "H02"]
    assert total(client.get(STATISTICS, {"district": SHUNYI})) == 5


def test_the_city_office_chooses_among_every_district(client_for, city_user, records):
    html = client_for(city_user).get(STATISTICS, {"district": HUAIROU}).content.decode()

    assert f'<option value="{HUAIROU}" selected>怀柔区</option>' in html
    assert f'<option value="{SHUNYI}">顺义区</option>' in html


def test_units_of_the_district_narrow_it_further(client_for, city_user, records, huairou_units):
    h01, _h02 = huairou_units

    response = client_for(city_user).get(STATISTICS, {"district": HUAIROU, "units": [h01.pk]})

    assert total(response) == 2


def test_a_unit_of_another_district_is_an_error_at_the_units(
    client_for, city_user, records, unit_a
):
    response = client_for(city_user).get(STATISTICS, {"district": HUAIROU, "units": [unit_a.pk]})

    assert response.status_code == 200
    assert "stats" not in response.context
    assert "units" in response.context["form"].errors


@pytest.mark.parametrize("code", ["999999", "怀柔区", "1101160"])
def test_an_unknown_district_is_an_error_at_the_field_and_no_numbers(
    client_for, city_user, records, code
):
    response = client_for(city_user).get(STATISTICS, {"district": code})

    assert response.status_code == 200
    assert "stats" not in response.context
    message = DISTRICT_NOT_VISIBLE % {"value": code}
    assert response.context["form"].errors["district"] == [message]
    assert str(message) in response.content.decode()


def test_a_district_without_units_is_an_error_not_the_whole_city(client_for, city_user, records):
    DistrictFactory(code="110119", name="延庆区")

    response = client_for(city_user).get(STATISTICS, {"district": "110119"})

    assert "stats" not in response.context
    assert response.context["form"].errors["district"] == [
        DISTRICT_WITHOUT_UNITS % {"district": "延庆区"}
    ]


def test_district_staff_are_not_offered_the_filter_and_stay_in_their_district(
    client_for, district_user, other_district_user, records
):
    client = client_for(district_user)
    response = client.get(STATISTICS, {"district": HUAIROU})

    assert total(response) == 5
    assert unit_choices(response) == ["A01"]
    assert 'name="district"' not in response.content.decode()
    client = client_for(other_district_user)
    assert total(client.get(STATISTICS, {"district": SHUNYI})) == 3
    assert total(client.get(STATISTICS, {"district": "999999"})) == 3


# --- The export ---


def test_the_export_counts_the_districts_records(client_for, city_user, records):
    client = client_for(city_user)

    download = downloaded(client, client.get(EXPORT, {"district": HUAIROU}))

    assert download.job.params["query"]["district"] == [HUAIROU]
    book = load_workbook(BytesIO(download.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert summary["区"] == "怀柔区"  # the filters' sheet names the district
    rates = book.worksheets[-1]  # a row per unit of the district, then the total
    assert [row[0] for row in rates.iter_rows(min_row=2, max_row=4, values_only=True)] == [
        "H01",
        "H02",
        None,
    ]


def test_the_export_of_an_unknown_district_returns_to_the_page(client_for, city_user, records):
    response = client_for(city_user).get(EXPORT, {"district": "999999"})

    assert response.status_code == 302
    assert response.url == f"{STATISTICS}?district=999999"


# --- Queries ---

# The page's queries for district staff (`test_injury_statistics.PAGE_MAX_QUERIES`): where they
# read the ids of their district's units, the city office reads the districts (its menu's, which
# the filter offers); the district's units are read once, by the form, and the statistics then
# read none of their own.


@pytest.mark.parametrize("count", [1, 20])
def test_a_districts_page_queries_do_not_grow_with_units_or_records(
    client_for, city_user, other_district, django_assert_max_num_queries, count
):
    units = [
        UnitFactory(program__code="hr", program__district=other_district) for _n in range(count)
    ]
    for unit in units:
        InjuryRecordFactory.create_batch(2, unit=unit, injury_date=date(2025, 3, 1))
    client = client_for(city_user)

    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = client.get(STATISTICS, {"district": HUAIROU})

    assert total(response) == 2 * count
