"""The funds pages: `/funds/` (execution by unit and by month) and a unit's ledger of a year —
who sees which units, the numbers to the fen, the running balance, the query count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.funds.selectors import execution_by_month, monthly_spending
from programs.models import CreatingUnit
from safecommunity.money import shown_yuan
from safecommunity.numbers import percent
from tests.factories import ProgramFactory, UnitFactory
from tests.funds.builders import YEAR, budget, paid, requested, spent

pytestmark = pytest.mark.django_db

FUNDS = reverse("programs:funds")


def ledger_url(unit, year: int = YEAR) -> str:
    return reverse("programs:funds-ledger", args=[unit.code, year])


@pytest.fixture
def huairou_unit(other_district):
    return UnitFactory(
        code="H01", name="怀柔镇", program=ProgramFactory(code="hr", district=other_district)
    )


@pytest.fixture
def money(unit_a, unit_b, huairou_unit, finance_user, other_district_finance, funds):
    """A year of unit A (budget 10,000.00 + 3,333.33, 4,000.00 paid, spending in January and
    March), unit B (a budget only) and 怀柔镇 in the other district."""
    budget(unit_a, 1_000_000, funds)
    budget(unit_a, 333_333, funds, source=funds.city_transfer)
    budget(unit_b, 500_001, funds)
    budget(huairou_unit, 700_000, funds)
    paid(unit_a, 400_000, funds, voucher="BF-1", finance=finance_user)
    paid(huairou_unit, 100_000, funds, voucher="BF-1", finance=other_district_finance)
    requested(unit_a, 50_000, funds)  # not paid: not disbursed
    spent(unit_a, 123_456, funds, voucher="ZC-1", on=date(YEAR, 1, 15))
    spent(unit_a, 1, funds, voucher="ZC-2", on=date(YEAR, 3, 2), source=funds.city_transfer)
    spent(unit_b, 99_999, funds, voucher="ZC-3", on=date(YEAR, 3, 31))
    spent(huairou_unit, 7, funds, voucher="ZC-1", on=date(YEAR, 2, 1))
    spent(unit_a, 5_000, funds, voucher="ZC-9", on=date(YEAR + 1, 1, 1))  # next year


def codes(response) -> list[str]:
    return [row["code"] for row in response.context["rows"]]


# --- who sees what -------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["district_user", "finance_user"], indirect=True)
def test_district_staff_and_finance_see_their_districts_units(client, money, persona):
    response = client.get(FUNDS, {"year": YEAR})

    assert response.status_code == 200
    assert codes(response) == ["A01", "B01"]
    assert "怀柔镇" not in response.content.decode()


def test_a_clerk_sees_only_their_own_unit(client, money, clerk_a, unit_a, unit_b):
    client.force_login(clerk_a)

    response = client.get(FUNDS, {"year": YEAR})

    assert codes(response) == ["A01"]
    assert response.context["total"]["spent"] == 123_457
    assert client.get(ledger_url(unit_a)).status_code == 200
    assert client.get(ledger_url(unit_b)).status_code == 404


def test_the_city_office_sees_every_district_and_may_choose_one(client, money, city_user):
    client.force_login(city_user)

    everything = client.get(FUNDS, {"year": YEAR})
    huairou = client.get(FUNDS, {"year": YEAR, "district": "110116"})

    assert sorted(codes(everything)) == ["A01", "B01", "H01"]
    assert codes(huairou) == ["H01"]
    assert huairou.context["total"]["budget"] == 700_000
    assert client.get(ledger_url(CreatingUnit.objects.get(code="H01"))).status_code == 200


def test_an_unknown_district_is_an_error_at_its_field_with_no_rows(client, money, city_user):
    client.force_login(city_user)

    response = client.get(FUNDS, {"year": YEAR, "district": "999999"})

    assert response.status_code == 200
    assert codes(response) == []
    assert response.context["form"].errors["district"]


def test_the_district_parameter_never_widens_district_staffs_scope(client, money, district_user):
    client.force_login(district_user)

    response = client.get(FUNDS, {"year": YEAR, "district": "110116"})

    assert codes(response) == ["A01", "B01"]


@pytest.mark.parametrize("persona", ["provider", "evaluator"], indirect=True)
def test_providers_and_evaluators_find_no_funds_pages(client, money, unit_a, persona):
    assert client.get(FUNDS).status_code == 404
    assert client.get(ledger_url(unit_a)).status_code == 404


@pytest.mark.parametrize("persona", ["other_district_user", "clerk_b"], indirect=True)
def test_unit_as_ledger_is_not_found_outside_its_scope(client, money, unit_a, persona):
    assert client.get(ledger_url(unit_a)).status_code == 404


def test_a_year_outside_the_portals_range_is_refused(client, money, unit_a, district_user):
    client.force_login(district_user)

    assert client.get(FUNDS, {"year": "1999"}).status_code == 400
    assert client.get(FUNDS, {"year": "abc"}).status_code == 400
    assert client.get(ledger_url(unit_a, 1999)).status_code == 404


def test_the_page_of_this_year_shows_the_year_in_its_box(client, money, district_user):
    client.force_login(district_user)

    response = client.get(FUNDS)

    this_year = timezone.localdate().year
    assert response.context["year"] == this_year
    assert f'name="year" value="{this_year}"' in response.content.decode()


# --- the numbers ---------------------------------------------------------------------------------
def test_the_table_adds_up_to_the_fen(client, money, district_user):
    client.force_login(district_user)

    response = client.get(FUNDS, {"year": YEAR})

    a, b = response.context["rows"]
    assert (a["budget"], a["disbursed"], a["spent"]) == (1_333_333, 400_000, 123_457)
    assert (b["budget"], b["disbursed"], b["spent"]) == (500_001, 0, 99_999)
    total = response.context["total"]
    assert total["budget"] == 1_333_333 + 500_001
    assert total["disbursed"] == 400_000
    assert total["spent"] == 123_457 + 99_999
    assert total["execution_rate"] == percent(223_456, 1_833_334) == Decimal("12.2")
    page = response.content.decode()
    assert "13,333.33" in page and "18,333.34" in page and "2,234.56" in page
    assert ">9.3<" in page  # unit A's execution rate, 123,457 ÷ 1,333,333 half up
    assert ">30.0<" in page  # its disbursement rate


def test_the_chart_follows_cumulative_spending_against_the_straight_line(
    client, money, district_user
):
    client.force_login(district_user)

    response = client.get(FUNDS, {"year": YEAR})

    months = response.context["months"]
    assert [m["spent"] for m in months[:4]] == [123_456, 123_456, 223_456, 223_456]
    assert months[-1]["spent"] == 223_456
    assert months[0]["rate"] == percent(123_456, 1_833_334)
    assert [m["line"] for m in months[:3]] == [Decimal("8.3"), Decimal("16.7"), Decimal("25.0")]
    assert months[-1]["line"] == Decimal("100.0")
    assert response.context["chart"]["actual"][2] == percent(223_456, 1_833_334)  # a past year
    assert 'id="funds-chart-data"' in response.content.decode()


def test_monthly_spending_is_cumulative_and_counts_only_the_units_given(unit_a, unit_b, money):
    only_a = CreatingUnit.objects.filter(pk=unit_a.pk)

    assert monthly_spending(only_a, YEAR) == [123_456, 123_456, *[123_457] * 10]
    assert monthly_spending(only_a, YEAR + 1) == [5_000] * 12
    assert monthly_spending(CreatingUnit.objects.none(), YEAR) == [0] * 12


def test_without_a_budget_the_execution_by_month_has_no_rate():
    points = execution_by_month([0] * 12, 0)

    assert all(point["rate"] is None for point in points)
    assert points[5]["line"] == Decimal("50.0")


def test_the_ledger_keeps_a_running_balance_in_date_order(client, money, unit_a, district_user):
    client.force_login(district_user)

    response = client.get(ledger_url(unit_a))

    assert response.status_code == 200
    entries = response.context["ledger"].entries
    # spending of January, the payment of 1 March, spending of 2 March; the request (not paid)
    # is on the page and changes nothing
    moving = [(e.day, e.change, e.balance) for e in entries if e.change]
    assert moving == [
        (date(YEAR, 1, 15), -123_456, -123_456),
        (date(YEAR, 3, 1), 400_000, 276_544),
        (date(YEAR, 3, 2), -1, 276_543),
    ]
    assert len(entries) == 4
    assert [e.day for e in entries] == sorted(e.day for e in entries)
    ledger = response.context["ledger"]
    assert (ledger.budget, ledger.disbursed, ledger.spent) == (1_333_333, 400_000, 123_457)
    assert ledger.balance == 400_000 - 123_457
    page = response.content.decode()
    assert shown_yuan(276_543) in page and "BF-1" in page and "ZC-2" in page
    assert "-1,234.56" in page  # the balance after January's spending


def test_the_ledger_shows_a_two_level_lines_shares(client, unit_a, district_user, funds):
    line = budget(unit_a, 100_001, funds, category=funds.publicity)
    line.city_ratio, line.district_ratio = 4, 6
    line.save()
    client.force_login(district_user)

    page = client.get(ledger_url(unit_a)).content.decode()

    assert "4:6 (400.00 : 600.01)" in page


def test_ledgers_page_by_year(client, money, unit_a, district_user):
    client.force_login(district_user)

    response = client.get(ledger_url(unit_a))
    next_year = client.get(ledger_url(unit_a, YEAR + 1))

    page = response.content.decode()
    assert ledger_url(unit_a, YEAR - 1) in page and ledger_url(unit_a, YEAR + 1) in page
    assert [e.record.voucher_number for e in next_year.context["ledger"].entries] == ["ZC-9"]
    assert next_year.context["ledger"].balance == -5_000


def test_the_page_reads_in_english(english, money, district_user, unit_a):
    english.force_login(district_user)

    funds_page = english.get(FUNDS, {"year": YEAR}).content.decode()
    ledger_page = english.get(ledger_url(unit_a)).content.decode()

    assert "Creation funds" in funds_page and "Execution rate" in funds_page
    assert "Ledger of" in ledger_page and "Disbursement" in ledger_page
    assert "Requested" in ledger_page  # the unpaid disbursement's status


def test_the_navigation_offers_funds_to_those_who_see_them(client, unit_a, district_user, provider):
    client.force_login(district_user)
    assert 'id="nav-funds"' in client.get(reverse("programs:unit-list")).content.decode()
    unit_page = client.get(reverse("programs:unit-detail", args=[unit_a.code])).content.decode()
    assert 'id="funds-ledger-link"' in unit_page

    client.force_login(provider)
    assert 'id="nav-funds"' not in client.get(reverse("programs:unit-list")).content.decode()
    unit_page = client.get(reverse("programs:unit-detail", args=[unit_a.code])).content.decode()
    assert 'id="funds-ledger-link"' not in unit_page


# --- query counts at two sizes -------------------------------------------------------------------
def _units_with_money(count: int, funds, finance, start: int) -> list[CreatingUnit]:
    units = []
    for n in range(count):
        unit = UnitFactory(code=f"Q{start + n:03d}")
        budget(unit, 100_000, funds)
        paid(unit, 10_000, funds, voucher=f"BF-Q{start + n}", finance=finance)
        spent(unit, 1_000, funds, voucher=f"ZC-Q{start + n}-1")
        spent(unit, 2_000, funds, voucher=f"ZC-Q{start + n}-2", on=date(YEAR, 6, 1))
        units.append(unit)
    return units


@pytest.mark.parametrize("size", [2, 12])
def test_the_funds_page_asks_a_bounded_number_of_queries(
    client, district_user, finance_user, funds, django_assert_max_num_queries, size
):
    _units_with_money(size, funds, finance_user, 0)
    client.force_login(district_user)

    # session, user, the review counts, execution, the monthly spending (+ one spare)
    with django_assert_max_num_queries(7):
        response = client.get(FUNDS, {"year": YEAR})

    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [1, 10])
def test_a_ledger_asks_a_bounded_number_of_queries(
    client, unit_a, district_user, finance_user, funds, django_assert_max_num_queries, size
):
    budget(unit_a, 10_000_000, funds)
    for n in range(size):
        paid(unit_a, 10_000, funds, voucher=f"BF-{n}", finance=finance_user)
        spent(unit_a, 1_000, funds, voucher=f"ZC-{n}")
    client.force_login(district_user)

    # session, user, the unit, budget lines, disbursements, spending, the review counts, the
    # district's units and the closed year (the forms offered) …
    with django_assert_max_num_queries(10):
        response = client.get(ledger_url(unit_a))

    assert len(response.context["ledger"].entries) == 2 * size
