"""Finance staff in a real Chromium: from `/funds/` to the year's final accounts, printed on one
A4 page, and their xlsx file downloaded from the job's page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from programs.models import User
from tests.factories import UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SHOTS, sign_in
from tests.funds.builders import YEAR, budget, paid, spent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_staff_print_the_final_accounts_and_download_their_file(
    page: Page, live_server, funds
):
    finance = UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    first = UnitFactory(code="A01", name="甲镇")
    second = UnitFactory(code="B01", name="乙街道", program=first.program)
    budget(first, 1_200_000, funds)
    budget(first, 300_000, funds, source=funds.city_transfer)
    budget(second, 450_050, funds, category=funds.publicity)
    budget(second, 80_000, funds, category=funds.categories["surveillance"])
    paid(first, 600_000, funds, voucher="BF-1", finance=finance)
    spent(first, 100_000, funds, voucher="ZC-1", on=date(YEAR, 2, 10))
    spent(first, 33_333, funds, voucher="ZC-2", on=date(YEAR, 5, 10), source=funds.city_transfer)
    spent(second, 450_051, funds, voucher="ZC-3", category=funds.publicity)

    sign_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/funds/?year={YEAR}")
    page.locator("#funds-accounts-link").click()

    total = page.locator("#accounts-total")
    expect(total).to_contain_text("20,300.50")  # 12,000 + 3,000 + 4,500.50 + 800
    expect(total).to_contain_text("5,833.84")
    expect(page.locator(".accounts-subtotal")).to_have_count(3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "funds-accounts.png"), full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    expect(page.locator("#accounts-filter")).to_be_hidden()
    expect(page.locator("#accounts-signatures")).to_be_visible()
    page.screenshot(path=str(SHOTS / "funds-accounts-print.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") <= 2
    (SHOTS / "funds-accounts.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.locator("#accounts-export").click()
    with page.expect_download() as info:
        page.locator("#job-download").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    assert sheet.title == "决算表" or sheet.title == "Final accounts"
    assert [cell.value for cell in sheet[sheet.max_row]][2:6] == [20300.5, 6000, 5833.84, 14466.66]
