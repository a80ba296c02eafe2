"""Finance staff in a real Chromium: `/funds/` draws the execution by month against the straight
line, and a unit's ledger opens from the table."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from programs.models import User
from tests.factories import UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SHOTS, sign_in
from tests.funds.builders import YEAR, budget, paid, spent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_staff_read_the_execution_chart_and_open_a_ledger(page: Page, live_server, funds):
    finance = UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    unit = UnitFactory(code="A01", name="甲镇")
    budget(unit, 1_200_000, funds)
    paid(unit, 600_000, funds, voucher="BF-1", finance=finance)
    spent(unit, 100_000, funds, voucher="ZC-1", on=date(YEAR, 2, 10))
    spent(unit, 200_000, funds, voucher="ZC-2", on=date(YEAR, 5, 10))

    sign_in(page, live_server, "finance")
    page.locator("#nav-funds").click()
    page.goto(f"{live_server.url}/funds/?year={YEAR}")

    chart = page.locator("[data-funds-chart]")
    expect(chart).to_be_visible()
    expect(chart.locator("svg path").first).to_be_attached()  # ECharts drew its lines
    expect(page.locator("#funds-total")).to_contain_text("12,000.00")
    expect(page.locator("#funds-total")).to_contain_text("25.0")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "funds.png"), full_page=True)

    page.get_by_role("link", name="甲镇").click()
    expect(page.locator("#ledger-balance")).to_have_text("3,000.00")
    page.screenshot(path=str(SHOTS / "funds-ledger.png"), full_page=True)
