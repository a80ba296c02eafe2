"""A district's fiscal year: finance staff close it, which locks every money record of that
district and year, and reopen it only with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from programs.core.models import Event
from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.errors import FundsError
from programs.funds.models import BudgetLine, Disbursement, Expenditure, FiscalYear
from programs.funds.services import fiscal_year_of
from tests.funds.builders import YEAR, budget, requested, spent

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_year(unit_a, finance_user):
    year = fiscal_year_of(district=unit_a.district, year=YEAR)
    transition(year, "close", by=finance_user)
    return year


def test_finance_closes_the_year_on_the_log(unit_a, finance_user):
    year = fiscal_year_of(district=unit_a.district, year=YEAR)

    transition(year, "close", by=finance_user)

    year.refresh_from_db()
    assert year.status == FiscalYear.Status.CLOSED
    assert Event.objects.of(year).get().actor == finance_user


@pytest.mark.parametrize(
    "actor", ["district_user", "clerk_a", "city_user", "other_district_finance"]
)
def test_only_finance_of_the_district_closes_its_year(request, unit_a, actor):
    year = fiscal_year_of(district=unit_a.district, year=YEAR)

    with pytest.raises(FundsError) as refused:
        transition(year, "close", by=request.getfixturevalue(actor))

    assert refused.value.message is errors.ONLY_FINANCE_YEAR
    assert FiscalYear.objects.get(pk=year.pk).status == FiscalYear.Status.OPEN


def test_a_closed_year_refuses_new_budgets_requests_and_spending(unit_a, closed_year, funds):
    for write in (
        lambda: budget(unit_a, 1_000, funds),
        lambda: requested(unit_a, 1_000, funds),
        lambda: spent(unit_a, 1_000, funds, voucher="ZC-1", on=date(YEAR, 12, 31)),
    ):
        with pytest.raises(FundsError) as refused:
            write()
        assert refused.value.message is errors.YEAR_CLOSED
        assert refused.value.field == "year"

    assert not BudgetLine.objects.exists()
    assert not Disbursement.objects.exists()
    assert not Expenditure.objects.exists()


def test_the_next_year_stays_open(unit_a, closed_year, funds):
    spent(unit_a, 1_000, funds, voucher="ZC-1", on=date(YEAR + 1, 1, 1))

    assert Expenditure.objects.get().year == YEAR + 1


def test_a_closed_year_refuses_changed_budgets_and_every_move(
    unit_a, finance_user, district_user, funds
):
    budget(unit_a, 100_000, funds)
    waiting = requested(unit_a, 1_000, funds)
    approved = requested(unit_a, 2_000, funds)
    transition(approved, "approve", by=finance_user)
    year = fiscal_year_of(district=unit_a.district, year=YEAR)
    transition(year, "close", by=finance_user)

    with pytest.raises(FundsError):
        budget(unit_a, 200_000, funds)
    with pytest.raises(FundsError):
        transition(waiting, "approve", by=finance_user)
    with pytest.raises(FundsError):
        transition(waiting, "override", by=district_user, reason="追加")
    with pytest.raises(FundsError):
        transition(waiting, "return", by=finance_user, reason="年度已结")
    with pytest.raises(FundsError):
        transition(
            approved,
            "pay",
            by=finance_user,
            voucher_number="BF-1",
            paid_on=date(YEAR, 12, 1),
            payee="甲镇",
        )
    # the admin's form: the change refused at the year
    line = BudgetLine.objects.get()
    line.amount_fen = 1
    with pytest.raises(ValidationError) as refused:
        line.full_clean()

    assert "year" in refused.value.message_dict
    assert BudgetLine.objects.get().amount_fen == 100_000
    assert list(Disbursement.objects.order_by("pk").values_list("status", flat=True)) == [
        Disbursement.Status.REQUESTED,
        Disbursement.Status.APPROVED,
    ]


def test_reopening_needs_a_reason_and_lets_spending_in_again(
    unit_a, closed_year, finance_user, funds
):
    with pytest.raises(FundsError) as refused:
        transition(closed_year, "reopen", by=finance_user)
    assert refused.value.message is errors.REOPEN_NEEDS_REASON

    transition(closed_year, "reopen", by=finance_user, reason="审计调整")
    spent(unit_a, 1_000, funds, voucher="ZC-1")

    closed_year.refresh_from_db()
    assert closed_year.status == FiscalYear.Status.OPEN
    assert Event.objects.of(closed_year).get(action="reopen").reason == "审计调整"
    assert Expenditure.objects.count() == 1


def test_closing_a_closed_year_again_is_refused(closed_year, finance_user):
    stale = FiscalYear.objects.get(pk=closed_year.pk)
    stale.status = FiscalYear.Status.OPEN  # as a page loaded before the close showed it

    with pytest.raises(FundsError):
        transition(stale, "close", by=finance_user)
