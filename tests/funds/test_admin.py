"""The funds' admin: every page answers, each list is the user's scope, and the money records
that change only through the services are looked at, not edited."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundSource,
)
from programs.funds.services import fiscal_year_of
from tests.factories import ProgramFactory, UnitFactory
from tests.funds.builders import YEAR, budget, paid, spent

pytestmark = pytest.mark.django_db

MODELS = [FundSource, FundCategory, FiscalYear, BudgetLine, Disbursement, Expenditure]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def money(unit_a, other_district, finance_user, other_district_finance, funds):
    huairou = UnitFactory(code="H01", program=ProgramFactory(code="hr", district=other_district))
    for unit, finance in ((unit_a, finance_user), (huairou, other_district_finance)):
        budget(unit, 100_000, funds)
        paid(unit, 1_000, funds, voucher=f"BF-{unit.code}", finance=finance)
        spent(unit, 500, funds, voucher=f"ZC-{unit.code}", on=date(YEAR, 6, 1))
        fiscal_year_of(district=unit.district, year=YEAR)


def test_every_funds_admin_page_answers_for_the_superuser(client, admin_user, money):
    client.force_login(admin_user)

    for model in MODELS:
        obj = model.objects.first()
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        assert client.get(admin_url(model, "change", obj.pk)).status_code == 200, model
        assert client.get(admin_url(model, "history", obj.pk)).status_code == 200, model


def test_staff_finance_see_only_their_districts_money_and_edit_no_payment(
    client, finance_user, money
):
    finance_user.is_staff = True
    finance_user.save()
    finance_user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programs",
            content_type__model__in=["disbursement", "expenditure", "budgetline"],
        )
    )
    client.force_login(finance_user)

    for model in (BudgetLine, Disbursement, Expenditure):
        listed = client.get(admin_url(model, "changelist"))
        codes = {row.unit.code for row in listed.context["cl"].result_list}
        assert codes == {"A01"}, model
    elsewhere = Disbursement.objects.get(unit__code="H01")
    assert client.get(admin_url(Disbursement, "change", elsewhere.pk)).status_code == 302
    own = Disbursement.objects.get(unit__code="A01")
    response = client.post(admin_url(Disbursement, "change", own.pk), {"amount_fen": "1"})
    assert response.status_code == 403
    assert Disbursement.objects.get(pk=own.pk).amount_fen == 1_000
