"""Every named rule of the funds' tables, both ways: `full_clean()` refuses the row at the field
a form shows it on, and the database refuses it by that rule's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundSource,
)
from tests.database import refused_by_database
from tests.funds.builders import YEAR, Codes

pytestmark = pytest.mark.django_db


def line(unit, funds: Codes, **fields) -> BudgetLine:
    values = {
        "unit": unit,
        "year": YEAR,
        "category": funds.promotion,
        "source": funds.district_budget,
        "amount_fen": 100_000,
    }
    return BudgetLine(**(values | fields))


def disbursement(unit, funds: Codes, **fields) -> Disbursement:
    values = {
        "unit": unit,
        "district": unit.district,
        "year": YEAR,
        "category": funds.promotion,
        "source": funds.district_budget,
        "amount_fen": 50_000,
        "purpose": "防跌倒项目",
    }
    return Disbursement(**(values | fields))


def paid_with(unit, funds: Codes, voucher: str, **fields) -> Disbursement:
    values = {
        "status": Disbursement.Status.PAID,
        "voucher_number": voucher,
        "paid_on": date(YEAR, 3, 1),
        "payee": "甲镇财政所",
    }
    return disbursement(unit, funds, **(values | fields))


def expenditure(unit, funds: Codes, **fields) -> Expenditure:
    values = {
        "unit": unit,
        "district": unit.district,
        "year": YEAR,
        "spent_on": date(YEAR, 4, 1),
        "category": funds.promotion,
        "source": funds.district_budget,
        "amount_fen": 12_345,
        "description": "宣传册",
        "voucher_number": "ZC-001",
    }
    return Expenditure(**(values | fields))


# (constraint, the field it lands on, what exists first, the row that breaks it)
Case = tuple[str, str, Callable | None, Callable]
CASES: list[Case] = [
    (
        "fundsource_code_unique",
        "code",
        None,
        lambda unit, funds: FundSource(code="social", name="再来一次"),
    ),
    (
        "fundcategory_code_unique",
        "code",
        None,
        lambda unit, funds: FundCategory(code="other", name="再来一次"),
    ),
    (
        "fiscalyear_one_per_district_year",
        "year",
        lambda unit, funds: FiscalYear.objects.create(district=unit.district, year=YEAR),
        lambda unit, funds: FiscalYear(district=unit.district, year=YEAR),
    ),
    (
        "fiscalyear_status_valid",
        "status",
        None,
        lambda unit, funds: FiscalYear(district=unit.district, year=YEAR, status="lost"),
    ),
    (
        "budgetline_one_per_unit_year_category_source",
        "source",
        lambda unit, funds: line(unit, funds).save(),
        lambda unit, funds: line(unit, funds, amount_fen=1),
    ),
    (
        "budgetline_amount_not_negative",
        "amount_fen",
        None,
        lambda unit, funds: line(unit, funds, amount_fen=-1),
    ),
    (
        "budgetline_ratios_both_or_neither",
        "district_ratio",
        None,
        lambda unit, funds: line(unit, funds, city_ratio=5, district_ratio=None),
    ),
    (
        "disbursement_voucher_unique",
        "voucher_number",
        lambda unit, funds: paid_with(unit, funds, "BF-001").save(),
        lambda unit, funds: paid_with(unit, funds, "BF-001", amount_fen=7),
    ),
    (
        "disbursement_paid_has_voucher",
        "voucher_number",
        None,
        lambda unit, funds: paid_with(unit, funds, ""),
    ),
    (
        "disbursement_amount_positive",
        "amount_fen",
        None,
        lambda unit, funds: disbursement(unit, funds, amount_fen=0),
    ),
    (
        "disbursement_override_has_reason",
        "override_reason",
        None,
        lambda unit, funds: disbursement(unit, funds, override=True, override_reason=""),
    ),
    (
        "disbursement_status_valid",
        "status",
        None,
        lambda unit, funds: disbursement(unit, funds, status="lost"),
    ),
    (
        "expenditure_voucher_unique",
        "voucher_number",
        lambda unit, funds: expenditure(unit, funds).save(),
        lambda unit, funds: expenditure(unit, funds, amount_fen=1),
    ),
    (
        "expenditure_voucher_given",
        "voucher_number",
        None,
        lambda unit, funds: expenditure(unit, funds, voucher_number=""),
    ),
    (
        "expenditure_amount_positive",
        "amount_fen",
        None,
        lambda unit, funds: expenditure(unit, funds, amount_fen=0),
    ),
]


@pytest.mark.parametrize(("constraint", "field", "first", "bad"), CASES, ids=[c[0] for c in CASES])
def test_full_clean_refuses_the_row_at_its_field(unit_a, funds, constraint, field, first, bad):
    if first:
        first(unit_a, funds)

    with pytest.raises(ValidationError) as refused:
        bad(unit_a, funds).full_clean()

    assert field in refused.value.message_dict, refused.value.message_dict


@pytest.mark.parametrize(("constraint", "field", "first", "bad"), CASES, ids=[c[0] for c in CASES])
def test_the_database_refuses_the_row_by_the_rule(unit_a, funds, constraint, field, first, bad):
    if first:
        first(unit_a, funds)

    refused_by_database(lambda: bad(unit_a, funds).save(), constraint)


def test_every_named_rule_of_the_funds_is_tested():
    named = {
        rule.name
        for model in (FundSource, FundCategory, FiscalYear, BudgetLine, Disbursement, Expenditure)
        for rule in model._meta.constraints
    }
    assert named == {case[0] for case in CASES}


def test_the_same_voucher_number_is_allowed_in_another_year_and_another_district(
    unit_a, funds, other_district
):
    from tests.factories import ProgramFactory, UnitFactory

    paid_with(unit_a, funds, "BF-001").save()
    next_year = paid_with(unit_a, funds, "BF-001", year=YEAR + 1)
    elsewhere_unit = UnitFactory(
        code="H01", program=ProgramFactory(code="huairou", district=other_district)
    )
    elsewhere = paid_with(elsewhere_unit, funds, "BF-001")

    for row in (next_year, elsewhere):
        row.full_clean()
        row.save()
    # an expenditure may carry a disbursement's number: they are counted apart
    same_as_disbursement = expenditure(unit_a, funds, voucher_number="BF-001")
    same_as_disbursement.full_clean()
    same_as_disbursement.save()

    assert Disbursement.objects.filter(voucher_number="BF-001").count() == 3


def test_unpaid_disbursements_may_all_be_without_a_voucher(unit_a, funds):
    for _n in range(2):
        row = disbursement(unit_a, funds)
        row.full_clean()
        row.save()

    assert Disbursement.objects.filter(voucher_number="").count() == 2


def test_a_budget_line_shares_its_amount_by_the_ratio_to_the_fen(unit_a, funds):
    assert line(unit_a, funds, amount_fen=100_001, city_ratio=4, district_ratio=6).shares() == (
        40_000,
        60_001,
    )
    assert line(unit_a, funds, amount_fen=3, city_ratio=5, district_ratio=5).shares() == (2, 1)
    assert line(unit_a, funds, amount_fen=100_000).shares() is None


def test_an_expenditures_year_is_the_year_of_its_day(unit_a, funds):
    row = expenditure(unit_a, funds, year=None, district=None, spent_on=date(2024, 12, 31))

    row.full_clean()

    assert (row.year, row.district) == (2024, unit_a.district)
