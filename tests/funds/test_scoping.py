"""Who sees which money: finance staff and district staff their district's, a clerk their own
unit's, the city office and administrators every district's, providers and evaluators none."""

from __future__ import annotations

from datetime import date

import pytest

from programs.funds.models import BudgetLine, Disbursement, Expenditure, FiscalYear
from programs.funds.services import fiscal_year_of
from tests.factories import ProgramFactory, UnitFactory
from tests.funds.builders import YEAR, budget, requested, spent

pytestmark = pytest.mark.django_db

# persona → the units (by code) whose money it sees
SEES = {
    "finance_user": {"A01", "B01"},
    "district_user": {"A01", "B01"},
    "clerk_a": {"A01"},
    "clerk_b": {"B01"},
    "provider": set(),
    "evaluator": set(),
    "city_user": {"A01", "B01", "H01"},
    "admin_user": {"A01", "B01", "H01"},
    "other_district_user": {"H01"},
    "other_district_finance": {"H01"},
}


@pytest.fixture
def money_everywhere(unit_a, unit_b, other_district, funds):
    huairou = UnitFactory(
        code="H01", program=ProgramFactory(code="huairou", district=other_district)
    )
    for number, unit in enumerate((unit_a, unit_b, huairou)):
        budget(unit, 100_000, funds)
        requested(unit, 1_000, funds)
        spent(unit, 500, funds, voucher=f"ZC-{number}", on=date(YEAR, 6, 1))
        fiscal_year_of(district=unit.district, year=YEAR)


@pytest.mark.parametrize("persona", sorted(SEES))
@pytest.mark.parametrize("model", [BudgetLine, Disbursement, Expenditure])
def test_each_role_sees_the_money_of_its_scope(request, money_everywhere, persona, model):
    user = request.getfixturevalue(persona)

    seen = set(model.objects.visible_to(user).values_list("unit__code", flat=True))

    assert seen == SEES[persona]


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_role_sees_the_fiscal_years_of_its_districts(request, money_everywhere, persona):
    user = request.getfixturevalue(persona)
    expected = {
        code
        for unit_code, code in (("A01", "110113"), ("B01", "110113"), ("H01", "110116"))
        if unit_code in SEES[persona]
    }

    seen = set(FiscalYear.objects.visible_to(user).values_list("district__code", flat=True))

    assert seen == expected


def test_nobody_sees_funds_signed_out(money_everywhere):
    from django.contrib.auth.models import AnonymousUser

    for model in (BudgetLine, Disbursement, Expenditure, FiscalYear):
        assert not model.objects.visible_to(AnonymousUser()).exists()


def test_budgets_are_set_by_finance_and_district_staff_not_by_clerks(
    money_everywhere, finance_user, district_user, clerk_a, other_district_finance
):
    def editable(user):
        return set(BudgetLine.objects.editable_by(user).values_list("unit__code", flat=True))

    assert editable(finance_user) == editable(district_user) == {"A01", "B01"}
    assert editable(clerk_a) == set()
    assert editable(other_district_finance) == {"H01"}


def test_spending_is_changed_by_its_clerk_and_district_staff_not_by_finance(
    money_everywhere, finance_user, district_user, clerk_a
):
    def editable(user):
        return set(Expenditure.objects.editable_by(user).values_list("unit__code", flat=True))

    assert editable(district_user) == {"A01", "B01"}
    assert editable(clerk_a) == {"A01"}
    assert editable(finance_user) == set()
