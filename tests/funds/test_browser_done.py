"""Issue 16's "done when" as one journey in a real Chromium, in the portal's language: finance
staff set the unit's budget; its clerk asks for money on the ledger of this year; finance staff,
told by the bell, approve it and record its payment; the clerk, told of the payment, records
spending against a promotion project with its voucher (the voucher's file kept on the
expenditure's page); `/funds/` shows the unit's execution rate; the page of the year's final
accounts and its xlsx file add up to the fen."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from programs.funds.models import Disbursement, Expenditure, FundsDocument
from programs.models import User
from programs.progress.demo import demo_pdf
from tests.factories import PromotionProjectFactory, UnitFactory, UserFactory
from tests.funds.browser import PASSWORD, SUBMIT, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET, DISBURSED, SPENT = 3_000_000, 2_000_050, 1_237_500  # fen: 30,000.00 · 20,000.50 · 12,375.00


def shown(fen: int) -> str:
    """Fen as the pages print yuan: 12,375.00."""
    return f"{Decimal(fen) / 100:,.2f}"


def fen(cell) -> int:
    """A money cell of the xlsx file in fen; whole fen or the test fails."""
    value = Decimal(str(cell.value)) * 100
    assert value == value.to_integral_value(), cell.value
    return int(value)


def test_a_clerk_asks_finance_pays_the_clerk_spends_and_the_accounts_add_up(
    page: Page, live_server, funds, tmp_path
):
    unit = UnitFactory(code="A01", name="甲镇")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    UserFactory(username="finance", role=User.Role.FINANCE, password=PASSWORD)
    project = PromotionProjectFactory(unit=unit, name="老年人防跌倒项目")
    today = timezone.localdate()
    year = today.year
    ledger = f"{live_server.url}/funds/units/A01/{year}/"
    voucher = tmp_path / "支出凭证.pdf"
    voucher.write_bytes(demo_pdf(f"voucher ZC-{year}-001"))

    # Finance staff set the unit's budget line of the year on its ledger.
    sign_in(page, live_server, "finance")
    page.goto(ledger)
    page.locator("#ledger-set-budget").click()
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="区级财政预算")
    page.locator("#id_amount").fill("30,000")
    shot(page, "journey-01-budget-form")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(ledger)
    expect(page.locator("#ledger-budget")).to_contain_text(shown(BUDGET))
    shot(page, "journey-02-budget-set")

    # (1) The clerk opens the ledger of this year from /funds/ and asks for money.
    sign_in(page, live_server, "clerk")
    page.locator("#nav-funds").click()
    expect(page.locator("#funds-year")).to_have_text(str(year))
    page.locator("#funds-table").get_by_role("link", name="甲镇").click()
    expect(page).to_have_url(ledger)
    page.locator("#ledger-request-disbursement").click()
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="区级财政预算")
    page.locator("#id_amount").fill("20,000.50")
    page.locator("#id_purpose").fill("老年人防跌倒项目第一期")
    shot(page, "journey-03-request-form")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(ledger)
    expect(page.locator("#ledger-entries")).to_contain_text("老年人防跌倒项目第一期")
    shot(page, "journey-04-requested")

    # (2) Finance staff are told by the bell, open the request, approve it and pay it.
    sign_in(page, live_server, "finance")
    expect(page.locator("#bell-count")).to_have_text("1")
    page.locator("#bell").click()
    told = page.locator("#notifications tbody tr.notification-unread")
    expect(told).to_have_count(1)
    expect(told).to_contain_text("甲镇")
    shot(page, "journey-05-finance-notifications")
    told.locator("a.notification-link").click()
    expect(page).to_have_url(ledger)
    page.locator("#ledger-entries").get_by_role("link", name="拨付").click()
    expect(page.locator("#disbursement-amount")).to_have_text(shown(DISBURSED))
    expect(page.locator("#remaining-budget")).to_contain_text(shown(BUDGET))
    shot(page, "journey-06-disbursement-requested")
    page.locator("#approve-disbursement").click()
    expect(page.locator("#disbursement-status")).to_have_text("已通过")
    page.locator("#pay-voucher_number").fill(f"BF-{year}-001")
    page.locator("#pay-paid_on").fill(today.isoformat())
    page.locator("#pay-payee").fill("甲镇财政所")
    shot(page, "journey-07-disbursement-approved")
    page.locator("#pay-disbursement").click()
    expect(page.locator("#disbursement-status")).to_have_text("已支付")
    expect(page.locator("#disbursement-voucher")).to_have_text(f"BF-{year}-001")
    shot(page, "journey-08-disbursement-paid")

    # (3) The clerk is told of the payment and records spending against the project.
    sign_in(page, live_server, "clerk")
    expect(page.locator("#bell-count")).to_have_text("2")  # approved, then paid
    page.locator("#bell").click()
    page.locator("#notification-filters select[name=kind]").select_option("disbursement_paid")
    page.locator("#notification-filters button[type=submit]").click()
    paid = page.locator("#notifications tbody tr.notification-unread")
    expect(paid).to_have_count(1)
    expect(paid).to_contain_text("甲镇")
    shot(page, "journey-09-clerk-notifications")
    paid.locator("a.notification-link").click()
    expect(page).to_have_url(ledger)
    expect(page.locator("#ledger-balance")).to_have_text(shown(DISBURSED))
    page.locator("#ledger-record-expenditure").click()
    page.locator("#id_spent_on").fill(today.isoformat())
    page.locator("#id_category").select_option(label="安全促进项目")
    page.locator("#id_source").select_option(label="区级财政预算")
    page.locator("#id_amount").fill("12,375")
    page.locator("#id_description").fill("防跌倒宣传册印刷")
    page.locator("#id_voucher_number").fill(f"ZC-{year}-001")
    page.locator("#id_project").select_option(label=project.name)
    shot(page, "journey-10-expenditure-form")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(ledger)
    entries = page.locator("#ledger-entries")
    expect(entries).to_contain_text(f"ZC-{year}-001")
    expect(entries).to_contain_text(project.name)
    expect(page.locator("#ledger-balance")).to_have_text(shown(DISBURSED - SPENT))
    shot(page, "journey-11-ledger-spent")
    entries.get_by_role("link", name="支出").click()
    expect(page.locator("#expenditure-voucher")).to_have_text(f"ZC-{year}-001")
    expect(page.locator("#expenditure-project")).to_have_text(project.name)
    page.locator("#document-form select[name=kind]").select_option("voucher")
    page.locator("#document-form input[type=file]").set_input_files(str(voucher))
    page.locator("#upload-document").click()
    expect(page.locator("#document-table").get_by_role("link", name=voucher.name)).to_be_visible()
    shot(page, "journey-12-expenditure-voucher")

    # (4) /funds/ shows the unit's execution rate: spent ÷ budget, half up to one decimal.
    rate = (Decimal(100 * SPENT) / BUDGET).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert str(rate) == "41.3"  # 41.25 exactly: half up, not to even
    page.locator("#nav-funds").click()
    cells = page.locator("#funds-unit-A01 td")
    expect(cells.nth(2)).to_have_text(shown(BUDGET))
    expect(cells.nth(3)).to_have_text(shown(DISBURSED))
    expect(cells.nth(4)).to_have_text(shown(SPENT))
    expect(cells.nth(5)).to_have_text(str(rate))
    shot(page, "journey-13-funds-clerk")

    # (5) Finance staff read the year's final accounts and their xlsx file: to the fen.
    sign_in(page, live_server, "finance")
    page.locator("#nav-funds").click()
    expect(page.locator("#funds-unit-A01 td").nth(5)).to_have_text(str(rate))
    expect(page.locator("#funds-total td").nth(4)).to_have_text(str(rate))  # colspan 2
    shot(page, "journey-14-funds-finance")
    page.locator("#funds-accounts-link").click()
    expected = [shown(BUDGET), shown(DISBURSED), shown(SPENT), shown(BUDGET - SPENT), str(rate)]
    expect(page.locator("#accounts-total td")).to_have_text(["合计", *expected])
    shot(page, "journey-15-accounts")
    page.locator("#accounts-export").click()
    expect(page.locator("#job-download")).to_be_visible()
    shot(page, "journey-16-export-job")
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename.endswith(f"-{year}.xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    total = rows[-1]
    assert total[0].value == "合计"
    assert [fen(cell) for cell in total[2:6]] == [BUDGET, DISBURSED, SPENT, BUDGET - SPENT]
    assert [cell.number_format for cell in total[2:7]] == ["0.00"] * 4 + ["0.0"]
    assert Decimal(str(total[6].value)) == rate
    lines = [row for row in rows if not row[0].font.b]  # the (category, source) rows
    assert [sum(fen(row[column]) for row in lines) for column in range(2, 6)] == [
        BUDGET,
        DISBURSED,
        SPENT,
        BUDGET - SPENT,
    ]

    disbursement = Disbursement.objects.get()
    expenditure = Expenditure.objects.get()
    assert (disbursement.status, disbursement.amount_fen) == ("paid", DISBURSED)
    assert (expenditure.amount_fen, expenditure.project) == (SPENT, project)
    assert FundsDocument.objects.get().expenditure == expenditure
