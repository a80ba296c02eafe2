"""The review queue in a real Chromium: district staff find the reports waiting from the
navigation's counts, approve the clean ones in bulk (the selection works under the CSP, with
no inline script), return the one left with a reason, and its clerk finds it on the to-do."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from programs.core.transitions import transition
from programs.models import Indicator, MonthlyReport, UnitMilestone, User, ValidationRule
from programs.reports.services import report_open, report_save, report_store_checks
from safecommunity.calendar import Month
from tests.factories import MilestoneFactory, PhaseFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "office-pass-2025"
SHOTS = os.environ.get("SCREENSHOTS")  # a folder to keep the pages' screenshots in, if set


def log_in(page: Page, live_server, username: str, *, english: bool = False) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username" if english else "用户名").fill(username)
    page.get_by_label("Password" if english else "密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def submitted_report(unit, values, period) -> MonthlyReport:
    clerk = UserFactory(
        username=f"clerk-{unit.code}", role=User.Role.CLERK, unit=unit, password=PASSWORD
    )
    report = report_open(unit=unit, period=period, by=clerk)
    report_save(report=report, by=clerk, version=report.version, values=values, narrative={})
    transition(report, "submit", by=clerk)
    return report


def test_district_approves_the_clean_reports_in_bulk_and_returns_the_one_left(
    page: Page, live_server, browser, browser_context_args
):
    found = Indicator.objects.create(
        code="found", name="发现隐患数", unit_of_measure="处", section=Indicator.Section.HAZARDS
    )
    fixed = Indicator.objects.create(
        code="fixed", name="整改隐患数", unit_of_measure="处", section=Indicator.Section.HAZARDS
    )
    period = Month.last_months(1)[0]
    names = {"T01": "高丽营镇", "T02": "李桥镇", "T03": "南彩镇", "T04": "北务镇"}
    reports = {
        code: submitted_report(
            UnitFactory(code=code, name=name),
            {found.pk: (3, ""), fixed.pk: (1 if code == "T04" else 3, "")},
            period,
        )
        for code, name in names.items()
    }
    # A rule set after T04 submitted: its rectified hazards (1) now fall short of those found.
    ValidationRule.objects.create(
        code="fixed-ge-found",
        name="整改不少于发现",
        left=fixed,
        operator=ValidationRule.Operator.GTE,
        right_indicator=found,
        message_zh="整改隐患数应不少于发现隐患数",
    )
    report_store_checks(report=reports["T04"])
    UserFactory(username="office", role=User.Role.DISTRICT, password=PASSWORD)
    plan = MilestoneFactory(
        phase=PhaseFactory(program=reports["T01"].unit.program, name="启动阶段"),
        name="制定创建工作方案",
        evidence_required=False,
    )
    item = UnitMilestone.objects.get(unit=reports["T01"].unit, milestone=plan)
    transition(item, "submit", by=User.objects.get(username="clerk-T01"))

    # District staff land on the dashboard: the inbox and the navigation count 4 reports.
    log_in(page, live_server, "office")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("#nav-review-count")).to_have_text("5")
    expect(page.locator("#inbox-reports")).to_contain_text("4")
    expect(page.locator("#inbox-milestones")).to_contain_text("1")
    shot(page, "dashboard-inbox")

    page.locator("#nav-review").click()
    page.locator("#nav-queue-reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待审核月报")
    rows = page.locator("#report-queue tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator(f"#queue-report-{reports['T04'].pk}")).to_contain_text("1 条错误")

    # "Select all" takes the clean reports only; the button counts the selection.
    button = page.locator("#bulk-approve")
    expect(button).to_be_disabled()
    page.locator("#select-all-clean").check()
    expect(page.locator("[data-selected-count]")).to_have_text("3")
    expect(page.locator(f"#select-{reports['T04'].pk}")).not_to_be_checked()
    page.locator(f"#select-{reports['T04'].pk}").check()  # chosen by hand: skipped with why
    expect(page.locator("[data-selected-count]")).to_have_text("4")
    shot(page, "report-queue-selected")
    button.click()

    alerts = page.get_by_role("alert")
    expect(alerts.first).to_contain_text("3 份月报已通过，跳过 1 份。")
    expect(page.get_by_text(re.compile(r"已跳过 T04 北务镇 .*违反 1 条错误规则"))).to_be_visible()
    expect(rows).to_have_count(1)
    expect(page.locator("#nav-review-count")).to_have_text("2")
    shot(page, "report-queue-after")

    # The one left is reviewed on its page and returned; no other report waits.
    page.locator(f"#queue-report-{reports['T04'].pk}").get_by_role("link", name="审核").click()
    expect(page.locator("#back-to-queue")).to_be_visible()
    expect(page.locator("#report-checks")).to_contain_text("1 条错误")
    expect(page.locator("#queue-position")).to_have_text("第 1 项，共 1 项")
    shot(page, "report-review")
    page.get_by_label("理由").fill("整改数少于发现数，请核实")
    page.get_by_role("button", name="按此理由退回").click()
    expect(page).to_have_url(re.compile(r"/reports/queue/\?"))
    expect(page.get_by_text("此队列中已没有其他待审月报。")).to_be_visible()

    # The milestone waiting is accepted from its queue; the queue is empty after it.
    page.locator("#nav-review").click()
    page.locator("#nav-queue-milestones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待验收节点任务")
    shot(page, "milestone-queue")
    page.locator(f"#queue-milestone-{item.pk}").get_by_role("link", name="审核").click()
    page.locator("#accept-milestone").click()
    expect(page.get_by_text("此队列中已没有其他待验收节点任务。")).to_be_visible()
    expect(page.locator("#nav-review-count")).to_have_count(0)
    item.refresh_from_db()
    assert item.status == UnitMilestone.Status.ACCEPTED

    statuses = dict(MonthlyReport.objects.values_list("unit__code", "status"))
    assert statuses == {"T01": "approved", "T02": "approved", "T03": "approved", "T04": "returned"}

    # The clerk of T04 finds the returned report, with the reason, on the unit page's to-do.
    clerk_context = browser.new_context(**browser_context_args)
    clerk = clerk_context.new_page()
    log_in(clerk, live_server, "clerk-T04")
    expect(clerk).to_have_url(re.compile(r"/units/T04/$"))
    todo = clerk.locator(f"#todo-returned-{reports['T04'].pk}")
    expect(todo).to_contain_text("整改数少于发现数，请核实")
    shot(clerk, "clerk-todo")
    clerk_context.close()

    # The same queue in English.
    english_context = browser.new_context(**browser_context_args)
    english_context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    office = english_context.new_page()
    log_in(office, live_server, "office", english=True)
    office.goto(f"{live_server.url}/reports/queue/?state=all")
    expect(office.get_by_role("heading", level=1)).to_have_text("Monthly reports to review")
    expect(office.locator("#report-queue tbody tr")).to_have_count(4)
    shot(office, "report-queue-english")
    english_context.close()
