"""Finance staff in a real Chromium: a requested disbursement opened from the unit's ledger,
approved, its payment recorded with the voucher number, date and payee, and a voucher file
kept with it that then downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from programs.funds.models import Disbursement, FundsDocument
from programs.models import User
from programs.progress.demo import demo_pdf
from tests.factories import UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SHOTS, sign_in
from tests.funds.builders import YEAR, budget, requested

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_staff_approve_pay_and_keep_the_voucher(page: Page, live_server, funds, tmp_path):
    UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    unit = UnitFactory(code="A01", name="甲镇")
    budget(unit, 1_000_000, funds)
    asked = requested(unit, 250_000, funds)
    voucher = tmp_path / "拨付凭证.pdf"
    voucher.write_bytes(demo_pdf("voucher BF-2025-001"))
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/funds/units/A01/{YEAR}/")
    page.locator("#ledger-entries").get_by_role("link", name="拨付").click()

    expect(page.locator("#disbursement-amount")).to_have_text("2,500.00")
    expect(page.locator("#remaining-budget")).to_contain_text("10,000.00")
    page.screenshot(path=str(SHOTS / "fundsdocs-requested.png"), full_page=True)
    page.locator("#approve-disbursement").click()

    expect(page.locator("#disbursement-status")).to_have_text("已通过")
    page.locator("#pay-voucher_number").fill("BF-2025-001")
    page.locator("#pay-paid_on").fill(f"{YEAR}-04-01")
    page.locator("#pay-disbursement").click()  # the payee forgotten: said at its field

    expect(page.locator("#pay-payee")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#pay-voucher_number")).to_have_value("BF-2025-001")
    expect(page.locator("#disbursement-status")).to_have_text("已通过")
    page.screenshot(path=str(SHOTS / "fundsdocs-pay-error.png"), full_page=True)
    page.locator("#pay-payee").fill("甲镇财政所")
    page.locator("#pay-disbursement").click()

    expect(page.locator("#disbursement-status")).to_have_text("已支付")
    expect(page.locator("#disbursement-voucher")).to_have_text("BF-2025-001")
    page.locator("#document-form input[type=file]").set_input_files(str(voucher))
    page.locator("#upload-document").click()

    link = page.locator("#document-table").get_by_role("link", name="拨付凭证.pdf")
    expect(link).to_be_visible()
    page.screenshot(path=str(SHOTS / "fundsdocs-paid.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == voucher.read_bytes()
    assert download.value.suggested_filename == "拨付凭证.pdf"

    asked.refresh_from_db()
    assert (asked.status, asked.voucher_number) == (Disbursement.Status.PAID, "BF-2025-001")
    assert FundsDocument.objects.get().disbursement == asked
