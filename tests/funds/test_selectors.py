"""Execution per unit and the year's final accounts: sums made by the database, exact to the
fen whatever the order of entry, in a bounded number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.core.models import CreatingUnit
from programs.core.transitions import transition
from programs.funds.selectors import execution, final_accounts
from tests.factories import UnitFactory
from tests.funds.builders import YEAR, budget, paid, requested, spent

pytestmark = pytest.mark.django_db


def test_execution_reads_budget_paid_and_spent_per_unit(unit_a, unit_b, finance_user, funds):
    budget(unit_a, 1_000_000, funds)
    budget(unit_a, 333_333, funds, source=funds.city_transfer)
    budget(unit_a, 500_000, funds, year=YEAR + 1)  # another year: not counted
    paid(unit_a, 400_000, funds, voucher="BF-1", finance=finance_user)
    requested(unit_a, 100_000, funds)  # not paid: not disbursed
    spent(unit_a, 123_456, funds, voucher="ZC-1")
    spent(unit_a, 1, funds, voucher="ZC-2", source=funds.city_transfer)

    rows = execution(
        CreatingUnit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).order_by("code"), YEAR
    )

    a, b = rows
    assert (a["code"], a["budget"], a["disbursed"], a["spent"]) == (
        "A01",
        1_333_333,
        400_000,
        123_457,
    )
    assert a["execution_rate"] == Decimal("9.3")  # 123457 / 1333333 = 9.259 %
    assert a["disbursement_rate"] == Decimal("30.0")
    assert (b["code"], b["budget"], b["disbursed"], b["spent"]) == ("B01", 0, 0, 0)
    assert b["execution_rate"] is None and b["disbursement_rate"] is None


def test_final_accounts_rows_by_category_and_source_then_the_total(
    unit_a, unit_b, finance_user, funds
):
    budget(unit_a, 1_000_000, funds)
    budget(unit_b, 200_000, funds)
    budget(unit_a, 50_000, funds, category=funds.publicity, source=funds.city_transfer)
    paid(unit_a, 300_000, funds, voucher="BF-1", finance=finance_user)
    spent(unit_b, 250_000, funds, voucher="ZC-1")  # beyond its own line: the balance may go below
    spent(
        unit_a, 10_001, funds, voucher="ZC-2", category=funds.publicity, source=funds.city_transfer
    )

    rows = final_accounts(unit_a.district, YEAR)

    assert [(r["category"], r["source"]) for r in rows] == [
        ("安全促进项目", "区级财政预算"),
        ("宣传培训", "市级转移支付"),
        (None, None),
    ]
    promotion, publicity, total = rows
    assert (promotion["budget"], promotion["disbursed"], promotion["spent"]) == (
        1_200_000,
        300_000,
        250_000,
    )
    assert promotion["balance"] == 950_000
    assert promotion["execution_rate"] == Decimal("20.8")
    assert (publicity["budget"], publicity["spent"], publicity["balance"]) == (
        50_000,
        10_001,
        39_999,
    )
    assert (total["budget"], total["disbursed"], total["spent"], total["balance"]) == (
        1_250_000,
        300_000,
        260_001,
        989_999,
    )


def test_final_accounts_of_another_district_leave_these_out(unit_a, other_district, funds):
    budget(unit_a, 1_000, funds)

    assert final_accounts(other_district, YEAR) == [
        {
            "category": None,
            "source": None,
            "budget": 0,
            "disbursed": 0,
            "spent": 0,
            "balance": 0,
            "execution_rate": None,
        }
    ]


class Rollback(Exception):
    """Raised to roll an example's rows back."""


amounts = st.integers(min_value=1, max_value=10**9)
entries = st.lists(
    st.tuples(
        st.sampled_from(["budget", "paid", "spent"]),
        st.sampled_from(["A01", "B01"]),
        st.sampled_from(["promotion", "publicity"]),
        st.sampled_from(["district_budget", "city_transfer"]),
        amounts,
    ),
    max_size=12,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=entries)
