"""Finance staff import the treasury's file in a real Chromium: a file with problems is listed
row by row and pays nothing; the corrected file is checked, confirmed and paid."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from programs.funds.models import Disbursement
from programs.models import User
from tests.factories import UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SHOTS, sign_in
from tests.funds.builders import YEAR, budget, requested
from tests.funds.test_treasury import approve, csv_bytes, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_staff_import_the_treasury_payments(page: Page, live_server, funds):
    finance = UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    unit = UnitFactory(code="A01", name="甲镇")
    budget(unit, 1_000_000, funds)
    first = approve(requested(unit, 100_000, funds), finance)
    second = approve(requested(unit, 250_050, funds), finance)
    good = [
        ("GK-001", "A01", 1000, date(YEAR, 3, 5), "甲镇财政所"),
        ("GK-002", "A01", "2,500.50", "2025-03-06", "甲镇财政所"),
    ]
    bad = [*good, ("GK-001", "Z99", "12.345", "2025-02-30", "")]

    sign_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/funds/")
    page.locator("#funds-treasury-link").click()

    files = page.locator("#treasury-form input[type=file]")
    files.set_input_files(
        {"name": "国库支付.csv", "mimeType": "text/csv", "buffer": csv_bytes(bad, "gb18030")}
    )
    page.locator("#treasury-check").click()
    expect(page.locator("#treasury-problems tbody tr")).to_have_count(
        3
    )  # the amount, the date, the payee of row 4
    expect(page.locator("#treasury-confirm")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "fundstreasury-errors.png"), full_page=True)

    files.set_input_files({"name": "国库支付.xlsx", "mimeType": "", "buffer": xlsx(good)})
    page.locator("#treasury-check").click()
    expect(page.locator("#treasury-rows tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "fundstreasury-preview.png"), full_page=True)
    page.locator("#treasury-confirm button").click()

    expect(page.locator("body")).to_contain_text("2")
    page.screenshot(path=str(SHOTS / "fundstreasury-success.png"), full_page=True)
    paid = Disbursement.objects.filter(pk__in=[first.pk, second.pk]).values_list(
        "status", "voucher_number"
    )
    assert sorted(paid) == [("paid", "GK-001"), ("paid", "GK-002")]
