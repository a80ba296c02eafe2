"""The final accounts' page (决算, `/funds/accounts/`): rows by category and source with each
category's subtotal and the grand total, to the fen as the selector sums them; whose units it
adds up; the bad queries; the query count at two sizes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.funds.selectors import final_accounts
from safecommunity.money import shown_yuan
from tests.factories import ProgramFactory, UnitFactory
from tests.funds.builders import YEAR, budget, paid, requested, spent

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("programs:funds-accounts")


@pytest.fixture
def huairou_unit(other_district):
    return UnitFactory(
        code="H01", name="怀柔镇", program=ProgramFactory(code="hr", district=other_district)
    )


@pytest.fixture
def accounts_money(unit_a, unit_b, huairou_unit, finance_user, other_district_finance, funds):
    """Units A and B of 顺义区 in two categories and two sources, 怀柔镇 in the other district."""
    budget(unit_a, 1_000_000, funds)
    budget(unit_a, 333_333, funds, source=funds.city_transfer)
    budget(unit_b, 500_001, funds)
    budget(unit_b, 20_000, funds, category=funds.publicity)
    budget(huairou_unit, 700_000, funds)
    paid(unit_a, 400_000, funds, voucher="BF-1", finance=finance_user)
    paid(huairou_unit, 100_000, funds, voucher="BF-1", finance=other_district_finance)
    requested(unit_b, 50_000, funds)  # not paid: not disbursed
    spent(unit_a, 123_456, funds, voucher="ZC-1", on=date(YEAR, 1, 15))
    spent(unit_a, 1, funds, voucher="ZC-2", on=date(YEAR, 3, 2), source=funds.city_transfer)
    spent(unit_b, 99_999, funds, voucher="ZC-3", on=date(YEAR, 3, 31))
    spent(unit_b, 20_001, funds, voucher="ZC-4", category=funds.publicity)
    spent(huairou_unit, 7, funds, voucher="ZC-1", on=date(YEAR, 2, 1))


def fen_row(row) -> tuple[int, int, int, int]:
    return (row["budget"], row["disbursed"], row["spent"], row["balance"])


@pytest.mark.parametrize("persona", ["district_user", "finance_user"], indirect=True)
def test_the_districts_accounts_by_category_with_subtotals_and_the_total(
    client, accounts_money, unit_a, persona
):
    response = client.get(ACCOUNTS, {"year": YEAR})

    assert response.status_code == 200
    accounts = response.context["accounts"]
    assert accounts.district == unit_a.district
    *rows, total = final_accounts(unit_a.district, YEAR)
    promotion, publicity = accounts.groups
    assert [row["source"] for row in promotion.rows] == ["区级财政预算", "市级转移支付"]
    assert fen_row(promotion.subtotal) == (1_833_334, 400_000, 223_456, 1_609_878)
    assert fen_row(publicity.subtotal) == (20_000, 0, 20_001, -1)
    assert [row for group in accounts.groups for row in group.rows] == rows
    assert accounts.total == total
    assert fen_row(total) == (1_853_334, 400_000, 243_457, 1_609_877)
    assert fen_row(total) == tuple(
        sum(values) for values in zip(*(fen_row(g.subtotal) for g in accounts.groups), strict=True)
    )
    assert publicity.subtotal["execution_rate"] == Decimal("100.0")  # 100.005 %, half up
    html = response.content.decode()
    assert html.count('class="accounts-subtotal') == 2
    assert shown_yuan(1_853_334) in html and "16,098.77" in html and "-0.01" in html


def test_the_page_prints_on_a4_and_is_linked_from_the_funds_page(client, district_user):
    client.force_login(district_user)

    funds = client.get(reverse("programs:funds"), {"year": YEAR}).content.decode()
    page = client.get(ACCOUNTS, {"year": YEAR}).content.decode()

    assert f'{ACCOUNTS}?year={YEAR}"' in funds
    assert 'class="funds-accounts-page"' in page and "data-print" in page
    assert reverse("programs:funds-accounts-export") in page


def test_a_clerk_adds_up_their_own_unit_only(client, accounts_money, clerk_a):
    client.force_login(clerk_a)

    accounts = client.get(ACCOUNTS, {"year": YEAR}).context["accounts"]

    assert fen_row(accounts.total) == (1_333_333, 400_000, 123_457, 1_209_876)
    assert [group.category for group in accounts.groups] == ["安全促进项目"]


def test_the_city_office_chooses_a_district_or_reads_every_one(
    client, accounts_money, city_user, other_district, unit_a
):
    client.force_login(city_user)

    every = client.get(ACCOUNTS, {"year": YEAR}).context["accounts"]
    huairou = client.get(ACCOUNTS, {"year": YEAR, "district": other_district.code})
    shunyi = client.get(ACCOUNTS, {"year": YEAR, "district": unit_a.district.code})

    assert every.district is None and every.total["budget"] == 1_853_334 + 700_000
    assert huairou.context["accounts"].district == other_district
    assert fen_row(huairou.context["accounts"].total) == (700_000, 100_000, 7, 699_993)
    assert shunyi.context["accounts"].total == final_accounts(unit_a.district, YEAR)[-1]
    assert "全部区" in every_title(client)


def every_title(client) -> str:
    return client.get(ACCOUNTS, {"year": YEAR}).context["title"]


def test_district_staff_never_read_another_district(
    client, accounts_money, district_user, other_district
):
    client.force_login(district_user)

    response = client.get(ACCOUNTS, {"year": YEAR, "district": other_district.code})

    assert response.context["accounts"].district == district_user.district  # not offered
    assert response.context["accounts"].total["budget"] == 1_853_334


def test_a_bad_year_is_the_400_page_and_a_district_out_of_reach_an_error_at_the_field(
    client, english, accounts_money, city_user
):
    client.force_login(city_user)

    assert client.get(ACCOUNTS, {"year": "1999"}).status_code == 400
    assert client.get(ACCOUNTS, {"year": "abc"}).status_code == 400
    response = client.get(ACCOUNTS, {"year": YEAR, "district": "999999"})

    assert response.status_code == 200
    assert response.context["form"].errors["district"]
    assert response.context["accounts"].groups == []
    assert response.context["accounts"].total["budget"] == 0
    assert "No budget, disbursement or spending this year." in response.content.decode()


def test_an_empty_year_shows_zeros_and_no_rate(client, district_user, funds):
    client.force_login(district_user)

    response = client.get(ACCOUNTS, {"year": YEAR})

    assert response.context["accounts"].groups == []
    assert response.context["accounts"].total["execution_rate"] is None


@pytest.mark.parametrize("size", [2, 10])
def test_the_accounts_page_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, district_user, finance_user, funds, unit_a, size
):
    categories = list(funds.categories.values())
    for n in range(size):
        unit = UnitFactory(code=f"Q{n:02d}", program=unit_a.program)
        budget(unit, 100_000 + n, funds)
        budget(
            unit,
            50_000,
            funds,
            category=categories[n % len(categories)],
            source=funds.city_transfer,
        )
        paid(unit, 10_000, funds, voucher=f"BF-{n}", finance=finance_user)
        spent(unit, 5_000, funds, voucher=f"ZC-{n}")
    client.force_login(district_user)

    with django_assert_max_num_queries(14):
        response = client.get(ACCOUNTS, {"year": YEAR})

    assert response.context["accounts"].total["spent"] == 5_000 * size