def test_final_accounts_and_execution_equal_the_sums_whatever_the_order(
    unit_a, unit_b, finance_user, funds, entries
):
    units = {"A01": unit_a, "B01": unit_b}
    try:
        with transaction.atomic():
            budgets: dict[tuple, int] = {}
            paid_total: dict[tuple, int] = {}
            spent_total: dict[tuple, int] = {}
            for number, (kind, unit, category, source, fen) in enumerate(entries):
                key = {
                    "category": funds.categories[category],
                    "source": funds.sources[source],
                }
                cell = (unit, category, source)
                if kind == "budget":  # a line set again replaces its amount
                    budget(units[unit], fen, funds, **key)
                    budgets[cell] = fen
                elif kind == "paid":  # paid within what is left, else allowed beyond it first
                    disbursement = requested(units[unit], fen, funds, **key)
                    disbursement.override = True
                    disbursement.override_reason = "测试"
                    disbursement.save()
                    transition(disbursement, "approve", by=finance_user)
                    transition(
                        disbursement,
                        "pay",
                        by=finance_user,
                        voucher_number=f"BF-{number}",
                        paid_on=date(YEAR, 2, 1),
                        payee="收款人",
                    )
                    paid_total[cell] = paid_total.get(cell, 0) + fen
                else:
                    spent(units[unit], fen, funds, voucher=f"ZC-{number}", **key)
                    spent_total[cell] = spent_total.get(cell, 0) + fen

            *rows, total = final_accounts(unit_a.district, YEAR)
            by_unit = {
                row["code"]: row
                for row in execution(CreatingUnit.objects.filter(district=unit_a.district), YEAR)
            }

            assert total["budget"] == sum(budgets.values()) == sum(r["budget"] for r in rows)
            assert total["disbursed"] == sum(paid_total.values())
            assert total["spent"] == sum(spent_total.values())
            assert total["balance"] == sum(budgets.values()) - sum(spent_total.values())
            for row in rows:
                assert row["balance"] == row["budget"] - row["spent"]
            for code in units:
                assert by_unit[code]["budget"] == sum(v for k, v in budgets.items() if k[0] == code)
                assert by_unit[code]["disbursed"] == sum(
                    v for k, v in paid_total.items() if k[0] == code
                )
                assert by_unit[code]["spent"] == sum(
                    v for k, v in spent_total.items() if k[0] == code
                )
            raise Rollback
    except Rollback:
        pass


@pytest.mark.parametrize("size", [2, 12])
def test_execution_is_one_query_whatever_the_number_of_units(
    django_assert_max_num_queries, finance_user, funds, size
):
    for n in range(size):
        unit = UnitFactory(code=f"Q{n:02d}")
        budget(unit, 100_000, funds)
        budget(unit, 50_000, funds, category=funds.publicity)
        paid(unit, 10_000, funds, voucher=f"BF-{n}", finance=finance_user)
        spent(unit, 5_000, funds, voucher=f"ZC-{n}")
        spent(unit, 2_500, funds, voucher=f"ZC-{n}-b")

    with django_assert_max_num_queries(1):
        rows = execution(CreatingUnit.objects.order_by("code"), YEAR)

    assert len(rows) == size
    assert {row["spent"] for row in rows} == {7_500}


@pytest.mark.parametrize("size", [2, 12])
def test_final_accounts_take_a_fixed_number_of_queries(
    django_assert_max_num_queries, unit_a, finance_user, funds, size
):
    for n in range(size):
        unit = UnitFactory(code=f"Q{n:02d}")
        budget(unit, 100_000, funds, category=funds.categories[["promotion", "other"][n % 2]])
        spent(unit, 5_000, funds, voucher=f"ZC-{n}", source=funds.city_transfer)

    with django_assert_max_num_queries(5):
        rows = final_accounts(unit_a.district, YEAR)

    assert rows[-1]["spent"] == 5_000 * size
