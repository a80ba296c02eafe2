"""In a real Chromium: district staff return a report; the clerk's bell shows 1, the list shows
the return with its reason, opening it leads to the report and the bell goes quiet; the clerk
submits again, district staff are told, open it from their notification and approve it from the
review queue in bulk; the clerk is told."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from programs.core.transitions import transition
from programs.models import MonthlyReport, User, ValidationRule
from tests.factories import MonthlyReportFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "clerk-pass-2025"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def test_the_clerk_is_told_of_a_return_resubmits_and_is_told_of_the_approval(
    page: Page, live_server, browser, browser_context_args
):
    unit = UnitFactory(code="T07", name="马坡镇")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    district = UserFactory(
        username="district",
        role=User.Role.DISTRICT,
        last_name="王",
        first_name="芳",
        password=PASSWORD,
    )
    report = MonthlyReportFactory(
        unit=unit, period=date(2026, 5, 1), status=MonthlyReport.Status.SUBMITTED
    )
    for month in (1, 2, 3):  # older news, already approved
        older = MonthlyReportFactory(
            unit=unit, period=date(2026, month, 1), status=MonthlyReport.Status.SUBMITTED
        )
        transition(older, "approve", by=district)
    transition(report, "return", by=district, reason="火灾起数与活动记录不一致，请核对。")
    from programs.notifications.models import Notification

    Notification.objects.exclude(kind="report_returned").update(read_at="2026-06-01T09:00+08:00")

    log_in(page, live_server, "clerk")

    bell = page.locator("#bell")
    expect(bell.locator("#bell-count")).to_have_text("1")
    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    row = page.locator("#notifications tbody tr").first
    expect(row).to_contain_text("月报 马坡镇 · 2026-05 已被退回。")
    expect(row).to_contain_text("火灾起数与活动记录不一致")
    expect(row).to_contain_text("王芳")
    expect(page.locator("#notifications tbody tr")).to_have_count(4)
    if SCREENSHOTS:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.screenshot(path=f"{SCREENSHOTS}/notifications.png", full_page=True)

    row.get_by_role("link", name=re.compile("已被退回")).click()
    expect(page).to_have_url(re.compile(r"/units/T07/reports/2026-05/$"))
    expect(page.locator("#bell-count")).to_have_count(0)

    # The clerk submits again; district staff are told, open it and approve it.
    page.get_by_role("button", name="提交月报").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")
    office_context = browser.new_context(**browser_context_args)
    office = office_context.new_page()
    log_in(office, live_server, "district")
    office.locator("#bell").click()
    office.get_by_role("link", name="月报 马坡镇 · 2026-05 已提交审核。").click()
    expect(office).to_have_url(re.compile(r"/units/T07/reports/2026-05/$"))
    # From the review queue, in bulk: the clean report is approved by its own move. (Clean:
    # the submit stored no error and no unexplained warning; say what was there if not.)
    report.refresh_from_db()
    assert report.is_clean, (
        report.error_count,
        report.unexplained_count,
        list(report.values.values_list("indicator__code", "value", "prefilled")),
        list(ValidationRule.objects.values_list("pk", flat=True)),
    )
    office.locator("#nav-review").click()
    office.locator("#nav-queue-reports").click()
    expect(office.locator("#report-queue tbody tr")).to_have_count(1)
    office.locator("#select-all-clean").check()
    expect(office.locator("[data-selected-count]")).to_have_text("1")
    office.locator("#bulk-approve").click()
    expect(office.get_by_role("alert").first).to_contain_text("1 份月报已通过")
    expect(office.locator(f"#queue-report-{report.pk}")).to_have_count(0)
    expect(office.locator("#report-queue tbody")).to_contain_text("没有符合条件的月报")
    office_context.close()

    # The clerk is told.
    page.reload()
    expect(page.locator("#bell-count")).to_have_text("1")
    page.locator("#bell").click()
    expect(page.locator("#notifications tbody tr").first).to_contain_text(
        "月报 马坡镇 · 2026-05 已通过审核。"
    )
