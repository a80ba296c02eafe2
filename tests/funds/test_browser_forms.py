"""The funds' forms in a real Chromium: a clerk records spending against a promotion project
with its voucher and finds it in the ledger; finance staff close the year, and the clerk's next
expenditure dated in it is refused at its day. District staff set a budget and ask for money."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from programs.models import User
from tests.factories import PromotionProjectFactory, UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SUBMIT, shot, sign_in
from tests.funds.builders import YEAR, budget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_records_spending_and_finance_close_the_year(page: Page, live_server, funds):
    unit = UnitFactory(code="A01", name="甲镇")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    project = PromotionProjectFactory(unit=unit, name="老年人防跌倒项目")
    budget(unit, 1_000_000, funds)
    ledger = f"{live_server.url}/funds/units/A01/{YEAR}/"

    sign_in(page, live_server, "clerk")
    page.goto(ledger)
    page.locator("#ledger-record-expenditure").click()
    page.locator("#id_spent_on").fill(f"{YEAR}-06-15")
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="区级财政预算")
    page.locator("#id_amount").fill("1,234.567")  # three decimals: refused at the amount
    page.locator("#id_description").fill("防跌倒宣传册印刷")
    page.locator("#id_voucher_number").fill("ZC-2025-001")
    page.locator("#id_project").select_option(label=project.name)
    page.locator(SUBMIT).click()
    expect(page.locator("#field-amount .invalid-feedback")).to_be_visible()
    shot(page, "fundsforms-expenditure-refused-amount")
    page.locator("#id_amount").fill("￥1,234.56")
    page.locator(SUBMIT).click()

    expect(page).to_have_url(ledger)
    entries = page.locator("#ledger-entries")
    expect(entries).to_contain_text("ZC-2025-001")
    expect(entries).to_contain_text("老年人防跌倒项目")
    expect(entries).to_contain_text("1,234.56")
    expect(page.locator("#ledger-balance")).to_have_text("-1,234.56")
    shot(page, "fundsforms-ledger-clerk")

    sign_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/funds/?year={YEAR}")
    panel = page.locator("#fiscal-years")
    expect(panel).to_contain_text("未结账")
    panel.get_by_role("button", name="年度结账").click()
    expect(page.locator("#fiscal-years")).to_contain_text("已结账")
    expect(page.locator("#fiscal-years")).to_contain_text("重新开启财政年度")
    shot(page, "fundsforms-funds-year-closed")

    sign_in(page, live_server, "clerk")
    page.goto(ledger)
    expect(page.locator("#ledger-year-closed")).to_be_visible()
    page.goto(f"{ledger}expenditures/new/")
    expect(page.locator("#funds-year-closed")).to_be_visible()
    page.locator("#id_spent_on").fill(f"{YEAR}-12-20")
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="区级财政预算")
    page.locator("#id_amount").fill("100")
    page.locator("#id_description").fill("年末补录")
    page.locator("#id_voucher_number").fill("ZC-2025-002")
    page.locator(SUBMIT).click()

    refusal = page.locator("#field-spent_on .invalid-feedback")
    expect(refusal).to_contain_text("已结账")
    shot(page, "fundsforms-expenditure-closed-year")


def test_district_staff_set_a_budget_and_request_money(page: Page, live_server, funds):
    unit = UnitFactory(code="A01", name="甲镇")
    UserFactory(username="district", role=User.Role.DISTRICT, password=PASSWORD)
    ledger = f"{live_server.url}/funds/units/A01/{YEAR}/"

    sign_in(page, live_server, "district")
    page.goto(ledger)
    page.locator("#ledger-set-budget").click()
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="市级转移支付")
    page.locator("#id_amount").fill("20,000")
    page.locator("#id_city_ratio").fill("4")
    page.locator(SUBMIT).click()
    expect(page.locator("#field-district_ratio .invalid-feedback")).to_be_visible()
    shot(page, "fundsforms-budget-refused-ratio")
    page.locator("#id_district_ratio").fill("6")
    page.locator(SUBMIT).click()

    expect(page).to_have_url(ledger)
    expect(page.locator("#ledger-budget")).to_contain_text("20,000.00")
    expect(page.locator("#ledger-budget")).to_contain_text("4:6 (8,000.00 : 12,000.00)")
    page.locator("#ledger-budget a[href*='?line=']").click()
    expect(page.locator("#id_amount")).to_have_value("20000.00")
    shot(page, "fundsforms-budget-edit")
    page.locator("#id_amount").fill("２５０００")
    page.locator(SUBMIT).click()
    expect(page.locator("#ledger-budget")).to_contain_text("25,000.00")

    page.locator("#ledger-request-disbursement").click()
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="市级转移支付")
    page.locator("#id_amount").fill("5000")
    page.locator("#id_purpose").fill("防跌倒项目第一期")
    shot(page, "fundsforms-disbursement-form")
    page.locator(SUBMIT).click()
    expect(page.locator("#ledger-entries")).to_contain_text("防跌倒项目第一期")
    shot(page, "fundsforms-ledger-district")
    assert unit.code == "A01"
