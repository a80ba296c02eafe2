"""The creation funds' card on the dashboard and the panel on the unit page, in a real Chromium:
district staff read the district's execution at a glance and open `/funds/` from it; the clerk
reads the unit's year and opens its ledger."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import User
from tests.factories import UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SHOTS, sign_in
from tests.funds.builders import budget, paid, spent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = timezone.localdate().year


def test_district_staff_and_the_clerk_read_the_years_execution(page: Page, live_server, funds):
    finance = UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    UserFactory(username="district", role=User.Role.DISTRICT, password=PASSWORD)
    unit = UnitFactory(code="A01", name="甲镇")
    other = UnitFactory(code="B01", name="乙街道")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    budget(unit, 1_200_000, funds, year=YEAR)
    budget(other, 800_000, funds, year=YEAR)
    paid(unit, 600_000, funds, voucher="BF-1", finance=finance, year=YEAR)
    spent(unit, 300_000, funds, voucher="ZC-1", on=date(YEAR, 5, 10))
    spent(other, 500_000, funds, voucher="ZC-2", on=date(YEAR, 6, 10))
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "district")
    card = page.locator("#headline-funds")
    expect(card).to_contain_text("40.0%")  # 8,000.00 of 20,000.00
    expect(card).to_contain_text("8,000.00")
    page.screenshot(path=str(SHOTS / "dashboard-funds.png"), full_page=False)
    card.click()
    expect(page.locator("#funds-total")).to_contain_text("20,000.00")

    page.context.clear_cookies()
    sign_in(page, live_server, "clerk")  # the clerk lands on the unit's page
    panel = page.locator("#funds")
    expect(panel.locator("#funds-execution-rate")).to_have_text("25.0%")
    expect(panel.locator("#funds-disbursement-rate")).to_have_text("50.0%")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "unit-funds.png"), full_page=True)
    panel.locator("#funds-card-ledger").click()
    expect(page.locator("#ledger-balance")).to_have_text("3,000.00")
